"""FalkorDB servers that a killed test session left running, found and stopped when the next session starts.

Why: a test's server runs in a session of its own (graph.falkor_server) and is stopped by an atexit handler, which
a pytest killed by a signal never runs. Its servers lived on (~60 MB each; four were found on one machine in one
day) in temporary directories that no later run opens, so the product's own recovery (a later process on the same
data directory adopts a server whose owner died) never reaches them. A server is left behind when the process its
pid file names as owner is gone, or when its directory is gone (pytest deletes old temporary directories).
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

from graph.falkor_server import PID_NAME


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed server nobody reaped still answers `kill(pid, 0)`)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _socket_of(cmdline: bytes) -> Path | None:
    """The unix socket of a redis-server: its process title says `unixsocket:PATH`, its argv `--unixsocket PATH`."""
    words = cmdline.replace(b"\0", b" ").split()
    for before, word in zip([b"", *words], words, strict=False):
        if word.startswith(b"unixsocket:"):
            return Path(os.fsdecode(word.removeprefix(b"unixsocket:")))
        if before == b"--unixsocket":
            return Path(os.fsdecode(word))
    return None


def _owner(pid_file: Path) -> int | None:
    try:
        parts = pid_file.read_text().split()
    except OSError:
        return None
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def left_behind(roots: list[Path]) -> list[int]:
    """Pids of running FalkorDB servers whose socket is under one of `roots` and whose owner or directory is gone."""
    found = []
    for entry in sorted(Path("/proc").iterdir(), key=lambda p: p.name):
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        socket = _socket_of(cmdline) if b"redis-server" in cmdline else None
        if socket is None or not any(root in socket.parents for root in roots) or not _running(int(entry.name)):
            continue
        directory = socket.parent
        owner = _owner(directory / PID_NAME)
        if directory.exists() and (owner is None or _running(owner)):
            continue  # its session runs (or is starting it and has not written the owner yet)
        found.append(int(entry.name))
    return found


def stop_left_behind(roots: list[Path]) -> list[int]:
    """Kill the servers `left_behind` finds. SIGKILL: a server whose directory is gone cannot save, and refuses a
    SIGTERM for that reason; what a killed session's server holds is a test's throwaway data."""
    pids = left_behind(roots)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids
