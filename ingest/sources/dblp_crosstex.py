"""Reader for DBLP records rendered as CrossTeX (`dblp/crosstex/<venue>.xtx.gz`).

CrossTeX is a BibTeX dialect: each entry is `@inproceedings{DBLP:conf/sosp/Key24, author =
{A and B}, title = {...}, booktitle = sosp, year = 2024, pages = {1-23},}` where the bare
word `sosp` is a macro defined in `conferences-cs.xtx` (PVLDB entries are `@article` with
`journal = pvldb`, `volume`, `number`). No BibTeX library reads the dialect's `@include`
lines and `[year=...]` conditional fields, and the entry files use only the small subset
parsed here (brace-, quote- or bare-word values), so a short scanner does the job.
The files carry no DOI, no affiliation and no DBLP person id; author names are printed
without DBLP's `0001` homonym numbers.

Each entry is parsed on its own (the file is cut at every line that starts with `@`), so
one broken entry is quarantined with its reason and never takes its neighbours with it.
Only full papers are kept; the rule (`ingest/sources/dblp_full_papers.py`) counts every
item it leaves out in `skipped`.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph import ids
from graph.records import Authorship, Paper, Provenance
from ingest.live.sources.dblp import display_name
from ingest.sources.common import ReadStream, name_flags, quarantine
from ingest.sources.dblp_full_papers import YEARS, full_paper_verdict, listings

SOURCE = "dblp"

# CrossTeX venue macro -> (venue short name per graph/venues.py, DBLP key prefix of the venue's stream)
VENUES: dict[str, tuple[str, str]] = {
    "sosp": ("SOSP", "conf/sosp"), "socc": ("SoCC", "conf/cloud"), "pvldb": ("VLDB", "journals/pvldb"),
    "vldb": ("VLDB", "conf/vldb"), "sigmod": ("SIGMOD", "conf/sigmod"), "cidr": ("CIDR", "conf/cidr"),
    "fast": ("FAST", "conf/fast"), "middleware": ("Middleware", "conf/middleware"),
    "hotos": ("HotOS", "conf/hotos"), "asplos": ("ASPLOS", "conf/asplos"), "atc": ("ATC", "conf/usenix"),
    "eurosys": ("EuroSys", "conf/eurosys"), "nsdi": ("NSDI", "conf/nsdi"), "osdi": ("OSDI", "conf/osdi"),
}
_ENTRY_START = re.compile(r"^@", re.MULTILINE)
_HEAD = re.compile(r"@(?P<kind>[a-zA-Z]+)\s*\{\s*(?P<key>[^,\s]+)\s*,")
_FIELD_NAME = re.compile(r"\s*(?P<name>[a-zA-Z]+)\s*=\s*")
_BARE = re.compile(r"[^,}\s]+")
_AND = re.compile(r"\s+and\s+|\s+and$|^and\s+")
_SPACE = re.compile(r"\s+")
# The few TeX escapes DBLP's rendering uses (`\&`, `\%`, `\_`, `\#`, `\$`).
_TEX_ESCAPE = re.compile(r"\\([&%_#$])")


class EntryError(ValueError):
    """An entry that cannot be read; the message is the quarantine reason, `key` its DBLP key if known."""

    def __init__(self, reason: str, key: str = "") -> None:
        super().__init__(reason)
        self.key = key


def _braced(text: str, start: int) -> tuple[str, int]:
    """The content of the `{...}` opening at `start` (nested braces kept) and the index after it."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif char == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1:index], index + 1
    raise EntryError("unbalanced braces")


def parse_entry(chunk: str) -> tuple[str, str, dict[str, str]]:
    """`(entry type, key, {field: raw value})` of one entry; bare words (macros, numbers) kept as written."""
    head = _HEAD.match(chunk)
    if not head:
        raise EntryError("no '@type{key,' header")
    fields: dict[str, str] = {}
    position = head.end()
    while True:
        match = _FIELD_NAME.match(chunk, position)
        if not match:
            break
        position = match.end()
        if position >= len(chunk):
            raise EntryError(f"field {match.group('name')!r} has no value")
        if chunk[position] == "{":
            value, position = _braced(chunk, position)
        elif chunk[position] == '"':
            end = chunk.find('"', position + 1)
            if end < 0:
                raise EntryError("unterminated quoted value")
            value, position = chunk[position + 1:end], end + 1
        else:
            bare = _BARE.match(chunk, position)
            if not bare:
                raise EntryError(f"field {match.group('name')!r} has no value")
            value, position = bare.group(0), bare.end()
        fields[match.group("name").lower()] = value
        rest = chunk[position:].lstrip()
        position = len(chunk) - len(rest)
        if rest.startswith(","):
            position += 1
    if not chunk[position:].strip():
        raise EntryError("unbalanced braces (entry not closed)")
    if not chunk[position:].lstrip().startswith("}"):
        raise EntryError(f"unexpected text after the fields: {chunk[position:position + 40]!r}")
    return head.group("kind").lower(), head.group("key"), fields


def plain(value: str) -> str:
    """BibTeX value as printed text: case-protecting braces and TeX escapes removed, spaces collapsed."""
    return _SPACE.sub(" ", _TEX_ESCAPE.sub(r"\1", value).replace("{", "").replace("}", "")).strip()


