"""Which DBLP items are full papers of the venue (and not workshop, demo, poster, companion or front matter).

A DBLP venue stream mixes the main proceedings with the volumes published beside them:
SOSP 2017 lists 57 entries for its 39 papers (SysTEX workshop papers numbered "1-1",
"2-1"..., PLOS workshop papers "1-7", "8-14"... beside the main "1-18", "19-33"...), HPCA
lists its HiPINEB workshop, ASPLOS 2012-2013 the GPGPU workshop, SIGMOD its demos and
(from 2023, when research papers moved to the PACMMOD journal) only the companion
volume. The rule, in this order, one reason per dropped item (the reasons are what the
build report counts under `skipped_by_status`, "<venue> <year> dblp: <reason>"):

1. `another stream` - the DBLP key is not under the venue's stream (`conf/sosp/...`).
2. `workshop volume` - the search API names a co-located venue (`HiPINEB@HPCA`), or the
   item is in the VLDB *conference* stream (`conf/vldb`), which since 2008 holds only
   co-located workshops: VLDB research papers are in PVLDB (`journals/pvldb`).
3. `companion volume` - SIGMOD 2023 and later (`conf/sigmod` then holds only industry,
   demo and student items; PACMMOD is not in this data).
4. Kept: another list of the same venue-year read before DBLP (the curated systems lists)
   has a paper with the same normalised title. That list already puts the paper in the
   graph; keeping the DBLP record makes it one node with a DBLP key (ATC short papers).
5. `front matter` - DBLP type `Editorship`, roman page numbers (`i-vi`), or a title such
   as "Front Matter", "Keynote", "Session details", "Message from ...".
6. `another volume` - the item's pages overlap the main volume's. Items of one volume
   follow each other page after page; runs of such items are pieces of a volume, and the
   main volume is gathered from the pieces with most full-length items (see
   `_other_volume`). PVLDB is grouped by volume (one year spans two).
7. `short (<N pages)` - a real page range shorter than the venue's full-paper length:
   10 pages by default (full papers run 11-14 two-column pages), 5 for HotOS (a workshop
   of 5-6 page papers).
8. Items whose length cannot be read - no `pages`, or an ACM article number that the
   CrossTeX rendering mangles ("4:1-4:14" -> "4-1", or a bare "4") - are kept when the
   venue-year listing is one unpaginated volume (no item has a real page range and no
   article number repeats: two items numbered "1" mean two volumes). CIDR publishes no
   page numbers and its one-author items are talk abstracts (39 of its 40 one-author
   items of 2017 are not among the 32 papers of Frachtenberg & Koster's list):
   `one-author abstract (CIDR)`. Otherwise `length unknown in a mixed listing`.

Validated on 2017 against Frachtenberg & Koster's lists (eitanf/sysconf): SOSP 39/39,
SoCC 45/45, ASPLOS 56/56, ATC 60/60, EuroSys 41/41, FAST 27/27, Middleware 20/20, HotOS
29/29 (same counts; titles differ only in punctuation for a few); SIGMOD 100 for 96 (the
4 extra are industry papers), NSDI 46 for 42, HPCA 55 for 50, CIDR 35 for 32. Known
limits in data/PROVENANCE.md; tests in `tests/sources/test_dblp_full_papers.py`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

# The span of the other systems lists in the snapshot (sysconf: 2012-2024), plus 2025.
YEARS = (2012, 2025)
DEFAULT_MIN_PAGES = 10
MIN_PAGES = {"HotOS": 5}
_FRONT_MATTER = re.compile(
    r"^(front matter|frontmatter|back matter|proceedings\b|editorial|foreword|preface|welcome (message|address)|"
    r"message from|"
    r"session details|keynote|invited talk|panel\b|tutorial|table of contents|author index|"
    r"(general |program )?(co-)?chairs?'? (message|welcome))", re.IGNORECASE)
_RANGE = re.compile(r"^(\d+)\s*-+\s*(\d+)$")
_ARTICLE = re.compile(r"^(\d+)$")
_ROMAN = re.compile(r"^[ivxlc]+(\s*-+\s*[ivxlc]+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Pages:
    """What a `pages` value says: a length in pages, an article number, or nothing usable."""

    length: int | None = None
    article: int | None = None
    first: int | None = None
    roman: bool = False


def read_pages(raw: str | None) -> Pages:
    value = (raw or "").strip()
    if not value:
        return Pages()
    if _ROMAN.match(value):
        return Pages(roman=True)
    if ":" in value:  # DBLP's own article form "14:1-14:16"
        article, _, rest = value.partition(":")
        ends = re.findall(r"\d+", rest)
        if article.isdigit() and len(ends) >= 2:
            return Pages(length=int(ends[-1]) - int(ends[0]) + 1, article=int(article))  # no shared page space
        return Pages(article=int(article)) if article.isdigit() else Pages()
    match = _RANGE.match(value)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if last == 1 or last < first:  # "4-1": article 4, page 1 - the article form with its colons lost
            return Pages(article=first)
        return Pages(length=last - first + 1, first=first)
    match = _ARTICLE.match(value)
    if match:
        return Pages(article=int(match.group(1)))
    return Pages()


@dataclass
class Listing:
    """What the whole venue-year (PVLDB: volume) listing looks like, for rules 5 and 6."""

    paginated: bool = False  # some item has a real page range
    repeated_articles: bool = False
    other_volume: set[str] = field(default_factory=set)  # keys whose pages overlap the main volume's

    @property
    def one_volume(self) -> bool:
        return not self.paginated and not self.repeated_articles


Group = tuple[str, int, str]  # venue, year, volume ("" for conferences)


def listings(items: list[tuple[Group, str, str | None]]) -> dict[Group, Listing]:
    """`{group: Listing}` from `(group, dblp key, pages)` of every item of a file or answer."""
    found: dict[Group, Listing] = {}
    articles: dict[Group, Counter] = defaultdict(Counter)
    ranges: dict[Group, list[tuple[int, int, str]]] = defaultdict(list)
    for group, key, raw in items:
        listing = found.setdefault(group, Listing())
        pages = read_pages(raw)
        if pages.first is not None and pages.length is not None:
            listing.paginated = True
            ranges[group].append((pages.first, pages.first + pages.length - 1, key))
        elif pages.article is not None:
            articles[group][pages.article] += 1
    for group, counts in articles.items():
        found[group].repeated_articles = any(n > 1 for n in counts.values())
    for group, spans in ranges.items():
        found[group].other_volume = _other_volume(spans, MIN_PAGES.get(group[0], DEFAULT_MIN_PAGES))
    return found


def _other_volume(spans: list[tuple[int, int, str]], minimum: int) -> set[str]:
    """Keys of items in a volume beside the main one.

    Items of one volume follow each other (the next starts on the page after the last one
    ends, or one later when a blank page separates them), so such runs are pieces of one
    volume; a link is made only when it is the one possible link both ways. Two items whose
    pages overlap cannot be in one volume. The main volume is gathered greedily, longest
    piece first, from pieces that overlap none already in it; an item outside it whose
    pages overlap it is in a second volume (SOSP 2017's PLOS workshop runs 8-14, 15-21, ...
    beside the main 1-18, 19-33, ...; ASPLOS 2013's GPGPU workshop 1-11, 12-23, ...).
    """
    parent = list(range(len(spans)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    followers: dict[int, list[int]] = defaultdict(list)
    leaders: dict[int, list[int]] = defaultdict(list)
    by_first: dict[int, list[int]] = defaultdict(list)
    for index, (first, _last, _key) in enumerate(spans):
        by_first[first].append(index)
    for index, (_first, last, _key) in enumerate(spans):
        for gap in (1, 2):
            for follower in by_first.get(last + gap, []):
                followers[index].append(follower)
                leaders[follower].append(index)
    for index, candidates in followers.items():
        if len(candidates) == 1 and len(leaders[candidates[0]]) == 1:
            parent[root(candidates[0])] = root(index)
    pieces: dict[int, list[int]] = defaultdict(list)
    for index in range(len(spans)):
        pieces[root(index)].append(index)

    def overlaps(index: int, others: list[tuple[int, int]]) -> bool:
        first, last, _key = spans[index]
        return any(a <= last and first <= b for a, b in others)

    main: list[tuple[int, int]] = []
    in_main: set[int] = set()
    def weight(members: list[int]) -> tuple[int, int, int]:
        lengths = [spans[m][1] - spans[m][0] + 1 for m in members]
        return -sum(n >= minimum for n in lengths), -sum(lengths), min(spans[m][0] for m in members)

    for piece in sorted(pieces.values(), key=weight):
        if not any(overlaps(m, main) for m in piece):
            main.extend((spans[m][0], spans[m][1]) for m in piece)
            in_main.update(piece)
    return {spans[i][2] for i in range(len(spans)) if i not in in_main and overlaps(i, main)}


def full_paper_verdict(*, venue: str, year: int, dblp_key: str, stream: str, pages: str | None, title: str,
                       authors: int, listing: Listing, confirmed: bool, kind: str = "",
                       api_venue: str | None = None) -> str | None:
    """None for a full paper, else the reason the item is left out (see the module docstring)."""
    if not dblp_key.startswith(stream + "/"):
        return "another stream"
    if stream == "conf/vldb" or (api_venue and "@" in api_venue):
        return "workshop volume"
    if venue == "SIGMOD" and year >= 2023:
        return "companion volume"
    if confirmed:
        return None
    read = read_pages(pages)
    if kind == "Editorship" or read.roman or _FRONT_MATTER.match(title):
        return "front matter"
    if dblp_key in listing.other_volume:
        return "another volume (pages overlap the main volume's)"
    minimum = MIN_PAGES.get(venue, DEFAULT_MIN_PAGES)
    if read.length is not None:
        return None if read.length >= minimum else f"short (<{minimum} pages)"
    if venue == "CIDR" and authors <= 1:
        return "one-author abstract (CIDR)"
    if listing.one_volume:
        return None
    return "length unknown in a mixed listing"
