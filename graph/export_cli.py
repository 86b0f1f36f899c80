"""`mlsys-atlas export FORMAT`: the graph, or a filtered view of it, in the formats other tools open.

Networks (GraphML, GEXF, Pajek) for Gephi, Cytoscape, VOSviewer and Pajek; bibliographies
(BibTeX, RIS) for reference managers; tables (CSV, JSON lines) for scripts. `neo4j-admin`
(bulk-import files for another Neo4j) is one more format, kept in `graph.neo4j_cli`.
Heavy imports (networkx, pylatexenc, tqdm) wait until an export runs, so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from graph.neo4j_cli import add_neo4j_admin_parser

HELP = "export the graph or a view of it (GraphML, GEXF, Pajek, BibTeX, RIS, CSV, JSON lines, neo4j-admin)"
FORMATS: dict[str, str] = {
    "graphml": "co-authorship network as GraphML (Gephi, Cytoscape, yEd), undirected and weighted",
    "gexf": "co-authorship network as GEXF (Gephi), undirected and weighted",
    "pajek": "co-authorship network as a Pajek .net file (VOSviewer, Pajek), undirected and weighted",
    "bibtex": "the papers as BibTeX (math in titles kept, DOIs, readable keys)",
    "ris": "the papers as RIS (Zotero, EndNote, Mendeley)",
    "csv": "the papers as CSV: authors, venue, year, DOI, topics (formula-safe)",
    "jsonl": "the papers as JSON lines: one object a paper with authors, venue, year, DOI, topics",
}
NETWORK_FORMATS = frozenset({"graphml", "gexf", "pajek"})
EPILOG = ("examples: mlsys-atlas export graphml --years 2019-2024 --out coauthors.graphml; "
          "mlsys-atlas export bibtex --person \"Matei Zaharia\" > zaharia.bib")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("export", help=HELP, description=HELP + ".", epilog=EPILOG)
    formats = p.add_subparsers(dest="export_format", required=True, metavar="FORMAT")
    for name, help_text in FORMATS.items():
        f = formats.add_parser(name, help=help_text, description=help_text + ". The whole graph unless filtered; "
                               "filters combine (papers matching all of them).", epilog=EPILOG)
        f.add_argument("--person", metavar="NAME_OR_ID", help="only this person's papers (an author id, ORCID, "
                       "DBLP pid or a name)")
        f.add_argument("--pick", type=int, default=None, metavar="N",
                       help="the N-th candidate when --person fits several people (the error lists them)")
        f.add_argument("--venue", action="append", default=[], metavar="VENUE",
                       help="only papers of this venue (short name such as OSDI or MLSys; repeatable)")
        f.add_argument("--years", metavar="FROM-TO", help="only papers of these years: 2019-2024, 2021, 2019- or -2018")
        f.add_argument("--topic", metavar="LABEL", help="only papers tagged with this topic (label, name or id)")
        if name in NETWORK_FORMATS:
            f.add_argument("--network", choices=["coauthor", "paper-author"], default="coauthor",
                           help="people joined by joint papers (default) or the two-mode people-papers network")
        f.add_argument("--out", default="-", metavar="PATH", help="file to write (default -: standard output)")
        f.add_argument("--json", action="store_true", help="print a JSON summary (counts, bytes, seconds); "
                       "needs --out FILE")
        f.add_argument("--progress", action="store_true", help="progress bar on standard error even when it is "
                       "not a terminal")
        f.add_argument("--store", choices=["embedded", "neo4j"], default=None)
        f.set_defaults(func=_cmd_export)
    add_neo4j_admin_parser(formats)


def _render(fmt: str, network: str, papers: list[dict[str, Any]]) -> tuple[str, dict[str, int]]:
    from graph import exports

    if fmt in NETWORK_FORMATS:
        graph = (exports.paper_author_network if network == "paper-author" else exports.coauthor_network)(papers)
        writer = {"graphml": exports.graphml_text, "gexf": exports.gexf_text, "pajek": exports.pajek_text}[fmt]
        return writer(graph), {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    writer = {"bibtex": exports.bibtex, "ris": exports.ris, "csv": exports.papers_csv,
              "jsonl": exports.papers_jsonl}[fmt]
    return writer(papers), {}


def _cmd_export(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from graph import config
    from graph.errors import GraphNotBuiltError, InputError
    from graph.export_data import ExportFilter, export_view, parse_years
    from graph.fileio import atomic_writer, check_output_path
    from graph.open import open_store

    year_from, year_to = parse_years(args.years)
    to_stdout = args.out == "-"
    if args.json and to_stdout:
        raise InputError("--json prints a summary on standard output; write the export to a file with --out PATH.")
    if not to_stdout:
        check_output_path(Path(args.out))
    wanted = ExportFilter(args.person, tuple(args.venue), year_from, year_to, args.topic, args.pick)
    started = time.perf_counter()
    store = open_store(args.store)
    try:
        if not store.exists():
            raise GraphNotBuiltError(config.graph_name())
        show = args.progress or sys.stderr.isatty()
        with tqdm(desc="reading papers", unit="paper", file=sys.stderr, leave=False, disable=not show) as bar:
            def selected(n: int) -> None:
                bar.total = n
                bar.refresh()

            view = export_view(store, wanted, bar.update, on_selected=selected)
    finally:
        store.close()
    network = getattr(args, "network", "coauthor")
    if show and view.papers:  # one step without a count: say what is happening (GraphML of everything: minutes)
        print(f"writing {args.export_format} of {len(view.papers):,} papers ...", file=sys.stderr, flush=True)
    text, counts = _render(args.export_format, network, view.papers)
    if to_stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        with atomic_writer(Path(args.out), newline="") as handle:
            handle.write(text)
    if not view.papers:
        print("note: no papers match these filters; the export is empty.", file=sys.stderr)
    summary = {"format": args.export_format, "out": args.out, "papers": len(view.papers), "people": view.people,
               **({"network": network} if args.export_format in NETWORK_FORMATS else {}), **counts,
               "bytes": len(text.encode("utf-8")), "seconds": round(time.perf_counter() - started, 2),
               "filters": view.filters}
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    elif not to_stdout:
        shape = f", {counts['nodes']:,} nodes and {counts['edges']:,} edges" if counts else ""
        print(f"Wrote {summary['papers']:,} papers ({summary['people']:,} people{shape}) as {args.export_format} "
              f"to {args.out}")
    return 0
