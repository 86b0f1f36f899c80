"""OpenAlex `/works`: venue-years by cursor paging (200 per page) and DOI lookups, with affiliations.

A venue job first resolves the venue to an OpenAlex source id (`/sources?search=`),
unless one is given, then pages `/works?filter=locations.source.id:S..,publication_year:
Y0-Y1&per-page=200&cursor=...`. What OpenAlex adds to the graph: authorships with
institutions (ROR ids, countries), ORCIDs, abstracts (rebuilt from the inverted index)
and referenced works.

Since February 2026 a key is required (`OPENALEX_API_KEY`, sent as `api_key`) and list
calls cost credits from a daily budget. A 429 whose body or headers speak of the daily
budget/credits is an exhausted budget (stop, say so); any other 429 is a burst limit
(back off and retry). OpenAlex documents the first as "Daily limit exceeded" and the
second as more than 100 requests per second.
"""

from __future__ import annotations

from typing import Any

from graph import ids
from graph.ids import fold
from graph.records import Institution, Paper, Provenance, Quarantined
from ingest.live.base import (
    BadPage,
    Job,
    LiveIngestError,
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

SOURCE = "openalex"
PER_PAGE = 200
IDS_PER_REQUEST = 50  # OpenAlex ORs at most 50 values in one filter
SELECT = ("id,doi,title,display_name,publication_year,primary_location,locations,authorships,"
          "abstract_inverted_index,referenced_works,ids,type")
# How to find each venue among OpenAlex sources (search text; a result must contain it).
SEARCH_TERMS = {
    "MLSys": "Machine Learning and Systems", "SOSP": "Symposium on Operating Systems Principles",
    "ISCA": "International Symposium on Computer Architecture", "MICRO": "International Symposium on Microarchitecture",
    "OSDI": "Operating Systems Design and Implementation", "NSDI": "Networked Systems Design and Implementation",
    "ASPLOS": "Architectural Support for Programming Languages and Operating Systems",
    "EuroSys": "European Conference on Computer Systems", "ATC": "USENIX Annual Technical Conference",
}
_BUDGET_WORDS = ("budget", "credit", "daily", "per day", "quota")


def short_id(value: Any) -> str | None:
    """'https://openalex.org/W123' -> 'W123'."""
    raw = text(value)
    return raw.rsplit("/", 1)[-1] if raw else None


def rebuild_abstract(index: Any) -> str | None:
    """OpenAlex ships abstracts as {word: [positions]}; put the words back in order."""
    if not isinstance(index, dict) or not index:
        return None
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(word, str) or not isinstance(positions, list):
            return None
        for position in positions:
            if isinstance(position, int) and not isinstance(position, bool) and 0 <= position < 100_000:
                placed[position] = word
    return " ".join(placed[i] for i in sorted(placed)) or None


def _source_name(location: Any) -> str | None:
    if isinstance(location, dict) and isinstance(location.get("source"), dict):
        return text(location["source"].get("display_name"))
    return None


def parse_work(work: Any, retrieved_at: str, venue_hint: str | None,
               institutions: dict[str, Institution]) -> Paper:
    if not isinstance(work, dict):
        raise ValueError("work is not an object")
    openalex_id = short_id(work.get("id"))
    if not openalex_id or not openalex_id.startswith("W"):
        raise ValueError("missing OpenAlex work id")
    title = text(work.get("title")) or text(work.get("display_name"))
    if not title:
        raise ValueError("empty title")
    doi = doi_of(work.get("doi"))
    primary = work.get("primary_location") if isinstance(work.get("primary_location"), dict) else {}
    locations = [loc for loc in work.get("locations") or [] if isinstance(loc, dict)]
    arxiv = arxiv_id_of(doi) or next((arxiv_id_of(loc.get("landing_page_url")) for loc in locations
                                      if arxiv_id_of(loc.get("landing_page_url"))), None)
    references = [f"openalex:{ref}" for ref in (short_id(r) for r in work.get("referenced_works") or []) if ref]
    paper = new_paper(SOURCE, retrieved_at, title=title, year=year_of(work.get("publication_year")),
                      venue=venue_hint or venue_name(_source_name(primary)), doi=doi, arxiv_id=arxiv,
                      openalex_id=openalex_id, abstract=rebuild_abstract(work.get("abstract_inverted_index")),
                      url=text(primary.get("landing_page_url")) or (f"https://doi.org/{doi}" if doi else None),
                      references=references)
    provenance = Provenance([SOURCE], retrieved_at)
    for position, entry in enumerate(work.get("authorships") or []):
        if not isinstance(entry, dict):
            continue
        author = entry.get("author") if isinstance(entry.get("author"), dict) else {}
        name = text(author.get("display_name")) or text(entry.get("raw_author_name"))
        if not name:
            continue
        insts = [i for i in entry.get("institutions") or [] if isinstance(i, dict) and text(i.get("display_name"))]
        countries = [c for c in entry.get("countries") or [] if isinstance(c, str)]
        raw_affs = [a for a in (text(x) for x in entry.get("raw_affiliation_strings") or []) if a]
        affiliation, institution_id, country = (raw_affs[0] if raw_affs else None), None, None
        if insts:
            first = insts[0]
            affiliation = text(first.get("display_name"))
            country = text(first.get("country_code"))
            ror = text(first.get("ror"))
            institution_id = ids.institution_id(affiliation or "", ror)
            known = institutions.get(institution_id)
            institutions[institution_id] = Institution(institution_id, affiliation or "", country, ror, provenance,
                                                       openalex_id=short_id(first.get("id"))) \
                if known is None else known
        paper.authorships.append(authorship(
            paper, position, name, affiliation=affiliation, institution_id=institution_id,
            country=country or (countries[0] if countries else None), openalex_id=short_id(author.get("id")),
            orcid=short_id(author.get("orcid"))))
    return paper


class OpenAlex(LiveSource):
    name = SOURCE
    cli_name = "openalex"

    def auth(self) -> tuple[dict[str, str], dict[str, str]]:
        key = api_key(SOURCE)
        return {}, ({"api_key": key} if key else {})

    @staticmethod
    def venue_job(venue: str, years: tuple[int, int], source_id: str | None = None) -> Job:
        return Job(f"venue-{venue}_years-{years[0]}-{years[1]}", f"{venue} {years[0]}-{years[1]}",
                   {"venue": venue, "years": list(years), "source_id": source_id})

    @staticmethod
    def ids_jobs(values: list[str]) -> list[Job]:
        """DOIs and W-ids, looked up 50 to a request with an OR filter (`doi:a|b|c`, `openalex:W1|W2`)."""
        keys = sorted({v.strip() for v in values if v.strip()})
        dois = sorted({d for d in (doi_of(v) or doi_of(f"doi:{v}") for v in keys) if d})
        works = sorted({w for w in (short_id(v) for v in keys if not doi_of(v) and not doi_of(f"doi:{v}"))
                        if w and w.startswith("W")})
        groups = [["doi", [f"https://doi.org/{d}" for d in dois[i:i + IDS_PER_REQUEST]]]
                  for i in range(0, len(dois), IDS_PER_REQUEST)]
        groups += [["openalex", works[i:i + IDS_PER_REQUEST]] for i in range(0, len(works), IDS_PER_REQUEST)]
        if not groups:
            return []
        return [Job(f"ids-{ids.digest(*keys)}", f"{len(dois) + len(works)} DOIs/ids", {"groups": groups})]

    # ------------------------------------------------------------ paging
    def next_request(self, job: Job, state: dict[str, Any]) -> PageRequest | None:
        if "groups" in job.params:
            chunk = int(state.get("chunk", 0))
            if chunk >= len(job.params["groups"]):
                return None
            kind, values = job.params["groups"][chunk]
            return PageRequest("/works", (("filter", f"{kind}:{'|'.join(values)}"),
                                          ("per-page", str(IDS_PER_REQUEST)), ("select", SELECT)))
        if state.get("done"):
            return None
        source_id = state.get("source_id") or job.params.get("source_id")
        if not source_id:
            term = SEARCH_TERMS.get(job.params["venue"], job.params["venue"])
            return PageRequest("/sources", (("search", term), ("per-page", "25")))
        y0, y1 = job.params["years"]
        return PageRequest("/works", (
            ("filter", f"locations.source.id:{source_id},publication_year:{y0}-{y1}"),
            ("per-page", str(PER_PAGE)), ("select", SELECT), ("cursor", state.get("cursor", "*"))))

    def advance(self, job: Job, state: dict[str, Any], request: PageRequest, result: PageResult) -> dict[str, Any]:
        if "groups" in job.params:
            return {"chunk": int(state.get("chunk", 0)) + 1}
        if request.path == "/sources":
            source_id = pick_source(result.extra.get("sources", []), job.params["venue"])
            if source_id is None:
                raise LiveIngestError(
                    f"openalex: no OpenAlex source matches venue {job.params['venue']!r}; look it up on "
                    "openalex.org and pass --source-id S... (the id is then used as given).")
            return {"source_id": source_id, "cursor": "*", "seen": []}
        cursor = dict(request.params).get("cursor", "*")
        seen = [*state.get("seen", []), cursor]
        fetched = int(state.get("fetched", 0)) + result.count
        next_cursor = result.next_cursor
        # A short page, or as many works as OpenAlex counted, is the end: no need to ask for an empty page.
        if not next_cursor or result.count < PER_PAGE or (result.total is not None and fetched >= result.total):
            return {**state, "seen": seen, "fetched": fetched, "done": True}
        if next_cursor in seen:
            raise PagingError(f"openalex: the API returned cursor {next_cursor[:40]!r} a second time; stopping so "
                              "as not to loop. Pages so far are kept; re-run with --refresh to start the venue over.")
        return {**state, "seen": seen, "fetched": fetched, "cursor": next_cursor}

    # ------------------------------------------------------------ parsing
    def parse(self, body: bytes, context: PageContext) -> PageResult:
        data = json_body(body)
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise BadPage("OpenAlex answer has no 'results' list")
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        result = PageResult(count=len(data["results"]), total=page_total(meta.get("count")),
                            next_cursor=text(meta.get("next_cursor")))
        if context.request.path == "/sources":
            result.extra["sources"] = [s for s in data["results"] if isinstance(s, dict)]
            return result
        if "cursor" in dict(context.request.params):
            context.unexpected_empty(result.count, int((context.state or {}).get("fetched", 0)), result.total)
        hint = context.job.params.get("venue")
        for index, work in enumerate(data["results"]):
            locator = f"{context.locator}#results[{index}]"
            item = guard(SOURCE, locator, work, lambda w=work: parse_work(w, context.retrieved_at, hint,
                                                                          result.institutions))
            if isinstance(item, Paper):
                result.papers.append(item)
            else:
                result.quarantined.append(item)
        self._report_missing(context, result)
        return result

    @staticmethod
    def _report_missing(context: PageContext, result: PageResult) -> None:
        """A looked-up DOI or W-id OpenAlex does not know is quarantined, so nothing asked for vanishes."""
        kind, _, values = dict(context.request.params).get("filter", "").partition(":")
        if "groups" not in context.job.params or kind not in ("doi", "openalex") or result.quarantined:
            return  # (an unparsable work may be the one asked for; it is quarantined already)
        found = {(p.doi or "").lower() for p in result.papers} | {p.openalex_id or "" for p in result.papers}
        for value in values.split("|"):
            key = (doi_of(value) or "").lower() if kind == "doi" else value
            if key not in found:
                result.quarantined.append(Quarantined(SOURCE, f"{context.locator}#{value}",
                                                      f"OpenAlex has no work for {kind} {value}", value))

    def budget_exhausted(self, status: int, headers: dict[str, str], body: bytes) -> bool:
        text_body = body[:2000].decode("utf-8", errors="replace").lower()
        if any(word in text_body for word in _BUDGET_WORDS):
            return True
        for name, value in headers.items():
            if "ratelimit" in name.lower() and "remaining" in name.lower() and value.strip() in {"0", "0.0", "0.00"}:
                return True
        return False


def pick_source(sources: list[dict[str, Any]], venue: str) -> str | None:
    """The OpenAlex source whose name contains the venue's search text; conferences and big ones first."""
    term = fold(SEARCH_TERMS.get(venue, venue))
    matches = []
    for source in sources:
        names = [text(source.get("display_name")) or "", *(t for t in source.get("alternate_titles") or []
                                                            if isinstance(t, str))]
        abbreviation = text(source.get("abbreviated_title")) or ""
        if any(term in fold(n) for n in names) or fold(abbreviation) == fold(venue):
            works = source.get("works_count") if isinstance(source.get("works_count"), int) else 0
            matches.append((source.get("type") != "conference", -works, short_id(source.get("id")) or ""))
    matches = [m for m in matches if m[2].startswith("S")]
    return min(matches)[2] if matches else None

