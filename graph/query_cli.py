"""`mlsys-atlas query "CYPHER"`: the explorer's read-only console, from the command line.

Same two locks as the console page: `graph.console.check_read_only` refuses writes, LOAD CSV
and unknown procedures before anything is sent, and the store runs the query in a mode where
the database itself refuses writes, with the same timeout and row limit.
"""

from __future__ import annotations

import argparse
import json
import sys

from graph.errors import AtlasError

DEFAULT_LIMIT = 500
TIMEOUT_MS = 5000


def _parameters(raw: list[str]) -> dict[str, object]:
    """`--param name=value` pairs; a value that parses as JSON is used as such (numbers, lists)."""
    params: dict[str, object] = {}
    for item in raw:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            raise AtlasError(f"--param wants name=value, got {item!r}")
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params


def _cmd_query(args: argparse.Namespace) -> int:
    from graph.console import check_read_only
    from graph.open import open_store

    text = sys.stdin.read() if args.cypher == "-" else args.cypher
    check_read_only(text)
    store = open_store(args.store)
    try:
        rows = store.run_read_only(text, _parameters(args.param), limit=args.limit, timeout_ms=TIMEOUT_MS)
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return 0
    if not rows:
        print("(no rows)")
        return 0
    columns = list(rows[0])
    print("\t".join(columns))
    for row in rows:
        print("\t".join("" if row.get(c) is None else str(row.get(c)) for c in columns))
    if len(rows) >= args.limit:
        print(f"(stopped at --limit {args.limit} rows)", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("query", help="run one read-only Cypher query (the explorer console's guard and limits)")
    p.add_argument("cypher", help="the query, or - to read it from standard input")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a query parameter ($NAME); JSON values are parsed (repeatable)")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"at most this many rows (default {DEFAULT_LIMIT})")
    p.add_argument("--json", action="store_true", help="rows as a JSON list")
    p.add_argument("--store", choices=["embedded", "neo4j"], default=None)
    p.set_defaults(func=_cmd_query)
