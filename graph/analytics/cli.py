"""`mlsys-atlas` subcommands for the community analytics: path, suggest, profile, overlap, bridges,
communities, trends and pc-audit.

Thin wrappers: each opens the configured store, takes the cached projection, calls one
function of `graph.analytics` and prints a table (or writes it as CSV with `--csv`), so
what the command line shows is exactly what the explorer pages show.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from graph.analytics import export
from graph.analytics.projections import Projection, projection
from graph.errors import InputError
from graph.fileio import check_output_path
from graph.store import GraphStore
from graph.venues import COMMUNITY_ORDER
from graph.words import plural

Handler = Callable[[argparse.Namespace, Projection], int]


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, limit: int | None = None) -> str:
    rows = list(rows[:limit] if limit else rows)
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())
    cells = [[_fmt(r.get(c)) for c in columns] for r in rows]
    widths = [min(100, max(len(c), *(len(row[i]) for row in cells))) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    body = ["  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _emit(args: argparse.Namespace, rows: Sequence[Any], columns: Sequence[str] | None = None,
          name: str = "rows") -> None:
    """A result table: printed, written as CSV (`-` is stdout) or kept for the `--json` document."""
    flat = export.rows(rows)
    limit = getattr(args, "limit", None)
    if getattr(args, "json", False):
        args.json_document[name] = flat[:limit] if limit else flat
    elif getattr(args, "csv", None) == "-":
        sys.stdout.write(export.to_csv_text(flat))
    elif getattr(args, "csv", None):
        export.write_csv(flat, Path(args.csv))
        print(f"wrote {len(flat)} rows to {args.csv}")
    else:
        print(_table(flat, columns, limit))


def _say(args: argparse.Namespace, text: str, **fields: Any) -> None:
    """A line for people; with `--json` (or CSV on stdout) it goes to stderr and its facts into the document."""
    if getattr(args, "json", False):
        args.json_document.update(fields)
        print(text, file=sys.stderr)
    elif getattr(args, "csv", None) == "-":
        print(text, file=sys.stderr)
    else:
        print(text)


def _run(handler: Handler, check: Callable[[argparse.Namespace], None] | None = None, *, views: bool = True
         ) -> Callable[[argparse.Namespace], int]:
    """`views`: the command reads the projection's derived views (co-author graph, tallies, name index), so
    they are read ahead with the cache while the store starts; False for answers the cache holds whole."""
    def run(args: argparse.Namespace) -> int:
        from graph.open import open_store

        if getattr(args, "csv", None) and args.csv != "-":
            check_output_path(Path(args.csv))
        if getattr(args, "json", False) and getattr(args, "csv", None):
            raise InputError("--json and --csv both choose the output; give one of them.")
        if check is not None:
            check(args)  # read and check the inputs before the (slow) read of the whole graph
        args.json_document = {"command": args.command} if getattr(args, "command", None) else {}
        from graph import config
        from graph.analytics import build_cache

        build_cache.prefetch(config.data_dir(), views=views)  # unpickled while the store starts
        store: GraphStore = open_store(getattr(args, "store", None))
        try:
            proj = projection(store, args.year_from, args.year_to)
            code = handler(args, proj)
        finally:
            store.close()
        if getattr(args, "json", False):
            print(json.dumps(args.json_document, ensure_ascii=False, indent=1, default=str))
        return code

    return run


# ---------------------------------------------------------------- handlers
def _person(proj: Projection, text: str, pick: int | None) -> str:
    """The person a name means; a choice among namesakes is said on stderr, never made silently."""
    from graph.analytics.people import choose_person

    choice = choose_person(proj, text, pick)
    if choice.note:
        print(f"note: {choice.note}", file=sys.stderr)
    return choice.author


def _path(args: argparse.Namespace, proj: Projection) -> int:
    from graph.analytics.paths import connection_paths

    result = connection_paths(proj, _person(proj, args.source, args.pick_source),
                              _person(proj, args.target, args.pick_target), args.k,
                              via_institutions=args.via_institutions)
    _say(args, result.message, status=result.status, message=result.message)
    if result.paths:
        _emit(args, result.rows(), ["path", "step", "from", "to", "kind", "evidence"])
    return 0 if result.status in ("found", "same_person") else 1


def _suggest(args: argparse.Namespace, proj: Projection) -> int:
    from graph.analytics.suggest import suggest_collaborators

    author = _person(proj, args.person, args.pick)
    suggestions = suggest_collaborators(proj, author, args.k, mode=args.mode, max_hops=args.max_hops)
    if not suggestions:
        _say(args, f"No suggestions: {proj.name(author)} has no co-authors in these years.", author=author)
        return 1
    _emit(args, suggestions, ["name", "score", "hops", "explanation"])
    return 0


def _profile(args: argparse.Namespace, proj: Projection) -> int:
    from graph.analytics.profile import person_profile

    p = person_profile(proj, _person(proj, args.person, args.pick))
    if args.json:
        args.json_document["profile"] = export.flat(p) | {"venue_mix": export.rows(p.venue_mix),
                                                           "topic_totals": export.rows(p.topic_totals),
                                                           "coauthors": export.rows(p.coauthors)}
        return 0
    lean = f"{p.systems_lean:.2f}" if p.systems_lean is not None else "n/a"
    print(f"{p.name} ({p.author}): {plural(p.papers, 'paper')} {p.first_year}-{p.last_year}; "
          f"background {p.background}; systems lean {lean}")
    if p.community:
        print(f"community {p.community.id} ({p.community.size} people): {p.community.label}")
    print("\nvenues\n" + _table(p.venue_mix))
    print("\ntopics\n" + _table(p.topic_totals))
    print("\nco-authors\n" + _table(p.coauthors, ["name", "joint_papers", "last_year"]))
    return 0


def _overlap(args: argparse.Namespace, proj: Projection) -> int:
    from graph.analytics.overlap import background_by_year, background_change, change_start

    rows = background_by_year(proj, args.mode)
    _say(args, f"MLSys authors per year by background (mode {args.mode}; see graph/analytics/overlap.py)",
         mode=args.mode)
    _emit(args, overlap_table(proj, rows), ["year", "authors", "systems_share", "ml_share", "both_share",
                                            "neither_share", "architecture_background", "data_background",
                                            "caveat"])
    change = background_change(rows, since=args.since)
    if change:
        start = change_start(rows, args.since)  # the first year at or after --since with MLSys authors
        _say(args, f"\nchange since {start} (percentage points): "
             + ", ".join(f"{k[:-3]} {v:+.1f}" for k, v in change.items()), change_since=start, change=change)
    return 0


def overlap_table(proj: Projection, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Background shares per year, one column per community, with the caveat an organiser must read:
    a partial or missing MLSys list (graph.coverage) or a small sample."""
    from collections import Counter

    from graph import config, coverage
    from graph.analytics.overlap import SMALL_SAMPLE

    held = Counter((p.venue, p.year) for p in proj.data.papers if p.year is not None)
    table = coverage.coverage_table([{"venue": v, "year": y, "papers": n} for (v, y), n in held.items()],
                                    coverage.read_facts(config.snapshot_dir()))
    out = []
    for row in rows:
        status = coverage.status_of(table, "MLSys", row.year)
        caveat = [f"MLSys list {status}"] if status != "complete" else []
        if row.authors < SMALL_SAMPLE:
            caveat.append(f"small sample ({row.authors} authors)")
        flat = {k: v for k, v in export.flat(row).items() if not k.startswith("community_shares")}
        out.append({**flat, **{f"{c}_background": s for c, s in row.community_shares.items()},
                    "caveat": "; ".join(caveat)})
    return out


