"""OpenReview API v2: accepted papers of a venue-year with OpenReview author (tilde) ids.

`GET /notes?content.venueid=<venue id>&offset=N&limit=1000`: in API v2 the accepted
papers of a conference carry `content.venueid` = the venue's group id (rejected ones
get `.../Rejected_Submission`), and every content field is wrapped as `{"value": ...}`.
Guests may make about 20 searches a minute, hence one request every 3 seconds.
The group id of each venue is in `VENUE_IDS`; `--venueid` overrides it.
"""

from __future__ import annotations

from typing import Any

from graph.records import Paper
from ingest.live.base import BadPage, Job, LiveSource, PageContext, PageRequest, PageResult, json_body, page_total
from ingest.live.parsing import authorship, guard, new_paper, text

SOURCE = "openreview"
LIMIT = 1000
VENUE_IDS = {"ICLR": "ICLR.cc/{year}/Conference", "MLSys": "MLSys/{year}/Conference",
             "NeurIPS": "NeurIPS.cc/{year}/Conference", "ICML": "ICML.cc/{year}/Conference"}


def _value(content: dict[str, Any], key: str) -> Any:
    """API v2 wraps every field as {"value": ...}; API v1 notes did not. Accept both."""
    field = content.get(key)
    return field.get("value") if isinstance(field, dict) else field


def parse_note(note: Any, retrieved_at: str, venue: str, year: int | None) -> Paper:
    if not isinstance(note, dict):
        raise ValueError("note is not an object")
    note_id = text(note.get("forum")) or text(note.get("id"))
    if not note_id:
        raise ValueError("note without an id")
    content = note.get("content")
    if not isinstance(content, dict):
        raise ValueError("note without content")
    title = text(_value(content, "title"))
    if not title:
        raise ValueError("empty title")
    names = [text(n) for n in _value(content, "authors") or []] if isinstance(_value(content, "authors"), list) else []
    tilde_ids = _value(content, "authorids") if isinstance(_value(content, "authorids"), list) else []
    aligned = len(tilde_ids) == len(names)
    paper = new_paper(SOURCE, retrieved_at, title=title, year=year, venue=venue, openreview_id=note_id,
                      abstract=text(_value(content, "abstract")), url=f"https://openreview.net/forum?id={note_id}")
    for position, name in enumerate(names):
        if not name:
            continue
        tilde = tilde_ids[position] if aligned and isinstance(tilde_ids[position], str) else None
        paper.authorships.append(authorship(paper, position, name,
                                            openreview_id=tilde if tilde and tilde.startswith("~") else None))
    return paper


class OpenReview(LiveSource):
    name = SOURCE
    cli_name = "openreview"

    @staticmethod
    def venue_job(venue: str, year: int, venueid: str | None = None) -> Job:
        group = venueid or VENUE_IDS.get(venue, f"{venue}/{{year}}/Conference").format(year=year)
        return Job(f"venue-{venue}_year-{year}", f"{venue} {year}", {"venue": venue, "year": year, "venueid": group})

    def next_request(self, job: Job, state: dict[str, Any]) -> PageRequest | None:
        if state.get("done"):
            return None
        return PageRequest("/notes", (("content.venueid", job.params["venueid"]),
                                      ("offset", str(int(state.get("offset", 0)))), ("limit", str(LIMIT))))

    def advance(self, job: Job, state: dict[str, Any], request: PageRequest, result: PageResult) -> dict[str, Any]:
        offset = int(state.get("offset", 0)) + result.count
        done = result.count < LIMIT or (result.total is not None and offset >= result.total)
        return {"offset": offset, "done": done}

    def parse(self, body: bytes, context: PageContext) -> PageResult:
        data = json_body(body)
        if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
            raise BadPage("OpenReview answer has no 'notes' list")
        result = PageResult(count=len(data["notes"]), total=page_total(data.get("count")))
        context.unexpected_empty(result.count, int((context.state or {}).get("offset", 0)), result.total)
        venue, year = context.job.params["venue"], context.job.params.get("year")
        for index, note in enumerate(data["notes"]):
            parsed = guard(SOURCE, f"{context.locator}#notes[{index}]", note,
                           lambda n=note: parse_note(n, context.retrieved_at, venue, year))
            (result.papers if isinstance(parsed, Paper) else result.quarantined).append(parsed)
        return result
