"""Which MLSys edition a Semantic Scholar "MLSys" row belongs to: the conference of a year, or the workshop.

S2 labels SysML 2018 (a workshop with 4-page papers), pre-2018 workshop items and the
conference itself all "MLSys", and gives each paper its *earliest* date, usually the
arXiv preprint's: AWQ, Atom and Punica (MLSys 2024) come out as 2023. The seed CSV has
no publication dates, but its rows are in program order, one block per edition (the
last block holds the 2024 papers; 18 of its 26 rows are on the 2024 index page and
none of its rows is on any other). The rule, applied in this order:

1. the title is on a proceedings index page (2024, 2025; fuzzy ratio >= 90 on the
   normalised title, which absorbs "JIT-Q: ..." vs "Just-in-time ..." prefixes) ->
   the conference of that year, and the proceedings' title (so the two records are
   one node);
2. the row comes at or after the first row matched to the 2024 index (the seed's
   last block) -> MLSys 2024;
3. S2 year <= 2018 -> the workshop venue `MLSys-WS` (SysML 2018 and the 2016–2017
   items; never counted as the conference);
4. otherwise the S2 year is kept (2019–2023 S2 years agree with the editions' sizes:
   32 rows for SysML 2019's 32 papers).
A blank S2 year stays blank (one row; it is quarantined as "no year given").
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from graph.ids import normalise_title

CONFERENCE = "MLSys"
WORKSHOP = "MLSys-WS"
LAST_WORKSHOP_YEAR = 2018
TITLE_MATCH = 90.0
ANCHOR_YEAR = 2024


@dataclass(frozen=True)
class Edition:
    venue: str
    year: int | None
    title: str | None  # the proceedings' title when rule 1 matched
    rule: str


def match_index(title: str, index: dict[str, tuple[int, str]]) -> tuple[int, str] | None:
    """(year, proceedings title) of the index entry with this title, if any."""
    keys = {normalise_title(t): entry for t, entry in index.items()}
    found = process.extractOne(normalise_title(title), list(keys), scorer=fuzz.ratio, score_cutoff=TITLE_MATCH)
    return keys[found[0]] if found else None


def assign(rows: list[tuple[str, int | None]], index: dict[str, tuple[int, str]]) -> list[Edition]:
    """Editions of the seed's MLSys rows, given in file order as (title, S2 year)."""
    matches = [match_index(title, index) for title, _ in rows]
    anchor = next((i for i, m in enumerate(matches) if m and m[0] == ANCHOR_YEAR), None)
    out = []
    for i, ((_, s2_year), matched) in enumerate(zip(rows, matches, strict=True)):
        if matched:
            out.append(Edition(CONFERENCE, matched[0], matched[1], "on the proceedings index"))
        elif anchor is not None and i >= anchor:
            out.append(Edition(CONFERENCE, ANCHOR_YEAR, None, "in the seed's 2024 block"))
        elif s2_year is not None and s2_year <= LAST_WORKSHOP_YEAR:
            out.append(Edition(WORKSHOP, s2_year, None, "SysML 2018 workshop or earlier"))
        else:
            out.append(Edition(CONFERENCE, s2_year, None, "S2 year"))
    return out
