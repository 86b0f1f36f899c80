"""The Neo4j store: the production backend behind the same `GraphStore` questions.

Everything goes through the official `neo4j` driver's managed transactions, because
they are what make a remote store dependable: `execute_write` retries transient
failures (deadlocks, leader switches) with the driver's own back-off, and
`execute_read` routes to followers in a cluster. Every session shares the driver's
bookmark manager, so a read always sees the writes this process made before it, even
when it lands on a follower. Statements come from `graph.queries` only.

Neo4j has no atomic graph swap like the embedded store's RENAME, so a build writes in
place; a marker node records whether a build ever completed (`exists()`), and each
batch is committed together with a checkpoint so an interrupted build resumes where it
stopped instead of starting over.

Credentials come from the environment or a mapping (Streamlit secrets) and never appear
in logs, messages or `repr`: errors name the server by its URI without user info.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import tomllib
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath

from graph import config
from graph import queries as q
from graph.console import check_read_only
from graph.errors import AtlasError, ConfigError, GraphNotBuiltError, ReadOnlyQueryError, StoreUnavailableError
from graph.fulltext import lucene_query
from graph.gc_pause import gc_paused
from graph.store import GraphStore, Row, batched

log = logging.getLogger(__name__)

# Rows per write transaction. Neo4j's guidance for UNWIND batches is thousands to tens of
# thousands of small rows; paper rows carry abstracts (1-3 KB), so 2,000 keeps a
# transaction's state to a few MB. Tune per server with NEO4J_BATCH_SIZE and
# `benchmarks/bench_store.py --neo4j-batch-sizes` (see BENCHMARKS.md).
DEFAULT_BATCH_SIZE = 2_000
# A generous ceiling so a runaway explorer read cannot hold a server forever.
DEFAULT_READ_TIMEOUT_S = 120.0
SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")

# Server refusals that mean "this was a write in a read-only context".
_READ_ONLY_CODES = frozenset({
    "Neo.ClientError.Statement.AccessMode",
    "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
    "Neo.ClientError.General.ReadOnly",
    "Neo.ClientError.Cluster.NotALeader",
    "Neo.ClientError.Transaction.ForbiddenDueToTransactionType",
})
_KIND_OF_STATEMENT = {**{v: k for k, v in q.MERGE_NODES.items()}, **{v: k for k, v in q.MERGE_RELS.items()}}
_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]*@", re.IGNORECASE)


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and as whom to connect. The password is kept out of `repr`."""

    uri: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE

    @classmethod
    def from_sources(cls, environ: Mapping[str, str] | None = None,
                     secrets: Mapping[str, Any] | None = None) -> Neo4jSettings:
        """Read NEO4J_* from the environment; a secrets mapping fills what the environment leaves unset.

        `secrets` may hold the same NEO4J_* keys at the top level or a `[neo4j]` section with
        `uri`, `username`, `password`, `database` (the usual `.streamlit/secrets.toml` shapes).
        """
        environ = config.settings().neo4j_environ() if environ is None else environ  # environment, then .env
        section: Mapping[str, Any] = {}
        if secrets is not None and isinstance(secrets.get("neo4j"), Mapping):
            section = secrets["neo4j"]

        def pick(name: str) -> str | None:
            for value in (environ.get(f"NEO4J_{name.upper()}"),
                          (secrets or {}).get(f"NEO4J_{name.upper()}"), section.get(name)):
                if value not in (None, ""):
                    return str(value)
            return None

        uri = pick("uri")
        if not uri:
            raise ConfigError("The Neo4j store needs NEO4J_URI (e.g. neo4j+s://xxxx.databases.neo4j.io or "
                              "bolt://localhost:7687), plus NEO4J_USERNAME and NEO4J_PASSWORD, in the environment "
                              "or in .streamlit/secrets.toml.")
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in SCHEMES:
            raise ConfigError(f"NEO4J_URI must start with one of {', '.join(s + '://' for s in SCHEMES)}; "
                              f"got {redact_uri(uri)!r}.")
        batch = pick("batch_size")
        try:
            batch_size = int(batch) if batch else DEFAULT_BATCH_SIZE
        except ValueError as exc:
            raise ConfigError(f"NEO4J_BATCH_SIZE must be a whole number, got {batch!r}.") from exc
        if batch_size < 1:
            raise ConfigError("NEO4J_BATCH_SIZE must be at least 1.")
        return cls(uri=uri, username=pick("username"), password=pick("password"), database=pick("database"),
                   batch_size=batch_size)


