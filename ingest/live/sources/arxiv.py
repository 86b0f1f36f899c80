"""arXiv export API (Atom XML): abstracts, authors and categories for known arXiv ids.

arXiv has no venues, so it is used to fill in papers other sources found: `--ids`, or
(with `ingest all` / no ids) every arXiv id in the record files whose paper has no
abstract yet. Ids are looked up 100 to a request (`id_list`); arXiv asks for at most
one request every 3 seconds and one connection at a time, which the HTTP layer keeps.

Malformed ids are quarantined before any request (arXiv answers a whole batch with 400
for one bad id); ids arXiv does not know are quarantined after it, so nothing asked
for disappears without a trace. arXiv categories (cs.DC, cs.LG...) are parsed into
`PageResult.extra["categories"]`; the canonical Paper has no field for them yet.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from graph import ids
from graph.records import Paper, Quarantined
from ingest.live.base import BadPage, Job, LiveSource, PageContext, PageRequest, PageResult, page_total
from ingest.live.parsing import arxiv_id_of, authorship, doi_of, guard, new_paper, text, year_of

SOURCE = "arxiv"
PATH = "/api/query"
IDS_PER_REQUEST = 100
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
# No DTDs, no entities, no network: an API answer is data, never instructions to the parser.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_feed(body: bytes) -> etree._Element:
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise BadPage(f"response is not well-formed XML ({exc})") from exc
    if root is None or root.tag != f"{ATOM}feed":
        raise BadPage(f"expected an Atom feed, got <{getattr(root, 'tag', None)}>")
    return root


def _child_text(entry: etree._Element, tag: str) -> str | None:
    node = entry.find(tag)
    return text(node.text) if node is not None else None


def parse_entry(entry: etree._Element, retrieved_at: str) -> tuple[Paper, list[str]]:
    arxiv_id = arxiv_id_of(_child_text(entry, f"{ATOM}id"))
    if not arxiv_id:
        raise ValueError(f"entry id is not an arXiv id: {_child_text(entry, f'{ATOM}id')!r}")
    title = _child_text(entry, f"{ATOM}title")
    if not title:
        raise ValueError("empty title")
    paper = new_paper(SOURCE, retrieved_at, title=title, year=year_of(_child_text(entry, f"{ATOM}published")),
                      venue="arXiv", arxiv_id=arxiv_id, doi=doi_of(_child_text(entry, f"{ARXIV}doi")),
                      abstract=_child_text(entry, f"{ATOM}summary"), url=f"https://arxiv.org/abs/{arxiv_id}")
    for position, node in enumerate(entry.findall(f"{ATOM}author")):
        name = _child_text(node, f"{ATOM}name")
        if name:
            paper.authorships.append(authorship(paper, position, name,
                                                affiliation=_child_text(node, f"{ARXIV}affiliation")))
    categories = [c.get("term") for c in entry.findall(f"{ATOM}category") if c.get("term")]
    return paper, categories


class ArXiv(LiveSource):
    name = SOURCE
    cli_name = "arxiv"

    @staticmethod
    def ids_jobs(values: list[str]) -> list[Job]:
        wanted = sorted({v.strip() for v in values if v.strip()})
        valid = sorted({i for i in (arxiv_id_of(v) for v in wanted) if i})
        invalid = [v for v in wanted if not arxiv_id_of(v)]
        if not wanted:
            return []
        return [Job(f"ids-{ids.digest(*wanted)}", f"{len(valid)} arXiv ids", {"ids": valid, "invalid": invalid})]

    def rejected(self, job: Job) -> list[Quarantined]:
        return [Quarantined(SOURCE, f"--ids {value}", "not an arXiv id (like 1707.08567 or cs/0601001)", value)
                for value in job.params.get("invalid", [])]

    def next_request(self, job: Job, state: dict[str, Any]) -> PageRequest | None:
        chunk = int(state.get("chunk", 0))
        batch = job.params["ids"][chunk * IDS_PER_REQUEST:(chunk + 1) * IDS_PER_REQUEST]
        if not batch:
            return None
        return PageRequest(PATH, (("id_list", ",".join(batch)), ("start", "0"), ("max_results", str(len(batch)))))

    def advance(self, job: Job, state: dict[str, Any], request: PageRequest, result: PageResult) -> dict[str, Any]:
        return {"chunk": int(state.get("chunk", 0)) + 1}

    def parse(self, body: bytes, context: PageContext) -> PageResult:
        root = parse_feed(body)
        entries = root.findall(f"{ATOM}entry")
        result = PageResult(count=len(entries), total=page_total(_child_text(root, f"{OPENSEARCH}totalResults")))
        categories: dict[str, list[str]] = {}
        found: set[str] = set()
        for index, entry in enumerate(entries):
            locator = f"{context.locator}#entry[{index}]"
            entry_id = _child_text(entry, f"{ATOM}id") or ""
            if "arxiv.org/api/errors" in entry_id:
                reason = _child_text(entry, f"{ATOM}summary") or "arXiv reported an error"
                result.quarantined.append(Quarantined(SOURCE, locator, f"arXiv error: {reason}", entry_id))
                continue
            parsed = guard(SOURCE, locator, etree.tostring(entry, encoding="unicode")[:4000],
                           lambda e=entry: parse_entry(e, context.retrieved_at))
            if isinstance(parsed, Quarantined):
                result.quarantined.append(parsed)
                continue
            paper, cats = parsed
            result.papers.append(paper)
            categories[paper.arxiv_id or ""] = cats
            found.add(paper.arxiv_id or "")
        asked = dict(context.request.params).get("id_list", "")
        for wanted in (i for i in asked.split(",") if i):
            if wanted not in found:
                result.quarantined.append(Quarantined(SOURCE, f"{context.locator}#{wanted}",
                                                      "arXiv returned no entry for this id", wanted))
        result.extra["categories"] = categories
        return result
