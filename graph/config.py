"""Every setting in one registry: name, environment variable, default and help.

Read lazily (never at import time) so tests and the explorer can point the project at
another data directory or store by setting environment variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "ATLAS_DATA_DIR", str(PROJECT_ROOT / ".atlas"),
            "Where the embedded store keeps its socket, database file and build reports."),
    Setting("snapshot_dir", "ATLAS_SNAPSHOT_DIR", str(PROJECT_ROOT / "data" / "snapshot"),
            "The bundled offline snapshot that `mlsys-atlas build` reads."),
    Setting("graph_name", "ATLAS_GRAPH", "atlas", "Name of the graph key inside the store."),
    Setting("store", "ATLAS_STORE", "embedded", "`embedded` (FalkorDB child process) or `neo4j`."),
    Setting("enable_query_console", "ATLAS_QUERY_CONSOLE", "0",
            "Show the read-only Cypher console page in the explorer (1 to enable)."),
    Setting("contact_email", "ATLAS_CONTACT_EMAIL", "",
            "Contact address sent in the User-Agent of live API requests (polite pools)."),
    # Limits the embedded FalkorDB server enforces on every query (issue 17): no query, from the
    # console or elsewhere, may hold one of its two worker threads or its memory indefinitely.
    Setting("query_timeout_max_ms", "ATLAS_QUERY_TIMEOUT_MAX_MS", "300000",
            "Longest any query may run on the embedded store (FalkorDB TIMEOUT_MAX), in milliseconds."),
    Setting("query_timeout_default_ms", "ATLAS_QUERY_TIMEOUT_DEFAULT_MS", "120000",
            "Timeout of a query that names none, writes included (FalkorDB TIMEOUT_DEFAULT), in milliseconds."),
    Setting("query_max_rows", "ATLAS_QUERY_MAX_ROWS", "2000000",
            "Most rows any query may return (FalkorDB RESULTSET_SIZE); the largest named query returns ~250k."),
    Setting("query_memory_mb", "ATLAS_QUERY_MEMORY_MB", "2048",
            "Most memory one query may use on the embedded store (FalkorDB QUERY_MEM_CAPACITY), in MiB."),
    Setting("build_lock_wait", "ATLAS_BUILD_LOCK_WAIT", "900",
            "Seconds a build or ingest waits for another one on the same data directory before giving up."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    setting = _BY_NAME[name]
    return os.environ.get(setting.env, setting.default)


def data_dir() -> Path:
    """The data directory, created private (0700): the store holds unpublished review decisions."""
    path = Path(get("data_dir"))
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
    elif path.is_dir() and (path / "atlas.rdb").exists() and path.stat().st_mode & 0o077:
        path.chmod(0o700)  # a store made by an older version: tighten it
    if not path.is_dir():
        raise ConfigError(f"ATLAS_DATA_DIR={path} is not a directory; point it at a directory (it is created).")
    return path


def snapshot_dir() -> Path:
    return Path(get("snapshot_dir"))


def graph_name() -> str:
    return get("graph_name")


def number(name: str, *, minimum: float | None = None, integer: bool = True) -> float:
    """A numeric setting; a malformed value names the variable and the expected form."""
    setting = _BY_NAME[name]
    raw = get(name).strip()
    try:
        value: float = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise ConfigError(f"{setting.env}={raw!r} is not {kind} (default {setting.default}).") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{setting.env}={raw!r} must be at least {minimum:g} (default {setting.default}).")
    return value


def flag(name: str) -> bool:
    return get(name).strip().lower() in {"1", "true", "yes", "on"}
