"""DBLP (CC0): venue tables of contents through the search API, or the whole `dblp.xml.gz` dump.

Search API: `GET /search/publ/api?q=stream:conf/mlsys: year:2024:&format=json&h=1000&f=N`
per venue-year, paged by `f` (DBLP serves at most 1,000 hits a page and 10,000 in all).
Hits give the DBLP key, DOI, and authors with their disambiguated person id (`@pid`).
DBLP publishes no fixed limit: we space requests 1.5 s apart and honour 429 +
Retry-After. Proceedings front matter ("Editorship"), hits from another year and items
that are not full papers of the venue (workshop, demo, companion volumes: the rule of
`ingest/sources/dblp_full_papers.py`) are counted as skipped, not kept.

Dump: `dblp.xml.gz` (about 1 GB compressed) is parsed as a stream with
`lxml.etree.iterparse`, clearing each element once read, keeping only records whose key
is under a requested venue's stream (`conf/mlsys/...`) and year. The dump's DTD
(`dblp.dtd`, which defines its character entities) must sit beside it.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from graph.records import Paper, Quarantined
from ingest.live.base import (
    BadPage,
    Job,
    LiveSource,
    PageContext,
    PageRequest,
    PageResult,
    PagingError,
    json_body,
    page_total,
)
from ingest.live.parsing import authorship, doi_of, guard, new_paper, raw_excerpt, text, year_of
from ingest.sources.dblp_full_papers import full_paper_verdict, listings

SOURCE = "dblp"
HITS_PER_PAGE = 1000
MAX_HITS = 10_000
STREAMS = {
    "MLSys": "conf/mlsys", "OSDI": "conf/osdi", "SOSP": "conf/sosp", "NSDI": "conf/nsdi", "EuroSys": "conf/eurosys",
    "ATC": "conf/usenix", "ASPLOS": "conf/asplos", "ISCA": "conf/isca", "MICRO": "conf/micro",
    "SIGCOMM": "conf/sigcomm", "SoCC": "conf/cloud", "VLDB": "journals/pvldb", "SIGMOD": "conf/sigmod",
    "HPCA": "conf/hpca", "FAST": "conf/fast", "CIDR": "conf/cidr", "Middleware": "conf/middleware",
    "HotOS": "conf/hotos", "ICML": "conf/icml", "NeurIPS": "conf/nips", "ICLR": "conf/iclr", "KDD": "conf/kdd",
}
DUMP_RECORD_TAGS = ("article", "inproceedings", "proceedings", "book", "incollection", "phdthesis", "mastersthesis",
                    "www", "data")
PAPER_TAGS = {"article", "inproceedings", "incollection"}
_HOMONYM = re.compile(r"\s+\d{4}$")


def display_name(dblp_name: str) -> str:
    """'Wei Wang 0001' -> 'Wei Wang' (DBLP numbers people who share a name; the pid keeps them apart)."""
    return _HOMONYM.sub("", dblp_name).strip()


def _as_list(value: Any) -> list[Any]:
    """DBLP's JSON turns one-element lists into the element itself."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _doi_from(values: list[Any]) -> str | None:
    return next((d for d in (doi_of(v) for v in values) if d), None)


def parse_hit(hit: Any, retrieved_at: str, venue: str) -> Paper | None:
    """One search hit as a Paper; None for a well-formed hit that is not a paper (proceedings volume)."""
    if not isinstance(hit, dict) or not isinstance(hit.get("info"), dict):
        raise ValueError("hit without info")
    info = hit["info"]
    if text(info.get("type")) == "Editorship":
        return None
    key = text(info.get("key"))
    if not key:
        raise ValueError("hit without a DBLP key")
    title = text(info.get("title"))
    title = title.rstrip(".").strip() if title else None
    if not title:
        raise ValueError("empty title")
    ee = _as_list(info.get("ee"))
    paper = new_paper(SOURCE, retrieved_at, title=title, year=year_of(info.get("year")), venue=venue,
                      doi=doi_of(info.get("doi")) or _doi_from(ee), dblp_key=key,
                      url=text(info.get("url")) or next((text(e) for e in ee if text(e)), None))
    authors = info.get("authors") if isinstance(info.get("authors"), dict) else {}
    for position, author in enumerate(_as_list(authors.get("author"))):
        raw_name = text(author.get("text")) if isinstance(author, dict) else text(author)
        if raw_name:
            pid = text(author.get("@pid")) if isinstance(author, dict) else None
            paper.authorships.append(authorship(paper, position, display_name(raw_name), dblp_pid=pid))
    return paper


def full_papers(found: list[tuple[Paper, dict[str, Any]]], venue: str, year: int, stream: str,
                result: PageResult) -> list[Paper]:
    """The hits that are full papers of the venue (`ingest/sources/dblp_full_papers.py`); the rest count as skipped.

    The listing shape is judged on one page (1,000 hits: a whole venue-year for every
    venue the atlas follows); nothing is confirmed by another list here.
    """
    listing = listings([((venue, year, text(i.get("volume")) or ""), p.dblp_key or "", text(i.get("pages")))
                        for p, i in found])
    papers = []
    for paper, info in found:
        verdict = full_paper_verdict(
            venue=venue, year=year, dblp_key=paper.dblp_key or "", stream=stream, pages=text(info.get("pages")),
            title=paper.title, authors=len(paper.authorships),
            listing=listing[(venue, year, text(info.get("volume")) or "")], confirmed=False,
            kind=text(info.get("type")) or "", api_venue=text(info.get("venue")))
        if verdict:
            result.skipped += 1
        else:
            papers.append(paper)
    return papers


