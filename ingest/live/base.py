"""What every live source is made of: requests, parsed pages, jobs and the errors they raise.

A source is a small state machine. `next_request(job, state)` says which page to fetch
next (None when the job is done), `parse` turns one response body into records, and
`advance` computes the next state from the parsed page. The state is plain JSON so the
runner can checkpoint it after every page and resume after a crash from exactly there.
"""

from __future__ import annotations

import abc
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from graph.errors import AtlasError
from graph.records import Institution, Paper, Quarantined
from ingest.live.settings import HttpPolicy


class LiveIngestError(AtlasError):
    """A live ingest stopped; the message says why and that a re-run continues from the checkpoint."""


class FetchFailed(LiveIngestError):
    """A request kept failing after every retry, or failed in a way a retry cannot fix."""


class BudgetExhausted(LiveIngestError):
    """The API answered that today's request budget is used up (not a transient 429)."""


class PagingError(LiveIngestError):
    """The API's paging went wrong (a cursor that repeats); stopping is safer than looping."""


class BadPage(Exception):  # noqa: N818 - the name is the condition
    """A whole response body is unusable (truncated JSON, malformed XML, an HTML error page with 200).

    Raised by parsers; the HTTP layer treats it as transient, drops the stored copy and
    fetches again, so a page that is bad once does not poison the raw-response store.
    """


@dataclass(frozen=True)
class PageRequest:
    """One request, relative to the source's base URL, with no secrets in it (keys are added on send)."""

    path: str
    params: tuple[tuple[str, str], ...] = ()
    method: str = "GET"
    body: str | None = None  # JSON text for POST

    def describe(self, base_url: str = "") -> str:
        query = f"?{urlencode(self.params)}" if self.params else ""
        text = f"{self.method} {base_url}{self.path}{query}"
        if self.body is not None:
            text += f" body={self.body[:120]}{'...' if len(self.body) > 120 else ''}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "params": [list(p) for p in self.params], "method": self.method, "body": self.body}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageRequest:
        return cls(data["path"], tuple((str(k), str(v)) for k, v in data.get("params", [])), data.get("method", "GET"),
                   data.get("body"))

    @classmethod
    def post_json(cls, path: str, params: tuple[tuple[str, str], ...], payload: Any) -> PageRequest:
        return cls(path, params, "POST", json.dumps(payload, separators=(",", ":"), sort_keys=True))


@dataclass
class PageResult:
    """Records parsed from one page plus what paging needs to know about it."""

    papers: list[Paper] = field(default_factory=list)
    institutions: dict[str, Institution] = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)
    skipped: int = 0  # well-formed records outside the request (wrong year, editorship) - counted, not kept
    next_cursor: str | None = None  # cursor/token for the next page, when the API gives one
    count: int = 0  # items on the page, parsed or not (0 means an empty page)
    total: int | None = None  # results the API says match, when it says
    extra: dict[str, Any] = field(default_factory=dict)  # source-specific facts `advance` needs (ids found...)


@dataclass(frozen=True)
class Job:
    """One resumable unit of work (a venue, a venue-year, a list of ids) with its own checkpoint."""

    key: str  # stable and file-name safe, e.g. "venue-MLSys_years-2018-2025"
    label: str  # what the progress bar shows
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class PageContext:
    """What a parser needs besides the body: the job, the request (for quarantine locators) and the date."""

    job: Job
    request: PageRequest
    locator: str  # the request as a URL without credentials
    retrieved_at: str
    state: dict[str, Any] | None = None  # paging state before this page; None when replaying a checkpointed page

    def unexpected_empty(self, count: int, fetched: int, total: int | None) -> None:
        """An empty page before the API's own total is reached is a glitch: raise BadPage so it is fetched again.

        Never applied to replayed pages (they were checked when first fetched).
        """
        if self.state is not None and count == 0 and total is not None and fetched < total:
            raise BadPage(f"empty page after {fetched} of {total} results")


class LiveSource(abc.ABC):
    """A source's requests and parsers; the HTTP layer and the runner are shared."""

    name: str  # provenance source and record file name ("openalex", "s2", ...)
    cli_name: str  # as typed on the command line ("semantic-scholar")

    def __init__(self, base_url: str, policy: HttpPolicy) -> None:
        self.base_url = base_url
        self.policy = policy

    def auth(self) -> tuple[dict[str, str], dict[str, str]]:
        """(headers, query parameters) carrying credentials; added at send time, never stored."""
        return {}, {}

    @abc.abstractmethod
    def next_request(self, job: Job, state: dict[str, Any]) -> PageRequest | None:
        """The next page to fetch for `job` in `state`, or None when the job is complete."""

    @abc.abstractmethod
    def parse(self, body: bytes, context: PageContext) -> PageResult:
        """Turn one body into records; raise BadPage when the body as a whole is unusable."""

    @abc.abstractmethod
    def advance(self, job: Job, state: dict[str, Any], request: PageRequest, result: PageResult) -> dict[str, Any]:
        """The state after `result`; raise PagingError when paging cannot safely continue."""

    def rejected(self, job: Job) -> list[Quarantined]:
        """Inputs refused before any request (malformed ids), quarantined so they are not lost."""
        return []

    def budget_exhausted(self, status: int, headers: dict[str, str], body: bytes) -> bool:
        """Whether a 429 means 'come back tomorrow' rather than 'slow down'. Most APIs only say the latter."""
        return False


def json_body(body: bytes) -> Any:
    """Decode a JSON body, turning every way it can be broken into BadPage."""
    text = body.decode("utf-8", errors="replace").lstrip()
    if text[:1] == "<":
        raise BadPage(f"expected JSON, got markup ({text[:60]!r})")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise BadPage(f"response is not valid JSON ({exc})") from exc


def page_total(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
