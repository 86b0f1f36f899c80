"""A FalkorDB server whose test session was killed is found and stopped by the next session (tests/orphans.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from orphans import _running, left_behind, stop_left_behind

from graph.config import PROJECT_ROOT
from graph.falkor_server import EmbeddedServer

KILLED_SESSION = """
import os, signal, sys
from pathlib import Path
from graph.falkor_server import EmbeddedServer
server = EmbeddedServer(Path(sys.argv[1]))
server.ensure_running()
print(server.process.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # a killed session: no atexit handler runs
"""


def test_a_server_whose_session_was_killed_is_stopped_and_a_live_sessions_is_not(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    child = subprocess.run([sys.executable, "-c", KILLED_SESSION, str(tmp_path / "killed")], capture_output=True,
                           text=True, timeout=120, cwd=PROJECT_ROOT, env=env, check=False)
    assert child.returncode == -9, child.stderr
    orphan = int(child.stdout.split()[0])
    live = EmbeddedServer(tmp_path / "live")
    live.ensure_running()
    try:
        assert _running(orphan)
        assert left_behind([tmp_path]) == [orphan]  # the live session's server is its owner's
        assert left_behind([tmp_path / "elsewhere"]) == []  # only servers under the roots given
        assert stop_left_behind([tmp_path]) == [orphan]
        deadline = time.monotonic() + 30
        while _running(orphan) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(orphan)
        assert live.process is not None and _running(live.process.pid)
    finally:
        live.stop()
