"""Issue 17, items 1 and 7: concurrent builds, a server dying mid-load, a killed build, mixed reads.

Every test drives real processes: the CLI in a subprocess, the embedded FalkorDB server,
SIGKILL. No test asserts a duration; each asserts what is left behind.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
import redis

from graph import config
from graph.errors import StoreHungError, StoreUnavailableError
from graph.falkor_server import PID_NAME, SOCKET_NAME
from graph.falkor_store import FalkorStore
from graph.locks import build_lock
from ingest.build import REPORT_FILE, build, last_report

from .conftest import TINY_PAPERS, cli_env, cli_process, environment, run_cli


def _fresh_build(data_dir: Path, snapshot: Path) -> None:
    store = FalkorStore(data_dir, "atlas")
    try:
        build(store, snapshot, data_dir, quiet=True)
    finally:
        store.close()


def _server_pid(data_dir: Path) -> int:
    return int((data_dir / PID_NAME).read_text().split()[0])


def _wait_for_staging(data_dir: Path, proc: object, timeout: float = 240) -> None:
    """Poll (the build holds the server) until the build writes its staging key."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()  # type: ignore[attr-defined]
        sock = data_dir / SOCKET_NAME
        if sock.exists():
            client = redis.Redis(unix_socket_path=str(sock), socket_timeout=5)
            try:
                if client.exists("atlas__building"):
                    return
            except redis.RedisError:
                pass
            finally:
                client.close()
        time.sleep(0.05)
    raise AssertionError("the build never started loading")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def _stats(env: dict[str, str]) -> dict:
    result = run_cli(["stats", "--json"], env)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_two_builds_at_once_both_finish_and_the_graph_is_full(tmp_path: Path, tiny_snapshot: Path) -> None:
    """Reproduction: `build & sleep 1; build & wait; stats` used to show every count 0."""
    env = cli_env(tmp_path / "data", tiny_snapshot)
    first = cli_process(["build", "--quiet", "--reload"], env)
    time.sleep(1)
    second = cli_process(["build", "--quiet", "--reload"], env)
    out1, err1 = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "Traceback" not in err1 + err2
    stats = _stats(env)
    assert stats["nodes"]["Paper"] == TINY_PAPERS
    assert all(n > 0 for n in stats["nodes"].values()), stats
    assert stats["relationships"]["AUTHORED"] > TINY_PAPERS and stats["relationships"]["PUBLISHED_IN"] == TINY_PAPERS
    run_cli(["server", "stop"], env)


def test_a_build_that_cannot_get_the_lock_stops_with_one_line(tmp_path: Path, tiny_snapshot: Path) -> None:
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, tiny_snapshot, ATLAS_BUILD_LOCK_WAIT="0")
    with build_lock(data_dir):
        result = run_cli(["build", "--quiet", "--reload"], env)
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert lines[-1].startswith("error: build: another build or ingest") and "Traceback" not in result.err
    assert f"pid {os.getpid()}" in lines[-1]
    run_cli(["server", "stop"], env)


