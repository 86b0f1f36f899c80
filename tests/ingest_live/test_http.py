"""The shared HTTP layer against a misbehaving replay server: every fault ends in a retry that
succeeds or a clear error, a warm store makes no requests, and keys never leave the request."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from ingest.live.base import BadPage, BudgetExhausted, FetchFailed, PageRequest
from ingest.live.http import MinIntervalLimiter, SourceClient
from ingest.live.settings import policy_for
from ingest.live.sources.arxiv import ArXiv
from ingest.live.sources.openalex import OpenAlex
from ingest.live.sources.semantic_scholar import BATCH_FIELDS, BATCH_PATH, SemanticScholar

from .replay import Fault, ReplayData, ReplayServer, openalex_works

WORKS = PageRequest("/works", (("filter", "doi:https://doi.org/10.99999/replay.oa.1"), ("per-page", "50")))


@pytest.fixture
def replay_data() -> ReplayData:
    return ReplayData(openalex_works={"S1": openalex_works(3)})


class Sleeps(list):
    """Records requested waits instead of sleeping: the test checks the wait, not the clock."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(source_cls: type, server: ReplayServer, tmp_path: Path, **kwargs: object) -> tuple[SourceClient, Sleeps]:
    sleeps = Sleeps()
    source = source_cls(server.url, policy_for(source_cls.cli_name))
    return SourceClient(source, tmp_path / "raw" / f"{source.name}.sqlite", sleep=sleeps, **kwargs), sleeps


def json_titles(body: bytes, _retrieved_at: str) -> list[str]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise BadPage(str(exc)) from exc
    if not isinstance(data, dict) or "results" not in data:
        raise BadPage("no results")
    return [w["title"] for w in data["results"]]


def test_retry_after_is_honoured_exactly(replay: ReplayServer, tmp_path: Path) -> None:
    replay.inject("/works", Fault("status", 429, {"Retry-After": "3"}, b'{"error": "slow down"}'))
    client, sleeps = client_for(OpenAlex, replay, tmp_path)
    page = client.fetch(WORKS, json_titles)
    assert page.result and page.result[0].endswith("(replay 1)")
    assert sleeps == [3.0] and replay.count("/works") == 2 and client.requests_sent == 2


def test_429_without_retry_after_and_5xx_back_off_then_succeed(replay: ReplayServer, tmp_path: Path) -> None:
    replay.inject("/works", Fault("status", 429), Fault("status", 500), Fault("status", 502))
    client, sleeps = client_for(OpenAlex, replay, tmp_path)
    assert client.fetch(WORKS, json_titles).result
    assert len(sleeps) == 3 and all(0 < s <= 0.01 for s in sleeps)  # exponential backoff with jitter, capped
    assert replay.count("/works") == 4


