"""The embedded FalkorDB store against a real child process: lifecycle, recovery, swap, safety."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from graph.errors import GraphNotBuiltError, ReadOnlyQueryError, StoreHungError, StoreUnavailableError
from graph.falkor_server import EmbeddedServer, _ping
from graph.falkor_store import FalkorStore
from graph.ids import paper_id, venue_id
from graph.loader import GraphBatch, load
from graph.records import Author, Authorship, Paper, Provenance
from graph.venues import venue_record

PROV = Provenance(["test"], "2026-01-01")


def tiny_batch(title: str = "Hello graphs") -> GraphBatch:
    pid = paper_id(title=title, year=2020)
    paper = Paper(id=pid, title=title, year=2020, venue_id=venue_id("MLSys"), venue_name="MLSys", provenance=PROV,
                  authorships=[Authorship(pid, 0, "Ada Lovelace", author_id="author:ada"),
                               Authorship(pid, 1, "José Núñez", author_id="author:jose")])
    authors = [Author("author:ada", "Ada Lovelace", provenance=PROV),
               Author("author:jose", "José Núñez", aliases=["J. Nunez"], provenance=PROV)]
    return GraphBatch(papers=[paper], authors=authors, venues=[venue_record("MLSys", PROV)])


@pytest.fixture()
def store(tmp_path: Path):
    s = FalkorStore(tmp_path, "t")
    yield s
    s.close()


def test_reading_before_a_build_says_what_to_do(store: FalkorStore) -> None:
    with pytest.raises(GraphNotBuiltError, match="mlsys-atlas build"):
        store.counts()


def test_loading_twice_never_duplicates(store: FalkorStore) -> None:
    with store.building() as target:
        load(target, tiny_batch())
    first = store.counts()
    load(store, tiny_batch())  # in-place MERGE of the same records
    assert store.counts() == first
    assert first["nodes"]["Author"] == 2 and first["relationships"]["AUTHORED"] == 2


def test_search_is_case_and_accent_tolerant_and_finds_aliases(store: FalkorStore) -> None:
    with store.building() as target:
        load(target, tiny_batch())
    assert [r["name"] for r in store.search_authors("jose nunez")] == ["José Núñez"]
    assert [r["name"] for r in store.search_authors("J. NUNEZ")] == ["José Núñez"]
    assert store.search_authors("') MATCH (n) DETACH DELETE n //") == []
    assert store.counts()["nodes"]["Author"] == 2


def test_every_node_and_relationship_has_provenance(store: FalkorStore) -> None:
    with store.building() as target:
        load(target, tiny_batch())
    missing = store.read("MATCH (n) WHERE n.sources IS NULL RETURN count(n) AS n")[0]["n"]
    missing_rels = store.read("MATCH ()-[e]->() WHERE e.sources IS NULL OR e.retrieved_at IS NULL "
                              "RETURN count(e) AS n")[0]["n"]
    assert missing == 0 and missing_rels == 0


def test_an_interrupted_build_leaves_the_old_graph(store: FalkorStore) -> None:
    with store.building() as target:
        load(target, tiny_batch("Old graph"))
    with pytest.raises(RuntimeError), store.building() as target:
        load(target, tiny_batch("New graph"))
        raise RuntimeError("killed half-way")
    titles = [r["title"] for r in store.read("MATCH (p:Paper) RETURN p.title AS title")]
    assert titles == ["Old graph"]
    assert not store.db.connection.exists("t__building")


def test_readers_see_the_old_graph_until_the_swap(store: FalkorStore) -> None:
    with store.building() as target:
        load(target, tiny_batch("Old graph"))
    with store.building() as target:
        load(target, tiny_batch("New graph"))
        seen_during = [r["title"] for r in store.read("MATCH (p:Paper) RETURN p.title AS title")]
    seen_after = [r["title"] for r in store.read("MATCH (p:Paper) RETURN p.title AS title")]
    assert seen_during == ["Old graph"] and seen_after == ["New graph"]


def test_console_refuses_writes_at_the_database(store: FalkorStore) -> None:
    with store.building() as target:
        load(target, tiny_batch())
    with pytest.raises(ReadOnlyQueryError, match="read-only"):
        store.run_read_only("CREATE (:Paper {id: 'evil'})")
    rows = store.run_read_only("MATCH (a:Author) RETURN a.name AS name ORDER BY name", limit=1)
    assert rows == [{"name": "Ada Lovelace"}]


def test_second_handle_reuses_the_server_and_only_the_owner_stops_it(tmp_path: Path) -> None:
    owner = EmbeddedServer(tmp_path)
    socket = owner.ensure_running()
    guest = EmbeddedServer(tmp_path)
    assert guest.ensure_running() == socket and not guest.owned
    guest.stop()
    assert _ping(socket)
    owner.stop()
    assert not _ping(socket) and not socket.exists()


def test_a_server_handed_to_a_process_that_never_closes_its_store_stops_when_that_process_ends(
        tmp_path: Path) -> None:
    """The owner finishes while another process is connected and hands the server to it; that process keeps its
    store open to the end (as the explorer's cached stores do) and exits normally: the server stops with it."""
    import subprocess
    import sys
    import threading
    import time

    owner = FalkorStore(tmp_path, "t")
    server_pid = owner.server.process.pid
    go = tmp_path / "go"
    script = ("import sys, time, pathlib; from graph.falkor_store import FalkorStore; "
              f"store = FalkorStore(pathlib.Path({str(tmp_path)!r}), 't'); store.exists(); print('ready', flush=True)\n"
              f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.05)\n")
    guest = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert guest.stdout.readline().strip() == "ready"
        owner.close()  # the guest is connected: the server is handed to it, not stopped
        # this process started the server, so it reaps it (else the guest waits 30 s on a zombie)
        threading.Thread(target=os.waitpid, args=(server_pid, 0), daemon=True).start()
        assert _ping(tmp_path / "falkordb.sock")
        assert (tmp_path / "falkordb.pid").read_text().split() == [str(server_pid), str(guest.pid)]
        go.touch()
        assert guest.wait(timeout=60) == 0
        for _ in range(200):
            if not _running(server_pid):
                break
            time.sleep(0.05)
        assert not _running(server_pid)  # before: left running with nobody to stop it
    finally:
        guest.kill()
        if _running(server_pid):
            os.kill(server_pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    """Alive and not a zombie (the server is this test process's child until it is reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_stale_socket_is_detected_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "falkordb.sock").write_text("left over by a crash")
    server = EmbeddedServer(tmp_path)
    try:
        server.ensure_running()
        assert server.notice and "stale" in server.notice
        assert _ping(server.socket_path)
    finally:
        server.stop()


def test_crashed_server_is_recovered_and_data_persists(tmp_path: Path) -> None:
    first = FalkorStore(tmp_path, "t")
    with first.building() as target:
        load(target, tiny_batch("Persisted"))  # building() saves the database file on success
    pid = first.server.process.pid
    os.kill(pid, signal.SIGKILL)
    first.server.process.wait()
    first.server.process = None  # the crash, as a later process would find it
    second = FalkorStore(tmp_path, "t")
    try:
        assert second.server.notice is not None
        assert [r["title"] for r in second.read("MATCH (p:Paper) RETURN p.title AS title")] == ["Persisted"]
    finally:
        second.close()


def test_an_update_in_place_is_on_disk_when_persisting_ends(tmp_path: Path) -> None:
    """What an incremental ingest relies on: its MERGEs and new version are saved while the block (the
    ingest's own state save) runs, and the save is over when the block is left."""
    first = FalkorStore(tmp_path, "t")
    with first.building() as target:
        load(target, tiny_batch("Built"))
    load(first, tiny_batch("Added in place"))
    first.record_update("{}", "version-2")
    ran = []
    with first.persisting():
        ran.append(True)
    assert ran == [True]
    persistence = first.db.connection.info("persistence")
    assert persistence["rdb_bgsave_in_progress"] == 0 and persistence["rdb_changes_since_last_save"] == 0
    os.kill(first.server.process.pid, signal.SIGKILL)
    first.server.process.wait()
    first.server.process = None
    second = FalkorStore(tmp_path, "t")
    try:
        titles = sorted(r["title"] for r in second.read("MATCH (p:Paper) RETURN p.title AS title"))
        assert titles == ["Added in place", "Built"]
        assert second.graph_version() == "version-2"
    finally:
        second.close()


def test_a_hung_server_becomes_a_clear_error_and_is_restarted_from_its_save(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stopped process answers nothing, not even PING, as a deadlocked engine does (FalkorDB #2129)."""
    monkeypatch.setenv("ATLAS_STORE_REPLY_TIMEOUT", "1")
    store = FalkorStore(tmp_path, "t")
    try:
        with store.building() as target:
            load(target, tiny_batch("Saved before the hang"))
        hung_pid = store.server.process.pid
        os.kill(hung_pid, signal.SIGSTOP)
        with pytest.raises(StoreHungError, match="not even PING"):
            store.read("MATCH (p:Paper) RETURN p.title AS title")
        assert not Path(f"/proc/{hung_pid}").exists()  # killed and reaped, not left waiting
        # the same handle answers again, from a fresh server that loaded the last save
        assert store.server.process.pid != hung_pid
        assert [r["title"] for r in store.read("MATCH (p:Paper) RETURN p.title AS title")] == ["Saved before the hang"]
    finally:
        store.close()


def _stopping_starts(monkeypatch: pytest.MonkeyPatch, count: int) -> list[int]:
    """SIGSTOP the first `count` servers started, right after their process begins: a stopped server answers
    nothing, as one deadlocked while loading its save does. Returns their pids."""
    import graph.falkor_server as falkor_server

    monkeypatch.setattr(falkor_server, "START_TIMEOUT_S", 2.0)
    stopped: list[int] = []
    write_pids = EmbeddedServer._write_pids

    def write_and_stop(self: EmbeddedServer, pid: int) -> None:
        if len(stopped) < count:
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)
        write_pids(self, pid)

    monkeypatch.setattr(EmbeddedServer, "_write_pids", write_and_stop)
    return stopped


def test_a_server_that_never_answers_its_start_is_killed_and_started_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen in a `make test` run: FalkorDB deadlocked loading its save (main thread in `Globals_AddGraph` under
    `rdbLoad`). Before, the start waited 20 s, asked the hung server to save, raised redis's TimeoutError 30 s
    later and left the server running."""
    first = FalkorStore(tmp_path, "t")
    with first.building() as target:
        load(target, tiny_batch("Saved before the restart"))
    first.close()
    stopped = _stopping_starts(monkeypatch, 1)
    store = FalkorStore(tmp_path, "t")
    try:
        assert len(stopped) == 1 and not Path(f"/proc/{stopped[0]}").exists()  # killed and reaped
        assert store.server.process.pid != stopped[0]
        assert [r["title"] for r in store.read("MATCH (p:Paper) RETURN p.title AS title")] == [
            "Saved before the restart"]
    finally:
        store.close()


def test_a_server_that_never_answers_twice_is_a_clear_error_and_leaves_nothing_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stopped = _stopping_starts(monkeypatch, 2)
    with pytest.raises(StoreUnavailableError, match=r"did not answer .* \(2 starts\)"):
        FalkorStore(tmp_path, "t")
    assert len(stopped) == 2 and not any(Path(f"/proc/{pid}").exists() for pid in stopped)
    assert not (tmp_path / "falkordb.sock").exists()


def test_a_slow_but_live_server_is_never_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FalkorStore(tmp_path, "t")
    try:
        with store.building() as target:
            load(target, tiny_batch())
        monkeypatch.setenv("ATLAS_STORE_REPLY_TIMEOUT", "0.2")
        store._connect()  # a client with the short reply timeout
        pid = store.server.process.pid
        # a command that waits 1 s (a blocking pop of an empty list) on a server that keeps answering PING
        with pytest.raises(StoreUnavailableError, match="still answers PING") as raised:
            store._call(lambda *_: store.db.connection.blpop(["never-filled"], timeout=1), "", None)
        assert not isinstance(raised.value, StoreHungError)
        assert store.server.process.pid == pid and _ping(store.server.socket_path)
    finally:
        store.close()


def _gated_starts(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event, list[str]]:
    """Hold every server start until the first returned event is set; the second is set when a start is over;
    the list gets the name of each thread that started one."""
    gate, over, starters = threading.Event(), threading.Event(), []
    ensure_running = EmbeddedServer.ensure_running

    def gated(self: EmbeddedServer) -> Path:
        starters.append(threading.current_thread().name)
        try:
            assert gate.wait(60), "the test never opened the gate"
            return ensure_running(self)
        finally:
            over.set()

    monkeypatch.setattr(EmbeddedServer, "ensure_running", gated)
    return gate, over, starters


def test_a_store_started_in_the_background_answers_its_first_command_once_the_server_is_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mlsys-atlas ingest` opens the store with `start_in_background`: the constructor returns while the server
    (held here) has not started, and the first command waits for it."""
    first = FalkorStore(tmp_path, "t")
    with first.building() as target:
        load(target, tiny_batch("Saved before the restart"))
    first.close()
    gate, _, starters = _gated_starts(monkeypatch)
    store = FalkorStore(tmp_path, "t", start_in_background=True)
    try:
        assert not _ping(store.server.socket_path)  # returned with the start still held
        gate.set()
        assert [r["title"] for r in store.read("MATCH (p:Paper) RETURN p.title AS title")] == [
            "Saved before the restart"]
        assert starters and all(name.startswith("atlas-falkordb-start") for name in starters)
    finally:
        store.close()
    assert not _ping(store.server.socket_path)  # the server this handle started is stopped


def test_a_store_closed_while_its_server_starts_leaves_none_running(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    gate, over, _ = _gated_starts(monkeypatch)
    store = FalkorStore(tmp_path, "t", start_in_background=True)
    threading.Timer(0.2, gate.set).start()
    store.close()  # waits for the start, then stops what it started
    assert over.wait(60)
    assert not _ping(store.server.socket_path) and not (tmp_path / "falkordb.pid").exists()


def test_a_background_start_that_fails_is_the_first_commands_error(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _stopping_starts(monkeypatch, 2)
    store = FalkorStore(tmp_path, "t", start_in_background=True)  # no error yet
    try:
        with pytest.raises(StoreUnavailableError, match=r"did not answer .* \(2 starts\)"):
            store.exists()
    finally:
        store.close()
    assert not (tmp_path / "falkordb.sock").exists()
