"""Programme-committee audit: balance, concentration, topic coverage and conflicts of interest.

Input is what organisers have: a CSV of PC members (`name`, optional `affiliation` and
ids - author id, ORCID, DBLP pid, OpenReview or Semantic Scholar id) and optionally a
CSV of submissions (`title`, `authors`, optional `id` and `topics`). Names are matched
to people in the graph (ids first, then the folded name or alias, then a close fuzzy
match with rapidfuzz); a stated affiliation breaks ties between same-named people.
Nothing is dropped: unmatched names and ambiguous matches are listed for a human.

Definitions:
- **Background class** of a member: `systems` / `ml` / `both` by the side of the venues
  they published at (any year in range; the systems side is systems, architecture and data
  venues), `mlsys_only` when all their systems/ML-side work is at MLSys, `neither`
  otherwise. The whitepaper asks for an even systems/ML split. `community_split` also
  counts members with papers in each community on its own (architecture, data, ...).
- **Conflict of interest** between a member and a submission:
  `author` (the member is on the author list), `coauthor` (a joint paper published in
  `reference_year - coi_years` .. `reference_year`, default 3 years back from the last
  year of data) or `same_institution` (both affiliated with the same institution in that
  window, or the member's stated affiliation matches the author's). Every conflict
  carries its evidence: the joint papers or the institution and years.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rapidfuzz import fuzz

from graph.analytics import export
from graph.analytics.people import NameIndex, NameMatch, name_index
from graph.analytics.projections import Projection
from graph.analytics.sectors import classify_institution
from graph.errors import InputError
from graph.ids import fold
from graph.venues import COMMUNITY_ORDER

DEFAULT_COI_YEARS = 3
AFFILIATION_MATCH = 88.0  # token_set_ratio between a stated affiliation and an institution name
_ID_COLUMNS = ("id", "ids", "author_id", "orcid", "dblp", "dblp_pid", "openreview", "openreview_id", "s2", "s2_id",
               "semantic_scholar", "openalex", "openalex_id")
_SPLIT_IDS = re.compile(r"[;,\s|]+")

Tagger = Callable[[list[str]], list[list[str]]]


@dataclass
class PCMember:
    name: str
    affiliation: str = ""
    ids: list[str] = field(default_factory=list)
    row: int = 0  # CSV line, for the report


@dataclass
class Submission:
    id: str
    title: str
    authors: list[str]
    topics: list[str] = field(default_factory=list)


@dataclass
class MemberRow:
    row: int
    name: str
    affiliation: str
    status: str  # matched | ambiguous | unmatched
    author: str | None
    matched_name: str | None
    method: str
    match_score: float
    background: str  # systems | ml | both | mlsys_only | neither | unmatched
    systems_lean: float | None
    systems_papers: int
    ml_papers: int
    mlsys_papers: int
    institution: str  # stated affiliation, else the latest one in the graph
    country: str
    sector: str
    topics: list[str] = field(default_factory=list)
    community_papers: dict[str, int] = field(default_factory=dict)  # papers per venue community


@dataclass
class Conflict:
    member: str
    member_name: str
    submission: str
    title: str
    author: str
    author_name: str
    kind: str  # author | coauthor | same_institution
    evidence: str
    papers: list[str] = field(default_factory=list)  # "title (venue year)" of the joint papers


@dataclass
class PCAudit:
    members: list[MemberRow]
    split: list[dict[str, object]]
    institutions: list[dict[str, object]]
    countries: list[dict[str, object]]
    concentration: dict[str, float]
    topic_coverage: list[dict[str, object]]
    conflicts: list[Conflict]
    unmatched: list[dict[str, object]]
    ambiguous: list[dict[str, object]]
    submissions: list[dict[str, object]]
    reference_year: int | None
    coi_years: int
    community_split: list[dict[str, object]] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict[str, object]]]:
        """Every table of the audit, CSV-ready (the page offers each as a download)."""
        summary = [{"metric": k, "value": v} for k, v in self.concentration.items()]
        summary += [{"metric": "reference_year", "value": self.reference_year},
                    {"metric": "coi_years", "value": self.coi_years},
                    {"metric": "members", "value": len(self.members)},
                    {"metric": "unmatched", "value": len(self.unmatched)},
                    {"metric": "ambiguous", "value": len(self.ambiguous)},
                    {"metric": "conflicts", "value": len(self.conflicts)}]
        return {
            "summary": summary, "members": export.rows(self.members), "split": self.split,
            "community_split": self.community_split,
            "institutions": self.institutions, "countries": self.countries, "topic_coverage": self.topic_coverage,
            "conflicts": export.rows(self.conflicts), "unmatched": self.unmatched,
            "ambiguous": [{**a, "candidates": "; ".join(f"{c['name']} ({c['id']}, {c['score']})"
                                                        for c in a["candidates"])} for a in self.ambiguous],  # type: ignore[attr-defined]
            "submissions": self.submissions,
        }

    def write_csv(self, out_dir: Path) -> list[Path]:
        return [export.write_csv(rows, Path(out_dir) / f"pc_{name}.csv") for name, rows in self.tables().items()]


# ---------------------------------------------------------------- reading CSVs
def decode_csv_bytes(data: bytes) -> str:
    """Text of a CSV as spreadsheets save it: UTF-8 (with or without BOM), UTF-16 with a BOM, else
    Windows-1252/Latin-1, the two encodings Excel uses for "CSV" on Western systems. The CLI and the
    explorer's upload both read through here, so one file gives one answer."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _reader(source: str | Path | TextIO) -> tuple[list[dict[str, str]], str]:
    """A Path is a file to read; a str is always CSV *text* (never opened as a path: uploads are text).

    Malformed CSV (an unbalanced quote would silently swallow every later row) and a file with
    no rows are errors that name the file, not an empty analysis."""
    if isinstance(source, Path):
        if not source.is_file():
            raise InputError(f"{source}: no such file; give the path of a CSV file.")
        text, label = decode_csv_bytes(source.read_bytes()), str(source)
    elif isinstance(source, str):
        text, label = source, "CSV text"
    else:
        text, label = source.read(), "CSV upload"
    if "\x00" in text:
        raise InputError(f"{label}: contains NUL bytes; is it a CSV file (saved as text)?")
    try:
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), strict=True))
    except csv.Error as exc:
        raise InputError(f"{label}: not valid CSV ({exc}; check for an unbalanced quote).") from None
    if not rows:
        raise InputError(f"{label}: no rows; the file needs a header line and at least one row.")
    return [{fold(k or "").replace(" ", "_"): (v or "").strip() for k, v in row.items() if k} for row in rows], label


