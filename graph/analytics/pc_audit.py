"""Programme-committee audit: balance, concentration, topic coverage and conflicts of interest.

Input is what organisers have: a CSV of PC members (`name`, optional `affiliation` and
ids - author id, ORCID, DBLP pid, OpenReview or Semantic Scholar id) and optionally a
CSV of submissions (`title`, `authors`, optional `id`, `author_ids` and `topics`). A name
cell may carry its affiliation ("Ion Stoica, UC Berkeley", "Ion Stoica (UC Berkeley)")
or an id ("Hao Zhang [dblp:z/HaoZhang2]", "~Hao_Zhang2", an ORCID, "author:…"), so a
list pasted from a call for papers works as it is. Names are matched to people in the
graph (ids first, then the folded name or alias, then a close fuzzy match with
rapidfuzz); a stated affiliation (with the usual abbreviations: "UC Berkeley", "CMU")
breaks ties between same-named people.

Nothing is dropped silently. A name that still fits several people is either resolved by
the organiser (`resolutions`: the page lets them pick the person) or checked against every
candidate, and what that finds is reported as a *possible* conflict naming the candidate,
beside the definite ones. Unmatched names are listed, and `warnings()` counts both.

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rapidfuzz import fuzz

from graph.analytics import export
from graph.analytics.people import NameIndex, NameMatch, dominant_candidate, latest_institution, name_index
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
    candidates: list[str] = field(default_factory=list)  # ambiguous: every author id the name fits


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
    certainty: str = "definite"  # definite | possible (a name fits several people; see `note`)
    note: str = ""  # for a possible conflict: which reading of an ambiguous name it holds for
    member_matched_name: str = ""  # the member's name in the graph (member_name is the name as given)


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
    assumed: list[dict[str, object]] = field(default_factory=list)  # namesakes taken as the one with most papers

    def tables(self) -> dict[str, list[dict[str, object]]]:
        """Every table of the audit, CSV-ready (the page offers each as a download)."""
        summary = [{"metric": k, "value": v} for k, v in self.concentration.items()]
        summary += [{"metric": "reference_year", "value": self.reference_year},
                    {"metric": "coi_years", "value": self.coi_years},
                    {"metric": "members", "value": len(self.members)},
                    {"metric": "unmatched", "value": len(self.unmatched)},
                    {"metric": "ambiguous", "value": len(self.ambiguous)},
                    {"metric": "conflicts", "value": len(self.conflicts)},
                    {"metric": "definite_conflicts", "value": len(self.conflicts) - self.possible_conflicts},
                    {"metric": "possible_conflicts", "value": self.possible_conflicts}]
        return {
            "summary": summary, "members": export.rows(self.members), "split": self.split,
            "community_split": self.community_split,
            "institutions": self.institutions, "countries": self.countries, "topic_coverage": self.topic_coverage,
            "conflicts": export.rows(self.conflicts), "unmatched": self.unmatched,
            "ambiguous": [{**a, "candidates": "; ".join(f"{c['name']} ({c['id']}, {c['score']})"
                                                        for c in a["candidates"])} for a in self.ambiguous],  # type: ignore[attr-defined]
            "submissions": self.submissions,
            "assumed": [{**a, "candidates": "; ".join(f"{c['name']} ({c['id']})" for c in a["candidates"])}  # type: ignore[attr-defined]
                        for a in self.assumed],
        }

    @property
    def possible_conflicts(self) -> int:
        return sum(1 for c in self.conflicts if c.certainty == "possible")

    def warnings(self) -> list[str]:
        """What the organiser must know before trusting the conflict list (shown as a banner and by the CLI)."""
        out = []
        for kind, who in (("pc_member", "PC member"), ("submission_author", "submission author")):
            missing = sum(1 for u in self.unmatched if u["kind"] == kind)
            unsure = sum(1 for a in self.ambiguous if a["kind"] == kind)
            if missing:
                out.append(f"{missing} {who} name{'s' if missing > 1 else ''} not found in the graph: "
                           f"{'their' if missing > 1 else 'its'} conflicts cannot be checked. "
                           "Fix the spelling or add an id (DBLP pid, OpenReview id, ORCID).")
            if unsure:
                out.append(f"{unsure} {who} name{'s' if unsure > 1 else ''} fit several people: every "
                           "candidate was checked and what that finds is listed as a possible conflict. "
                           "Pick the person, or add an affiliation or id.")
            taken = sum(1 for a in self.assumed if a["kind"] == kind)
            if taken:
                out.append(f"{taken} {who} name{'s' if taken > 1 else ''} fit several people and "
                           f"{'were' if taken > 1 else 'was'} taken to be the namesake with by far the most papers; "
                           "the other namesakes were checked too (possible conflicts).")
        return out

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


def _reader(source: str | Path | TextIO, what: str) -> tuple[list[dict[str, str]], str]:
    """A Path is a file to read; a str is always CSV *text* (never opened as a path: uploads are text).

    Malformed CSV (an unbalanced quote would silently swallow every later row) and a file with
    no rows are errors that name the file, not an empty analysis. Cells spilling past the header
    (an unquoted "Name, Affiliation") are kept under `_extra`; a header with `;` or tabs and no
    commas (spreadsheets in many locales) is read with that delimiter.
    """
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
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{label} is empty (no rows): expected a header line and one {what} per line.")
    header = text.strip().splitlines()[0]
    delimiter = next((d for d in (",", ";", "\t") if d in header), ",")
    try:
        raw = list(csv.DictReader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputError(f"{label}: not valid CSV ({exc}; check for an unbalanced quote).") from None
    rows = []
    for row in raw:
        clean = {fold(k or "").replace(" ", "_"): (v or "").strip() for k, v in row.items() if k}
        extra = row.get(None)  # type: ignore[call-overload]
        if extra:
            clean["_extra"] = ", ".join(e.strip() for e in extra if e and e.strip())
        if any(clean.values()):
            rows.append(clean)
    if not rows:
        raise InputError(f"{label} has a header ({header.strip()[:80]!r}) but no {what} rows (no rows below it).")
    return rows, label


def _column(row: dict[str, str], *names: str) -> str:
    return next((row[n] for n in names if row.get(n)), "")


# ---------------------------------------------------------------- names with affiliations or ids
_ORCID = re.compile(r"^(https?://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dXx]$")
_ID_PREFIX = re.compile(r"^(author|orcid|dblp|dblp_pid|openreview|openreview_id|s2|s2_id|openalex|openalex_id)\s*:",
                        re.IGNORECASE)
_DBLP_PID = re.compile(r"^[\w-]+/[\w.-]+$")
_OPENREVIEW = re.compile(r"^~[^\s~]+\d+$")
_BRACKETED = re.compile(r"[\[<{]([^\]>}]*)[\]>}]")
_PARENTHESISED = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<aff>[^()]*)\)\s*$")
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd"}
_DBLP_HOMONYM = re.compile(r"\s+\d{4}$")  # DBLP's "Wei Wang 0001"


def looks_like_id(token: str) -> bool:
    """An author id, ORCID, DBLP pid or OpenReview id written where a name was expected."""
    token = token.strip().strip(",;")
    return bool(token) and bool(_ORCID.match(token) or _ID_PREFIX.match(token) or _DBLP_PID.match(token)
                                or _OPENREVIEW.match(token))


def _id_values(token: str) -> list[str]:
    """The id as written and without its prefix ("dblp:z/X" -> also "z/X"), since stores name kinds differently."""
    token = token.strip().strip(",;")
    values = [token]
    if _ID_PREFIX.match(token) and not token.lower().startswith("author:"):
        values.append(token.split(":", 1)[1].strip())
    if token.lower().startswith("http") and "orcid.org/" in token:
        values.append(token.rsplit("/", 1)[-1])
    return values


@dataclass(frozen=True)
class NameField:
    name: str
    affiliation: str = ""
    ids: tuple[str, ...] = ()


def parse_name_field(text: str) -> NameField:
    """Split a name cell into name, affiliation and ids.

    "Ion Stoica, UC Berkeley" and "Ion Stoica (UC Berkeley)" carry an affiliation;
    "Stoica, Ion" is a reversed name; "Hao Zhang [dblp:z/HaoZhang2]", "~Hao_Zhang2" or a bare
    ORCID carry an id. Why: a name with its affiliation left in it matches nobody exactly, and
    dropping the affiliation would lose what tells two same-named people apart.
    """
    ids: list[str] = []

    def take_ids(m: re.Match[str]) -> str:
        inner = [t for t in _SPLIT_IDS.split(m.group(1)) if t]
        if inner and all(looks_like_id(t) for t in inner):
            for t in inner:
                ids.extend(_id_values(t))
            return " "
        return m.group(0)

    text = _BRACKETED.sub(take_ids, text or "")
    words = []
    for word in text.split():
        if looks_like_id(word):
            ids.extend(_id_values(word))
        else:
            words.append(word)
    text = " ".join(words).strip(" ,;")
    affiliation = ""
    paren = _PARENTHESISED.match(text)
    if paren:
        text, affiliation = paren.group("name").strip(), paren.group("aff").strip()
    elif "@" in text:
        text, affiliation = (part.strip() for part in text.split("@", 1))
    elif "," in text:
        parts = [p.strip() for p in text.split(",") if p.strip()]
        while len(parts) > 1 and fold(parts[1]).replace(" ", "") in _NAME_SUFFIXES:
            parts[0:2] = [f"{parts[0]} {parts[1]}"]
        if len(parts) == 1:
            text = parts[0]
        elif len(parts[0].split()) == 1 and len(parts[1].split()) <= 3:  # "Stoica, Ion[, UC Berkeley]"
            text, affiliation = f"{parts[1]} {parts[0]}", ", ".join(parts[2:])
        else:
            text, affiliation = parts[0], ", ".join(parts[1:])
    return NameField(text.strip(), affiliation, tuple(dict.fromkeys(ids)))


def read_members_csv(source: str | Path | TextIO) -> list[PCMember]:
    """PC members from a CSV with a `name` column (plus optional affiliation and id columns).

    The name cell may hold "Name, Affiliation", "Name (Affiliation)" or an id (see `parse_name_field`).
    """
    rows, label = _reader(source, "PC member")
    if not any(k in rows[0] for k in ("name", "full_name", "member")):
        found = ", ".join(k for k in rows[0] if k != "_extra") or "none"
        raise InputError(f"{label}: no `name` column (found: {found}). The first line must be a header such as "
                         "`name,affiliation`.")
    members = []
    for line, row in enumerate(rows, start=2):
        parsed = parse_name_field(_column(row, "name", "full_name", "member"))
        ids = [i for col in _ID_COLUMNS for raw in _SPLIT_IDS.split(row.get(col, "")) if raw
               for i in _id_values(raw)]
        affiliation = (_column(row, "affiliation", "institution", "organization", "organisation")
                       or parsed.affiliation or row.get("_extra", ""))
        members.append(PCMember(parsed.name, affiliation, list(dict.fromkeys([*ids, *parsed.ids])), line))
    if not any(m.name or m.ids for m in members):
        raise InputError(f"{label}: the name column is empty on every row.")
    return members


def split_authors(text: str) -> list[str]:
    """Author lists separated by ';' or '|' (preferred), else by ',' and ' and '.

    Separators inside brackets stay: "Ion Stoica (University of California, Berkeley)" is one author.
    """
    masked = _mask_brackets(text)
    pattern = r"[;|]" if re.search(r"[;|]", masked) else r",|\band\b"
    parts, start = [], 0
    for m in re.finditer(pattern, masked):
        parts.append(text[start:m.start()])
        start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _mask_brackets(text: str) -> str:
    """`text` with every character inside (), [] or <> replaced by '_' (same length, so offsets hold)."""
    out, depth = [], 0
    for ch in text:
        if ch in "([<{":
            depth += 1
        elif ch in ")]>}" and depth:
            depth -= 1
            out.append("_")
            continue
        out.append("_" if depth else ch)
    return "".join(out)


def read_submissions_csv(source: str | Path | TextIO) -> list[Submission]:
    """Submissions from a CSV with `title` and `authors` columns (optional `id`, `topics`, `author_ids`).

    An author may be given as a name, "Name (Affiliation)", "Name [id]" or a bare id; `author_ids`
    (same order as `authors`, `;`-separated, blanks allowed) adds an id to each author.
    """
    rows, label = _reader(source, "submission")
    if "title" not in rows[0] or "authors" not in rows[0]:
        found = ", ".join(k for k in rows[0] if k != "_extra")
        raise InputError(f"{label}: needs `title` and `authors` columns (found: {found}).")
    subs = []
    for i, row in enumerate(rows, start=1):
        authors = split_authors(row["authors"])
        extra_ids = [p.strip() for p in re.split(r"[;|]", row.get("author_ids", ""))]
        for j, raw in enumerate(extra_ids[:len(authors)]):
            if raw:
                authors[j] = f"{authors[j]} [{raw}]"
        subs.append(Submission(row.get("id") or f"S{i}", row["title"], authors,
                               [t.strip() for t in re.split(r"[;|,]", row.get("topics", "")) if t.strip()]))
    return subs


def default_tagger(titles: list[str], venue: str = "MLSys") -> list[list[str]]:
    """Tag submission titles with the project's topic tagger (the same labels as the graph's papers),
    as papers submitted to `venue` (the tagger weighs evidence by venue community)."""
    from graph import providers  # the tagger lives in ingest, installed by atlas_cli.wiring (graph never imports it)

    return providers.title_tagger()(titles, venue)


# ---------------------------------------------------------------- matching
_AFFILIATION_ABBREVIATIONS = {  # what organisers write -> how institution names read in the graph
    "cmu": "carnegie mellon university", "mit": "massachusetts institute of technology",
    "ucla": "university of california los angeles", "ucsd": "university of california san diego",
    "ucsb": "university of california santa barbara", "uci": "university of california irvine",
    "uiuc": "university of illinois urbana champaign", "gatech": "georgia institute of technology",
    "georgia tech": "georgia institute of technology", "ut austin": "university of texas at austin",
    "usc": "university of southern california", "nus": "national university of singapore",
    "ntu": "nanyang technological university", "hkust": "hong kong university of science and technology",
    "kaist": "korea advanced institute of science and technology", "eth": "eth zurich",
    "epfl": "ecole polytechnique federale de lausanne", "msr": "microsoft research", "umich": "university of michigan",
    "uw": "university of washington", "upenn": "university of pennsylvania", "sjtu": "shanghai jiao tong university",
    "ustc": "university of science and technology of china", "fair": "meta ai", "facebook": "meta",
}
_AFFILIATION_WORDS = (("uc ", "university of california "), ("univ ", "university "), ("u of ", "university of "),
                      ("inst ", "institute "), ("tech ", "technology "))
_ACRONYM_SKIP = {"of", "the", "and", "at", "for", "in", "de", "du", "la"}


def _affiliation_key(text: str) -> str:
    """Fold an affiliation and spell out the usual abbreviations ("UC Berkeley" -> "university of california ...")."""
    key = fold(text)
    if key in _AFFILIATION_ABBREVIATIONS:
        return _AFFILIATION_ABBREVIATIONS[key]
    key = f"{key} "
    for short, full in _AFFILIATION_WORDS:
        if key.startswith(short) or f" {short}" in key:
            key = re.sub(rf"(^| ){short}", rf"\g<1>{full}", key)
    return key.strip()


def _acronym(name: str) -> str:
    return "".join(w[0] for w in fold(name).split() if w not in _ACRONYM_SKIP)


def affiliation_fits(stated: str, institution: str) -> bool:
    """Whether an organiser's affiliation text names this institution (fuzzy, abbreviations, acronyms)."""
    key = _affiliation_key(stated)
    if not key:
        return False
    name = fold(institution)
    if fuzz.token_set_ratio(key, name) >= AFFILIATION_MATCH:
        return True
    compact = fold(stated).replace(" ", "")
    return len(compact) >= 2 and compact == _acronym(institution)


