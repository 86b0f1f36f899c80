"""FalkorDB's compact replies turned straight into the store's plain rows.

Why: `falkordb`'s `QueryResult` parses every cell through a table of functions (an `OrderedDict` per map, a
call per string), and the store then walked the result once more to turn it into plain dicts and lists
(`falkor_store._plain`). On the full snapshot's graph, reading every node and relationship spent over a third of
its time in those two passes (BENCHMARKS.md, "Store reads"). A reply of scalars, lists and maps, which is
what the product's reads return, is decoded here in one pass into the same values. Anything else (a node,
an edge, a path, a point, a vector, a temporal value) is left to the client's parser, as before.

The compact format: `[header, rows, statistics]` (only `[statistics]` when the query returns nothing); the
header holds `[column type, name]` pairs; each cell is `[value type, value]`, with the types of
`falkordb.query_result.ResultSetScalarTypes`. A map is a flat list `[key, cell, key, cell, ...]`.
"""

from __future__ import annotations

from typing import Any

from falkordb.helpers import stringify_param_value
from redis.exceptions import ResponseError

from graph.store import Row

# ResultSetScalarTypes' values
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP = 1, 2, 3, 4, 5, 6, 10


class _NotPlain(Exception):
    """A cell the client's parser must read (nodes, edges, paths, points, vectors, temporal values)."""


def params_header(params: dict[str, Any] | None) -> str:
    """The `CYPHER name=value ...` prefix `falkordb.Graph.query` puts before a parameterised query.

    Values go through the client's own `stringify_param_value`, so they are quoted exactly as the client
    quotes them; names are the store's own (identifiers), wrapped in backticks as the client does."""
    if not params:
        return ""
    for name in params:
        if not name or "`" in name:
            raise ValueError(f"not a usable Cypher parameter name: {name!r}")
    return "CYPHER " + "".join(f"`{name}`={stringify_param_value(value)} " for name, value in params.items())


def plain_rows(reply: list[Any]) -> list[Row] | None:
    """The reply's rows as plain dicts of plain values, or None when the client's parser must read it: a
    cell that is not a scalar, list or map, or an error inside the reply (the parser raises it)."""
    if not reply or isinstance(reply[0], ResponseError) or isinstance(reply[-1], ResponseError):
        return None
    if len(reply) == 1:  # statistics only: the query returns no columns
        return []
    columns = [column[1] for column in reply[0]]
    try:
        return [dict(zip(columns, map(_value, row), strict=True)) for row in reply[1]]
    except _NotPlain:
        return None


def _value(cell: list[Any]) -> Any:
    kind, value = cell
    if kind == _STRING:
        return value  # already text: the store's client decodes replies (FalkorDB's default)
    if kind == _INTEGER:
        return value  # a RESP integer: already an int
    if kind == _NULL:
        return None
    if kind == _ARRAY:
        return [_value(item) for item in value]
    if kind == _MAP:
        return {value[i]: _value(value[i + 1]) for i in range(0, len(value), 2)}
    if kind == _DOUBLE:
        return float(value)
    if kind == _BOOLEAN:
        return value == "true"
    raise _NotPlain(kind)
