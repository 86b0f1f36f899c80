"""Embedded FalkorDB store, spoken to only through the native `falkordb` client.

Reads use GRAPH.RO_QUERY, so even a statement that slipped through could not write.
A build writes into a fresh graph key and RENAMEs it over the live one when complete:
a reader never sees a half-built graph, and an interrupted build leaves the old graph.
The swap also stores the build's report and a version id in the same transaction
(MULTI/EXEC), so the report always describes the graph that is live, and a reader that
asks several questions can check that one version answered all of them. The build's table
of top people per common name prefix and its vocabulary of name words (graph/name_tops.py)
are swapped in the same way.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.node import Node
from falkordb.query_result import QueryResult
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from graph import config, falkor_bulk, falkor_reply, name_tops
from graph import queries as q
from graph.console import check_shape, with_row_limit
from graph.errors import GraphNotBuiltError, InputError, ReadOnlyQueryError, StoreHungError, StoreUnavailableError
from graph.falkor_server import CLIENT_PREFIX, EmbeddedServer, apply_query_limits, query_limits
from graph.forked import Forked
from graph.fulltext import query_words
from graph.gc_pause import gc_paused
from graph.store import WRITE_BATCH, GraphStore, Row, batched

log = logging.getLogger(__name__)

BUILD_SUFFIX = "__building"
REPORT_SUFFIX = "__report"  # JSON report of the build that is live, swapped in with the graph
VERSION_SUFFIX = "__version"  # id of the build that is live, swapped in with the graph
# Hash: name prefix -> JSON [matches, [ids], [search keys]] (graph/name_tops.py), swapped in with the
# graph and dropped by any write to the live graph (a merged delta would make its lists stale). A
# graph loaded without `index_people` has neither key: its search asks the index, words as prefixes.
NAME_TOPS_SUFFIX = "__name_tops"
NAME_WORDS_SUFFIX = "__name_words"  # sorted set: every word of every name (query prefixes expanded with it)
NAME_KEYS = (NAME_TOPS_SUFFIX, NAME_WORDS_SUFFIX)
_CONNECTION_ERRORS = (redis.ConnectionError, redis.TimeoutError, OSError)
# redis-py's default retries (10, with a 1 s cap) minus the timeouts: a command that timed out may still be
# running on the server (a write must not be sent twice), and on a hung server every retry waits again.
_RETRY_LOST_CONNECTIONS = Retry(ExponentialWithJitterBackoff(base=0.01, cap=1), 10,
                                supported_errors=(redis.ConnectionError,))


def _unavailable(exc: BaseException) -> StoreUnavailableError:
    return StoreUnavailableError(
        f"Lost the connection to FalkorDB ({exc}). It is restarted on the next start of the "
        "explorer or CLI; `mlsys-atlas server status` shows its state.")


def _has_nul(value: Any) -> bool:
    try:
        _check_no_nul(value)
    except InputError:
        return True
    return False


def _check_no_nul(value: Any, where: str = "parameter") -> None:
    """The client inlines parameters into the query text and the server stops reading at a NUL byte."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InputError(f"The {where} contains a NUL byte (\\x00), which no id or name in the graph has.")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_no_nul(key, where)
            _check_no_nul(item, where)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_no_nul(item, where)


