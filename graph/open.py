"""Open the configured store: the one place that knows which backend is in use."""

from __future__ import annotations

from graph import config
from graph.errors import ConfigError
from graph.store import GraphStore


def open_store(kind: str | None = None) -> GraphStore:
    kind = (kind or config.settings().store).strip().lower()
    if kind == "embedded":
        from graph.falkor_store import FalkorStore

        return FalkorStore(config.data_dir(), config.graph_name())
    if kind == "neo4j":
        try:
            from graph.neo4j_store import Neo4jStore
        except ImportError as exc:
            raise ConfigError("The Neo4j store is not available in this installation.") from exc
        return Neo4jStore.from_environment()
    raise ConfigError(f"Unknown store {kind!r}: set ATLAS_STORE to 'embedded' or 'neo4j'.")