def streamlit_secrets(paths: Sequence[Path] | None = None) -> dict[str, Any]:
    """The Streamlit secrets files, read the way Streamlit reads them, without importing Streamlit.

    `~/.streamlit/secrets.toml` first, then the project's `.streamlit/secrets.toml` (which
    wins key by key), so `mlsys-atlas build` and the explorer see the same settings. A
    file that cannot be parsed is a configuration error, not a silent fallback.
    """
    if paths is None:
        paths = (Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml",
                 config.PROJECT_ROOT / ".streamlit" / "secrets.toml")
    merged: dict[str, Any] = {}
    seen: set[Path] = set()
    for path in paths:
        resolved = path.resolve()
        if resolved in seen or not resolved.is_file():
            continue
        seen.add(resolved)
        try:
            data = tomllib.loads(resolved.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Cannot read Streamlit secrets in {path}: {exc}") from None
        for key, value in data.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def redact_uri(uri: str) -> str:
    """The URI without any `user:password@` part, fit for messages and logs."""
    return _USERINFO.sub(lambda m: f"{m.group('scheme')}***@", uri)


def _plain(value: Any) -> Any:
    """Driver values (nodes, relationships, paths, temporal types) as plain Python, like the embedded store."""
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "props": {k: _plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, "props": {k: _plain(v) for k, v in value.items()}}
    if isinstance(value, GraphPath):
        return {"nodes": [_plain(n) for n in value.nodes], "relationships": [_plain(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "iso_format"):  # neo4j.time.Date/DateTime/Duration/...
        return value.iso_format()
    return value


def _row(record: neo4j.Record) -> Row:
    return {key: _plain(value) for key, value in record.items()}


# ---------------------------------------------------------------- transaction functions
# Module-level so the driver may call them again on retry: each one does all its work
# inside the transaction it is given and keeps no state between attempts.

def _fetch(tx: neo4j.ManagedTransaction, query: str, params: dict[str, Any]) -> list[Row]:
    return [_row(record) for record in tx.run(query, params)]


def _consume(tx: neo4j.ManagedTransaction, query: str, params: dict[str, Any]) -> None:
    tx.run(query, params).consume()


def _write_batch(tx: neo4j.ManagedTransaction, statement: str, rows: list[Row],
                 checkpoint: dict[str, Any] | None) -> None:
    """One batch and (while building) its checkpoint, committed together or not at all."""
    tx.run(statement, {"rows": rows}).consume()
    if checkpoint is not None:
        tx.run(q.NEO4J_SAVE_CHECKPOINT, checkpoint).consume()


def _stream_edges(tx: neo4j.ManagedTransaction, params: dict[str, Any]) -> nx.Graph:
    """Build the co-author graph while records stream in, never holding the whole result."""
    graph = nx.Graph()
    for record in tx.run(q.COAUTHOR_EDGES, params):
        graph.add_edge(record["source"], record["target"], weight=record["weight"])
    return graph


class Neo4jStore(GraphStore):
    """A graph in a Neo4j database (self-hosted, a cluster or Aura), spoken to through `driver`."""

    backend = "neo4j"

    def __init__(self, driver: neo4j.Driver, *, database: str | None = None, graph_name: str = "atlas",
                 uri: str = "neo4j://", secrets: Sequence[str] = (), batch_size: int = DEFAULT_BATCH_SIZE,
                 read_timeout_s: float | None = DEFAULT_READ_TIMEOUT_S, owns_driver: bool = True) -> None:
        self.driver = driver
        self.database = database
        self.graph_name = graph_name
        self.uri = redact_uri(uri)
        self.batch_size = batch_size
        self.read_timeout_s = read_timeout_s
        self._owns_driver = owns_driver
        self._secrets = tuple(s for s in secrets if s and len(s) >= 3)
        self._checkpointing = False
        self._done: set[str] = set()
        self._built = False  # once a completed build is seen, reads stop asking
        self.skipped_rows = 0  # rows an interrupted build had already committed (resume)

    @classmethod
    def from_environment(cls, secrets: Mapping[str, Any] | None = None, *,
                         environ: Mapping[str, str] | None = None, verify: bool = True,
                         **driver_config: Any) -> Neo4jStore:
        """Connect with NEO4J_* settings (see `Neo4jSettings.from_sources`); fail early with a clear message.

        Without `secrets`, the Streamlit secrets files fill what the environment leaves unset
        (`streamlit_secrets`); pass `{}` to use the environment alone.
        """
        if secrets is None:
            secrets = streamlit_secrets() if environ is None else {}
        settings = Neo4jSettings.from_sources(environ, secrets)
        auth = neo4j.basic_auth(settings.username, settings.password or "") if settings.username else None
        try:
            # Server notifications (e.g. "null value eliminated in set function", expected in
            # our aggregates) are switched off: they cost the server work and flood the log.
            driver_config.setdefault("notifications_min_severity", "OFF")
            driver = neo4j.GraphDatabase.driver(settings.uri, auth=auth, user_agent="mlsys-atlas", **driver_config)
        except (neo4j_errors.ConfigurationError, ValueError) as exc:
            raise ConfigError(f"Cannot use NEO4J_URI {redact_uri(settings.uri)!r}: "
                              f"{_scrub(str(exc), (settings.password or '',))}") from None
        store = cls(driver, database=settings.database, graph_name=config.graph_name(), uri=settings.uri,
                    secrets=(settings.password or "",), batch_size=settings.batch_size)
        if verify:
            try:
                with store._errors():
                    driver.verify_connectivity()
                store.resolve_database()
            except AtlasError:
                driver.close()
                raise
        log.info("Connected to Neo4j at %s (database %s)", store.uri, store.database or "<home>")
        return store

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, database={self.database!r}, graph={self.graph_name!r})"

    # ------------------------------------------------------------ sessions and errors
    def resolve_database(self) -> str:
        """The target database, named once: NEO4J_DATABASE, else the user's home database.

        Every session then names it, so the driver never makes the extra round trip it
        needs to find the home database of a session that names none.
        """
        if self.database is None:
            with self._errors(), self.driver.session(database="system",
                                                     default_access_mode=neo4j.READ_ACCESS) as session:
                record = session.run(q.NEO4J_HOME_DATABASE).single()
            if record is None or not record["name"]:
                raise ConfigError(f"Neo4j at {self.uri} names no home database for this user: set NEO4J_DATABASE.")
            self.database = str(record["name"])
        return self.database

    def _session(self, access_mode: str = neo4j.WRITE_ACCESS, **config: Any) -> neo4j.Session:
        return self.driver.session(database=self.resolve_database(), default_access_mode=access_mode,
                                   bookmark_manager=self.driver.execute_query_bookmark_manager, **config)

    def _read_fn(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        return neo4j.unit_of_work(timeout=self.read_timeout_s)(fn) if self.read_timeout_s else fn

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver and server errors into `graph.errors` types, naming the server but no credential."""
        try:
            yield
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            # `from None`: the driver's exception carries the server's raw message, which is
            # only shown scrubbed; chaining it would put it back into tracebacks and logs.
            raise self._atlas_error(exc) from None

    def _atlas_error(self, exc: Exception) -> AtlasError:
        where = f"Neo4j at {self.uri}"
        if isinstance(exc, neo4j_errors.AuthError):
            return ConfigError(f"{where} refused the credentials: check NEO4J_USERNAME and NEO4J_PASSWORD.")
        if isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
            return StoreUnavailableError(f"Cannot reach {where} ({type(exc).__name__}): check NEO4J_URI, the "
                                         "network and that the server is running.")
        if isinstance(exc, neo4j_errors.ConfigurationError):
            return ConfigError(f"{where}: {self._scrub(str(exc))}")
        if isinstance(exc, neo4j_errors.Neo4jError):
            code = exc.code or "unknown"
            message = self._scrub(exc.message or "")
            if code == "Neo.ClientError.Database.DatabaseNotFound":
                return ConfigError(f"{where} has no database {self.database!r}: set NEO4J_DATABASE to one that "
                                   "exists (or leave it unset for the user's home database).")
            if isinstance(exc, neo4j_errors.TransientError):
                return StoreUnavailableError(f"{where} stayed busy after the driver's retries ({code}): {message}")
            if code.startswith("Neo.ClientError.Security."):
                return ConfigError(f"The NEO4J_USERNAME user may not do this on {where} ({code}): {message}")
            return AtlasError(f"{where} rejected a statement ({code}): {message}")
        return StoreUnavailableError(f"{where}: {type(exc).__name__}: {self._scrub(str(exc))}")

    def _scrub(self, text: str) -> str:
        return _scrub(redact_uri(text), self._secrets)

    # ------------------------------------------------------------ primitives
    def read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        """A question about the graph; like the embedded store, refused until a build has completed."""
        self._require_built()
        return self._read(query, params)

    def _read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        # the collector paused while a large answer's records become rows, as the embedded store does
        # (BENCHMARKS.md, "Store reads")
        with self._errors(), self._session(neo4j.READ_ACCESS) as session, gc_paused():
            return session.execute_read(self._read_fn(_fetch), query, params or {})

    def _require_built(self) -> None:
        if not self._built and not self.exists():
            raise GraphNotBuiltError(self.graph_name)

    def write(self, query: str, params: dict[str, Any] | None = None) -> None:
        with self._errors(), self._session() as session:
            session.execute_write(_consume, query, params or {})

    def merge_nodes(self, label: str, rows: Sequence[Row], batch_size: int | None = None) -> int:
        return self.write_batches(q.MERGE_NODES[label], rows, batch_size)

    def merge_rels(self, rel_type: str, rows: Sequence[Row], batch_size: int | None = None) -> int:
        return self.write_batches(q.MERGE_RELS[rel_type], rows, batch_size)

    def write_batches(self, query: str, rows: Sequence[Row], batch_size: int | None = None) -> int:
        """One managed write transaction per batch (default: the tuned NEO4J_BATCH_SIZE), in order.

        Sequential on purpose: concurrent MERGE batches on Neo4j contend for the same
        relationship-chain locks (deadlocks, retried but wasted); one busy writer keeps the
        server's own threads fed. While building, each batch commits with its checkpoint.
        """
        kind = _KIND_OF_STATEMENT.get(query, "rows")
        with self._errors(), self._session() as session:
            for chunk in batched(rows, batch_size or self.batch_size):
                chunk = list(chunk)
                checkpoint = self._checkpoint(kind, query, chunk) if self._checkpointing else None
                if checkpoint is not None and checkpoint["key"] in self._done:
                    self.skipped_rows += len(chunk)
                    continue
                session.execute_write(_write_batch, query, chunk, checkpoint)
                if checkpoint is not None:
                    self._done.add(checkpoint["key"])
        return len(rows)

    def _checkpoint(self, kind: str, statement: str, chunk: list[Row]) -> dict[str, Any]:
        """Identify a batch by its content, so a resumed build skips exactly the batches already committed."""
        digest = hashlib.blake2b(statement.encode(), digest_size=16)
        digest.update(json.dumps(chunk, sort_keys=True, default=str, ensure_ascii=False).encode())
        key = f"{self.graph_name}:{kind}:{digest.hexdigest()}"
        return {"key": key, "graph": self.graph_name, "kind": kind, "rows": len(chunk)}

    def ensure_schema(self, await_indexes_s: int = 300) -> None:
        with self._errors(), self._session() as session:
            for statement in q.NEO4J_SCHEMA:
                session.execute_write(_consume, statement, {})
        try:
            with self._errors(), self._session() as session:
                session.execute_write(_consume, q.NEO4J_AWAIT_INDEXES, {"timeout_s": await_indexes_s})
        except AtlasError as exc:  # still populating: queries work meanwhile, only slower
            log.warning("Neo4j indexes are still being populated: %s", exc)

    def exists(self) -> bool:
        rows = self._read(q.NEO4J_BUILD_STATUS, {"graph": self.graph_name})
        self._built = bool(rows and rows[0].get("built_at"))
        return self._built

    def build_status(self) -> Row:
        rows = self._read(q.NEO4J_BUILD_STATUS, {"graph": self.graph_name})
        return rows[0] if rows else {"status": None, "started_at": None, "built_at": None, "build_id": None}

    def build_id(self) -> str | None:
        """The id of the last completed build, stored in the graph (None before one completes).

        Graphs built before build ids existed answer with their completion time.
        """
        status = self.build_status()
        if not status.get("built_at"):
            return None
        return str(status.get("build_id") or status["built_at"])

    def run_read_only(self, query: str, params: dict[str, Any] | None = None, *, limit: int = 500,
                      timeout_ms: int = 5000) -> list[Row]:
        """The console: refused before sending if it could write, then run in a READ session.

        An auto-commit query (not a managed transaction) so nothing is retried, the
        server-side timeout applies, and only `limit` rows are fetched before the rest
        is discarded on the server.
        """
        check_read_only(query)
        self._require_built()
        rows: list[Row] = []
        try:
            with self._session(neo4j.READ_ACCESS, fetch_size=max(1, min(limit + 1, 1000))) as session:
                result = session.run(neo4j.Query(query, timeout=timeout_ms / 1000), params or {})
                for record in result:
                    if len(rows) >= limit:
                        break
                    rows.append(_row(record))
                result.consume()
        except neo4j_errors.Neo4jError as exc:
            code = exc.code or ""
            if code in _READ_ONLY_CODES:
                raise ReadOnlyQueryError("This console is read-only: the database refused a write.") from None
            if "TimedOut" in code or "Terminated" in code:
                raise ReadOnlyQueryError(f"The query was stopped after the {timeout_ms / 1000:g} s limit.") from None
            if isinstance(exc, neo4j_errors.ClientError) and not code.startswith("Neo.ClientError.Security."):
                raise ReadOnlyQueryError(f"The database rejected the query: {self._scrub(exc.message or '')}") from None
            raise self._atlas_error(exc) from None
        except neo4j_errors.DriverError as exc:
            raise self._atlas_error(exc) from None
        return rows

    def close(self) -> None:
        if self._owns_driver:
            self.driver.close()

    # ------------------------------------------------------------ builds
    @contextlib.contextmanager
    def building(self) -> Iterator[GraphStore]:
        """Write in place, committing a checkpoint with every batch so a re-run resumes.

        An interrupted build leaves its checkpoints; the next build skips the batches they
        name (same content, same key) and clears them once it completes.
        """
        self.ensure_schema()
        self.write(q.NEO4J_BUILD_STARTED, {"graph": self.graph_name, "at": _now()})
        self._done = {row["key"] for row in self._read(q.NEO4J_CHECKPOINT_KEYS, {"graph": self.graph_name})}
        if self._done:
            log.warning("Resuming an interrupted build of %r: %d batches already committed are skipped.",
                        self.graph_name, len(self._done))
        self.skipped_rows = 0
        self._checkpointing = True
        try:
            yield self
            self._checkpointing = False
            self.write(q.NEO4J_BUILD_FINISHED, {"graph": self.graph_name, "at": _now(), "build_id": uuid.uuid4().hex})
            self._built = True
            self._delete_in_batches(q.NEO4J_CLEAR_CHECKPOINTS, {"graph": self.graph_name})
        finally:
            self._checkpointing = False
            self._done = set()

    def record_update(self, report_json: str, version: str | None) -> None:
        """After an incremental ingest: a new build id, so every reader's caches see the change (the report
        itself stays in the data directory; this store keeps none)."""
        self.write(q.NEO4J_BUILD_UPDATED, {"graph": self.graph_name, "at": _now(),
                                           "build_id": version or uuid.uuid4().hex})

    def drop_graph(self, batch: int = 10_000) -> int:
        """Delete every MLSys Atlas node (and its relationships) in bounded transactions; other data stays."""
        self._built = False
        return sum(self._delete_in_batches(statement, {}, batch) for statement in q.NEO4J_DELETE_LABEL_BATCH.values())

    def _delete_in_batches(self, statement: str, params: dict[str, Any], batch: int = 10_000) -> int:
        total = 0
        with self._errors(), self._session() as session:
            while True:
                rows = session.execute_write(_fetch, statement, {**params, "batch": batch})
                deleted = rows[0]["deleted"] if rows else 0
                total += deleted
                if deleted < batch:
                    return total

    # ------------------------------------------------------------ Neo4j extras
    def server_info(self) -> Row:
        rows = self._read(q.NEO4J_SERVER_INFO)
        return rows[0] if rows else {}

    def indexes(self) -> list[Row]:
        return self._read(q.NEO4J_SHOW_INDEXES)

    def search_ranked(self, text: str, kind: str = "papers", limit: int = 20) -> list[Row]:
        """Relevance-ranked search through the full-text indexes (titles+abstracts, names+aliases, institutions).

        The Lucene query is made of folded words only ([0-9a-z]), so user text can never
        carry Lucene syntax; every word must match and the last one may be a prefix.
        """
        lucene = lucene_query(text)
        if not lucene:
            return []
        return self.read(q.NEO4J_FULLTEXT_SEARCH[kind], {"lucene": lucene, "limit": limit})

    def search_people(self, text: str, limit: int = 20) -> list[Row]:
        lucene = lucene_query(text, every_word_a_prefix=True)
        return self.read(q.NEO4J_SEARCH_PEOPLE, {"q": lucene, "limit": limit}) if lucene else []

    def search_papers(self, text: str, limit: int = 50, *, year_from: int | None = None,
                      year_to: int | None = None, venue: str | None = None,
                      include_abstracts: bool = False) -> list[Row]:
        """Titles as on every store; with abstracts, through the full-text index instead of a scan.

        Same filters, columns and order (year, then title) as the shared statement; what
        matches differs: every word must start a word of the title or abstract (Lucene
        terms), where the shared CONTAINS also finds "atch" inside "batching" and needs the
        words next to each other. The contract suite pins both behaviours.
        """
        if not include_abstracts:
            return super().search_papers(text, limit, year_from=year_from, year_to=year_to, venue=venue)
        lucene = lucene_query(text, every_word_a_prefix=True)
        if not lucene:
            return []
        return self.read(q.NEO4J_SEARCH_PAPERS_FULLTEXT, {"lucene": lucene, "limit": limit, "year_from": year_from,
                                                          "year_to": year_to, "venue": venue})

    def coauthor_graph(self, year_from: int | None = None, year_to: int | None = None) -> nx.Graph:
        """The weighted co-author graph (weight = joint papers), aggregated by Neo4j and streamed into networkx."""
        self._require_built()
        with self._errors(), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(self._read_fn(_stream_edges), {"year_from": year_from, "year_to": year_to})

    def gds_version(self) -> str | None:
        """The Graph Data Science plugin's version, or None when it is not installed."""
        try:
            with self._session() as session:
                record = session.run(q.NEO4J_GDS_VERSION).single()
        except neo4j_errors.ClientError:
            return None
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            # `from None`: the driver's exception carries the server's raw message, which is
            # only shown scrubbed; chaining it would put it back into tracebacks and logs.
            raise self._atlas_error(exc) from None
        return str(record["version"]) if record else None

    def centrality(self, algorithm: str = "pagerank", year_from: int | None = None,
                   year_to: int | None = None) -> tuple[str, dict[str, float]]:
        """Co-author centrality per author id, and which engine computed it ("gds" or "networkx").

        With GDS the graph is projected, scored and dropped on the leader (a projection
        lives in one server's memory, so all three go to the same one, via write routing).
        Without it the projection is streamed into networkx. Betweenness counts hops on
        both engines; PageRank uses the joint-paper weights on both.
        """
        if algorithm not in q.NEO4J_GDS_STREAM:
            raise ValueError(f"algorithm must be one of {sorted(q.NEO4J_GDS_STREAM)}")
        if self.gds_version():
            name = f"atlas-coauthors-{uuid.uuid4().hex[:12]}"
            with self._errors(), self._session() as session:
                session.run(q.NEO4J_GDS_PROJECT_COAUTHORS,
                            {"name": name, "year_from": year_from, "year_to": year_to}).consume()
                try:
                    scores = {r["id"]: float(r["score"]) for r in session.run(q.NEO4J_GDS_STREAM[algorithm],
                                                                            {"name": name})}
                finally:
                    session.run(q.NEO4J_GDS_DROP, {"name": name}).consume()
            return "gds", scores
        graph = self.coauthor_graph(year_from, year_to)
        if algorithm == "pagerank":
            return "networkx", nx.pagerank(graph, weight="weight") if graph else {}
        return "networkx", nx.betweenness_centrality(graph)


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