def _bridges(args: argparse.Namespace, proj: Projection) -> int:
    from graph.analytics.bridges import DEFAULT_SAMPLES, bridge_institutions, bridge_people
    from graph.analytics.build_cache import BRIDGE_INSTITUTIONS, BRIDGE_PEOPLE, answer

    # Within the lists `mlsys-atlas warm` saved, the first `limit` rows of the saved answer: the rankings are
    # sorted lists cut at `top`, so a prefix is exactly what a smaller `top` computes (1-4 s less per command).
    if args.institutions:
        rows = (answer(proj, "bridge_institutions", lambda: bridge_institutions(proj, BRIDGE_INSTITUTIONS),
                       BRIDGE_INSTITUTIONS)[:args.limit] if args.limit <= BRIDGE_INSTITUTIONS
                else bridge_institutions(proj, args.limit))
        _emit(args, rows, ["name", "score", "participation", "evidence"])
    else:
        if args.limit <= BRIDGE_PEOPLE and args.samples == DEFAULT_SAMPLES:
            people = answer(proj, "bridge_people", lambda: bridge_people(proj, BRIDGE_PEOPLE, method=args.method),
                            BRIDGE_PEOPLE, args.method)[:args.limit]
        else:
            people = bridge_people(proj, args.limit, method=args.method, samples=args.samples)
        _emit(args, people, ["name", "score", "participation", "evidence"])
    return 0


