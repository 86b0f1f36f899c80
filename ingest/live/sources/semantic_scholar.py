"""Semantic Scholar Graph API: venue-years by bulk search, then details in batches of 500.

A venue job pages `/graph/v1/paper/search/bulk?venue=...&year=Y0-Y1` by continuation
token (up to 1,000 papers a page), then POSTs the ids found to `/graph/v1/paper/batch`
500 at a time for what search does not return (references). `--ids` goes straight to
the batch step. Ids may be S2 paper ids or prefixed external ids (`DOI:`, `ARXIV:`,
`CorpusId:`...), exactly as the API accepts them.

A key (`S2_API_KEY`, sent as `x-api-key`) gives a dedicated 1 request/s; without one
requests share a pool that often answers 429, which is retried with backoff.
"""

from __future__ import annotations

from typing import Any

from graph import ids
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
from ingest.live.parsing import arxiv_id_of, authorship, doi_of, guard, new_paper, text, venue_name, year_of
from ingest.live.settings import api_key

SOURCE = "s2"
BATCH_SIZE = 500
SEARCH_PATH = "/graph/v1/paper/search/bulk"
BATCH_PATH = "/graph/v1/paper/batch"
SEARCH_FIELDS = "paperId,externalIds,title,abstract,venue,publicationVenue,year,url,authors"
BATCH_FIELDS = f"{SEARCH_FIELDS},references.paperId"
# The venue string S2's `venue` filter knows each venue by, where it differs from the short name.
VENUE_QUERIES = {"NeurIPS": "Neural Information Processing Systems", "ATC": "USENIX Annual Technical Conference"}


def _is_s2_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 40 and all(c in "0123456789abcdef" for c in value)


def parse_paper(data: Any, retrieved_at: str, venue_hint: str | None) -> Paper:
    if not isinstance(data, dict):
        raise ValueError("paper is not an object")
    s2_id = data.get("paperId")
    if not _is_s2_id(s2_id):
        raise ValueError(f"missing or malformed paperId {str(s2_id)[:60]!r}")
    title = text(data.get("title"))
    if not title:
        raise ValueError("empty title")
    external = data.get("externalIds") if isinstance(data.get("externalIds"), dict) else {}
    publication_venue = data.get("publicationVenue") if isinstance(data.get("publicationVenue"), dict) else {}
    raw_venue = text(data.get("venue")) or text(publication_venue.get("name"))
    references = [f"s2:{r['paperId']}" for r in data.get("references") or []
                  if isinstance(r, dict) and _is_s2_id(r.get("paperId"))]
    paper = new_paper(SOURCE, retrieved_at, title=title, year=year_of(data.get("year")),
                      venue=venue_hint or venue_name(raw_venue), doi=doi_of(external.get("DOI")),
                      arxiv_id=arxiv_id_of(external.get("ArXiv")), s2_id=s2_id, dblp_key=text(external.get("DBLP")),
                      abstract=text(data.get("abstract")), url=text(data.get("url")), references=references)
    for position, author in enumerate(data.get("authors") or []):
        if isinstance(author, dict) and text(author.get("name")):
            author_id = author.get("authorId")
            paper.authorships.append(authorship(paper, position, text(author["name"]) or "",
                                                s2_author_id=str(author_id) if isinstance(author_id, str | int)
                                                and not isinstance(author_id, bool) else None))
    return paper


class SemanticScholar(LiveSource):
    name = SOURCE
    cli_name = "semantic-scholar"

    def auth(self) -> tuple[dict[str, str], dict[str, str]]:
        key = api_key(SOURCE)
        return ({"x-api-key": key} if key else {}), {}

    @staticmethod
    def venue_job(venue: str, years: tuple[int, int]) -> Job:
        return Job(f"venue-{venue}_years-{years[0]}-{years[1]}", f"{venue} {years[0]}-{years[1]}",
                   {"venue": venue, "years": list(years)})

    @staticmethod
    def ids_jobs(values: list[str]) -> list[Job]:
        keys = sorted({v.strip() for v in values if v.strip()})
        return [Job(f"ids-{ids.digest(*keys)}", f"{len(keys)} ids", {"ids": keys})] if keys else []

    # ------------------------------------------------------------ paging
    def next_request(self, job: Job, state: dict[str, Any]) -> PageRequest | None:
        found = job.params["ids"] if "ids" in job.params else state.get("found", [])
        if "ids" in job.params or state.get("phase") == "batch":
            chunk = int(state.get("chunk", 0))
            batch = found[chunk * BATCH_SIZE:(chunk + 1) * BATCH_SIZE]
            return PageRequest.post_json(BATCH_PATH, (("fields", BATCH_FIELDS),), {"ids": batch}) if batch else None
        venue = job.params["venue"]
        y0, y1 = job.params["years"]
        params: tuple[tuple[str, str], ...] = (("venue", VENUE_QUERIES.get(venue, venue)), ("year", f"{y0}-{y1}"),
                                               ("fields", SEARCH_FIELDS))
        if state.get("token"):
            params += (("token", state["token"]),)
        return PageRequest(SEARCH_PATH, params)

    def advance(self, job: Job, state: dict[str, Any], request: PageRequest, result: PageResult) -> dict[str, Any]:
        if request.path == BATCH_PATH:
            return {**state, "chunk": int(state.get("chunk", 0)) + 1}
        found = [*state.get("found", []), *result.extra.get("ids", [])]
        tokens = [*state.get("tokens", []), *([state["token"]] if state.get("token") else [])]
        token = result.next_cursor
        if not token or result.count == 0:
            return {"phase": "batch", "chunk": 0, "found": list(dict.fromkeys(found))}
        if token in tokens or token == state.get("token"):
            raise PagingError("semantic-scholar: the API returned the same continuation token again; stopping so "
                              "as not to loop. Pages so far are kept; re-run with --refresh to start over.")
        return {"phase": "search", "token": token, "tokens": tokens, "found": found}

    # ------------------------------------------------------------ parsing
    def parse(self, body: bytes, context: PageContext) -> PageResult:
        data = json_body(body)
        hint = context.job.params.get("venue")
        if context.request.path == BATCH_PATH:
            if not isinstance(data, list):
                raise BadPage("batch answer is not a list")
            asked = (json_body(context.request.body.encode()) or {}).get("ids", []) if context.request.body else []
            items = data
        else:
            if not isinstance(data, dict) or not isinstance(data.get("data"), list):
                raise BadPage("search answer has no 'data' list")
            if not data["data"] and data.get("token") and context.state is not None:
                raise BadPage("empty page that still carries a continuation token")
            asked, items = [], data["data"]
        result = PageResult(count=len(items), total=page_total(data.get("total")) if isinstance(data, dict) else None,
                            next_cursor=text(data.get("token")) if isinstance(data, dict) else None)
        for index, item in enumerate(items):
            locator = f"{context.locator}#[{index}]"
            if item is None:
                wanted = asked[index] if index < len(asked) else "?"
                result.quarantined.append(Quarantined(SOURCE, locator, f"no paper for id {wanted!r}"))
                continue
            parsed = guard(SOURCE, locator, item, lambda i=item: parse_paper(i, context.retrieved_at, hint))
            if isinstance(parsed, Paper):
                result.papers.append(parsed)
            else:
                result.quarantined.append(parsed)
        result.extra["ids"] = [p.s2_id for p in result.papers if p.s2_id]
        return result
