"""The shipped alias table is well-formed and never states a look-alike alias."""

from __future__ import annotations

from ingest.institutions.places import is_place
from ingest.institutions.table import TYPES, read_table, shipped_table


def test_every_organisation_has_a_country_a_type_and_a_known_parent() -> None:
    rows = read_table()
    keys = [r.key for r in rows]
    assert len(keys) == len(set(keys)) and len(rows) > 400
    for row in rows:
        assert row.country and len(row.country) == 2 and row.country.isupper(), row.key
        assert row.type in TYPES, row.key
        assert row.parent is None or row.parent in keys, row.key


def test_no_alias_is_only_a_place() -> None:
    """"Berkeley", "Washington", "Columbia" alone would merge look-alikes."""
    table = shipped_table()
    # Short names that are also a town or read as a state code, but only ever mean the one organisation.
    allowed = {"stanford", "ut austin", "ut dallas"}
    assert not [key for key in table.index if is_place(key) and key not in allowed]
    for word in ("berkeley", "washington", "columbia", "chicago", "california", "princeton", "oxford"):
        assert word not in table.index


def test_shared_aliases_name_organisations_of_different_countries() -> None:
    table = shipped_table()
    for key, holders in table.index.items():
        if len(holders) > 1:
            countries = [table.orgs[h].country for h in holders]
            assert len(set(countries)) == len(countries), (key, holders)
