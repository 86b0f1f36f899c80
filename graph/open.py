"""Open the configured store: the one place that knows which backend is in use."""

from __future__ import annotations

from pathlib import Path

from graph import config
from graph.errors import ConfigError
from graph.store import GraphStore


def open_store(kind: str | None = None, *, data_dir: Path | None = None, graph_name: str | None = None,
               start_in_background: bool = False) -> GraphStore:
    """`data_dir` and `graph_name` (the embedded store's) default to the settings; the explorer passes the ones its
    cache key was made from, because its background warm-up opens a store after the page run that made the key, when
    the environment may say otherwise (ui/data.py). `start_in_background`: the embedded store's server starts
    while the caller goes on (`FalkorStore`)."""
    kind = (kind or config.settings().store).strip().lower()
    if kind == "embedded":
        from graph.falkor_store import FalkorStore

        return FalkorStore(data_dir or config.data_dir(), graph_name or config.graph_name(),
                           start_in_background=start_in_background)
    if kind == "neo4j":
        try:
            from graph.neo4j_store import Neo4jStore
        except ImportError as exc:
            raise ConfigError("The Neo4j store is not available in this installation.") from exc
        return Neo4jStore.from_environment()
    raise ConfigError(f"Unknown store {kind!r}: set ATLAS_STORE to 'embedded' or 'neo4j'.")