def _institution_names(proj: Projection, author: str) -> dict[str, str]:
    ids = {i for year_ids in proj.author_institutions.get(author, {}).values() for i in year_ids}
    return {i: proj.institution_info.get(i, (i, None))[0] for i in ids}


def _affiliation_fits(proj: Projection, author: str, affiliation: str) -> bool:
    return bool(fold(affiliation)) and any(affiliation_fits(affiliation, n)
                                           for n in _institution_names(proj, author).values())


def match_person(proj: Projection, index: NameIndex, name: str, affiliation: str = "",
                 ids: list[str] | None = None, context: Iterable[str] = ()) -> NameMatch:
    """Match one name; a stated affiliation, then co-authorship with `context` (the other, matched
    authors of the same submission), break ties between same-named people."""
    match = index.match(name, ids=ids)
    if match.status == "unmatched" and _DBLP_HOMONYM.search(name):  # "Wei Wang 0001" -> "Wei Wang"
        match = index.match(_DBLP_HOMONYM.sub("", name), ids=ids)
    if match.status == "ambiguous" and affiliation:
        prefer = {str(c["id"]) for c in match.candidates if _affiliation_fits(proj, str(c["id"]), affiliation)}
        if prefer:
            retry = index.match(match.query if not _DBLP_HOMONYM.search(name) else _DBLP_HOMONYM.sub("", name),
                                ids=ids, prefer=prefer)
            match = NameMatch(name, retry.status, retry.author, retry.name, retry.method, retry.score,
                              retry.candidates)
    context = set(context)
    if match.status == "ambiguous" and context:
        linked = [str(c["id"]) for c in match.candidates
                  if any(set(proj.papers[p].authors) & context for p in proj.author_papers.get(str(c["id"]), ()))]
        if len(linked) == 1:
            chosen = linked[0]
            match = NameMatch(name, "matched", chosen, proj.name(chosen), f"{match.method}+coauthors", match.score)
    if match.status == "ambiguous":
        fitting = [c for c in match.candidates if affiliation and _affiliation_fits(proj, str(c["id"]), affiliation)]
        dominant = dominant_candidate(proj, fitting or match.candidates)
        if dominant:
            how = "+affiliation" if fitting else ""
            match = NameMatch(name, "matched", dominant, proj.name(dominant), f"{match.method}{how}+most papers",
                              match.score, match.candidates)
    return match


