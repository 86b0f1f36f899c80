"""`mlsys-atlas search QUERY`: the explorer's search from the command line.

The same answers as the Search page: people whose name matches, the people who publish
on the query (ranked by their matching papers) and the papers (whole words of titles and
topic names, phrase matches first).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from graph.words import plural


def _search(args: argparse.Namespace) -> int:
    from graph import config, explore
    from graph.analytics import build_cache
    from graph.analytics.projections import projection
    from graph.open import open_store

    build_cache.prefetch(config.data_dir())  # unpickled while the store starts
    store = open_store(args.store)
    try:
        topic_names = {t["label"]: t.get("name") or t["label"] for t in explore.topics(store)}
        proj = projection(store)
        # Both indexes come from the build's search file when `mlsys-atlas warm` saved it (else built here).
        index = build_cache.paper_search(store, proj, topic_names)
        named = store.search_people(args.query, args.limit)  # the full-text index: fast at any size
        # Only a query that names nobody pays for the in-memory fuzzy index ("did you mean").
        fuzzy = [] if named else [m for m in build_cache.author_name_index(store, proj).search(args.query, limit=5)
                                  if not m.exact]
    finally:
        store.close()
    papers = index.search(args.query)
    publishing = index.people(args.query, limit=args.limit)
    result: dict[str, Any] = {
        "query": args.query,
        "people_named": [{"id": r["id"], "name": r["name"], "papers": r["papers"]} for r in named],
        "did_you_mean": [{"id": m.id, "name": m.name, "papers": m.weight} for m in fuzzy],
        "people_publishing": [vars(p) for p in publishing],
        "papers_total": len(papers),
        "papers": [{**vars(p), "topics": [topic_names.get(t, t) for t in p.topics]} for p in papers[:args.limit]],
    }
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    if named:
        print("people named like this")
        for row in named:
            print(f"  {row['name']}  ({plural(row['papers'] or 0, 'paper')})  {row['id']}")
    elif fuzzy:
        print("did you mean: " + ", ".join(f"{m.name} ({plural(m.weight, 'paper')}, {m.id})" for m in fuzzy))
    print(f"people publishing on {args.query!r} (papers matching, all papers)")
    for p in publishing:
        print(f"  {p.name:<32} {p.papers:>4} {p.total_papers:>5}  {p.id}")
    print(f"papers: {len(papers)}" + (f" (first {args.limit})" if len(papers) > args.limit else ""))
    for p in papers[:args.limit]:
        print(f"  [{p.matched}] {p.title} ({p.venue} {p.year or ''})")
    return 0


def register(subparsers: Any) -> None:
    """Add `search` to `mlsys-atlas` (called by atlas_cli.main)."""
    p = subparsers.add_parser("search", help="people and papers for a query (names, titles, topics)")
    p.add_argument("query")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=int, default=20, help="rows per list (the paper total is always given)")
    p.add_argument("--store", choices=["embedded", "neo4j"], default=None, help="override ATLAS_STORE")
    p.set_defaults(func=_search)
