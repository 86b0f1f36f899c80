"""Every setting in one registry: name, environment variable, default and help.

Read lazily (never at import time) so tests and the explorer can point the project at
another data directory or store by setting environment variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    setting = _BY_NAME[name]
    return os.environ.get(setting.env, setting.default)


def data_dir() -> Path:
    path = Path(get("data_dir"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def snapshot_dir() -> Path:
    return Path(get("snapshot_dir"))


def graph_name() -> str:
    return get("graph_name")


def flag(name: str) -> bool:
    return get(name).strip().lower() in {"1", "true", "yes", "on"}