def _background(counts: Counter[str]) -> str:
    s, m, x = counts.get("systems", 0), counts.get("ml", 0), counts.get("mlsys", 0)
    if s and m:
        return "both"
    if s or m:
        return "systems" if s else "ml"
    return "mlsys_only" if x else "neither"


def _hhi(counter: Counter[str]) -> float:
    total = sum(counter.values())
    return round(sum((n / total) ** 2 for n in counter.values()), 4) if total else 0.0


def _share_rows(counter: Counter[str], key: str) -> list[dict[str, object]]:
    total = sum(counter.values()) or 1
    return [{key: k, "members": n, "share": round(n / total, 4)}
            for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


# ---------------------------------------------------------------- the audit
@dataclass(frozen=True)
class _Reading:
    """One person a given name may stand for: certain when the name matched, else one candidate."""

    author: str
    note: str = ""  # empty when certain

    @property
    def certain(self) -> bool:
        return not self.note


def _readings(proj: Projection, match: NameMatch) -> list[_Reading]:
    """Who a name may stand for: the matched person (certain), and every other candidate (possible)."""
    ids = list(dict.fromkeys(str(c["id"]) for c in match.candidates))
    if match.author:  # an assumed namesake (most papers): the others are still checked
        others = [a for a in ids if a != match.author]
        return [_Reading(match.author)] + [
            _Reading(a, f"{match.query!r} was taken to be {proj.name(match.author)} ({match.author}, most papers); "
                        f"this holds if it is the namesake {proj.name(a)} ({a})") for a in others]
    if match.status != "ambiguous":
        return []
    return [_Reading(a, f"{match.query!r} fits {len(ids)} people in the graph; this holds if it is "
                        f"{proj.name(a)} ({a})") for a in ids]


def _assumed(kind: str, row: object, match: NameMatch) -> dict[str, object] | None:
    """A name matched to its namesake with the most papers: listed so the organiser can check it."""
    if not (match.author and match.candidates):
        return None
    return {"kind": kind, "name": match.query, "row": row, "assumed": match.author, "assumed_name": match.name,
            "candidates": match.candidates}


def _resolver(proj: Projection, index: NameIndex,
              resolutions: Mapping[str, str] | None) -> Callable[..., NameMatch]:
    """match_person, except for names the organiser resolved by hand (folded name -> author id or id text)."""
    picked = {fold(k): v for k, v in (resolutions or {}).items() if v}

    def resolve(name: str, affiliation: str = "", ids: list[str] | None = None,
                context: Iterable[str] = ()) -> NameMatch:
        chosen = picked.get(fold(name))
        author = index.lookup_id(chosen) if chosen else None
        if author:
            return NameMatch(name, "matched", author, proj.name(author), "picked", 100.0)
        return match_person(proj, index, name, affiliation, ids, context)

    return resolve


def audit_program_committee(proj: Projection, members: list[PCMember], submissions: list[Submission] | None = None,
                            *, coi_years: int = DEFAULT_COI_YEARS, reference_year: int | None = None,
                            tagger: Tagger | None = default_tagger,
                            resolutions: Mapping[str, str] | None = None) -> PCAudit:
    """Everything an organiser checks about a PC, against the graph of `proj`.

    `resolutions` maps a name as given (PC member or submission author) to the author id the organiser
    picked for it. Every other ambiguous name is checked against each of its candidates.
    """
    index = name_index(proj)
    resolve = _resolver(proj, index, resolutions)
    reference_year = reference_year or proj.ref_year
    unmatched: list[dict[str, object]] = []
    ambiguous: list[dict[str, object]] = []
    assumed: list[dict[str, object]] = []
    rows: list[MemberRow] = []
    member_readings: list[list[_Reading]] = []
    for member in members:
        match = resolve(member.name, member.affiliation, member.ids)
        counts = proj.author_sides.get(match.author or "", Counter())
        topics = [t for t, _ in proj.author_topics.get(match.author or "", Counter()).most_common()]
        inst_name, country = latest_institution(proj, match.author) if match.author else ("", "unknown")
        institution = member.affiliation or inst_name
        readings = _readings(proj, match)
        member_readings.append(readings)
        rows.append(MemberRow(
            row=member.row, name=member.name, affiliation=member.affiliation, status=match.status,
            author=match.author, matched_name=match.name, method=match.method, match_score=match.score,
            background=_background(counts) if match.author else "unmatched",
            systems_lean=round(proj.systems_lean[match.author], 3) if match.author in proj.systems_lean else None,
            systems_papers=counts.get("systems", 0), ml_papers=counts.get("ml", 0), mlsys_papers=counts.get("mlsys", 0),
            institution=institution, country=country, sector=classify_institution(institution), topics=topics,
            community_papers=dict(sorted(proj.author_communities.get(match.author or "", Counter()).items())),
            candidates=[r.author for r in readings if not r.certain]))
        if (note := _assumed("pc_member", member.row, match)) is not None:
            assumed.append(note)
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
        window = ((reference_year or 0) - coi_years, reference_year)
        ties: dict[str, _Ties] = {}

        def ties_of(author: str) -> _Ties:
            if author not in ties:
                ties[author] = _ties(proj, author, *window)
            return ties[author]

        for sub, title_topics in zip(subs, tagged, strict=True):
            fields = [parse_name_field(a) for a in sub.authors]
            first = [resolve(f.name, f.affiliation, list(f.ids)) for f in fields]
            sure = {m.author for m in first if m.author}
            # second pass: co-authorship with the submission's other authors settles a shared name
            matches = [resolve(f.name, f.affiliation, list(f.ids), sure - {m.author}) if m.status == "ambiguous"
                       else m for f, m in zip(fields, first, strict=True)]
            authors = [m.author for m in matches if m.author]
            topics, source = _submission_topics(proj, sub, title_topics, authors)
            coverage_subs.update(set(topics))
            for m in matches:
                if (note := _assumed("submission_author", sub.id, m)) is not None:
                    assumed.append(note)
                if m.status == "unmatched":
                    unmatched.append({"kind": "submission_author", "name": m.query, "row": sub.id,
                                      "reason": m.method})
                elif m.status == "ambiguous":
                    ambiguous.append({"kind": "submission_author", "name": m.query, "row": sub.id,
                                      "affiliation": "", "candidates": m.candidates})
            submission_rows.append({"id": sub.id, "title": sub.title, "authors": len(sub.authors),
                                    "matched_authors": len(authors),
                                    "ambiguous_authors": sum(1 for m in matches if m.status == "ambiguous"),
                                    "unmatched_authors": sum(1 for m in matches if m.status == "unmatched"),
                                    "topics": "; ".join(topics), "topic_source": source})
            author_readings = [r for m in matches for r in _readings(proj, m)]
            for row, readings in zip(rows, member_readings, strict=True):
                for reading in readings:
                    conflicts.extend(_conflicts(proj, row, reading, ties_of(reading.author), sub,
                                                author_readings, window))

    coverage = _coverage(proj, rows, coverage_subs, len(subs))
    with_community = Counter(c for r in rows for c, n in r.community_papers.items() if n)
    community_split = [{"community": c, "members": with_community.get(c, 0),
                        "share": round(with_community.get(c, 0) / total, 4)} for c in COMMUNITY_ORDER]
    return PCAudit(rows, split, _share_rows(institutions, "institution"), _share_rows(countries, "country"),
                   concentration, coverage, _unique(conflicts), unmatched, ambiguous, submission_rows,
                   reference_year, coi_years, community_split, assumed)


def _unique(conflicts: list[Conflict]) -> list[Conflict]:
    """One row per (member, submission, author, kind), the definite reading first (a repeated author, or a
    candidate of an ambiguous name who is also a named author, would otherwise be listed twice)."""
    best: dict[tuple[str, str, str, str, str], Conflict] = {}
    for c in sorted(conflicts, key=lambda c: c.certainty != "definite"):
        best.setdefault((c.member, c.member_name, c.submission, c.author, c.kind), c)
    return [c for c in conflicts if best.get((c.member, c.member_name, c.submission, c.author, c.kind)) is c]


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


def _conflicts(proj: Projection, member: MemberRow, reading: _Reading, ties: _Ties, sub: Submission,
               authors: Iterable[_Reading], window: tuple[int, int | None]) -> list[Conflict]:
    """Conflicts between one reading of a PC member and the readings of a submission's authors."""
    found: list[Conflict] = []
    me = reading.author
    for other in dict.fromkeys(authors):
        author = other.author
        notes = "; ".join(n for n in (reading.note, other.note) if n)
        base = {"member": me, "member_name": member.name or proj.name(me), "submission": sub.id,
                "title": sub.title, "author": author, "author_name": proj.name(author),
                "certainty": "possible" if notes else "definite", "note": notes,
                "member_matched_name": proj.name(me)}
        if author == me:
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
            recent = latest_institution(proj, author)[0]
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