def _communities(args: argparse.Namespace, proj: Projection) -> int:
    from graph.analytics.communities import louvain_communities

    _emit(args, louvain_communities(proj, seed=args.seed, resolution=args.resolution, top=args.limit),
          ["id", "size", "papers", "label"])
    return 0


MIXES = {"institutions": "institution", "countries": "country", "sectors": "sector"}  # view -> trends.*_mix


def trend_rows(proj: Projection, view: str, *, by: str = "year", window: int = 3,
               community: str | None = None, min_year_papers: int | None = None) -> list[Any]:
    """The rows of `mlsys-atlas trends VIEW`, memoised on the projection (so `warm` saves the defaults'
    answers with the build: each is a pass over every paper, ~0.5-1.2 s on the full snapshot). The mixes
    share the explorer's key ("mix", what, community): the same call, the same answer.

    Movers leave out the years the explorer leaves out (`trends.MIN_YEAR_PAPERS`, unless `min_year_papers`
    says otherwise), so the command and the Topics page call the same topics rising and falling."""
    from graph.analytics import trends
    from graph.analytics.build_cache import answer

    if view == "movers":
        least = trends.MIN_YEAR_PAPERS if min_year_papers is None else min_year_papers
        return answer(proj, "cli_trends", lambda: trends.topic_movers(proj, window=window, community=community,
                                                                      min_year_papers=least),
                      view, window, community, least)
    if view == "topics":
        return answer(proj, "cli_trends", lambda: trends.topic_shares(proj, by, community=community),
                      view, by, community)
    what = MIXES[view]
    return answer(proj, "mix", lambda: getattr(trends, f"{what}_mix")(proj, community=community), what, community)


def _trends(args: argparse.Namespace, proj: Projection) -> int:
    rows = trend_rows(proj, args.view, by=args.by, window=args.window, community=args.community,
                      min_year_papers=args.min_year_papers)
    if args.view == "movers" and not rows:
        from graph.analytics.trends import MIN_YEAR_PAPERS

        least = MIN_YEAR_PAPERS if args.min_year_papers is None else args.min_year_papers
        _say(args, f"No topic rising or falling to show: comparing takes {args.window + 1} years with at least "
                   f"{least} papers{'' if args.community is None else ' of ' + args.community} each "
                   "(--min-year-papers 0 compares every year).", note="no years to compare")
    _emit(args, rows)
    return 0


def _input(path: str) -> Path | io.StringIO:
    """A CSV path, or `-` for standard input (decoded like an uploaded file)."""
    if path == "-":
        from graph.analytics.pc_audit import decode_csv_bytes

        return io.StringIO(decode_csv_bytes(sys.stdin.buffer.read()))
    return Path(path)


TAG_CHILD = ("import json, sys\n"
             "from atlas_cli import wiring\n"
             "wiring.install()\n"
             "from graph.analytics.pc_audit import default_tagger\n"
             "default_tagger(['warm-up'])\n"  # load spaCy and the tagger before waiting for the titles
             "json.dump(default_tagger(json.load(sys.stdin)), sys.stdout)\n")