def _column(row: dict[str, str], *names: str) -> str:
    return next((row[n] for n in names if row.get(n)), "")


def read_members_csv(source: str | Path | TextIO) -> list[PCMember]:
    """PC members from a CSV with a `name` column (plus optional affiliation and id columns)."""
    rows, label = _reader(source)
    if rows and not any(k in rows[0] for k in ("name", "full_name", "member")):
        raise InputError(f"{label}: no `name` column (found: {', '.join(rows[0]) or 'none'}).")
    members = []
    for line, row in enumerate(rows, start=2):
        ids = [i for col in _ID_COLUMNS for i in _SPLIT_IDS.split(row.get(col, "")) if i]
        members.append(PCMember(_column(row, "name", "full_name", "member"),
                                _column(row, "affiliation", "institution", "organization", "organisation"), ids, line))
    return members


def split_authors(text: str) -> list[str]:
    """Author lists separated by ';' or '|' (preferred), else by ',' and ' and '."""
    parts = re.split(r"[;|]", text) if re.search(r"[;|]", text) else re.split(r",|\band\b", text)
    return [p.strip() for p in parts if p.strip()]


def read_submissions_csv(source: str | Path | TextIO) -> list[Submission]:
    """Submissions from a CSV with `title` and `authors` columns (optional `id`, `topics`)."""
    rows, label = _reader(source)
    if rows and ("title" not in rows[0] or "authors" not in rows[0]):
        raise InputError(f"{label}: needs `title` and `authors` columns (found: {', '.join(rows[0])}).")
    return [Submission(row.get("id") or f"S{i}", row["title"], split_authors(row["authors"]),
                       [t.strip() for t in re.split(r"[;|,]", row.get("topics", "")) if t.strip()])
            for i, row in enumerate(rows, start=1)]


