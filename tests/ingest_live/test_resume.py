"""Kill -9 an ingest in the middle of a request, twice, re-run it, and compare with a run that was never
interrupted: same records, same graph, and no page fetched twice except the ones in flight."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from atlas_cli.main import main
from graph import config
from graph.falkor_store import FalkorStore
from ingest.build import build

from .replay import Fault, ReplayData, ReplayServer, openalex_works

MLSYS_SOURCE = "S4393918830"
ARGS = ["ingest", "openalex", "--venue", "mlsys", "--years", "2018-2025", "--quiet", "--no-load"]


@pytest.fixture
def replay_data() -> ReplayData:
    return ReplayData(openalex_works={MLSYS_SOURCE: openalex_works(1000)})  # 5 pages of 200


def start_and_kill_when_blocked(server: ReplayServer, env: dict[str, str]) -> None:
    """Run the CLI in a child process and SIGKILL it while the server holds one of its requests."""
    proc = subprocess.Popen([sys.executable, "-m", "atlas_cli", *ARGS], env=env, cwd=config.PROJECT_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert server.blocked.wait(timeout=120), "the ingest never reached the held request"
        proc.kill()
        assert proc.wait(timeout=30) == -9
    finally:
        if proc.poll() is None:
            proc.kill()
        server.release()


def cursors(server: ReplayServer) -> list[str]:
    return [r["query"]["cursor"] for r in server.requests("/works")]


def graph_counts(data_dir: Path, snapshot: Path) -> dict:
    store = FalkorStore(data_dir, "test")
    try:
        build(store, snapshot, data_dir, quiet=True)
        return store.counts()
    finally:
        store.close()


def test_kill_nine_twice_then_resume_equals_an_uninterrupted_run(replay: ReplayServer, live_env: dict[str, str],
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**os.environ}
    data_dir = Path(live_env["ATLAS_DATA_DIR"])
    checkpoint = data_dir / "ingest" / "checkpoints" / "openalex" / "venue-MLSys_years-2018-2025.json"

    replay.inject("/works", Fault("block", skip=2))  # hold the third works page
    start_and_kill_when_blocked(replay, env)
    assert len(json.loads(checkpoint.read_text())["pages"]) == 3  # /sources + two works pages
    replay.rearm()
    replay.inject("/works", Fault("block", skip=1))  # resumed run: page 3 goes through, page 4 is held
    start_and_kill_when_blocked(replay, env)
    assert len(json.loads(checkpoint.read_text())["pages"]) == 4

    assert main(ARGS) == 0  # the third run completes
    seen = Counter(cursors(replay))
    assert len(seen) == 5  # five pages of 200; OpenAlex's count says when to stop
    assert sorted(seen.values()) == [1, 1, 1, 2, 2]  # only the two held requests were asked twice
    assert replay.count("/sources") == 1
    resumed = (data_dir / "records" / "openalex.jsonl").read_bytes()
    assert resumed.count(b'"record": "paper"') == 1000

    clean_dir = tmp_path / "clean"
    monkeypatch.setenv("ATLAS_DATA_DIR", str(clean_dir))
    assert main(ARGS) == 0
    assert (clean_dir / "records" / "openalex.jsonl").read_bytes() == resumed
    snapshot = Path(live_env["ATLAS_SNAPSHOT_DIR"])
    assert graph_counts(data_dir, snapshot) == graph_counts(clean_dir, snapshot)
