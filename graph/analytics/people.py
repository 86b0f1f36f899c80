"""Find the person a user means: by id, by exact (folded) name or alias, or by a close fuzzy match.

Shared by the CLI, the pages and the programme-committee audit so that "Jose Gonzalez",
"José González" and "author:…" resolve the same way everywhere, and a name that fits
several people is reported as ambiguous instead of silently picking one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz import fuzz, process

from graph.analytics.projections import MISSING, GraphData, Projection
from graph.errors import AtlasError
from graph.ids import fold

FUZZY_ACCEPT = 90.0  # token_sort_ratio for a fuzzy match to count at all
FUZZY_MARGIN = 3.0  # a fuzzy winner must beat the runner-up by this much, else it is ambiguous

MatchStatus = Literal["matched", "ambiguous", "unmatched"]


class UnknownPersonError(AtlasError):
    """The text names nobody in the graph, or several people equally well."""


@dataclass
class NameMatch:
    query: str
    status: MatchStatus
    author: str | None = None
    name: str | None = None
    method: str = ""  # id, exact, exact+affiliation, fuzzy
    score: float = 0.0
    candidates: list[dict[str, object]] = field(default_factory=list)  # for ambiguous: id, name, score


class NameIndex:
    """Folded names and aliases of every author, plus external ids, for exact and fuzzy lookup."""

    def __init__(self, data: GraphData, parts: tuple[Any, ...] | None = None) -> None:
        """`parts`: what `parts()` returned for this same data (the build cache saves it: folding every name
        is most of the index's 0.5-2 s on the full snapshot)."""
        self.data = data
        if parts is not None:
            self.by_key, self.by_external, self.keys, self.by_last = parts
            return
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_external: dict[str, str] = {}
        for record in data.authors.values():
            for name in (record.name, *record.aliases):
                key = fold(name)
                if key:
                    self.by_key[key].add(record.id)
            for kind, value in record.external_ids:
                self.by_external[f"{kind}:{value.lower()}"] = record.id
                self.by_external[value.lower()] = record.id
        self.keys = sorted(self.by_key)
        self.by_last: dict[str, list[str]] = defaultdict(list)  # last name -> folded full names, for "J. Smith"
        for key in self.keys:
            self.by_last[key.rsplit(" ", 1)[-1]].append(key)

    def parts(self) -> tuple[Any, ...]:
        """Everything but the data, for the build cache (graph.analytics.projections.SAVED_VIEWS)."""
        return self.by_key, self.by_external, self.keys, self.by_last

    def lookup_id(self, text: str) -> str | None:
        text = text.strip()
        if text in self.data.authors:
            return text
        return self.by_external.get(text.lower())

    def match(self, query: str, *, ids: list[str] | None = None,
              prefer: set[str] | None = None) -> NameMatch:
        """Match one name. `ids` (author ids, ORCID, DBLP pid, OpenReview id...) win over the name;
        `prefer` breaks a tie between same-named people (e.g. those at the stated affiliation)."""
        for candidate in ids or []:
            author = self.lookup_id(candidate) if candidate else None
            if author:
                return NameMatch(query, "matched", author, self.data.authors[author].name, "id", 100.0)
        key = fold(query)
        if not key:
            return NameMatch(query, "unmatched", method="empty name")
        exact = sorted(self.by_key.get(key, ()))
        if len(exact) == 1:
            return NameMatch(query, "matched", exact[0], self.data.authors[exact[0]].name, "exact", 100.0)
        if len(exact) > 1:
            preferred = [a for a in exact if prefer and a in prefer]
            if len(preferred) == 1:
                return NameMatch(query, "matched", preferred[0], self.data.authors[preferred[0]].name,
                                 "exact+affiliation", 100.0)
            return NameMatch(query, "ambiguous", method="exact", score=100.0, candidates=[
                {"id": a, "name": self.data.authors[a].name, "score": 100.0} for a in exact])
        hits = process.extract(key, self.keys, scorer=fuzz.token_sort_ratio, limit=5, score_cutoff=FUZZY_ACCEPT)
        if not hits:
            return self._by_initials(query, key, prefer)
        people = [(author, score) for choice, score, _ in hits for author in sorted(self.by_key[choice])]
        best_score = people[0][1]
        close = [(a, s) for a, s in people if best_score - s < FUZZY_MARGIN]
        if prefer:
            close_preferred = [(a, s) for a, s in close if a in prefer]
            if len(close_preferred) == 1:
                close = close_preferred
        if len({a for a, _ in close}) == 1:
            author = close[0][0]
            return NameMatch(query, "matched", author, self.data.authors[author].name, "fuzzy", round(best_score, 1))
        return NameMatch(query, "ambiguous", method="fuzzy", score=round(best_score, 1), candidates=[
            {"id": a, "name": self.data.authors[a].name, "score": round(s, 1)} for a, s in people])


    def _by_initials(self, query: str, key: str, prefer: set[str] | None) -> NameMatch:
        """'J. Smith' / 'J Q Smith': same last name, given names starting with the same letters."""
        tokens = key.split()
        initials = [t for t in tokens[:-1] if len(t) == 1]
        if len(tokens) < 2 or not initials or len(initials) != len(tokens) - 1:
            return NameMatch(query, "unmatched", method="no name within the fuzzy threshold")
        people = sorted({author for full in self.by_last.get(tokens[-1], ())
                         if _initials_fit(initials, full.split()[:-1]) for author in self.by_key[full]})
        if prefer and len([a for a in people if a in prefer]) == 1:
            people = [a for a in people if a in prefer]
        if len(people) == 1:
            return NameMatch(query, "matched", people[0], self.data.authors[people[0]].name, "initials", 80.0)
        if people:
            return NameMatch(query, "ambiguous", method="initials", score=80.0, candidates=[
                {"id": a, "name": self.data.authors[a].name, "score": 80.0} for a in people[:20]])
        return NameMatch(query, "unmatched", method="no name within the fuzzy threshold")


def _initials_fit(initials: list[str], given: list[str]) -> bool:
    return len(given) >= len(initials) and all(g.startswith(i) for i, g in zip(initials, given, strict=False))


def name_index(proj: Projection) -> NameIndex:
    def build() -> NameIndex:
        parts = proj.restore("name_index")
        return NameIndex(proj.data, None if parts is MISSING else parts)

    return proj.memo("name_index", build)


# A namesake is assumed when they have at least this many papers and this many times the runner-up's:
# mostly a profile split off the same person (identity keeps a few fragments apart rather than merge
# wrongly), so "Ion Stoica" (107 papers vs 3) is the one organisers mean. The others stay candidates
# and are still checked: what they find is reported as possible conflicts.
DOMINANT_MIN_PAPERS = 5
DOMINANT_RATIO = 4.0


def clear_namesake(paper_counts: list[int]) -> int | None:
    """Index of the namesake with by far the most papers, if there is one (see DOMINANT_*)."""
    if not paper_counts:
        return None
    ranked = sorted(range(len(paper_counts)), key=lambda i: -paper_counts[i])
    top = paper_counts[ranked[0]]
    runner_up = paper_counts[ranked[1]] if len(ranked) > 1 else 0
    return ranked[0] if top >= DOMINANT_MIN_PAPERS and top >= DOMINANT_RATIO * max(runner_up, 1) else None


def dominant_candidate(proj: Projection, candidates: list[dict[str, object]]) -> str | None:
    """The candidate with by far the most papers, if there is one.

    "Matei Zaharia" with 60 papers and a namesake with 2 is a question users expect to be
    answered, not refused; two namesakes with 12 and 9 papers are not.
    """
    ids = sorted(str(c["id"]) for c in candidates)
    chosen = clear_namesake([len(proj.author_papers.get(a, ())) for a in ids])
    return ids[chosen] if chosen is not None else None


def latest_institution(proj: Projection, author: str) -> tuple[str, str]:
    """(name, country) of the person's institution on their latest paper that has one."""
    by_year = proj.author_institutions.get(author, {})
    for year in sorted(by_year, key=lambda y: y or 0, reverse=True):
        inst = sorted(by_year[year])[0]
        name, country = proj.institution_info.get(inst, (inst, None))
        return name, country or "unknown"
    return "", "unknown"


def describe_candidates(proj: Projection, candidates: list[dict[str, object]]) -> list[dict[str, object]]:
    """Candidates ranked by papers, each with what tells namesakes apart: years, affiliation, id."""
    rows = []
    for c in candidates:
        author = str(c["id"])
        years = [proj.papers[p].year for p in proj.author_papers.get(author, ()) if p in proj.papers]
        known = [y for y in years if y]
        rows.append({"id": author, "name": proj.name(author), "papers": len(years),
                     "years": f"{min(known)}-{max(known)}" if known else "",
                     "affiliation": latest_institution(proj, author)[0]})
    rows.sort(key=lambda r: (-int(r["papers"]), str(r["id"])))  # type: ignore[call-overload]
    for number, row in enumerate(rows, 1):
        row["pick"] = number
    return rows


def candidates_text(rows: list[dict[str, object]], limit: int = 8) -> str:
    lines = [f"  {r['pick']}. {r['name']} - {r['papers']} papers {r['years']}"
             + (f", {r['affiliation']}" if r["affiliation"] else "") + f" ({r['id']})" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"  ... and {len(rows) - limit} more")
    return "\n".join(lines)


@dataclass(frozen=True)
class PersonChoice:
    """Whom a name was taken to mean, and a note for the user when it was a choice among namesakes."""

    author: str
    note: str = ""


def choose_person(proj: Projection, text: str, pick: int | None = None) -> PersonChoice:
    """An id, an exact name, an unambiguous fuzzy name, the `pick`-th namesake, or a dominant one.

    Ambiguity is never silent: either the user picked (`--pick N`), or the namesake with by
    far the most papers is taken and the note lists the others, or the error lists them all
    with what tells them apart.
    """
    match = name_index(proj).match(text, ids=[text])
    if match.status == "matched" and match.author:
        return PersonChoice(match.author)
    if match.status != "ambiguous":
        raise UnknownPersonError(f"Nobody called {text!r} in the graph.")
    rows = describe_candidates(proj, match.candidates)
    if pick is not None:
        if not 1 <= pick <= len(rows):
            raise UnknownPersonError(f"--pick {pick}: {text!r} has {len(rows)} candidates:\n{candidates_text(rows)}")
        return PersonChoice(str(rows[pick - 1]["id"]))
    dominant = dominant_candidate(proj, match.candidates)
    if dominant:
        return PersonChoice(dominant, f"{text!r} fits {len(rows)} people; taking the one with by far the most "
                                      f"papers (--pick N to choose another):\n{candidates_text(rows)}")
    raise UnknownPersonError(f"{text!r} fits several people; pass --pick N or the author id:\n"
                             f"{candidates_text(rows)}")


def resolve_person(proj: Projection, text: str, pick: int | None = None) -> str:
    """Author id for an id, exact name, unambiguous fuzzy name or clear namesake; a clear error otherwise."""
    return choose_person(proj, text, pick).author