def default_tagger(titles: list[str], venue: str = "MLSys") -> list[list[str]]:
    """Tag submission titles with the project's topic tagger (the same labels as the graph's papers),
    as papers submitted to `venue` (the tagger weighs evidence by venue community)."""
    from graph.ids import venue_id
    from graph.records import Paper
    from ingest.topics import tag_papers  # imported lazily: ingest depends on graph, not the other way round

    papers = [Paper(id=f"submission:{i}", title=t, year=None, venue_id=venue_id(venue)) for i, t in enumerate(titles)]
    tag_papers(papers)
    return [[tag.topic for tag in p.topics] for p in papers]


# ---------------------------------------------------------------- matching
def _institution_names(proj: Projection, author: str) -> dict[str, str]:
    ids = {i for year_ids in proj.author_institutions.get(author, {}).values() for i in year_ids}
    return {i: proj.institution_info.get(i, (i, None))[0] for i in ids}


def _affiliation_fits(proj: Projection, author: str, affiliation: str) -> bool:
    key = fold(affiliation)
    return bool(key) and any(fuzz.token_set_ratio(key, fold(n)) >= AFFILIATION_MATCH
                             for n in _institution_names(proj, author).values())


def match_person(proj: Projection, index: NameIndex, name: str, affiliation: str = "",
                 ids: list[str] | None = None) -> NameMatch:
    match = index.match(name, ids=ids)
    if match.status == "ambiguous" and affiliation:
        prefer = {str(c["id"]) for c in match.candidates if _affiliation_fits(proj, str(c["id"]), affiliation)}
        if prefer:
            match = index.match(name, ids=ids, prefer=prefer)
    return match


def _background(counts: Counter[str]) -> str:
    s, m, x = counts.get("systems", 0), counts.get("ml", 0), counts.get("mlsys", 0)
    if s and m:
        return "both"
    if s or m:
        return "systems" if s else "ml"
    return "mlsys_only" if x else "neither"


def _latest_institution(proj: Projection, author: str) -> tuple[str, str]:
    by_year = proj.author_institutions.get(author, {})
    for year in sorted(by_year, key=lambda y: y or 0, reverse=True):
        inst = sorted(by_year[year])[0]
        name, country = proj.institution_info.get(inst, (inst, None))
        return name, country or "unknown"
    return "", "unknown"


def _hhi(counter: Counter[str]) -> float:
    total = sum(counter.values())
    return round(sum((n / total) ** 2 for n in counter.values()), 4) if total else 0.0


