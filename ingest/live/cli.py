"""`mlsys-atlas ingest SOURCE`: fetch, parse, keep as record files, then rebuild the graph.

    mlsys-atlas ingest openalex --venue mlsys,sosp --years 2018-2025
    mlsys-atlas ingest arxiv --ids 1707.08567,2104.12255
    mlsys-atlas ingest all --dry-run

Parsed papers go to `data_dir/records/<source>.jsonl` (or `--to-jsonl FILE`). When the
only change since the last build is records added, fetched again, updated or deleted, the
change is merged into the live graph as a delta (ingest/incremental.py: the papers concerned
merged from their records, tagged and their people resolved again); otherwise (or with
--full-build) the graph is rebuilt by the normal build over the snapshot plus every record file.
Either way a paper ingested twice, or by two sources, is still one node (MERGE on stable ids).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from graph import config
from graph.errors import ConfigError
from graph.fileio import check_output_path
from graph.records import Paper
from graph.venues import KNOWN_VENUES, canonical_venue
from ingest.live import settings
from ingest.live.base import Job, LiveSource
from ingest.live.checkpoint import CheckpointStore
from ingest.live.http import SourceClient
from ingest.live.recordfile import MergeCounts, update_quarantine_file, update_record_file, write_jsonl
from ingest.live.runner import SourceRun, dry_run_lines, run_jobs
from ingest.live.sources.arxiv import ArXiv
from ingest.live.sources.dblp import Dblp, read_dump
from ingest.live.sources.openalex import OpenAlex
from ingest.live.sources.openreview import OpenReview
from ingest.live.sources.semantic_scholar import SemanticScholar
from ingest.recordio import read_record_dir, records_dir

SOURCE_CLASSES: dict[str, type[LiveSource]] = {
    "dblp": Dblp, "openalex": OpenAlex, "semantic-scholar": SemanticScholar, "openreview": OpenReview, "arxiv": ArXiv,
}
ALIASES = {"s2": "semantic-scholar"}
ALL_ORDER = ("dblp", "openalex", "semantic-scholar", "openreview", "arxiv")  # arXiv last: it fills in the others
DEFAULT_VENUES = {"dblp": ["MLSys", "SOSP", "ISCA", "MICRO"], "openalex": ["MLSys", "SOSP", "ISCA", "MICRO"],
                  "semantic-scholar": ["MLSys", "SOSP", "ISCA", "MICRO"], "openreview": ["MLSys", "ICLR"]}
IDS_SOURCES = {"arxiv", "semantic-scholar", "openalex"}


# ---------------------------------------------------------------- arguments
def parse_years(raw: str | None) -> tuple[int, int]:
    if not raw:
        return 2018, date.today().year
    first, _, last = raw.partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError as exc:
        raise ConfigError(f"--years takes YEAR or FIRST-LAST, not {raw!r}") from exc
    if years[0] > years[1] or not 1900 <= years[0] <= 2100:
        raise ConfigError(f"--years {raw!r} is not a range of years")
    return years


def parse_venues(raw: str | None, source: str) -> list[str]:
    if not raw:
        return list(DEFAULT_VENUES.get(source, []))
    by_fold = {name.lower(): name for name in KNOWN_VENUES}
    return [by_fold.get(v.strip().lower()) or canonical_venue(v) or v.strip() for v in raw.split(",") if v.strip()]


def _split_ids(raw: str | None) -> list[str]:
    return [v.strip() for v in (raw or "").split(",") if v.strip()]


def make_source(cli_name: str, base_url: str | None = None) -> LiveSource:
    cls = SOURCE_CLASSES[cli_name]
    return cls(settings.base_url_for(cli_name, base_url), settings.policy_for(cli_name))


def known_arxiv_ids(extra: list[Paper]) -> list[str]:
    """arXiv ids of ingested papers still without an abstract: what the arXiv step fills in."""
    papers, _, _, _ = read_record_dir(records_dir(config.data_dir()))
    return sorted({p.arxiv_id for p in [*papers, *extra] if p.arxiv_id and not p.abstract})


def plan_jobs(cli_name: str, args: argparse.Namespace, fetched: list[Paper]) -> list[Job]:
    ids = _split_ids(args.ids)
    years = parse_years(args.years)
    venues = parse_venues(args.venue, cli_name)
    if cli_name == "arxiv":
        return ArXiv.ids_jobs(ids or known_arxiv_ids(fetched))
    if ids and cli_name in IDS_SOURCES:
        return SOURCE_CLASSES[cli_name].ids_jobs(ids)  # type: ignore[attr-defined]
    if cli_name == "openalex":
        return [OpenAlex.venue_job(v, years, args.source_id) for v in venues]
    if cli_name == "semantic-scholar":
        return [SemanticScholar.venue_job(v, years) for v in venues]
    if cli_name == "openreview":
        return [OpenReview.venue_job(v, y, args.venueid) for v in venues for y in range(years[0], years[1] + 1)]
    return [Dblp.venue_job(v, y) for v in venues for y in range(years[0], years[1] + 1)]


# ---------------------------------------------------------------- running
def _client(source: LiveSource, refresh: bool) -> SourceClient:
    return SourceClient(source, settings.ingest_dir() / "raw" / f"{source.name}.sqlite", refresh=refresh)


def _dump_run(source: Dblp, args: argparse.Namespace, client: SourceClient) -> SourceRun:
    """DBLP from the XML dump (a local path or a URL downloaded once into the ingest folder)."""
    run = SourceRun(source.cli_name, jobs=1)
    target = str(args.dump)
    if target.startswith(("http://", "https://")):
        folder = settings.ingest_dir() / "dblp"
        path = folder / target.rsplit("/", 1)[-1]
        client.download(target, path)
        client.download(target.rsplit("/", 1)[0] + "/dblp.dtd", folder / "dblp.dtd")
        run.requests = client.requests_sent
    else:
        path = Path(target)
        if not path.exists():
            raise ConfigError(f"--dump {target!r}: no such file")
    retrieved_at = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    venues = parse_venues(args.venue, "dblp") if args.venue or not args.all_records else None
    years = parse_years(args.years) if args.years or not args.all_records else None
    for item in read_dump(path, venues, years, retrieved_at):
        if isinstance(item, Paper):
            run.papers[item.id] = item
        else:
            run.quarantined.append(item)
    run.pages = 1
    run.jobs_complete = 1
    return run


def _summary(run: SourceRun, counts: MergeCounts | None) -> str:
    redated = f" ({counts.redated:,} only in their date)" if counts and counts.redated else ""
    records = (f"{counts.new:,} new / {counts.updated:,} updated{redated} / {counts.unchanged:,} unchanged" if counts
               else f"{len(run.papers):,} parsed")
    return (f"{run.source}: {run.jobs_complete}/{run.jobs} jobs complete, {run.pages:,} pages "
            f"({run.pages_from_store:,} from the raw store), {run.requests:,} requests; records {records} / "
            f"{len(run.quarantined):,} quarantined / {run.skipped:,} skipped")


def handle_ingest(args: argparse.Namespace) -> int:
    chosen = ALIASES.get(args.source, args.source)
    names = list(ALL_ORDER) if chosen == "all" else [chosen]
    if args.base_url and len(names) > 1:
        raise ConfigError("--base-url applies to one source; set ATLAS_<SOURCE>_BASE_URL for `ingest all`")
    if args.ids and chosen not in IDS_SOURCES:
        raise ConfigError(f"--ids works with {', '.join(sorted(IDS_SOURCES))}, not {chosen}")
    if args.to_jsonl:
        check_output_path(Path(args.to_jsonl))
    checkpoints = CheckpointStore(settings.ingest_dir() / "checkpoints")
    runs: list[SourceRun] = []
    fetched: list[Paper] = []
    exit_code = 0
    for cli_name in names:
        source = make_source(cli_name, args.base_url)
        client = _client(source, args.refresh)
        try:
            if cli_name == "dblp" and args.dump:
                if args.dry_run:
                    print(f"dblp: would read the dump {args.dump} (downloaded once if it is a URL)")
                    continue
                run = _dump_run(source, args, client)  # type: ignore[arg-type]
            else:
                jobs = plan_jobs(cli_name, args, fetched)
                if args.dry_run:
                    print("\n".join(dry_run_lines(source, jobs, client, checkpoints)) or f"{cli_name}: nothing to do")
                    continue
                run = run_jobs(source, jobs, client, checkpoints, refresh=args.refresh, quiet=args.quiet)
        finally:
            client.close()
        runs.append(run)
        fetched.extend(run.papers.values())
        counts = None
        if not args.to_jsonl:
            counts = update_record_file(records_dir(config.data_dir()) / f"{source.name}.jsonl", run.papers,
                                        run.institutions)
        update_quarantine_file(settings.ingest_dir() / "quarantine" / f"{source.name}.jsonl", run.quarantined)
        print(_summary(run, counts))
        if run.error:
            print(f"{cli_name}: stopped: {run.error}", file=sys.stderr)
            exit_code = 1
    if args.dry_run:
        return 0
    if args.to_jsonl and exit_code:
        print(f"not writing {args.to_jsonl} after an error; any previous {args.to_jsonl} is kept. Re-run the same "
              "command to continue (fetched pages are kept).", file=sys.stderr)
        return exit_code
    if args.to_jsonl:
        papers = {p.id: p for run in runs for p in run.papers.values()}
        institutions = {k: v for run in runs for k, v in run.institutions.items()}
        written = write_jsonl(Path(args.to_jsonl), papers, institutions)
        print(f"wrote {written:,} records to {args.to_jsonl}")
        return exit_code
    if args.no_load:
        print("records kept; not loaded (--no-load). `mlsys-atlas build` loads them with the snapshot.")
        return exit_code
    if exit_code:
        print("not loading after an error; re-run the same command to continue (fetched pages are kept)",
              file=sys.stderr)
        return exit_code
    return _load(args)


def _load(args: argparse.Namespace) -> int:
    from graph.open import open_store
    from ingest.build import build, format_summary

    store = open_store(args.store, start_in_background=True)  # its graph loads while the state is read
    try:
        # added records go into the live graph as a delta when the last build's state allows (ingest/incremental.py)
        report = build(store, config.snapshot_dir(), config.data_dir(), quiet=args.quiet,
                       incremental=not getattr(args, "full_build", False))
    finally:
        store.close()
    print(format_summary(report))
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "ingest", help="fetch papers from a live API into the graph",
        description="Fetch papers from DBLP, OpenAlex, Semantic Scholar, OpenReview or arXiv, keep them as record "
                    "files and rebuild the graph. Pages are stored as received and checkpointed: an interrupted "
                    "ingest continues where it stopped, and a repeated one makes no requests.")
    p.add_argument("source", choices=[*SOURCE_CLASSES, *ALIASES, "all"])
    p.add_argument("--venue", help="comma-separated venues, e.g. mlsys,sosp (default depends on the source)")
    p.add_argument("--years", help="YEAR or FIRST-LAST (default 2018-this year)")
    p.add_argument("--ids", help="comma-separated ids to look up (arxiv, semantic-scholar, openalex)")
    p.add_argument("--base-url", help="API base URL (default from ATLAS_<SOURCE>_BASE_URL)")
    p.add_argument("--dry-run", action="store_true", help="print what would be requested; request nothing")
    p.add_argument("--to-jsonl", metavar="FILE", help="write the parsed records to FILE instead of loading")
    p.add_argument("--no-load", action="store_true", help="update the record files but do not rebuild the graph")
    p.add_argument("--refresh", action="store_true", help="ignore stored pages and checkpoints; fetch again")
    p.add_argument("--store", choices=["embedded", "neo4j"], default=None, help="override ATLAS_STORE")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--full-build", action="store_true",
                   help="rebuild the whole graph instead of applying the changed records to it incrementally")
    p.add_argument("--source-id", help="openalex: the OpenAlex source id (S...) of the venue, skipping the lookup")
    p.add_argument("--venueid", help="openreview: the venue group id, e.g. ICLR.cc/2024/Conference")
    p.add_argument("--dump", help="dblp: path or URL of dblp.xml.gz to parse instead of the search API")
    p.add_argument("--all-records", action="store_true",
                   help="dblp --dump: keep every paper of the dump unless --venue/--years narrow it")
    p.set_defaults(func=handle_ingest)
