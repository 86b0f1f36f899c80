"""The `mlsys-atlas` command line.

Core commands live here; each feature area registers its own subcommands from its
own module (`register(subparsers)`), so adding a command never means editing this file
beyond the list below.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import traceback
from collections.abc import Sequence

from graph import config
from graph.errors import AtlasError

# Feature modules that add subcommands; a missing one is skipped, a broken one is an error.
COMMAND_MODULES: tuple[str, ...] = (
    "ingest.topics.cli",
    "ingest.identity.cli",
    "ingest.live.cli",
    "graph.neo4j_cli",
    "graph.analytics.cli",
)


def _cmd_build(args: argparse.Namespace) -> int:
    from graph.open import open_store
    from ingest.build import build, format_summary

    store = open_store(args.store)
    try:
        if args.if_missing and store.exists():
            print(f"Graph {config.graph_name()!r} already built; skipping (drop --if-missing to rebuild).")
            return 0
        report = build(store, config.snapshot_dir(), config.data_dir(), quiet=args.quiet)
    finally:
        store.close()
    print(format_summary(report))
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from graph.open import open_store

    store = open_store(args.store)
    try:
        counts = store.counts()
    finally:
        store.close()
    if args.json:
        print(json.dumps(counts, indent=2, sort_keys=True))
        return 0
    for section in ("nodes", "relationships"):
        print(section)
        for name, n in counts[section].items():
            print(f"  {name:<16} {n:>9,}")
    print("papers per venue and year")
    for row in counts["papers_per_venue_year"]:
        print(f"  {row['venue']:<10} {row['year'] or '----'}  {row['papers']:>6,}")
    return 0


def _cmd_server(args: argparse.Namespace) -> int:
    from graph.falkor_server import SOCKET_NAME, _ping, stop_server

    data_dir = config.data_dir()
    if args.action == "stop":
        print("stopped" if stop_server(data_dir) else "no server running")
    else:
        alive = _ping(data_dir / SOCKET_NAME)
        print(f"FalkorDB {'running' if alive else 'not running'} (socket {data_dir / SOCKET_NAME})")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlsys-atlas", description="MLSys Atlas: the ML-systems community graph.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build the graph from the bundled snapshot")
    p.add_argument("--store", choices=["embedded", "neo4j"], default=None, help="override ATLAS_STORE")
    p.add_argument("--if-missing", action="store_true", help="do nothing if the graph already exists")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("stats", help="counts of the current graph")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--store", choices=["embedded", "neo4j"], default=None)
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("server", help="the embedded FalkorDB server")
    p.add_argument("action", choices=["status", "stop"])
    p.set_defaults(func=_cmd_server)

    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # feature not installed in this checkout
            raise
        module.register(sub)
    return parser


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
    """Every failure ends here as one line on stderr: exit 2 for usage, 1 for runtime, -v for the traceback."""
    args = make_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
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