def test_connection_reset_and_stalled_read_are_retried(replay: ReplayServer, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_HTTP_READ_TIMEOUT", "0.4")
    replay.inject("/works", Fault("reset"), Fault("stall", seconds=1.5))  # longer than the 0.4 s read timeout
    client, sleeps = client_for(OpenAlex, replay, tmp_path)
    assert client.fetch(WORKS, json_titles).result
    assert len(sleeps) == 2 and replay.count("/works") == 3


@pytest.mark.parametrize("kind", ["truncate", "truncjson", "html200", "empty_body"])
def test_unusable_bodies_are_fetched_again_and_never_stored(replay: ReplayServer, tmp_path: Path, kind: str) -> None:
    fault = Fault("status", 200, body=b"") if kind == "empty_body" else Fault(kind)
    replay.inject("/works", fault)
    client, _ = client_for(OpenAlex, replay, tmp_path)
    first = client.fetch(WORKS, json_titles)
    assert first.result and not first.from_cache and replay.count("/works") == 2
    again = client.fetch(WORKS, json_titles)  # served from the store: the good page, not the broken one
    assert again.from_cache and again.result == first.result and replay.count("/works") == 2


def test_malformed_xml_from_arxiv_is_fetched_again(replay: ReplayServer, tmp_path: Path) -> None:
    replay.inject("/api/query", Fault("badxml"))
    client, _ = client_for(ArXiv, replay, tmp_path)
    source = client.source
    (job,) = ArXiv.ids_jobs(["1707.08567"])
    request = source.next_request(job, {})
    from ingest.live.base import PageContext

    page = client.fetch(request, lambda body, day: source.parse(body, PageContext(job, request, "loc", day)))
    assert [p.arxiv_id for p in page.result.papers] == ["1707.08567"] and replay.count("/api/query") == 2


def test_giving_up_is_a_clear_error_after_the_configured_attempts(replay: ReplayServer, tmp_path: Path) -> None:
    replay.inject("/works", *[Fault("status", 503)] * 4)
    client, _ = client_for(OpenAlex, replay, tmp_path)
    with pytest.raises(FetchFailed, match=r"gave up on GET .*/works.* after 4 attempts \(HTTP 503\).*re-run"):
        client.fetch(WORKS, json_titles)
    assert replay.count("/works") == 4


def test_a_client_error_is_not_retried(replay: ReplayServer, tmp_path: Path) -> None:
    client, sleeps = client_for(OpenAlex, replay, tmp_path)
    with pytest.raises(FetchFailed, match="HTTP 404"):
        client.fetch(PageRequest("/no-such-endpoint"), json_titles)
    assert sleeps == [] and replay.count() == 1


def test_a_retry_after_longer_than_allowed_stops_instead_of_waiting(replay: ReplayServer, tmp_path: Path) -> None:
    replay.inject("/works", Fault("status", 503, {"Retry-After": "3600"}))
    client, sleeps = client_for(OpenAlex, replay, tmp_path)
    with pytest.raises(FetchFailed, match="asks to wait 3600s"):
        client.fetch(WORKS, json_titles)
    assert sleeps == [] and replay.count("/works") == 1


def test_openalex_exhausted_budget_stops_at_once_but_a_burst_429_is_retried(replay: ReplayServer,
                                                                           tmp_path: Path) -> None:
    replay.inject("/works", Fault("status", 429, body=b'{"error": "Rate limit exceeded", "message": "too many '
                                                      b'requests per second"}'))
    client, sleeps = client_for(OpenAlex, replay, tmp_path)
    assert client.fetch(WORKS, json_titles).result and len(sleeps) == 1
    replay.inject("/works", Fault("status", 429, {"X-RateLimit-Remaining": "0"},
                                  b'{"error": "Rate limit exceeded", "message": "Daily limit exceeded"}'))
    before = replay.count("/works")
    other = PageRequest("/works", (("filter", "doi:https://doi.org/10.99999/replay.oa.2"), ("per-page", "50")))
    with pytest.raises(BudgetExhausted, match="budget is used up.*Re-run tomorrow"):
        client.fetch(other, json_titles)
    assert replay.count("/works") == before + 1 and len(sleeps) == 1


def test_warm_store_makes_no_requests_and_refresh_fetches_again(replay: ReplayServer, tmp_path: Path) -> None:
    client, _ = client_for(OpenAlex, replay, tmp_path)
    assert not client.is_stored(WORKS)
    client.fetch(WORKS, json_titles)
    client.close()
    warm, _ = client_for(OpenAlex, replay, tmp_path)  # a new process would open the same file
    assert warm.is_stored(WORKS) and warm.fetch(WORKS, json_titles).from_cache
    assert warm.requests_sent == 0 and replay.count("/works") == 1
    fresh, _ = client_for(OpenAlex, replay, tmp_path, refresh=True)
    assert not fresh.fetch(WORKS, json_titles).from_cache and replay.count("/works") == 2


def test_api_keys_are_sent_but_never_stored_or_logged(replay: ReplayServer, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("OPENALEX_API_KEY", "oa-SECRET-123")
    monkeypatch.setenv("S2_API_KEY", "s2-SECRET-456")
    caplog.set_level(logging.DEBUG)
    replay.inject("/works", Fault("status", 500))  # a retry, so the retry log line is written too
    oa, _ = client_for(OpenAlex, replay, tmp_path)
    oa.fetch(WORKS, json_titles)
    s2, _ = client_for(SemanticScholar, replay, tmp_path)
    batch = PageRequest.post_json(BATCH_PATH, (("fields", BATCH_FIELDS),), {"ids": ["DOI:10.1/none"]})
    s2.fetch(batch, lambda body, day: json.loads(body))
    seen = replay.requests()
    assert seen[-2]["query"].get("api_key") == "oa-SECRET-123"
    assert seen[-1]["headers"].get("x-api-key") == "s2-SECRET-456"
    assert "atlas-tests@example.org" in seen[-1]["headers"]["User-Agent"]
    oa.close()
    s2.close()
    for path in (tmp_path / "raw").iterdir():
        assert b"SECRET" not in path.read_bytes(), path
    assert "retrying" in caplog.text and "SECRET" not in caplog.text


def test_min_interval_limiter_spaces_request_starts() -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = MinIntervalLimiter(3.0, sleep, clock=lambda: now[0])
    limiter.wait()
    now[0] += 1.0
    limiter.wait()
    now[0] += 5.0
    limiter.wait()
    assert waits == [2.0]  # only the second request came too early