Confirm = Callable[[str, int, str], bool]


# DBLP keeps a URL some authors put in their title ("Secure Page Fusion with VUsion: https: //www.vusec.net/...");
# it is not part of the title, and it kept the paper from merging with the other lists' record.
_TRAILING_URL = re.compile(r"[:\s]*https?:\s*//\S*\s*$", re.IGNORECASE)


def _never(_venue: str, _year: int, _title: str) -> bool:
    return False


def read(path: Path, retrieved_at: str, skipped: Counter | None = None, confirmed: Confirm = _never,
         years: tuple[int, int] = YEARS) -> ReadStream:
    """Yield the full papers of one venue file in `years`; `skipped` counts the other items by reason.

    `confirmed(venue, year, title)` says whether another list of the snapshot has the paper
    (rule 6 of `dblp_full_papers`); it is asked only about items whose length is unknown.
    """
    try:
        text = gzip.open(path, "rt", encoding="utf-8").read() if path.suffix == ".gz" else path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        yield quarantine(SOURCE, path.name, f"file is not readable UTF-8 (gzip) text: {exc}")
        return
    entries = []
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    for index, start in enumerate(starts):
        chunk = text[start:starts[index + 1] if index + 1 < len(starts) else len(text)].strip()
        if chunk.startswith("@include"):
            continue
        try:
            entries.append(_entry(chunk, years))
        except EntryError as exc:
            yield quarantine(SOURCE, f"{path.name}#{exc.key}" if exc.key else f"{path.name}[{index}]", str(exc),
                             chunk[:2000])
    entries = [e for e in entries if e is not None]
    listing = listings([((e.venue, e.year, e.volume), e.dblp_key, e.pages) for e in entries])
    provenance = Provenance([SOURCE], retrieved_at)
    for entry in entries:
        verdict = full_paper_verdict(
            venue=entry.venue, year=entry.year, dblp_key=entry.dblp_key, stream=entry.stream, pages=entry.pages,
            title=entry.title, authors=len(entry.names), listing=listing[(entry.venue, entry.year, entry.volume)],
            confirmed=confirmed(entry.venue, entry.year, entry.title))
        if verdict:
            if skipped is not None:
                skipped[f"{entry.venue} {entry.year} dblp: {verdict}"] += 1
            continue
        yield _paper(entry, f"{path.name}#{entry.dblp_key}", provenance)


@dataclass
class Entry:
    venue: str
    stream: str
    year: int
    dblp_key: str
    title: str
    names: list[str]
    pages: str | None
    volume: str  # PVLDB: a year spans two volumes, each paginated on its own


def _entry(chunk: str, years: tuple[int, int]) -> Entry | None:
    """One entry in canonical form, None when outside `years`; EntryError (the quarantine reason) if broken."""
    try:
        _kind, key, fields = parse_entry(chunk)
    except EntryError as exc:
        raise EntryError(f"malformed CrossTeX entry: {exc}") from exc
    macro = fields.get("booktitle") or fields.get("journal") or ""
    if macro not in VENUES:
        raise EntryError(f"unknown venue macro {macro!r}", key)
    venue, stream = VENUES[macro]
    year_raw = fields.get("year", "").strip()
    if not year_raw.isdigit():
        raise EntryError(f"year is not a number: {year_raw!r}", key)
    year = int(year_raw)
    if not years[0] <= year <= years[1]:
        return None  # outside the span the snapshot covers (see data/PROVENANCE.md), not a defect
    title = _TRAILING_URL.sub("", plain(fields.get("title", ""))).rstrip(".").strip()
    if not title:
        raise EntryError("empty title", key)
    names = [plain(n) for n in _AND.split(fields.get("author", "").strip())] if fields.get("author") else []
    if not names or any(not n for n in names):
        raise EntryError("author list is empty or has an empty name", key)
    return Entry(venue, stream, year, key.removeprefix("DBLP:"), title, names, fields.get("pages"),
                 fields.get("volume", ""))


def _paper(entry: Entry, locator: str, provenance: Provenance) -> Paper:
    paper = Paper(id=ids.paper_id(dblp_key=entry.dblp_key), title=entry.title, year=entry.year,
                  venue_id=ids.venue_id(entry.venue), venue_name=entry.venue, dblp_key=entry.dblp_key,
                  url=f"https://dblp.org/rec/{entry.dblp_key}", provenance=provenance)
    for position, raw_name in enumerate(entry.names):
        name = display_name(raw_name)
        paper.authorships.append(Authorship(paper_id=paper.id, position=position, name=name,
                                            flags=name_flags(name)))
    return paper


def macro_names(path: Path) -> dict[str, str]:
    """`{macro: shortname}` of the `@conference{...}` definitions in `conferences-cs.xtx(.gz)`."""
    text = gzip.open(path, "rt", encoding="utf-8").read() if path.suffix == ".gz" else path.read_text()
    return {m.group(1): m.group(2)
            for m in re.finditer(r'@conference\{(\w+),\s*shortname\s*=\s*"([^"]*)"', text)}