def test_a_waiting_build_says_so_and_runs_after_the_first(tmp_path: Path, tiny_snapshot: Path) -> None:
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, tiny_snapshot)
    with build_lock(data_dir):
        proc = cli_process(["build", "--quiet", "--reload"], env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (data_dir / SOCKET_NAME).exists():
            time.sleep(0.1)
        time.sleep(1.0)
        assert proc.poll() is None  # still waiting for the lock
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "waiting for it to finish" in err and f"{TINY_PAPERS:>8}" in out


def test_server_dying_mid_load_is_one_line_and_keeps_the_old_graph(tmp_path: Path, tiny_snapshot: Path) -> None:
    """Reproduction: `build` when its server dies mid-load printed a 150-line traceback."""
    data_dir = tmp_path / "data"
    _fresh_build(data_dir, tiny_snapshot)
    env = cli_env(data_dir, tiny_snapshot)
    proc = cli_process(["build", "--quiet", "--reload"], env)
    _wait_for_staging(data_dir, proc)
    os.kill(_server_pid(data_dir), signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in err
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and "FalkorDB" in error_lines[0], err
    assert _stats(env)["nodes"]["Paper"] == TINY_PAPERS  # the previous graph, staging key gone
    run_cli(["server", "stop"], env)


def test_killed_build_leaves_no_orphan_server_no_staging_key_and_a_matching_report(
        tmp_path: Path, tiny_snapshot: Path) -> None:
    """Reproduction: a SIGKILLed build left its redis-server running with no owner, and the staging key."""
    data_dir = tmp_path / "data"
    _fresh_build(data_dir, tiny_snapshot)
    report_before = last_report(data_dir)
    env = cli_env(data_dir, tiny_snapshot)
    proc = cli_process(["build", "--quiet", "--reload"], env)
    _wait_for_staging(data_dir, proc)
    server_pid = _server_pid(data_dir)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _alive(server_pid)  # the orphan, as SIGKILL leaves it
    store = FalkorStore(data_dir, "atlas")
    try:
        assert store.server.adopted_pid == server_pid and "now owns it" in (store.server.notice or "")
        assert not store.db.connection.exists("atlas__building")
        assert store.counts()["nodes"]["Paper"] == TINY_PAPERS
        assert last_report(data_dir, store) == report_before
    finally:
        store.close()
    assert not _alive(server_pid)


class _HangsWhenLoading(FalkorStore):
    """A real store whose server stops answering as a load begins, `hangs` times: SIGSTOP leaves every
    command unanswered, PING included, as FalkorDB's engine deadlock does (issue #2129)."""

    def __init__(self, *args: object, hangs: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.hangs = hangs
        self.hung_pids: list[int] = []

    def bulk_load(self, nodes: dict, rels: dict, progress: object = None) -> dict[str, int] | None:
        if len(self.hung_pids) < self.hangs:
            self.hung_pids.append(self.server.process.pid)  # type: ignore[union-attr]
            os.kill(self.hung_pids[-1], signal.SIGSTOP)
        return super().bulk_load(nodes, rels, progress)


def test_a_build_whose_store_hangs_runs_once_more_and_finishes(
        tmp_path: Path, tiny_snapshot: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ATLAS_STORE_REPLY_TIMEOUT", "1")
    store = _HangsWhenLoading(tmp_path, "atlas", hangs=1)
    try:
        report = build(store, tiny_snapshot, tmp_path, quiet=True, use_cache=False)
        assert len(store.hung_pids) == 1 and not _alive(store.hung_pids[0])  # killed and reaped
        assert "FalkorDB answered nothing for 1 s" in capsys.readouterr().err
        assert report.papers == TINY_PAPERS == store.counts()["nodes"]["Paper"]
        assert last_report(tmp_path, store) == json.loads((tmp_path / REPORT_FILE).read_text())
    finally:
        store.close()


def test_a_second_hang_is_reported_and_the_last_build_stays_live(
        tmp_path: Path, tiny_snapshot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_build(tmp_path, tiny_snapshot)
    report_before = json.loads((tmp_path / REPORT_FILE).read_text())
    monkeypatch.setenv("ATLAS_STORE_REPLY_TIMEOUT", "1")
    store = _HangsWhenLoading(tmp_path, "atlas", hangs=2)
    try:
        with pytest.raises(StoreHungError, match="Run the command again"):
            build(store, tiny_snapshot, tmp_path, quiet=True, reload=True)
        assert len(store.hung_pids) == 2  # once more, not forever
        assert store.counts()["nodes"]["Paper"] == TINY_PAPERS  # the fresh server holds the last build
        assert not store.db.connection.exists("atlas__building")
        assert last_report(tmp_path, store) == report_before
    finally:
        store.close()


def test_stale_staging_key_is_dropped_when_a_server_starts(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path, "atlas")
    store.db.select_graph("atlas__building").query("CREATE (:Paper {id: 'half-written'})")
    store.save()
    store.close()
    again = FalkorStore(tmp_path, "atlas")
    try:
        assert not again.db.connection.exists("atlas__building")
    finally:
        again.close()


def test_report_is_swapped_in_with_the_graph(tmp_path: Path, tiny_snapshot: Path) -> None:
    """Reproduction: killed right after the swap, build_report.json described the previous build."""
    data_dir = tmp_path / "data"
    _fresh_build(data_dir, tiny_snapshot)
    store = FalkorStore(data_dir, "atlas")
    try:
        live = json.loads(store.stored_report() or "{}")
        assert live == json.loads((data_dir / REPORT_FILE).read_text())
        stale = {**live, "built_at": "2000-01-01T00:00:00+00:00"}
        (data_dir / REPORT_FILE).write_text(json.dumps(stale))  # what a kill after the swap leaves
        assert last_report(data_dir, store) == live
        assert json.loads((data_dir / REPORT_FILE).read_text()) == live  # repaired
    finally:
        store.close()


class _SwapDuringCounts(FalkorStore):
    """A real store that lets another connection swap in a new graph after its first read."""

    def __init__(self, *args: object, other: FalkorStore, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.other = other
        self.reads = 0

    def read(self, query: str, params: dict | None = None) -> list[dict]:
        rows = super().read(query, params)
        self.reads += 1
        if self.reads == 1:
            with self.other.building() as target:
                target.write("CREATE (:Paper {id: 'paper:only'})")
        return rows


def test_counts_come_from_one_version_of_the_graph(tmp_path: Path, tiny_snapshot: Path) -> None:
    """Reproduction: counts() during a swap returned old papers with new PUBLISHED_IN counts."""
    data_dir = tmp_path / "data"
    _fresh_build(data_dir, tiny_snapshot)
    other = FalkorStore(data_dir, "atlas")
    store = _SwapDuringCounts(data_dir, "atlas", other=other)
    try:
        counts = store.counts()
        assert store.reads > 13  # asked again after the swap
        assert counts["nodes"]["Paper"] == 1 and counts["relationships"]["PUBLISHED_IN"] == 0
        assert counts["nodes"]["Author"] == 0
    finally:
        store.close()
        other.close()


def test_exists_raises_store_unavailable_when_the_server_is_gone(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path, "atlas")
    try:
        os.kill(_server_pid(tmp_path), signal.SIGKILL)
        time.sleep(0.2)
        with pytest.raises(StoreUnavailableError, match="Lost the connection"):
            store.exists()
    finally:
        store.close()


def test_data_directory_is_private(tmp_path: Path, tiny_snapshot: Path) -> None:
    """The store holds unpublished review decisions: 0700 directory, 0600 files."""
    data_dir = tmp_path / "fresh" / "atlas"
    with environment(ATLAS_DATA_DIR=str(data_dir)):
        assert config.data_dir() == data_dir
    assert data_dir.stat().st_mode & 0o777 == 0o700
    _fresh_build(data_dir, tiny_snapshot)
    for name in ("atlas.rdb", REPORT_FILE, "quarantine.jsonl", "falkordb.log", "build.lock", "falkordb.lock"):
        assert (data_dir / name).stat().st_mode & 0o777 == 0o600, name
