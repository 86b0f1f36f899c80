"""The `mlsys-atlas` command line (console script `atlas_cli.main:main`; `python -m atlas_cli`).

It sits above `ingest/` and `graph/` (it orchestrates both). Core commands live here; each
feature area registers its own subcommands from its own module (`register(subparsers)`), so
adding a command never means editing this file beyond the list below.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from atlas_cli import wiring
from graph import config
from graph.errors import AtlasError

# Feature modules that add subcommands, with the commands each registers and their one-line help.
# Only the module of the command being run is imported, so `--help`, `--version` and core commands
# never pay for spaCy or the analytics (tests/test_cli_lazy.py checks this table against the modules).
COMMAND_MODULES: dict[str, dict[str, str]] = {
    "ingest.topics.cli": {"tag": "tag papers (JSON lines) with MLSys pillars and topics"},
    "ingest.identity.cli": {"people": "show people and curate them (merge, split, alias, undo)",
                            "resolve": "cluster author mentions (JSON lines) into people",
                            "review": "list, accept or reject uncertain author merges"},
    "ingest.live.cli": {"ingest": "fetch papers from a live API into the graph"},
    "graph.neo4j_cli": {"neo4j": "the Neo4j store (settings from NEO4J_URI, NEO4J_USERNAME, ...)"},
    "graph.export_cli": {"export": "export the graph or a view of it (GraphML, GEXF, Pajek, BibTeX, RIS, CSV, "
                                   "JSON lines, neo4j-admin)"},
    "graph.analytics.cli": {
        "path": "shortest collaboration paths between two people, with evidence",
        "suggest": "collaborator suggestions 2-3 hops away, explained",
        "profile": "a person's topic, venue and community profile",
        "overlap": "systems/ML background of MLSys authors per year",
        "bridges": "people (or institutions) connecting systems and ML",
        "communities": "Louvain communities of the co-author graph, labelled",
        "trends": "topic, institution, country and sector trends",
        "pc-audit": "programme-committee balance, coverage and conflicts of interest",
        "warm": "precompute the slow analytics once per build (make run does this)",
    },
    "graph.search_cli": {"search": "people and papers for a query (names, titles, topics)"},
    "graph.query_cli": {"query": "run one read-only Cypher query (the explorer console's guard and limits)"},
    "ingest.institutions.cli": {"institutions": "resolve affiliation strings to organisations; correct it"},
}
MODULE_OF_COMMAND: dict[str, str] = {cmd: module for module, cmds in COMMAND_MODULES.items() for cmd in cmds}


def _cmd_build(args: argparse.Namespace) -> int:
    from graph.errors import ConfigError
    from graph.open import open_store

    snapshot = config.snapshot_dir()
    if not (snapshot / "MANIFEST.json").is_file():
        raise ConfigError(f"no snapshot at {snapshot} (no MANIFEST.json). The bundled snapshot is the source "
                          "repository's data/snapshot/: point ATLAS_SNAPSHOT_DIR at a copy of it, or fetch papers "
                          "with `mlsys-atlas ingest`.")
    # its saved graph loads while the build's modules are imported (~0.8 s) and its cache is read
    store = open_store(args.store, start_in_background=True)
    try:
        from ingest.build import build, format_summary

        if args.if_missing and store.exists():
            print(f"Graph {config.graph_name()!r} already built; skipping (drop --if-missing to rebuild).")
            return 0
        report = build(store, config.snapshot_dir(), config.data_dir(), quiet=args.quiet, use_cache=not args.no_cache,
                       reload=args.reload)
    finally:
        store.close()
    print(format_summary(report))
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from graph import coverage
    from graph.open import open_store
    from graph.queries import TAG_INPUTS_BY_COMMUNITY

    store = open_store(args.store)
    try:
        counts = store.counts()
        tag_rows = store.read(TAG_INPUTS_BY_COMMUNITY)
    finally:
        store.close()
    table = coverage.coverage_table(counts["papers_per_venue_year"], coverage.read_facts(config.snapshot_dir()))
    counts["coverage"] = [row.as_dict() for row in table]
    counts["tag_inputs"] = _tag_inputs(tag_rows)
    if args.json:
        print(json.dumps(counts, indent=2, sort_keys=True))
        return 0
    for section in ("nodes", "relationships"):
        print(section)
        for name, n in counts[section].items():
            print(f"  {name:<16} {n:>9,}")
    print("papers per venue and year (coverage: complete / partial / missing / unknown)")
    for row in table:
        accepted = f" of {row.accepted:,}" if row.accepted else ""
        print(f"  {row.venue:<10} {row.year}  {row.papers:>6,}{accepted:<10} {row.status}")
    print("topic tags computed from")
    for kind, n in counts["tag_inputs"]["all"].items():
        print(f"  {kind:<16} {n:>9,}")
    return 0


def _tag_inputs(rows: list[dict[str, object]]) -> dict[str, dict[str, int]]:
    """Papers per tagger input (title_only | abstract | derived_terms), overall and per venue community."""
    out: dict[str, dict[str, int]] = {"all": {"title_only": 0, "abstract": 0, "derived_terms": 0}}
    for row in rows:
        kind, community, n = str(row["input"]), str(row["community"] or "other"), int(row["papers"] or 0)
        out["all"][kind] = out["all"].get(kind, 0) + n
        out.setdefault(community, {})[kind] = out.get(community, {}).get(kind, 0) + n
    return out


def _cmd_server(args: argparse.Namespace) -> int:
    from graph.falkor_server import SOCKET_NAME, _ping, stop_server

    data_dir = config.data_dir()
    if args.action == "stop":
        print("stopped" if stop_server(data_dir) else "no server running")
    else:
        alive = _ping(data_dir / SOCKET_NAME)
        print(f"FalkorDB {'running' if alive else 'not running'} (socket {data_dir / SOCKET_NAME})")
    return 0


def _snapshot_batch(snapshot_dir: Path) -> Any:
    from atlas_cli.wiring import snapshot_batch

    return snapshot_batch(snapshot_dir)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mlsys-atlas")
    except PackageNotFoundError:  # run from a checkout without installing
        return "unknown (not installed)"


def make_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlsys-atlas", description="MLSys Atlas: the ML-systems community graph.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    # What a graph-layer command needs from ingest is passed in, never imported there (tests/test_layering.py).
    parser.set_defaults(snapshot_batch=_snapshot_batch)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build the graph from the bundled snapshot")
    p.add_argument("--store", choices=["embedded", "neo4j"], default=None, help="override ATLAS_STORE")
    p.add_argument("--if-missing", action="store_true", help="do nothing if the graph already exists")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute every stage; do not read or write <data dir>/cache (always safe to delete)")
    p.add_argument("--reload", action="store_true",
                   help="write the graph again even when the live graph already holds this build's rows")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("stats", help="counts of the current graph")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--store", choices=["embedded", "neo4j"], default=None)
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("server", help="the embedded FalkorDB server")
    p.add_argument("action", choices=["status", "stop"])
    p.set_defaults(func=_cmd_server)

    chosen = _chosen_command(argv)
    modules = [MODULE_OF_COMMAND[chosen]] if chosen in MODULE_OF_COMMAND else []
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # feature not installed in this checkout
            raise
        module.register(sub)
    for commands in COMMAND_MODULES.values():  # the rest: listed in --help, imported when run
        for command, help_text in commands.items():
            if command not in sub.choices:
                sub.add_parser(command, help=help_text, add_help=False)
    return parser


def _chosen_command(argv: Sequence[str] | None) -> str | None:
    """The subcommand named on the command line (the first word that is not an option)."""
    words = sys.argv[1:] if argv is None else list(argv)
    return next((w for w in words if not w.startswith("-")), None)


# ---------------------------------------------------------------- the error boundary (issue 17)
USAGE_EXIT, RUNTIME_EXIT = 2, 1
_USAGE_OS_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError, FileExistsError)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _failure(exc: BaseException) -> tuple[str, int]:
    """(one-line message, exit code) for any exception a command lets out."""
    if isinstance(exc, AtlasError):
        return _one_line(exc), exc.exit_code
    if isinstance(exc, OSError) and exc.filename is not None:
        reason = exc.strerror or type(exc).__name__
        code = USAGE_EXIT if isinstance(exc, _USAGE_OS_ERRORS) else RUNTIME_EXIT
        return _one_line(f"{exc.filename}: {reason}; check the path and try again."), code
    if isinstance(exc, UnicodeDecodeError):
        return (_one_line(f"the input is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8 "
                          "and try again."), USAGE_EXIT)
    if type(exc).__module__.split(".", 1)[0] == "redis" and "Connection" in type(exc).__name__:
        return (_one_line(f"lost the connection to the embedded store ({exc}); run the command again "
                          "(`mlsys-atlas server status` shows the server)."), RUNTIME_EXIT)
    if isinstance(exc, MemoryError):
        return "out of memory; try a smaller input.", RUNTIME_EXIT
    return (_one_line(f"unexpected {type(exc).__name__}: {exc}") + " (a bug: run again with -v for the traceback "
            "and report it)"), RUNTIME_EXIT


def main(argv: Sequence[str] | None = None) -> int:
    """Every failure ends here as one line on stderr: exit 2 for usage, 1 for runtime, -v for the traceback.

    Run as the process's command line (`argv` None: the console script, `python -m atlas_cli`), it ends the
    process itself once the exit handlers ran (see `_exit_now`); called with `argv` (tests, notebooks) it
    returns the exit code.
    """
    code = _main(argv)
    if argv is None:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """Flush, run the exit handlers (the embedded store's save-and-stop among them), then leave at once.

    Why: an analytics command holds millions of small objects (the projection, the co-author graph);
    letting the interpreter free them one by one at exit took 0.3-1.8 s of a 4-6 s command on the full
    snapshot, for memory the operating system reclaims in one go anyway.
    """
    import atexit
    import os
    import threading

    shutdown = getattr(threading, "_shutdown", None)  # what a normal exit does first: waits for the non-daemon
    if shutdown is not None:  # threads and runs their exit hooks (thread pools drain their queues)
        shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe (`| head`) must not turn into a traceback
            stream.flush()
    atexit._run_exitfuncs()  # noqa: SLF001 - the handlers a normal exit would run, in the same order
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    parser = make_parser(argv)
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.error(f"the command {args.command!r} is not installed in this environment")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    wiring.install()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted; nothing half-written is visible (the old graph and old files are kept)",
              file=sys.stderr)
        return 130
    except BrokenPipeError:
        return RUNTIME_EXIT  # the reader of our output went away (`| head`)
    except Exception as exc:  # noqa: BLE001 - the one place every error becomes a message
        if args.verbose:
            traceback.print_exc()
        message, code = _failure(exc)
        print(f"error: {args.command}: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
