"""Embedded FalkorDB store, spoken to only through the native `falkordb` client.

Reads use GRAPH.RO_QUERY, so even a statement that slipped through could not write.
A build writes into a fresh graph key and RENAMEs it over the live one when complete:
a reader never sees a half-built graph, and an interrupted build leaves the old graph.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.node import Node

from graph import falkor_bulk
from graph import queries as q
from graph.errors import GraphNotBuiltError, ReadOnlyQueryError, StoreUnavailableError
from graph.falkor_server import EmbeddedServer
from graph.store import WRITE_BATCH, GraphStore, Row, batched

log = logging.getLogger(__name__)

BUILD_SUFFIX = "__building"


def _plain(value: Any) -> Any:
    """Turn client objects (nodes, ordered dicts) into plain Python values."""
    if isinstance(value, Node):
        return {"labels": list(value.labels or []), "props": dict(value.properties)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class FalkorStore(GraphStore):
    backend = "embedded"

    def __init__(self, data_dir: Path, graph_name: str = "atlas", *, server: EmbeddedServer | None = None) -> None:
        self.server = server or EmbeddedServer(data_dir)
        self.graph_name = graph_name
        self._target = graph_name  # key writes go to; differs from graph_name while building
        socket_path = self.server.ensure_running()
        try:
            self.db = FalkorDB(unix_socket_path=str(socket_path))
            self.db.connection.ping()
        except (redis.ConnectionError, OSError) as exc:
            raise StoreUnavailableError(f"Cannot connect to FalkorDB at {socket_path}: {exc}") from exc

    # ------------------------------------------------------------ primitives
    def _rows(self, result: Any) -> list[Row]:
        columns = [h[1] for h in result.header]
        return [dict(zip(columns, (_plain(v) for v in row), strict=True)) for row in result.result_set]

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        if not self.exists():
            raise GraphNotBuiltError(self.graph_name)
        graph = self.db.select_graph(self.graph_name)
        return self._rows(self._call(graph.ro_query, query, params))

    def write(self, query: str, params: dict[str, Any] | None = None) -> None:
        self._call(self.db.select_graph(self._target).query, query, params)

    def _call(self, fn: Any, query: str, params: dict[str, Any] | None, **kwargs: Any) -> Any:
        try:
            return fn(query, params or {}, **kwargs)
        except (redis.ConnectionError, OSError) as exc:
            raise StoreUnavailableError(
                f"Lost the connection to FalkorDB ({exc}). It is restarted on the next start of the "
                "explorer or CLI; `mlsys-atlas server status` shows its state."
            ) from exc

    def write_batches(self, query: str, rows: Sequence[Row], batch_size: int = WRITE_BATCH) -> int:
        """Overlap the client's parameter encoding (pure Python, half the load time) with the
        server's work on the previous batch: two threads, two pooled connections. The batches
        of one call are independent MERGEs on distinct keys, so their order does not matter."""
        chunks = [{"rows": list(chunk)} for chunk in batched(rows, batch_size)]
        if len(chunks) <= 1:
            for params in chunks:
                self.write(query, params)
            return len(rows)
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="falkor-load") as pool:
            for future in [pool.submit(self.write, query, params) for params in chunks]:
                future.result()
        return len(rows)

    def ensure_schema(self) -> None:
        graph = self.db.select_graph(self._target)
        existing = {
            (row[0], tuple(row[1])) for row in graph.query("CALL db.indexes()").result_set
        } if self._key_exists(self._target) else set()
        for statement in q.FALKOR_INDEXES:
            label = statement.split(":", 1)[1].split(")", 1)[0]
            prop = statement.rsplit(".", 1)[1].rstrip(")")
            if (label, (prop,)) not in existing:
                graph.query(statement)

    def exists(self) -> bool:
        return self._key_exists(self.graph_name)

    def _key_exists(self, key: str) -> bool:
        return bool(self.db.connection.exists(key))

    def run_read_only(self, query: str, params: dict[str, Any] | None = None, *, limit: int = 500,
                      timeout_ms: int = 5000) -> list[Row]:
        if not self.exists():
            raise GraphNotBuiltError(self.graph_name)
        graph = self.db.select_graph(self.graph_name)
        try:
            result = graph.ro_query(query, params or {}, timeout=timeout_ms)
        except redis.ResponseError as exc:
            message = str(exc)
            if "read-only" in message or "RO_QUERY" in message.upper():
                raise ReadOnlyQueryError("This console is read-only: the database refused a write.") from exc
            raise ReadOnlyQueryError(f"The database rejected the query: {message}") from exc
        return self._rows(result)[:limit]

    def bulk_load(self, nodes: dict[str, list[Row]], rels: dict[str, list[Row]], progress: Any = None
                  ) -> dict[str, int] | None:
        """GRAPH.BULK into an empty staging graph (graph/falkor_bulk.py); None: not applicable, MERGE."""
        return falkor_bulk.load_into_staging(self, nodes, rels, progress)

    # ------------------------------------------------------------ build swap
    @contextlib.contextmanager
    def building(self) -> Iterator[GraphStore]:
        staging = f"{self.graph_name}{BUILD_SUFFIX}"
        if self._key_exists(staging):  # leftovers of an interrupted build
            self.db.connection.delete(staging)
        self._target = staging
        try:
            self.ensure_schema()
            yield self
            if self._key_exists(staging):
                self.db.connection.rename(staging, self.graph_name)
            self.save()
        except BaseException:
            if self._key_exists(staging):
                self.db.connection.delete(staging)
            raise
        finally:
            self._target = self.graph_name

    def save(self) -> None:
        """Persist to the data directory now rather than on the next periodic save."""
        with contextlib.suppress(redis.ResponseError):  # a background save already running
            self.db.connection.bgsave()
            for _ in range(600):
                info = self.db.connection.info("persistence")
                if not info.get("rdb_bgsave_in_progress"):
                    break
                time.sleep(0.05)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.db.connection.close()
        self.server.stop()
