"""Neo4j commands for `mlsys-atlas`: bulk export, schema set-up, a connection check, drop.

`mlsys-atlas export neo4j-admin DIR` works without any Neo4j server (it reads the built
graph or the snapshot); `graph.export_cli` registers it beside the other export formats.
The `neo4j ...` commands connect with the NEO4J_* settings.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from graph import config
from graph import queries as q
from graph.errors import ConfigError


def add_neo4j_admin_parser(formats: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`export neo4j-admin DIR`: one of the formats of `mlsys-atlas export` (graph.export_cli)."""
    e = formats.add_parser("neo4j-admin", help="CSV files and the exact `neo4j-admin database import full` command",
                           description="Write node and relationship CSVs for `neo4j-admin database import full` "
                                       "and a README.txt with the import command. For millions of nodes; smaller "
                                       "graphs load online with `mlsys-atlas build --store neo4j`.")
    e.add_argument("directory", type=Path, help="where to write nodes/, relationships/ and README.txt")
    e.add_argument("--source", choices=["store", "snapshot"], default="store",
                   help="the built graph (default) or a fresh read of the bundled snapshot, without a store")
    e.add_argument("--store", choices=["embedded", "neo4j"], default=None,
                   help="which store to read with --source store (default ATLAS_STORE)")
    e.add_argument("--database", default=None,
                   help="database name in the import command (default NEO4J_DATABASE, else neo4j)")
    e.add_argument("--force", action="store_true", help="write into a directory that is not empty")
    e.set_defaults(func=_cmd_export_neo4j_admin)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    n = subparsers.add_parser("neo4j", help="the Neo4j store (settings from NEO4J_URI, NEO4J_USERNAME, ...)")
    actions = n.add_subparsers(dest="neo4j_command", required=True)
    s = actions.add_parser("schema", help="print the constraints and indexes; --apply creates them (idempotent)")
    s.add_argument("--apply", action="store_true", help="create what is missing in the NEO4J_* database")
    s.set_defaults(func=_cmd_schema)
    c = actions.add_parser("check", help="connect and report server, build status, indexes and GDS")
    c.set_defaults(func=_cmd_check)
    d = actions.add_parser("drop", help="delete the MLSys Atlas nodes (other data in the database stays)")
    d.add_argument("--yes", action="store_true", help="really delete")
    d.set_defaults(func=_cmd_drop)


def _cmd_export_neo4j_admin(args: argparse.Namespace) -> int:
    from graph.export_neo4j_admin import export_batch, export_store

    directory: Path = args.directory
    if directory.exists() and any(directory.iterdir()) and not args.force:
        raise ConfigError(f"{directory} is not empty; choose a new directory or pass --force.")
    database = args.database or config.settings().neo4j_database or "neo4j"
    if args.source == "snapshot":  # the snapshot reader is ingest's: passed in by atlas_cli, never imported here
        summary = export_batch(args.snapshot_batch(config.snapshot_dir()), directory, database=database,
                               graph_name=config.graph_name())
    else:
        from graph.errors import GraphNotBuiltError
        from graph.open import open_store

        store = open_store(args.store)
        try:
            if not store.exists():
                raise GraphNotBuiltError(config.graph_name())
            summary = export_store(store, directory, database=database, graph_name=config.graph_name())
        finally:
            store.close()
    print(f"Wrote {sum(summary.nodes.values()):,} nodes and {sum(summary.relationships.values()):,} relationships "
          f"to {directory}")
    for rel_type, n in summary.dropped_relationships.items():
        print(f"  dropped {n:,} {rel_type} relationships whose end node is not in the export")
    print(f"\nImport (from {directory}, Neo4j stopped; see README.txt there):\n\n{summary.command}")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    if not args.apply:
        print(";\n".join(q.NEO4J_SCHEMA) + ";")
        return 0
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore.from_environment()
    try:
        store.ensure_schema()
        print(f"{len(q.NEO4J_SCHEMA)} constraints and indexes present on {store.uri}.")
    finally:
        store.close()
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore.from_environment()
    try:
        info = store.server_info()
        print(f"server     {info.get('name', 'Neo4j')} {info.get('version', '?')} ({info.get('edition', '?')}) "
              f"at {store.uri}, database {store.database or '<home database>'}")
        status = store.build_status()
        print(f"graph      {store.graph_name!r}: {status.get('status') or 'never built'}"
              f"{'' if not status.get('built_at') else ', last completed ' + str(status['built_at'])}")
        indexes = store.indexes()
        ours = [i for i in indexes if str(i.get("name", "")).startswith("atlas_")]
        not_online = [i["name"] for i in ours if i.get("state") != "ONLINE"]
        print(f"indexes    {len(ours)} of ours ({len(q.NEO4J_SCHEMA)} expected)"
              f"{'; not online yet: ' + ', '.join(not_online) if not_online else ''}")
        gds = store.gds_version()
        engine = f"version {gds} (used for centrality)" if gds else "not installed (networkx is used)"
        print(f"GDS        {engine}")
    finally:
        store.close()
    return 0


def _cmd_drop(args: argparse.Namespace) -> int:
    if not args.yes:
        raise ConfigError("This deletes every MLSys Atlas node in the Neo4j database; pass --yes to confirm.")
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore.from_environment()
    try:
        deleted = store.drop_graph()
    finally:
        store.close()
    print(f"Deleted {deleted:,} nodes.")
    return 0
