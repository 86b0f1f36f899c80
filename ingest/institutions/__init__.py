"""Institution resolution: a printed affiliation string -> one real organisation (or none).

`InstitutionResolver` (resolver.py) answers one string at a time against the alias table
(`organisations.tsv`, read by table.py, extended by the user's decisions in decisions.py);
link.py applies it to a build's authorships and makes the Institution records.
"""

from ingest.institutions.resolver import InstitutionResolver, Resolution
from ingest.institutions.table import Organisation, OrgTable

__all__ = ["InstitutionResolver", "OrgTable", "Organisation", "Resolution"]