def _share_rows(counter: Counter[str], key: str) -> list[dict[str, object]]:
    total = sum(counter.values()) or 1
    return [{key: k, "members": n, "share": round(n / total, 4)}
            for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


# ---------------------------------------------------------------- the audit
def audit_program_committee(proj: Projection, members: list[PCMember], submissions: list[Submission] | None = None,
                            *, coi_years: int = DEFAULT_COI_YEARS, reference_year: int | None = None,
                            tagger: Tagger | None = default_tagger) -> PCAudit:
    """Everything an organiser checks about a PC, against the graph of `proj`."""
    index = name_index(proj)
    reference_year = reference_year or proj.ref_year
    unmatched: list[dict[str, object]] = []
    ambiguous: list[dict[str, object]] = []
    rows: list[MemberRow] = []
    for member in members:
        match = match_person(proj, index, member.name, member.affiliation, member.ids)
        counts = proj.author_sides.get(match.author or "", Counter())
        topics = [t for t, _ in proj.author_topics.get(match.author or "", Counter()).most_common()]
        inst_name, country = _latest_institution(proj, match.author) if match.author else ("", "unknown")
        institution = member.affiliation or inst_name
        rows.append(MemberRow(
            row=member.row, name=member.name, affiliation=member.affiliation, status=match.status,
            author=match.author, matched_name=match.name, method=match.method, match_score=match.score,
            background=_background(counts) if match.author else "unmatched",
            systems_lean=round(proj.systems_lean[match.author], 3) if match.author in proj.systems_lean else None,
            systems_papers=counts.get("systems", 0), ml_papers=counts.get("ml", 0), mlsys_papers=counts.get("mlsys", 0),
            institution=institution, country=country, sector=classify_institution(institution), topics=topics,
            community_papers=dict(sorted(proj.author_communities.get(match.author or "", Counter()).items()))))
        if match.status == "unmatched":
            unmatched.append({"kind": "pc_member", "name": member.name, "row": member.row, "reason": match.method})
        elif match.status == "ambiguous":
            ambiguous.append({"kind": "pc_member", "name": member.name, "row": member.row,
                              "affiliation": member.affiliation, "candidates": match.candidates})

    split_counts = Counter(r.background for r in rows)
    total = len(rows) or 1
    split = [{"background": k, "members": split_counts.get(k, 0), "share": round(split_counts.get(k, 0) / total, 4)}
             for k in ("systems", "ml", "both", "mlsys_only", "neither", "unmatched")]
    institutions = Counter(r.institution or "unknown" for r in rows)
    countries = Counter(r.country or "unknown" for r in rows)
    known_inst = Counter({k: v for k, v in institutions.items() if k != "unknown"})
    leans = [r.systems_lean for r in rows if r.systems_lean is not None]
    concentration = {
        "systems_members": float(split_counts["systems"]), "ml_members": float(split_counts["ml"]),
        "both_members": float(split_counts["both"]),
        "mean_systems_lean": round(sum(leans) / len(leans), 3) if leans else 0.0,
        "institution_hhi": _hhi(known_inst), "country_hhi": _hhi(countries),
        "top_institution_share": round(max(known_inst.values()) / total, 4) if known_inst else 0.0,
        "top3_institutions_share": round(sum(n for _, n in known_inst.most_common(3)) / total, 4),
        "top_country_share": round(max(countries.values()) / total, 4) if countries else 0.0,
    }

    submission_rows: list[dict[str, object]] = []
    conflicts: list[Conflict] = []
    coverage_subs: Counter[str] = Counter()
    subs = submissions or []
    if subs:
        tagged = tagger([s.title for s in subs]) if tagger else [[] for _ in subs]
        window_from = (reference_year or 0) - coi_years
        member_ties = {r.author: _ties(proj, r.author, window_from, reference_year) for r in rows if r.author}
        for sub, title_topics in zip(subs, tagged, strict=True):
            matches = [match_person(proj, index, a) for a in sub.authors]
            authors = [m.author for m in matches if m.author]
            topics, source = _submission_topics(proj, sub, title_topics, authors)
            coverage_subs.update(set(topics))
            for m in matches:
                if m.status == "unmatched":
                    unmatched.append({"kind": "submission_author", "name": m.query, "row": sub.id,
                                      "reason": m.method})
                elif m.status == "ambiguous":
                    ambiguous.append({"kind": "submission_author", "name": m.query, "row": sub.id,
                                      "affiliation": "", "candidates": m.candidates})
            submission_rows.append({"id": sub.id, "title": sub.title, "authors": len(sub.authors),
                                    "matched_authors": len(authors), "topics": "; ".join(topics),
                                    "topic_source": source})
            for r in rows:
                if r.author:
                    conflicts.extend(_conflicts(proj, r, member_ties[r.author], sub, authors,
                                                (window_from, reference_year)))

    coverage = _coverage(proj, rows, coverage_subs, len(subs))
    with_community = Counter(c for r in rows for c, n in r.community_papers.items() if n)
    community_split = [{"community": c, "members": with_community.get(c, 0),
                        "share": round(with_community.get(c, 0) / total, 4)} for c in COMMUNITY_ORDER]
    return PCAudit(rows, split, _share_rows(institutions, "institution"), _share_rows(countries, "country"),
                   concentration, coverage, conflicts, unmatched, ambiguous, submission_rows, reference_year, coi_years,
                   community_split)


def _submission_topics(proj: Projection, sub: Submission, title_topics: list[str],
                       authors: list[str]) -> tuple[list[str], str]:
    """Stated topics, else the tagger's labels for the title, else the authors' dominant published topics."""
    if sub.topics:
        return sorted(set(sub.topics)), "stated"
    if title_topics:
        return sorted(set(title_topics)), "title"
    counts: Counter[str] = Counter()
    for author in authors:
        counts.update(proj.author_topics.get(author, Counter()))
    return ([t for t, _ in counts.most_common(2)], "authors") if counts else ([], "none")


@dataclass
class _Ties:
    coauthors: dict[str, list[str]]  # co-author -> joint paper ids in the window
    institutions: dict[str, set[int | None]]  # institution -> years in the window


def _ties(proj: Projection, author: str, year_from: int, year_to: int | None) -> _Ties:
    coauthors: dict[str, list[str]] = defaultdict(list)
    for pid in proj.author_papers.get(author, ()):
        paper = proj.papers[pid]
        if paper.year is not None and paper.year >= year_from and (year_to is None or paper.year <= year_to):
            for other in paper.authors:
                if other != author:
                    coauthors[other].append(pid)
    institutions: dict[str, set[int | None]] = defaultdict(set)
    for year, ids in proj.author_institutions.get(author, {}).items():
        if year is not None and year >= year_from and (year_to is None or year <= year_to):
            for inst in ids:
                institutions[inst].add(year)
    return _Ties(dict(coauthors), dict(institutions))


def _conflicts(proj: Projection, member: MemberRow, ties: _Ties, sub: Submission, authors: Iterable[str],
               window: tuple[int, int | None]) -> list[Conflict]:
    assert member.author
    found: list[Conflict] = []
    for author in dict.fromkeys(authors):
        base = {"member": member.author, "member_name": member.matched_name or member.name, "submission": sub.id,
                "title": sub.title, "author": author, "author_name": proj.name(author)}
        if author == member.author:
            found.append(Conflict(**base, kind="author", evidence="the PC member is an author of the submission"))
            continue
        joint = ties.coauthors.get(author)
        if joint:
            papers = sorted((proj.papers[p] for p in joint), key=lambda p: (-(p.year or 0), p.id))
            years = sorted({p.year for p in papers if p.year})
            found.append(Conflict(**base, kind="coauthor",
                                  evidence=f"{len(papers)} joint paper{'s' if len(papers) > 1 else ''} in "
                                           f"{', '.join(map(str, years))}",
                                  papers=[f"{p.title} ({p.venue} {p.year})" for p in papers]))
        theirs = {i: {y for y, ids in proj.author_institutions.get(author, {}).items()
                      if i in ids and y is not None and window[0] <= y and (window[1] is None or y <= window[1])}
                  for i in ties.institutions}
        shared = {i: ys for i, ys in theirs.items() if ys}
        for inst, their_years in sorted(shared.items()):
            name = proj.institution_info.get(inst, (inst, None))[0]
            found.append(Conflict(**base, kind="same_institution",
                                  evidence=f"both at {name}: member {sorted(ties.institutions[inst])}, "
                                           f"author {sorted(their_years)}"))
        if not shared and member.affiliation and _affiliation_fits(proj, author, member.affiliation):
            recent = _latest_institution(proj, author)[0]
            found.append(Conflict(**base, kind="same_institution",
                                  evidence=f"member's stated affiliation {member.affiliation!r} matches the author's "
                                           f"institution {recent!r}"))
    return found


def _coverage(proj: Projection, rows: list[MemberRow], submission_topics: Counter[str],
              n_submissions: int) -> list[dict[str, object]]:
    experts: Counter[str] = Counter()
    for r in rows:
        experts.update(set(r.topics))
    matched = sum(1 for r in rows if r.author) or 1
    kinds = proj.topic_kinds
    out = []
    for label in sorted(set(experts) | set(submission_topics) | set(kinds)):
        subs, pcs = submission_topics.get(label, 0), experts.get(label, 0)
        per_10 = round(10 * pcs / subs, 2) if subs else None
        status = ("uncovered" if subs and not pcs else "thin" if subs and per_10 is not None and per_10 < 1
                  else "ok" if subs else "no submissions")
        out.append({"label": label, "kind": kinds.get(label, "topic"), "submissions": subs,
                    "submission_share": round(subs / n_submissions, 4) if n_submissions else 0.0,
                    "pc_experts": pcs, "pc_share": round(pcs / matched, 4),
                    "experts_per_10_submissions": per_10, "status": status})
    return out