def _tag_in_child(titles: list[str]) -> Callable[[list[str]], list[list[str]]]:
    """A tagger for `titles` whose work starts now in a child process (the same `default_tagger`, so the same
    labels); called with other titles, or if the child failed, it tags in this process as before."""
    import subprocess

    from graph.analytics.pc_audit import default_tagger

    child = subprocess.Popen([sys.executable, "-c", TAG_CHILD], stdin=subprocess.PIPE,  # noqa: S603 - ourselves
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")

    def send() -> None:  # a thread: a long list would fill the pipe before the child reads it
        with contextlib.suppress(OSError):
            child.stdin.write(json.dumps(titles))  # type: ignore[union-attr]
            child.stdin.close()  # type: ignore[union-attr]

    _start(send)

    def tagger(asked: list[str]) -> list[list[str]]:
        try:
            out = child.stdout.read()  # type: ignore[union-attr]
            child.wait(timeout=600)
            tags = json.loads(out) if child.returncode == 0 and asked == titles else None
        except (OSError, ValueError, subprocess.SubprocessError):
            tags = None
        if isinstance(tags, list) and len(tags) == len(titles):
            tagger.from_child = True  # type: ignore[attr-defined]
            return [list(t) for t in tags]
        return default_tagger(asked)

    tagger.from_child = False  # type: ignore[attr-defined]  (tests check which path answered)
    return tagger


def _start(job: Callable[[], object]) -> threading.Thread:
    """Run `job` in a thread (its failure is the real call's to report: it is only a warm-up)."""
    def run() -> None:
        with contextlib.suppress(Exception):
            job()

    thread = threading.Thread(target=run, name="atlas-warm-up", daemon=True)
    thread.start()
    return thread


def _read_pc_inputs(args: argparse.Namespace) -> None:
    from graph.analytics.pc_audit import read_members_csv, read_submissions_csv
    from graph.providers import organisation_typer

    if args.members == "-" and args.submissions == "-":
        raise InputError("only one of the members and submissions files can be read from standard input (`-`).")
    args.member_rows = read_members_csv(_input(args.members))
    args.submission_rows = read_submissions_csv(_input(args.submissions)) if args.submissions else None
    # While the store starts: tag the submission titles in a child process (spaCy's tagger takes ~2.5 s to load,
    # and in a process of its own it runs on the other core instead of queueing for this one's interpreter
    # behind the cache's unpickling), and load the organisation table behind the members' sectors (~0.6 s).
    titles = [s.title for s in args.submission_rows or []]
    args.titles_tagged = _tag_in_child(titles) if titles else None
    args.tagger_ready = _start(lambda: organisation_typer()("University"))
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        raise InputError(f"--out {args.out}: is a file; give a directory for the CSV files.")


def _pc_audit(args: argparse.Namespace, proj: Projection) -> int:
    from graph.analytics.pc_audit import audit_program_committee, default_tagger

    members, submissions = args.member_rows, args.submission_rows
    if getattr(args, "tagger_ready", None) is not None:
        args.tagger_ready.join()  # the organisation table loaded while the store started (see _read_pc_inputs)
    tagger = getattr(args, "titles_tagged", None) or default_tagger
    audit = audit_program_committee(proj, members, submissions, coi_years=args.coi_years,
                                    reference_year=args.reference_year, tagger=tagger)
    tables = audit.tables()
    for warning in audit.warnings():
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        args.json_document.update({"warnings": list(audit.warnings()), "split": export.rows(audit.split),
                                   "topic_coverage": export.rows(audit.topic_coverage),
                                   **{name: export.rows(rows) for name, rows in tables.items()}})
        if args.out:
            args.json_document["written"] = [str(p) for p in audit.write_csv(Path(args.out))]
        return 0
    print("PC background split\n" + _table(audit.split))
    print("\nconcentration\n" + _table(tables["summary"]))
    print("\ntopic coverage\n" + _table(audit.topic_coverage))
    if audit.conflicts:
        print("\nconflicts of interest\n" + _table(tables["conflicts"], ["member_name", "submission", "author_name",
                                                                         "kind", "certainty", "evidence"], limit=50))
    if tables["unmatched"]:
        print("\nnames not found (their conflicts cannot be checked)\n" + _table(tables["unmatched"]))
    if tables["ambiguous"]:
        print("\nambiguous names (every candidate checked; conflicts marked possible)\n" + _table(tables["ambiguous"]))
    if args.out:
        paths = audit.write_csv(Path(args.out))
        print(f"\nwrote {len(paths)} CSV files to {args.out}")
    return 0


def _warm(args: argparse.Namespace) -> int:
    """Compute the explorer's slow views once for this build and save them beside the graph."""
    from graph import config
    from graph.analytics.build_cache import precompute
    from graph.open import open_store

    store = open_store(args.store)
    try:
        timings = precompute(store, progress=lambda name, s: print(f"  {name:<24} {s:6.1f} s", flush=True),
                             fork=config.settings().build_workers > 1)
    finally:
        store.close()
    print(f"analytics precomputed in {sum(timings.values()):.1f} s; the explorer and CLI now start warm")
    return 0


# ---------------------------------------------------------------- registration
def _common(parser: argparse.ArgumentParser, *, csv: bool = True) -> None:
    parser.add_argument("--json", action="store_true", help="print the results as one JSON document")
    parser.add_argument("--from", dest="year_from", type=int, default=None, help="first year (default: all)")
    parser.add_argument("--to", dest="year_to", type=int, default=None, help="last year (default: all)")
    parser.add_argument("--store", choices=["embedded", "neo4j"], default=None, help="override ATLAS_STORE")
    if csv:
        parser.add_argument("--csv", default=None, help="write the table to this CSV file instead of printing it "
                            "(`-`: standard output)")


def register(subparsers: Any) -> None:
    """Add the analytics subcommands to `mlsys-atlas` (called by atlas_cli.main)."""
    p = subparsers.add_parser("path", help="shortest collaboration paths between two people, with evidence")
    p.add_argument("source", help="author id or name")
    p.add_argument("target", help="author id or name")
    p.add_argument("--pick-source", type=int, default=None, metavar="N",
                   help="the N-th candidate when the source name fits several people")
    p.add_argument("--pick-target", type=int, default=None, metavar="N",
                   help="the N-th candidate when the target name fits several people")
    p.add_argument("-k", type=int, default=3, help="number of alternative paths")
    p.add_argument("--via-institutions", action="store_true", help="also hop via the same institution in a year")
    _common(p)
    p.set_defaults(func=_run(_path))

    p = subparsers.add_parser("suggest", help="collaborator suggestions 2-3 hops away, explained")
    p.add_argument("person", help="author id or name")
    p.add_argument("--pick", type=int, default=None, metavar="N", help="the N-th candidate when the name fits "
                   "several people (the error lists them)")
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--mode", choices=["balanced", "similar", "complementary", "network"], default="balanced")
    p.add_argument("--max-hops", type=int, choices=[2, 3], default=3)
    _common(p)
    p.set_defaults(func=_run(_suggest))

    p = subparsers.add_parser("profile", help="a person's topic, venue and community profile")
    p.add_argument("person", help="author id or name")
    p.add_argument("--pick", type=int, default=None, metavar="N", help="the N-th candidate when the name fits "
                   "several people (the error lists them)")
    _common(p, csv=False)
    p.set_defaults(func=_run(_profile))

    p = subparsers.add_parser("overlap", help="systems/ML background of MLSys authors per year")
    p.add_argument("--mode", choices=["prior", "any"], default="prior",
                   help="prior: papers before the MLSys year; any: papers in any year")
    p.add_argument("--since", type=int, default=2018, help="report the change since this year")
    _common(p)
    p.set_defaults(func=_run(_overlap, views=False))

    p = subparsers.add_parser("bridges", help="people (or institutions) connecting systems and ML")
    p.add_argument("--institutions", action="store_true")
    p.add_argument("--method", choices=["participation", "betweenness"], default="participation")
    p.add_argument("--samples", type=int, default=256, help="sources sampled for betweenness")  # DEFAULT_SAMPLES
    p.add_argument("--limit", type=int, default=25)
    _common(p)
    p.set_defaults(func=_run(_bridges, views=False))

    p = subparsers.add_parser("communities", help="Louvain communities of the co-author graph, labelled")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--resolution", type=float, default=1.0)
    p.add_argument("--limit", type=int, default=20)
    _common(p)
    p.set_defaults(func=_run(_communities, views=False))

    p = subparsers.add_parser("trends", help="topic, institution, country and sector trends")
    p.add_argument("view", nargs="?", default="movers", choices=["movers", "topics", "institutions", "countries",
                                                                 "sectors"],
                   help="what to show (default: movers, the topics rising and falling most)")
    p.add_argument("--by", choices=["year", "venue", "community", "year_venue", "year_community"], default="year")
    p.add_argument("--window", type=int, default=3)
    p.add_argument("--community", choices=list(COMMUNITY_ORDER), default=None)
    p.add_argument("--min-year-papers", type=int, default=None, metavar="N",
                   help="movers: leave out years with fewer papers (default: the explorer's, "
                        "graph.analytics.trends.MIN_YEAR_PAPERS)")
    p.add_argument("--limit", type=int, default=None)
    _common(p)
    p.set_defaults(func=_run(_trends, views=False))

    p = subparsers.add_parser("warm", help="precompute the slow analytics once per build (make run does this)")
    p.add_argument("--store", choices=["embedded", "neo4j"], default=None, help="override ATLAS_STORE")
    p.set_defaults(func=_warm)

    p = subparsers.add_parser("pc-audit", help="programme-committee balance, coverage and conflicts of interest")
    p.add_argument("members", help="CSV with a name column (optional affiliation, ids); `-` reads standard input")
    p.add_argument("--submissions", default=None, help="CSV with title and authors columns (`-`: standard input)")
    p.add_argument("--coi-years", type=int, default=3, help="co-authorship window for conflicts")
    p.add_argument("--reference-year", type=int, default=None, help="year the window ends (default: last in data)")
    p.add_argument("--out", default=None, help="directory for the CSV export of every table")
    _common(p, csv=False)
    p.set_defaults(func=_run(_pc_audit, _read_pc_inputs))
