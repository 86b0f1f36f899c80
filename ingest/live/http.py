"""The one HTTP layer every live source goes through: polite, patient, and never asking twice.

* **Raw-response store**: `requests-cache` (SQLite, one file per source) keeps every
  successful page as received, keyed by the request (method, URL, parameters, body;
  API-key parameters and headers excluded from the key and redacted from what is
  stored). Re-parsing never refetches, and re-running an ingest whose pages are all
  stored makes zero requests. `refresh=True` fetches again and overwrites.
* **Politeness**: a minimum interval between requests per host and one request in
  flight at a time, applied in a transport adapter so cache hits never wait; a
  User-Agent with the contact address from `ATLAS_CONTACT_EMAIL`.
* **Deadline**: every request has an overall deadline (`ATLAS_HTTP_DEADLINE`) from
  connect to last byte. The read timeout only bounds the gap between two bytes, so a
  server dripping one byte a second would otherwise hold an ingest for ever; at the
  deadline a timer shuts the connection's socket down, which wakes the blocked read.
* **Retries**: `tenacity`, exponential backoff with jitter for 429/5xx, connection
  errors, timeouts and unusable bodies (`BadPage`); a `Retry-After` header is honoured
  exactly. A 429 that the source recognises as an exhausted daily budget stops at once
  with `BudgetExhausted` instead of hammering the API.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import requests
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ingest.live.base import BadPage, BudgetExhausted, FetchFailed, LiveSource, PageRequest
from ingest.live.settings import HttpPolicy, user_agent

log = logging.getLogger(__name__)

T = TypeVar("T")
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                     requests.exceptions.ContentDecodingError)
Sleep = Callable[[float], None]


class _Transient(Exception):  # noqa: N818 - internal signal for tenacity
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(redact(reason))
        self.retry_after = retry_after


_SECRETS: set[str] = set()
# Left out of cache keys and redacted from stored requests (requests-cache matches names exactly).
_IGNORED_PARAMETERS = ("api_key", "apikey", "access_token", "Authorization", "Proxy-Authorization", "X-API-Key",
                       "x-api-key", "X-Api-Key")
_LIBRARY_LOGGERS = ("urllib3", "requests", "requests_cache")


def redact(message: str) -> str:
    """Blank out every API key this process has been given (exception texts carry full URLs)."""
    for secret in _SECRETS:
        message = message.replace(secret, "***")
    return message


class _RedactSecrets(logging.Filter):
    """Library debug logs (urllib3, requests-cache) print request URLs, and OpenAlex keys travel in the URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SECRETS:
            message = record.getMessage()
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return True


_REDACTOR = _RedactSecrets()


def _guard_logs(secrets: list[str]) -> None:
    _SECRETS.update(s for s in secrets if s)
    if not _SECRETS:
        return
    names = [n for n in logging.root.manager.loggerDict if n.split(".", 1)[0] in _LIBRARY_LOGGERS]
    for name in [*_LIBRARY_LOGGERS, *names, __name__]:
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)


