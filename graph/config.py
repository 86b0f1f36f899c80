"""Reading settings: thin, lazy accessors over the one registry in `graph.settings`.

Read lazily (never at import time) so tests and the explorer can point the project at
another data directory or store by setting environment variables; the registry is read
again whenever the ATLAS_*/NEO4J_* environment or the `.env` file changes. This module
stays cheap to import (pydantic is loaded on the first read), so `mlsys-atlas --help`
does not pay for it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import ConfigError

if TYPE_CHECKING:
    from graph.settings import AtlasSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_PREFIXES = ("ATLAS_", "NEO4J_", "OPENALEX_API_KEY", "S2_API_KEY")
_cached: tuple[tuple[Any, ...], AtlasSettings] | None = None


@dataclass(frozen=True)
class Setting:
    """One row of the documented settings table (README), derived from the registry."""

    name: str
    env: str
    default: str
    help: str


def _stamp() -> tuple[Any, ...]:
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(_PREFIXES)))
    try:
        stat = Path(".env").stat()
        dotenv: tuple[Any, ...] = (os.getcwd(), stat.st_mtime_ns, stat.st_size)
    except OSError:
        dotenv = ()
    return env, dotenv


def settings() -> AtlasSettings:
    """The validated settings (environment > `.env` > default); a bad value raises `ConfigError`."""
    global _cached
    stamp = _stamp()
    if _cached is None or _cached[0] != stamp:
        from graph.settings import load

        _cached = (stamp, load())
    return _cached[1]


def get(name: str) -> str:
    """A setting as text (kept for callers written before the typed registry; prefer `settings()`)."""
    value = getattr(settings(), name)
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def data_dir() -> Path:
    """The data directory, created private (0700): the store holds unpublished review decisions."""
    path = settings().data_dir
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
    elif path.is_dir() and (path / "atlas.rdb").exists() and path.stat().st_mode & 0o077:
        path.chmod(0o700)  # a store made by an older version: tighten it
    if not path.is_dir():
        raise ConfigError(f"ATLAS_DATA_DIR={path} is not a directory; point it at a directory (it is created).")
    return path


def snapshot_dir() -> Path:
    return settings().snapshot_dir


def graph_name() -> str:
    return settings().graph_name


def number(name: str, *, minimum: float | None = None, integer: bool = True) -> float:
    """A numeric setting (validated by the registry); `minimum` is checked again for older callers."""
    value = getattr(settings(), name)
    if minimum is not None and value < minimum:
        from graph.settings import env_name

        raise ConfigError(f"{env_name(name)}={value!r} must be at least {minimum:g}.")
    return int(value) if integer else float(value)


def flag(name: str) -> bool:
    return bool(getattr(settings(), name))


def documented_settings() -> tuple[Setting, ...]:
    """Every setting with its variable, default and help, for the README check (tests/test_docs.py)."""
    from graph.settings import AtlasSettings, default_text, env_name

    return tuple(Setting(name, env_name(name), default_text(field), field.description or "")
                 for name, field in AtlasSettings.model_fields.items())


def __getattr__(name: str) -> Any:  # `config.SETTINGS` without importing pydantic at import time
    if name == "SETTINGS":
        return documented_settings()
    raise AttributeError(name)
