"""Academia, industry or lab, from an organisation's type, not from words in its name.

The type is the ROR-style type the institution resolver gives every organisation
(`ingest/institutions/organisations.tsv`, checked by hand): education -> academia,
company -> industry, facility / government / nonprofit / healthcare -> lab (national
labs, research institutes, hospitals). Callers that hold an Institution node pass its
`type`; callers that hold only a name get the type of the organisation that name
resolves to. Organisations outside the table are typed from their name by the resolver
and flagged as guesses there; a type of "other" is reported as `unknown`, not guessed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

Sector = Literal["academia", "industry", "lab", "unknown"]

SECTOR_OF_TYPE: dict[str, Sector] = {
    "education": "academia",
    "company": "industry",
    "facility": "lab",
    "government": "lab",
    "nonprofit": "lab",
    "healthcare": "lab",
}


def sector_of_type(org_type: str | None) -> Sector:
    return SECTOR_OF_TYPE.get(org_type or "", "unknown")


@lru_cache(maxsize=65536)
def _type_of_name(name: str) -> str | None:
    from graph import providers  # the organisation table lives in ingest, installed by atlas_cli.wiring

    return providers.organisation_typer()(name)


def classify_institution(name: str | None, org_type: str | None = None) -> Sector:
    """The sector of an organisation: from `org_type` when known, else from the organisation `name` names."""
    if org_type:
        return sector_of_type(org_type)
    if not name or not name.strip():
        return "unknown"
    return sector_of_type(_type_of_name(name))