class MinIntervalLimiter:
    """At least `interval` seconds between the starts of two requests to one host.

    Hand-written because it is a dozen lines, and because tests must be able to shrink
    the interval and replace the sleep; the general limiters (pyrate-limiter) add a
    bucket model and a backend for no gain when requests are sequential anyway.
    """

    def __init__(self, interval: float, sleep: Sleep = time.sleep, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.sleep = sleep
        self.clock = clock
        self._lock = threading.Lock()
        self._next_start = 0.0

    def wait(self) -> None:
        with self._lock:
            delay = self._next_start - self.clock()
            if delay > 0:
                self.sleep(delay)
            self._next_start = max(self.clock(), self._next_start) + self.interval


class PoliteAdapter(HTTPAdapter):
    """Transport adapter that rate-limits, serialises and counts only the requests that reach the network."""

    def __init__(self, limiter: MinIntervalLimiter) -> None:
        self._connections: weakref.WeakSet[HTTPConnection] = weakref.WeakSet()  # before init_poolmanager runs
        super().__init__(max_retries=0)  # retries happen above, where bodies can be checked too
        self.limiter = limiter
        self.requests_sent = 0
        self._in_flight = threading.Lock()  # one connection at a time (arXiv asks for exactly that)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Pools whose connections register themselves, so `abort_connections` can reach their sockets."""
        super().init_poolmanager(*args, **kwargs)
        registry = self._connections

        class TrackedHTTP(HTTPConnection):
            def connect(self) -> None:
                super().connect()
                registry.add(self)

        class TrackedHTTPS(HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                registry.add(self)

        class Pool(HTTPConnectionPool):
            ConnectionCls = TrackedHTTP

        class SecurePool(HTTPSConnectionPool):
            ConnectionCls = TrackedHTTPS

        self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": SecurePool}

    def abort_connections(self) -> None:
        """Shut down every open socket (called by the deadline timer): a blocked read returns at once."""
        for connection in list(self._connections):
            sock = getattr(connection, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        with self._in_flight:
            self.limiter.wait()
            self.requests_sent += 1
            return super().send(request, *args, **kwargs)


@dataclass
class Fetched(Generic[T]):
    result: T
    from_cache: bool
    retrieved_at: str  # YYYY-MM-DD, from the response's Date header (when the server produced it)


def _retry_after(headers: Any) -> float | None:
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _retrieved_at(headers: Any) -> str:
    try:
        return parsedate_to_datetime(headers["Date"]).date().isoformat()
    except (KeyError, TypeError, ValueError):
        return datetime.now(UTC).date().isoformat()


def _snippet(body: bytes, limit: int = 200) -> str:
    return " ".join(body[:limit].decode("utf-8", errors="replace").split())


class SourceClient:
    """A session for one source: cache, limiter, retries, credentials. Not shared between sources."""

    def __init__(self, source: LiveSource, cache_path: Path, *, refresh: bool = False, sleep: Sleep = time.sleep):
        self.source = source
        self.policy: HttpPolicy = source.policy
        self.refresh = refresh
        self.sleep = sleep
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self.session = CachedSession(
            str(cache_path), backend="sqlite", expire_after=-1, allowable_codes=(200,),
            allowable_methods=("GET", "POST"), stale_if_error=False, match_headers=False,
            ignored_parameters=_IGNORED_PARAMETERS,
        )
        self.adapter = PoliteAdapter(MinIntervalLimiter(self.policy.min_interval, sleep))
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)
        self.session.headers["User-Agent"] = user_agent()
        self._auth_headers, self._auth_params = source.auth()
        _guard_logs([*self._auth_headers.values(), *self._auth_params.values()])

    @property
    def requests_sent(self) -> int:
        return self.adapter.requests_sent

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------ requests
    def _prepare(self, request: PageRequest) -> requests.PreparedRequest:
        """Credentials are added only here, at send time; the store's key and copy leave them out."""
        params = [*request.params, *self._auth_params.items()]
        headers = dict(self._auth_headers)
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        raw = requests.Request(request.method, self.source.base_url + request.path, params=params, headers=headers,
                               data=request.body.encode("utf-8") if request.body is not None else None)
        return self.session.prepare_request(raw)

    def is_stored(self, request: PageRequest) -> bool:
        """Whether the raw-response store already holds this page (a fetch would make no request)."""
        return bool(self.session.cache.contains(request=self._prepare(request)))

    def fetch(self, request: PageRequest, parse: Callable[[bytes, str], T]) -> Fetched[T]:
        """Fetch (or replay from the store) and parse one page, retrying what a retry can fix."""
        where = request.describe(self.source.base_url)
        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts), wait=self._wait, sleep=self.sleep,
            retry=retry_if_exception_type(_Transient), reraise=True, before_sleep=self._log_retry(where),
        )
        try:
            return retrying(self._attempt, request, parse, where)
        except _Transient as exc:
            raise FetchFailed(redact(
                f"{self.source.cli_name}: gave up on {where} after {self.policy.attempts} attempts ({exc}). "
                "Everything fetched so far is kept; re-run the same command to continue."
            )) from exc

    def _attempt(self, request: PageRequest, parse: Callable[[bytes, str], T], where: str) -> Fetched[T]:
        prepared = self._prepare(request)
        expired = threading.Event()

        def cut_off() -> None:
            expired.set()
            self.adapter.abort_connections()

        timer = threading.Timer(self.policy.deadline, cut_off)
        timer.daemon = True
        timer.start()
        try:
            response = self.session.send(prepared, timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                                         force_refresh=self.refresh)
            body = response.content
        except _TRANSPORT_ERRORS as exc:
            if expired.is_set():
                raise _Transient(f"no complete answer within the {self.policy.deadline:g}s deadline "
                                 "(ATLAS_HTTP_DEADLINE)") from exc
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        finally:
            timer.cancel()
        if expired.is_set() and not getattr(response, "from_cache", False):
            # The socket was shut down mid-answer: whatever arrived is incomplete, and must not stay stored.
            self.session.cache.delete(requests=[prepared])
            raise _Transient(f"no complete answer within the {self.policy.deadline:g}s deadline (ATLAS_HTTP_DEADLINE)")
        status = response.status_code
        if status == 429 and self.source.budget_exhausted(status, dict(response.headers), body):
            raise BudgetExhausted(
                f"{self.source.cli_name}: the API says today's request budget is used up ({_snippet(body)}). "
                "Nothing more is requested; everything fetched so far is kept. Re-run tomorrow (or with a key "
                "that has budget left) and the ingest continues where it stopped."
            )
        if status in TRANSIENT_STATUS:
            wait = _retry_after(response.headers)
            if wait is not None and wait > self.policy.max_retry_after:
                raise FetchFailed(f"{self.source.cli_name}: {where} answered {status} and asks to wait {wait:.0f}s "
                                  f"(more than {self.policy.max_retry_after:.0f}s); re-run later to continue.")
            raise _Transient(f"HTTP {status}", wait)
        if status != 200:
            raise FetchFailed(f"{self.source.cli_name}: {where} answered HTTP {status}: {_snippet(body)}")
        retrieved_at = _retrieved_at(response.headers)
        try:
            result = parse(body, retrieved_at)
        except BadPage as exc:
            # Never keep an unusable page: the next attempt (or run) must ask the server again.
            self.session.cache.delete(requests=[prepared])
            raise _Transient(f"unusable response body: {exc}") from exc
        return Fetched(result, bool(getattr(response, "from_cache", False)), retrieved_at)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return exc.retry_after
        backoff = wait_exponential(multiplier=self.policy.backoff, max=self.policy.backoff_max) + \
            wait_random(0, self.policy.backoff)
        return min(backoff(state), self.policy.backoff_max)

    def _log_retry(self, where: str) -> Callable[[RetryCallState], None]:
        def log_it(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            log.warning("%s: %s (attempt %d); retrying in %.2fs", where, exc, state.attempt_number, wait)
        return log_it

    # ------------------------------------------------------------ bulk files
    def download(self, url: str, dest: Path) -> bool:
        """Stream a large file (the DBLP dump) to `dest` unless it is already there; True if it was fetched."""
        if dest.exists() and not self.refresh:
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        retrying = Retrying(stop=stop_after_attempt(self.policy.attempts), wait=self._wait, sleep=self.sleep,
                            retry=retry_if_exception_type(_Transient), reraise=True, before_sleep=self._log_retry(url))

        def attempt() -> None:
            try:
                with self.session.cache_disabled(), self.session.get(
                        url, stream=True, timeout=(self.policy.connect_timeout, self.policy.read_timeout)) as response:
                    if response.status_code in TRANSIENT_STATUS:
                        raise _Transient(f"HTTP {response.status_code}", _retry_after(response.headers))
                    if response.status_code != 200:
                        raise FetchFailed(f"{url} answered HTTP {response.status_code}")
                    with open(part, "wb") as out:
                        for chunk in response.iter_content(chunk_size=1 << 20):
                            out.write(chunk)
            except _TRANSPORT_ERRORS as exc:
                raise _Transient(f"{type(exc).__name__}: {exc}") from exc

        try:
            retrying(attempt)
        except _Transient as exc:
            raise FetchFailed(f"gave up downloading {url} ({exc}); re-run to try again") from exc
        part.replace(dest)
        return True
