"""The organisation table: `organisations.tsv` (shipped) plus the user's decisions, indexed for matching.

Every name and alias is folded into a match key (see `match_key`) and indexed by key;
one key may name several organisations (two "Northeastern University"s), which the
resolver tells apart by country. Units point at their parent with `parent`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graph.ids import fold

TABLE_PATH = Path(__file__).with_name("organisations.tsv")
TYPES = ("education", "company", "facility", "nonprofit", "government", "healthcare", "archive", "other")
ID_PREFIX = "inst:org:"

# Spelling variants folded to one form on both sides (alias and affiliation), so that
# "Labs"/"Lab"/"Laboratory", "Univ."/"University", "Dept"/"Department", "St."/"Saint"
# and a leading or inner "the" do not stop an exact match.
_WORD_FORMS = {"labs": "laboratory", "lab": "laboratory", "laboratories": "laboratory", "univ": "university",
               "dept": "department", "depts": "department", "saint": "st", "ctr": "center", "centre": "center",
               "inst": "institute", "technol": "technology", "tech": "technology"}
_DROP_WORDS = frozenset({"the"})


def match_key(text: str) -> str:
    """Folded text with '&' read as 'and' and spelling variants unified: the key aliases are indexed by."""
    words = fold(text.replace("&", " and ")).split()
    return " ".join(_WORD_FORMS.get(w, w) for w in words if w not in _DROP_WORDS)


@dataclass
class Organisation:
    key: str
    name: str
    country: str | None
    type: str
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)
    flags: dict[str, list[str]] = field(default_factory=dict)  # "mislink": [], "hosted_by": [keys]
    ror: str | None = None
    openalex: str | None = None
    node_id: str | None = None  # set for organisations outside the table (id from the name)
    curated: bool = True  # False: made up from an unmatched string; country/type from its words
    country_source: str = "table"  # table | source-field | string | none (see graph.records.Institution)
    type_source: str = "table"  # table | name | none

    @property
    def id(self) -> str:
        return self.node_id or f"{ID_PREFIX}{self.key}"

    @property
    def mislink(self) -> bool:
        return "mislink" in self.flags


def _parse_flags(raw: str) -> dict[str, list[str]]:
    flags: dict[str, list[str]] = {}
    for item in filter(None, (f.strip() for f in raw.split(";"))):
        name, _, values = item.partition(":")
        flags[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
    return flags


def read_table(path: Path = TABLE_PATH) -> list[Organisation]:
    """Rows of the shipped TSV; '#' lines are comments. Raises ValueError naming the bad line."""
    rows: list[Organisation] = []
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for number, row in enumerate(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
        key, name, org_type = (row.get("key") or "").strip(), (row.get("name") or "").strip(), row.get("type") or ""
        if not key or not name or org_type.strip() not in TYPES:
            raise ValueError(f"{path.name}: row {number} needs key, name and a type in {TYPES}: {row}")
        rows.append(Organisation(
            key=key, name=name, country=(row.get("country") or "").strip() or None, type=org_type.strip(),
            parent=(row.get("parent") or "").strip() or None,
            aliases=[a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()],
            flags=_parse_flags(row.get("flags") or "")))
    return rows


_ACRONYM = re.compile(r"^[A-Z][A-Z0-9*]{1,5}$")


@dataclass
class OrgTable:
    """Organisations by key and an index from match key to the organisations it names."""

    orgs: dict[str, Organisation]
    index: dict[str, list[str]]
    acronyms: dict[str, str]  # match key of a short all-capitals alias -> the alias as written ("MIT")
    max_words: int

    @classmethod
    def build(cls, orgs: Iterable[Organisation]) -> OrgTable:
        by_key: dict[str, Organisation] = {}
        for org in orgs:
            by_key[org.key] = org
        index: dict[str, list[str]] = {}
        acronyms: dict[str, str] = {}
        worded: set[str] = set()  # keys some alias writes as a word ("Inria"), not only as an acronym ("INRIA")
        for org in by_key.values():
            for alias in [org.name, *org.aliases]:
                key = match_key(alias)
                if not key:
                    continue
                holders = index.setdefault(key, [])
                if org.key not in holders:
                    holders.append(org.key)
                if _ACRONYM.match(alias.strip()):
                    acronyms[key] = alias.strip()
                else:
                    worded.add(key)
        for key in worded:
            acronyms.pop(key, None)
        for org in by_key.values():
            if org.parent and org.parent not in by_key:
                raise ValueError(f"organisation {org.key!r} names an unknown parent {org.parent!r}")
        max_words = max((len(k.split()) for k in index), default=1)
        return cls(by_key, index, acronyms, max_words)

    def top(self, key: str) -> str:
        """The top-level organisation of a unit (the unit's own key if it has no parent)."""
        seen = set()
        while self.orgs[key].parent and key not in seen:
            seen.add(key)
            key = self.orgs[key].parent or key
        return key


@lru_cache(maxsize=1)
def shipped_table() -> OrgTable:
    return OrgTable.build(read_table())