class Dblp(LiveSource):
    name = SOURCE
    cli_name = "dblp"

    @staticmethod
    def venue_job(venue: str, year: int) -> Job:
        return Job(f"venue-{venue}_year-{year}", f"{venue} {year}",
                   {"venue": venue, "year": year, "stream": STREAMS.get(venue, f"conf/{venue.lower()}")})

    def next_request(self, job: Job, state: dict[str, Any]) -> PageRequest | None:
        if state.get("done"):
            return None
        query = f"stream:{job.params['stream']}: year:{job.params['year']}:"
        return PageRequest("/search/publ/api", (("q", query), ("format", "json"), ("h", str(HITS_PER_PAGE)),
                                                ("f", str(int(state.get("offset", 0))))))

    def advance(self, job: Job, state: dict[str, Any], request: PageRequest, result: PageResult) -> dict[str, Any]:
        offset = int(state.get("offset", 0)) + result.count
        if result.count and offset >= MAX_HITS and (result.total or 0) > MAX_HITS:
            raise PagingError(f"dblp: {job.label} has more than {MAX_HITS} hits, more than the search API serves; "
                              "use the dump (`--dump`) for this venue.")
        done = result.count == 0 or result.total is None or offset >= result.total
        return {"offset": offset, "done": done}

    def parse(self, body: bytes, context: PageContext) -> PageResult:
        data = json_body(body)
        hits = data.get("result", {}).get("hits") if isinstance(data, dict) and isinstance(data.get("result"),
                                                                                            dict) else None
        if not isinstance(hits, dict):
            raise BadPage("DBLP answer has no result.hits")
        items = _as_list(hits.get("hit"))
        result = PageResult(count=len(items), total=page_total(hits.get("@total")))
        context.unexpected_empty(result.count, int((context.state or {}).get("offset", 0)), result.total)
        venue, year = context.job.params["venue"], context.job.params["year"]
        kept: list[tuple[Paper, dict[str, Any]]] = []
        for index, hit in enumerate(items):
            parsed = guard(SOURCE, f"{context.locator}#hit[{index}]", hit,
                           lambda h=hit: parse_hit(h, context.retrieved_at, venue))
            if parsed is None or (isinstance(parsed, Paper) and parsed.year not in (None, year)):
                result.skipped += 1
            elif isinstance(parsed, Paper):
                kept.append((parsed, hit["info"]))
            else:
                result.quarantined.append(parsed)
        result.papers.extend(full_papers(kept, venue, year, context.job.params["stream"], result))
        return result


# ---------------------------------------------------------------- dump
def _element_text(element: etree._Element | None) -> str | None:
    return text("".join(element.itertext())) if element is not None else None


def parse_dump_record(element: etree._Element, retrieved_at: str, venue: str) -> Paper:
    key = element.get("key") or ""
    title = _element_text(element.find("title"))
    title = title.rstrip(".").strip() if title else None
    if not title:
        raise ValueError("empty title")
    ee = [_element_text(e) for e in element.findall("ee")]
    paper = new_paper(SOURCE, retrieved_at, title=title, year=year_of(_element_text(element.find("year"))),
                      venue=venue, doi=_doi_from(ee), dblp_key=key, url=next((e for e in ee if e), None))
    for position, node in enumerate(element.findall("author")):
        name = _element_text(node)
        if name:
            paper.authorships.append(authorship(paper, position, display_name(name), orcid=node.get("orcid")))
    return paper


def venue_of_key(key: str, prefixes: dict[str, str]) -> str | None:
    stream = key.rsplit("/", 1)[0]
    return prefixes.get(stream)


def read_dump(path: Path, venues: list[str] | None, years: tuple[int, int] | None,
              retrieved_at: str) -> Iterator[Paper | Quarantined]:
    """Stream the dump; keep papers of the venues/years asked for (all papers when venues is None).

    Memory stays flat: each record element is cleared after use and its already-read
    siblings are deleted from the root, the usual recipe for multi-gigabyte XML.
    """
    prefixes = {STREAMS.get(v, f"conf/{v.lower()}"): v for v in venues} if venues is not None else None
    handle = _open(path)
    try:
        events = etree.iterparse(handle, events=("end",), tag=DUMP_RECORD_TAGS, load_dtd=True, huge_tree=True,
                                 no_network=True)
        index = 0
        try:
            for _, element in events:
                index += 1
                key = element.get("key") or ""
                venue = venue_of_key(key, prefixes) if prefixes is not None else "Other"
                if venue and element.tag in PAPER_TAGS:
                    year = year_of(_element_text(element.find("year")))
                    if years is None or (year is not None and years[0] <= year <= years[1]):
                        locator = f"{path.name}#{key or index}"
                        yield guard(SOURCE, locator, raw_excerpt(etree.tostring(element, encoding="unicode")),
                                    lambda e=element, v=venue: parse_dump_record(e, retrieved_at, v))
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError as exc:
            yield Quarantined(SOURCE, f"{path.name}#after-record-{index}", f"dump is not well-formed XML: {exc}")
    finally:
        handle.close()


def _open(path: Path) -> Any:
    # A gzip file object keeps the path as its name, so lxml resolves "dblp.dtd" beside the dump.
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