def _plain(value: Any) -> Any:
    """Turn client objects (nodes, ordered dicts) into plain Python values."""
    if isinstance(value, Node):
        return {"labels": list(value.labels or []), "props": dict(value.properties)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# FalkorDB-only statements (RediSearch procedures): kept out of graph/queries.py, whose every
# statement Neo4j's Cypher linter checks (tests/neo4j/test_cypher_lint.py).
# Full-text (RediSearch) indexes on the folded names and aliases: label -> property. No stop
# words and no stemming: these are names ("Will", "James"), not English prose.
FALKOR_FULLTEXT: dict[str, str] = {"Author": "search_key"}
FALKOR_CREATE_FULLTEXT = (
    "CALL db.idx.fulltext.createNodeIndex({label: $label, stopwords: []}, {field: $field, nostem: true})"
)
FALKOR_SEARCH_PEOPLE = (  # sorted and cut before the rows are built: a bare "zhang" matches thousands
    "CALL db.idx.fulltext.queryNodes('Author', $q) YIELD node AS a "
    "WITH a ORDER BY a.paper_count DESC, a.name, a.id LIMIT $limit "
    "RETURN a.id AS id, a.name AS name, a.paper_count AS papers, a.aliases AS aliases"
)
FALKOR_PEOPLE_BY_IDS = (  # the page a stored name-prefix list gives (graph/name_tops.py)
    "UNWIND $ids AS id MATCH (a:Author {id: id}) "
    "RETURN a.id AS id, a.name AS name, a.paper_count AS papers, a.aliases AS aliases"
)


def _top(stored: list[Any]) -> name_tops.Top:
    matches, ids, keys = stored
    return name_tops.Top(int(matches), tuple(ids), tuple(keys))


class FalkorStore(GraphStore):
    backend = "embedded"

    def __init__(self, data_dir: Path, graph_name: str = "atlas", *, server: EmbeddedServer | None = None,
                 start_in_background: bool = False) -> None:
        """`start_in_background`: a thread starts the server (when none runs yet) and connects to it, and the first
        command waits for that, with any error of the start. Why: starting it loads the saved graph (~1.3 s for the
        snapshot's) in the server's own process, while `mlsys-atlas ingest` and `build` have reading to do before
        their first command (~1.8 s of state, ~1.1 s of cache: BENCHMARKS.md, "Incremental ingest › session 69")."""
        self.server = server or EmbeddedServer(data_dir)
        self.graph_name = graph_name
        self._target = graph_name  # key writes go to; differs from graph_name while building
        self._pending_report: str | None = None
        self._pending_tables: Forked[tuple[dict[str, name_tops.Top], list[str]]] | None = None
        # 2 (ATLAS_BUILD_WORKERS): a build packs relationships and people-search tables in forked children.
        self._fork = config.settings().build_workers > 1
        # Tests lower these to exercise the table on a small graph; the defaults suit 1M people.
        self.name_tops_min_matches = name_tops.MIN_MATCHES
        self.name_tops_keep = name_tops.KEEP
        self._db: FalkorDB | None = None
        self._starting: Future[FalkorDB] | None = None
        if start_in_background:
            starter = ThreadPoolExecutor(1, thread_name_prefix="atlas-falkordb-start")
            self._starting = starter.submit(self._connected_client)
            starter.shutdown(wait=False)
        else:
            self._connect()

    @property
    def db(self) -> FalkorDB:
        """The client; when the server was started in the background, the first use waits for it."""
        if self._db is None:
            self._connect()
        assert self._db is not None
        return self._db

    def _connect(self) -> None:
        starting, self._starting = self._starting, None
        self._db = starting.result() if starting is not None else self._connected_client()

    def _connected_client(self) -> FalkorDB:
        """A client of a running server, connected at once: an owner that finishes while this process waits (for
        the build lock) sees it among the server's clients and hands the server over instead of stopping it."""
        socket_path = self.server.ensure_running()
        try:
            # Named atlas-<pid>: the server's owner sees who else uses it before stopping it.
            db = FalkorDB(unix_socket_path=str(socket_path), client_name=f"{CLIENT_PREFIX}{os.getpid()}",
                          socket_timeout=config.settings().store_reply_timeout, retry=_RETRY_LOST_CONNECTIONS)
            db.connection.ping()
            apply_query_limits(db.connection)
        except _CONNECTION_ERRORS as exc:
            raise StoreUnavailableError(f"Cannot connect to FalkorDB at {socket_path}: {exc}") from exc
        return db

    def _reconnect_if_lost(self) -> None:
        """A build that waited for the build lock may find its server stopped by the build before it."""
        try:
            self.db.connection.ping()
        except _CONNECTION_ERRORS:
            with contextlib.suppress(Exception):
                self.db.connection.close()
            self._connect()

    # ------------------------------------------------------------ primitives
    def _rows(self, result: Any) -> list[Row]:
        columns = [h[1] for h in result.header]
        return [dict(zip(columns, (_plain(v) for v in row), strict=True)) for row in result.result_set]

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        """A named question. A parameter with a NUL byte (a hand-edited deep link) matches nothing, since
        no stored value holds one; it is answered with no rows, never sent (the server would cut the
        query at the NUL)."""
        if _has_nul(params or {}):
            log.warning("Answered a query with no rows: a parameter holds a NUL byte.")
            return []
        if not self.exists():
            raise GraphNotBuiltError(self.graph_name)
        # a large answer is millions of acyclic objects (the reply's nested lists, then the rows): the cyclic
        # collector's scans while they are made cost more than the read (BENCHMARKS.md, "Store reads")
        with gc_paused():
            reply = self._call(self._ro_reply, query, params)
            rows = falkor_reply.plain_rows(reply)
            if rows is not None:
                return rows
            return self._rows(QueryResult(self.db.select_graph(self.graph_name), reply))  # a node, or another kind

    def _ro_reply(self, query: str, params: dict[str, Any]) -> list[Any]:
        """GRAPH.RO_QUERY's compact reply as the client receives it (what `Graph.ro_query` sends), unparsed:
        `falkor_reply` decodes it in one pass."""
        return self.db.connection.execute_command("GRAPH.RO_QUERY", self.graph_name,
                                                  falkor_reply.params_header(params) + query, "--compact")

    def write(self, query: str, params: dict[str, Any] | None = None) -> None:
        if self._target == self.graph_name:  # a change to the live graph: its name-prefix lists may be stale
            self._drop_name_tops()
        self._call(self.db.select_graph(self._target).query, query, params)

    def _call(self, fn: Any, query: str, params: dict[str, Any] | None, **kwargs: Any) -> Any:
        """Writes are not scanned for NUL bytes: walking every build row costs seconds (measured 3 s per
        100k rows), and canonical records never hold one; reads and the console are checked."""
        try:
            return fn(query, params or {}, **kwargs)
        except _CONNECTION_ERRORS as exc:
            raise self._failed(exc) from exc

    def _failed(self, exc: BaseException) -> StoreUnavailableError:
        return self._no_answer(exc) if isinstance(exc, redis.TimeoutError) else _unavailable(exc)

    def _no_answer(self, exc: redis.TimeoutError) -> StoreUnavailableError:
        """A command got no reply within `store_reply_timeout`: a hung server is restarted, never waited on."""
        timeout = config.settings().store_reply_timeout
        if not self.server.kill_if_hung():
            return StoreUnavailableError(
                f"FalkorDB did not answer one command within {timeout:g} s but still answers PING: the command "
                f"is longer than ATLAS_STORE_REPLY_TIMEOUT allows. Raise it and run again ({exc}).")
        with contextlib.suppress(StoreUnavailableError):
            self._connect()  # a fresh server from the last save, for whatever this process asks next
        return StoreHungError(
            f"FalkorDB answered nothing for {timeout:g} s, not even PING: a hung engine (FalkorDB issue #2129). "
            "It was stopped and restarted from its last save (every 5 minutes and after every build); "
            "writes since then are lost. Run the command again.")

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
        rows = self._call(graph.query, "CALL db.indexes() YIELD label, types RETURN label, types",
                          None).result_set if self._key_exists(self._target) else []
        existing = {(label, prop, kind) for label, types in rows for prop, kinds in types.items() for kind in kinds}
        for statement in q.FALKOR_INDEXES:
            label = statement.split(":", 1)[1].split(")", 1)[0]
            prop = statement.rsplit(".", 1)[1].rstrip(")")
            if (label, prop, "RANGE") not in existing:
                self._call(graph.query, statement, None)
        for label, prop in FALKOR_FULLTEXT.items():
            if (label, prop, "FULLTEXT") not in existing:
                self._call(graph.query, FALKOR_CREATE_FULLTEXT, {"label": label, "field": prop})
        self._await_indexes(graph)

    def _await_indexes(self, graph: Any, timeout_s: float = 600) -> None:
        """Wait until every index answers completely: FalkorDB fills a new index in the background,
        and a search right after a bulk load would otherwise see part of the graph."""
        deadline = time.monotonic() + timeout_s
        while True:
            rows = self._call(graph.query, "CALL db.indexes() YIELD status RETURN status", None).result_set
            if all(row[0] == "OPERATIONAL" for row in rows) or time.monotonic() > deadline:
                return
            time.sleep(0.05)

    def search_people(self, text: str, limit: int = 20) -> list[Row]:
        """The build's list for a common name prefix when it holds the answer, else the full-text index,
        each query word expanded into the indexed words it begins (graph/name_tops.py `expansion`)."""
        words = list(dict.fromkeys(query_words(text)))
        if not words:
            return []
        stored = self._people_from_name_tops(words, limit)
        if stored is not None:
            return stored
        query = self._expanded_query(words)
        return self.read(FALKOR_SEARCH_PEOPLE, {"q": query, "limit": limit}) if query else []

    def _expanded_query(self, words: list[str]) -> str | None:
        """The words' expansions from the build's vocabulary; without one, the words as prefixes."""
        key = f"{self.graph_name}{NAME_WORDS_SUFFIX}"
        try:
            pipe = self.db.connection.pipeline(transaction=True)
            pipe.exists(key)
            for word in words:  # a lexical range of the sorted set: the indexed words beginning with `word`
                pipe.zrangebylex(key, f"[{word}", f"[{word}\xff")
            present, *expanded = pipe.execute()
        except (*_CONNECTION_ERRORS, redis.ResponseError) as exc:
            raise self._failed(exc) from exc
        if not present:
            return " ".join(f"{w}*" for w in words)
        return name_tops.expansion(words, [[t.decode() if isinstance(t, bytes) else t for t in terms]
                                           for terms in expanded])

    # ------------------------------------------------------------ top people per common name prefix
    def index_people(self, rows: Sequence[Row]) -> None:
        """While building: compute the name-prefix lists from the people being loaded (swapped in
        with the graph). A merge into the live graph needs nothing here: `write` drops the lists."""
        if self._target == self.graph_name:
            return
        tables = functools.partial(name_tops.build_tables, rows, min_matches=self.name_tops_min_matches,
                                   keep=self.name_tops_keep)
        self._pending_tables = Forked(tables, fork=self._fork, name="atlas-name-tops")  # made while the rows load

    def _drop_pending_tables(self) -> None:
        if self._pending_tables is not None:
            self._pending_tables.cancel()
        self._pending_tables = None

    def _drop_name_tops(self) -> None:
        try:
            self.db.connection.delete(*(f"{self.graph_name}{suffix}" for suffix in NAME_KEYS))
        except (*_CONNECTION_ERRORS, redis.ResponseError) as exc:
            raise self._failed(exc) from exc

    def _stage_name_tops(self) -> list[str]:
        """Write the pending lists and vocabulary under their staging keys (the swap renames them);
        returns the suffixes written."""
        connection = self.db.connection
        written = []
        tops_key, words_key = (f"{self.graph_name}{suffix}{BUILD_SUFFIX}" for suffix in NAME_KEYS)
        connection.delete(tops_key, words_key)
        tops, words = self._pending_tables.result() if self._pending_tables is not None else ({}, [])
        if tops:
            fields = [(prefix, json.dumps([top.matches, list(top.ids), list(top.keys)], separators=(",", ":")))
                      for prefix, top in sorted(tops.items())]
            for start in range(0, len(fields), 1000):
                connection.hset(tops_key, mapping=dict(fields[start:start + 1000]))
            written.append(NAME_TOPS_SUFFIX)
        if words:
            for start in range(0, len(words), 10_000):  # score 0: ordered by the words alone
                connection.zadd(words_key, dict.fromkeys(words[start:start + 10_000], 0))
            written.append(NAME_WORDS_SUFFIX)
        return written

    def _people_from_name_tops(self, words: list[str], limit: int) -> list[Row] | None:
        """The page from the stored lists (graph/name_tops.py), or None when the index must answer."""
        if not words or limit < 1 or limit > self.name_tops_keep:
            return None
        try:
            raw = self.db.connection.hmget(f"{self.graph_name}{NAME_TOPS_SUFFIX}", words)
        except (*_CONNECTION_ERRORS, redis.ResponseError) as exc:
            raise self._failed(exc) from exc
        if any(value is None for value in raw):  # a rare word (or no lists): the index answers fast
            return None
        ids = name_tops.page(words, [_top(json.loads(value)) for value in raw], limit, self.name_tops_keep)
        if ids is None:
            return None
        by_id = {row["id"]: row for row in self.read(FALKOR_PEOPLE_BY_IDS, {"ids": ids})} if ids else {}
        if len(by_id) != len(ids):  # a build was swapped in between the two reads: ask the index
            return None
        return [by_id[i] for i in ids]

    def exists(self) -> bool:
        return self._key_exists(self.graph_name)

    def _key_exists(self, key: str) -> bool:
        try:
            return bool(self.db.connection.exists(key))
        except (*_CONNECTION_ERRORS, redis.ResponseError) as exc:
            raise self._failed(exc) from exc

    def _get(self, key: str) -> str | None:
        try:
            value = self.db.connection.get(key)
        except (*_CONNECTION_ERRORS, redis.ResponseError) as exc:
            raise self._failed(exc) from exc
        return value.decode("utf-8") if isinstance(value, bytes) else value

    def graph_version(self) -> str | None:
        return self._get(f"{self.graph_name}{VERSION_SUFFIX}")

    def stored_report(self) -> str | None:
        return self._get(f"{self.graph_name}{REPORT_SUFFIX}")

    def run_read_only(self, query: str, params: dict[str, Any] | None = None, *, limit: int = 500,
                      timeout_ms: int = 5000) -> list[Row]:
        """The console (the page runs `check_read_only` first; the database refuses writes itself):
        too large or deep a query is refused before sending; the row limit is part of the query
        (the server stops after `limit` rows instead of sending millions to be cut here), and the
        timeout is bounded by the server's TIMEOUT_MAX."""
        check_shape(query)
        _check_no_nul(query, "query")  # FalkorDB stops reading the query text at a NUL byte
        _check_no_nul(params or {})
        if not self.exists():
            raise GraphNotBuiltError(self.graph_name)
        graph = self.db.select_graph(self.graph_name)
        timeout_ms = max(1, min(int(timeout_ms), query_limits()["TIMEOUT_MAX"]))
        try:
            result = graph.ro_query(with_row_limit(query, limit), params or {}, timeout=timeout_ms)
        except _CONNECTION_ERRORS as exc:
            raise self._failed(exc) from exc
        except redis.ResponseError as exc:
            message = str(exc)
            if "read-only" in message or "RO_QUERY" in message.upper():
                raise ReadOnlyQueryError("This console is read-only: the database refused a write.") from exc
            if "timed out" in message.lower():
                raise ReadOnlyQueryError(f"The query was stopped after the {timeout_ms / 1000:g} s limit.") from exc
            if "mem consumption" in message.lower():
                raise ReadOnlyQueryError("The query was stopped: it needed more memory than one query may use "
                                         "(ATLAS_QUERY_MEMORY_MB).") from exc
            raise ReadOnlyQueryError(f"The database rejected the query: {message}") from exc
        return self._rows(result)[:limit]

    def bulk_load(self, nodes: dict[str, list[Row]], rels: dict[str, list[Row]], progress: Any = None
                  ) -> dict[str, int] | None:
        """GRAPH.BULK into an empty staging graph (graph/falkor_bulk.py); None: not applicable, MERGE.

        Its commands go to the connection directly, so a server lost mid-load is named here, as in `_call`."""
        try:
            return falkor_bulk.load_into_staging(self, nodes, rels, progress, fork=self._fork)
        except _CONNECTION_ERRORS as exc:
            raise self._failed(exc) from exc

    # ------------------------------------------------------------ build swap
    @contextlib.contextmanager
    def building(self) -> Iterator[GraphStore]:
        """Write into the staging key; swap it, the report and the version in one transaction.

        Callers hold the data directory's build lock (`graph.locks`), so a staging key found
        here is a leftover of an interrupted build, never another build's work in progress.
        """
        staging = f"{self.graph_name}{BUILD_SUFFIX}"
        self._reconnect_if_lost()
        staged_names = [f"{self.graph_name}{suffix}{BUILD_SUFFIX}" for suffix in NAME_KEYS]
        if self._key_exists(staging):  # leftovers of an interrupted build
            self.db.connection.delete(staging)
        self._target = staging
        self._pending_report = None
        self._drop_pending_tables()
        try:
            self.ensure_schema()
            yield self
            if self._key_exists(staging):
                self._swap(staging, self._stage_name_tops())
            self.save()
        except BaseException as exc:
            with contextlib.suppress(Exception):  # the server may be gone: report the first error only
                self.db.connection.delete(staging, *staged_names)
            if isinstance(exc, redis.ConnectionError | redis.TimeoutError):  # raw, from a direct key command
                raise self._failed(exc) from exc
            raise
        finally:
            self._target = self.graph_name
            self._pending_report = None
            self._drop_pending_tables()

    def set_build_report(self, report_json: str) -> None:
        self._pending_report = report_json

    def record_update(self, report_json: str, version: str | None) -> None:
        try:
            pipe = self.db.connection.pipeline(transaction=True)
            pipe.set(f"{self.graph_name}{VERSION_SUFFIX}", version or uuid.uuid4().hex)
            pipe.set(f"{self.graph_name}{REPORT_SUFFIX}", report_json)
            pipe.execute()
        except _CONNECTION_ERRORS as exc:
            raise self._failed(exc) from exc

    def _swap(self, staging: str, staged_names: Sequence[str] = ()) -> None:
        try:
            pipe = self.db.connection.pipeline(transaction=True)
            pipe.rename(staging, self.graph_name)
            for suffix in NAME_KEYS:  # the old graph's name lists must never answer for the new one
                if suffix in staged_names:
                    pipe.rename(f"{self.graph_name}{suffix}{BUILD_SUFFIX}", f"{self.graph_name}{suffix}")
                else:
                    pipe.delete(f"{self.graph_name}{suffix}")
            pipe.set(f"{self.graph_name}{VERSION_SUFFIX}", uuid.uuid4().hex)
            if self._pending_report is not None:
                pipe.set(f"{self.graph_name}{REPORT_SUFFIX}", self._pending_report)
            pipe.execute()
        except _CONNECTION_ERRORS as exc:
            raise self._failed(exc) from exc

    def save(self) -> None:
        """Persist to the data directory now rather than on the next periodic save."""
        with self.persisting():
            pass

    @contextlib.contextmanager
    def persisting(self) -> Iterator[None]:
        """A background save (`BGSAVE`: the server forks and writes its snapshot) runs beside the block and
        is waited for on leaving it, up to 30 s."""
        with contextlib.suppress(redis.ResponseError, *_CONNECTION_ERRORS):  # a background save already running
            self.db.connection.bgsave()
        try:
            yield
        finally:
            with contextlib.suppress(*_CONNECTION_ERRORS):
                for _ in range(600):
                    info = self.db.connection.info("persistence")
                    if not info.get("rdb_bgsave_in_progress"):
                        break
                    time.sleep(0.05)

    def close(self) -> None:
        starting, self._starting = self._starting, None
        if starting is not None:  # a server still starting is waited for, so that it is stopped below
            with contextlib.suppress(Exception):
                self._db = starting.result()
        if self._db is not None:
            with contextlib.suppress(Exception):
                self._db.connection.close()
        self.server.stop()
