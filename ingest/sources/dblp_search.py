"""Reader for saved DBLP search-API answers (`dblp/search_api/<stream>.{xml,json}.gz`).

`/search/publ/api` answers `format=xml` as `<result><hits><hit><info><authors><author
pid="...">Name 0001</author>...</authors><title/><venue/><pages/><year/><type/><key/>
<doi/><ee/>...` and `format=json` as the same tree with `@pid`/`text` keys, where one
author is an object rather than a list. The XML is turned into the JSON shape and both
go through the live DBLP ingestor's `parse_hit`, so the snapshot and the live ingest read
a hit the same way: DBLP key, DOI, ordered authors with their person id (`dblp_pid`),
printed names without DBLP's `0001` homonym number.

The file name is the stream (`conf_hpca.xml.gz` -> `conf/hpca`), the venue comes from
the live ingestor's stream table. Full papers only: `ingest/sources/dblp_full_papers.py`
(the search API also says when a hit belongs to a co-located workshop: venue
`HiPINEB@HPCA`). A hit that cannot be read is quarantined with the reason.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from graph.records import Paper
from ingest.live.parsing import guard, raw_excerpt, text
from ingest.live.sources.dblp import STREAMS, parse_hit
from ingest.sources.common import ReadStream, quarantine
from ingest.sources.dblp_full_papers import YEARS, full_paper_verdict, listings

SOURCE = "dblp"
Confirm = Callable[[str, int, str], bool]
_LISTS = ("author", "ee")  # elements the JSON answer turns into lists when they repeat


def _never(_venue: str, _year: int, _title: str) -> bool:
    return False


def stream_of(path: Path) -> str:
    """'conf_hpca.xml.gz' -> 'conf/hpca'."""
    return path.name.split(".", 1)[0].replace("_", "/", 1)


def hit_from_xml(element: etree._Element) -> dict[str, Any]:
    """One `<hit>` in the JSON answer's shape: `{"info": {"authors": {"author": [{"@pid", "text"}]}, ...}}`."""
    info: dict[str, Any] = {}
    node = element.find("info")
    for child in node if node is not None else []:
        if child.tag == "authors":
            authors = [{"@pid": a.get("pid"), "text": "".join(a.itertext())} for a in child.findall("author")]
            info["authors"] = {"author": authors}
        elif child.tag in _LISTS:
            info.setdefault(child.tag, []).append("".join(child.itertext()))
        else:
            info[child.tag] = "".join(child.itertext())
    return {"info": info, "@id": element.get("id")} if node is not None else {"@id": element.get("id")}


def hits_of(path: Path) -> list[Any]:
    """Every hit of a saved answer, as JSON-shaped dicts; ValueError when the file is not an answer."""
    raw = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    if ".xml" in path.suffixes:
        try:
            root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
        except etree.XMLSyntaxError as exc:
            raise ValueError(f"not well-formed XML: {exc}") from exc
        return [hit_from_xml(h) for h in root.iter("hit")]
    data = json.loads(raw)
    hits = data["result"]["hits"].get("hit", []) if isinstance(data, dict) else None
    if hits is None:
        raise ValueError("no result.hits")
    return hits if isinstance(hits, list) else [hits]


def read(path: Path, retrieved_at: str, skipped: Counter | None = None, confirmed: Confirm = _never,
         years: tuple[int, int] = YEARS) -> ReadStream:
    """Yield the full papers of one saved answer in `years`; `skipped` counts the other hits by reason."""
    stream = stream_of(path)
    venue = next((v for v, s in STREAMS.items() if s == stream), None)
    if venue is None:
        yield quarantine(SOURCE, path.name, f"no venue known for the stream {stream!r}")
        return
    try:
        hits = hits_of(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        yield quarantine(SOURCE, path.name, f"file is not a DBLP search-API answer: {exc}")
        return
    parsed: list[tuple[Paper | None, dict[str, Any]]] = []
    for index, hit in enumerate(hits):
        paper = guard(SOURCE, f"{path.name}#hit[{index}]", hit, lambda h=hit: parse_hit(h, retrieved_at, venue))
        if not isinstance(paper, Paper) and paper is not None:
            yield paper  # quarantined with the reason
            continue
        info = hit["info"]
        if paper is not None and paper.year is None:
            yield quarantine(SOURCE, f"{path.name}#{paper.dblp_key}", "year missing or not a year", raw_excerpt(hit))
            continue
        year = paper.year if paper is not None else _year(info)
        if year is None or not years[0] <= year <= years[1]:
            continue  # outside the span the snapshot covers, not a defect
        parsed.append((paper, info))
    listing = listings([((venue, p.year, text(i.get("volume")) or ""), p.dblp_key or "", text(i.get("pages")))
                        for p, i in parsed if p is not None])
    for paper, info in parsed:
        if paper is None:  # proceedings volume (Editorship)
            if skipped is not None:
                skipped[f"{venue} {_year(info)} dblp: front matter"] += 1
            continue
        assert paper.year is not None and paper.dblp_key is not None
        pages = text(info.get("pages"))
        verdict = full_paper_verdict(
            venue=venue, year=paper.year, dblp_key=paper.dblp_key, stream=stream, pages=pages, title=paper.title,
            authors=len(paper.authorships), listing=listing[(venue, paper.year, text(info.get("volume")) or "")],
            kind=text(info.get("type")) or "", api_venue=text(info.get("venue")),
            confirmed=confirmed(venue, paper.year, paper.title))
        if verdict:
            if skipped is not None:
                skipped[f"{venue} {paper.year} dblp: {verdict}"] += 1
            continue
        if not paper.authorships:
            yield quarantine(SOURCE, f"{path.name}#{paper.dblp_key}", "no authors listed", raw_excerpt(info))
            continue
        yield paper


def _year(info: dict[str, Any]) -> int | None:
    raw = text(info.get("year"))
    return int(raw) if raw and raw.isdigit() else None
