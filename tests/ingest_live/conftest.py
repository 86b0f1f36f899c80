"""Shared set-up: an isolated data dir, a tiny snapshot, short timeouts, and the replay server.

Every knob that would make a test wait (rate-limit intervals, backoff, timeouts) is
shrunk through the same environment variables a user would set, so the code under test
is the production code with smaller numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.live.settings import SOURCES

from .replay import ReplayData, ReplayServer

FAST_ENV = {
    "ATLAS_HTTP_BACKOFF": "0.001",
    "ATLAS_HTTP_BACKOFF_MAX": "0.005",
    "ATLAS_HTTP_ATTEMPTS": "4",
    "ATLAS_HTTP_CONNECT_TIMEOUT": "2",
    # Generous: a replayed page served late on a loaded CI machine must not be asked twice, or every
    # test counting requests would count the retry. The stalled-read test sets its own short timeout.
    "ATLAS_HTTP_READ_TIMEOUT": "30",
    "ATLAS_HTTP_MAX_RETRY_AFTER": "5",
    "ATLAS_CONTACT_EMAIL": "atlas-tests@example.org",
    **{f"ATLAS_{cli.upper().replace('-', '_')}_MIN_INTERVAL": "0" for cli in SOURCES},
}


def tiny_snapshot(path: Path) -> Path:
    """A snapshot with a manifest and no files: a rebuild then loads only the ingested records."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "MANIFEST.json").write_text(json.dumps({}))
    return path


@pytest.fixture
def live_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {**FAST_ENV, "ATLAS_DATA_DIR": str(tmp_path / "data"),
           "ATLAS_SNAPSHOT_DIR": str(tiny_snapshot(tmp_path / "snapshot"))}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for key in ("OPENALEX_API_KEY", "S2_API_KEY", "ATLAS_STORE", "ATLAS_GRAPH"):
        monkeypatch.delenv(key, raising=False)
    return env


def point_all_sources_at(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for cli in SOURCES:
        monkeypatch.setenv(f"ATLAS_{cli.upper().replace('-', '_')}_BASE_URL", url)


@pytest.fixture
def replay_data() -> ReplayData:
    return ReplayData()


@pytest.fixture
def replay(replay_data: ReplayData, live_env: dict[str, str],
           monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    with ReplayServer(replay_data, s2_page_size=250) as server:
        point_all_sources_at(server.url, monkeypatch)
        yield server
