"""`mlsys-atlas build`: snapshot → records → tags → store, with progress and a summary.

The report (counts, quarantined records with reasons, timings) is written beside the
store so the explorer's Data page and scripts can read what the last build did. It is
also handed to the store, which makes it live in the same transaction as the graph
(FalkorDB): a build killed between the swap and the file write leaves a stale file, and
`last_report(data_dir, store)` then prefers, and re-writes, the store's copy.

One build at a time per data directory (`graph.locks.build_lock`): a second `build` or
`ingest` waits for the first instead of emptying the graph under it.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from graph import config
from graph.build_report import QUARANTINE_FILE, REPORT_FILE, last_report, quarantined_records  # noqa: F401
from graph.errors import StoreHungError
from graph.fileio import PRIVATE_FILE_MODE, atomic_write_text, atomic_writer
from graph.gc_pause import gc_paused
from graph.ids import ID_SCHEME
from graph.loader import apply_delta, load_rows
from graph.locks import build_lock
from graph.store import GraphStore
from ingest import cache as build_cache
from ingest import forked_write, incremental


@dataclass
class BuildReport:
    built_at: str
    snapshot_files: list[str]
    papers_read: int
    papers: int
    authors: int
    institutions: int
    topics: int
    venues: int
    written: dict[str, int]
    quarantined: int
    quarantined_by_reason: dict[str, int]
    skipped_by_status: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    ingested_files: list[str] = field(default_factory=list)  # data_dir/records/*.jsonl written by `ingest`
    cache: dict[str, str] = field(default_factory=dict)  # stage -> hit/miss (ingest/cache.py)
    id_scheme: int = ID_SCHEME  # how ids were derived from text (graph/ids.py); older ids live on as id_aliases


LIVE_FILE = "live.json"  # in the build cache: the rows key and graph version of the last load


def _reason_class(reason: str) -> str:
    """Group quarantine reasons that differ only in the quoted value."""
    return reason.split(":", 1)[0].split(" (", 1)[0].strip()


def build(store: GraphStore, snapshot_dir: Path, data_dir: Path, *, quiet: bool = False,
          only_files: Callable[[Path], bool] | None = None, include_ingested: bool = True,
          use_cache: bool = True, incremental: bool = False, keep_state: bool = False,
          reload: bool = False) -> BuildReport:
    """Build the graph from the snapshot plus (by default) every record file `mlsys-atlas ingest` wrote.

    With `incremental` (what `mlsys-atlas ingest` asks for), records added since the last build are
    merged into the live graph as a delta (ingest/incremental.py); when that is not possible the
    normal build runs, after one line on stderr saying why.

    The state an incremental ingest extends costs CPU to make and save (a forked child does it
    beside the store's load: `incremental.PendingState`; what still lengthens the build is in
    BENCHMARKS.md, session 43), so a build keeps it only where ingests happen: when asked (`keep_state`, `incremental`)
    or when the data directory already holds ingested record files. A plain snapshot build
    (`make run`) pays nothing for it; the first ingest into it is a full build that keeps it.
    An unchanged rebuild does not write the graph again when the live graph already holds its
    rows (`_live_graph_holds`); `reload` writes it anyway.
    """
    def once() -> BuildReport:
        if incremental and include_ingested and use_cache:
            report = _ingest_delta(store, snapshot_dir, data_dir, only_files=only_files)
            if report is not None:
                return report
        return _build(store, snapshot_dir, data_dir, quiet=quiet, only_files=only_files,
                      include_ingested=include_ingested, use_cache=use_cache, keep_state=keep_state or incremental,
                      reload=reload)

    with build_lock(data_dir, wait=config.settings().build_lock_wait), gc_paused():
        return _again_after_a_hang(once)


def _again_after_a_hang(once: Callable[[], BuildReport]) -> BuildReport:
    """Run a build or ingest once more, after one line on stderr, when the store hung (StoreHungError).

    Why: FalkorDB's engine can deadlock (issue #2129); the store then kills the server and starts a fresh one
    from its last save, which every finished build and ingest leaves behind. Nothing of the interrupted run is
    live (a build writes a staging graph it swaps in at the end; an ingest's delta is idempotent and its state is
    saved only after the delta is written), and every stage before the store is cached, so running it again gives
    what one uninterrupted run gives, at the cost of the store's part. A second hang is reported: the engine may
    hang again for the same input, and the command's own message says what to do.
    """
    try:
        return once()
    except StoreHungError as exc:
        first_sentence = str(exc).split(". ", 1)[0]
        print(f"warning: {first_sentence}. It was restarted from its last save; running once more.",
              file=sys.stderr)
    return once()


class _NoLiveGraph(Exception):
    """The store holds no graph to add a delta to (asked only once the state is read)."""


def _ingest_delta(store: GraphStore, snapshot_dir: Path, data_dir: Path, *,
                  only_files: Callable[[Path], bool] | None) -> BuildReport | None:
    """The incremental path; None (after saying why on stderr) when the full build must run instead."""
    started = time.perf_counter()

    def live_version() -> str | None:  # asked once the state is read: a server starting meanwhile loads beside it
        if not store.exists():
            raise _NoLiveGraph
        return store.graph_version()

    delta: incremental.Delta | str | incremental.NothingNew
    try:
        delta = incremental.prepare_delta(snapshot_dir, data_dir, only_files=only_files, graph_version=live_version)
    except _NoLiveGraph:
        delta = "no live graph to add to"
    if delta is incremental.NOTHING_NEW:
        stands = _report_of_live_graph(store, data_dir)
        if stands is not None:
            stands.cache = {"incremental": "no record file changed since the last build or ingest: "
                                           "the live graph stands, nothing was written"}
            stands.seconds = {"total": round(time.perf_counter() - started, 2)}
            return stands
        delta = "the live graph's build report is unreadable"
    if not isinstance(delta, incremental.Delta):
        print(f"incremental ingest not possible: {delta}; running the full (cached) build", file=sys.stderr)
        return None
    mark = time.perf_counter()
    written = apply_delta(store, delta.merge_nodes, delta.merge_rels, delta.delete_nodes, delta.delete_rels)
    state = delta.state
    seconds = {**delta.seconds, "load": time.perf_counter() - mark}
    reasons = Counter(f"{q.source}: {_reason_class(q.reason)}" for q in state.quarantined)
    report = BuildReport(
        built_at=datetime.now(UTC).isoformat(timespec="seconds"), snapshot_files=state.files,
        papers_read=state.papers_read, papers=len(state.merged), authors=len(state.authors),
        institutions=len(state.organisations), topics=len(state.digests.get("Topic", ())),
        venues=len(state.digests.get("Venue", ())), written=written, quarantined=len(state.quarantined),
        quarantined_by_reason=dict(reasons.most_common()),
        skipped_by_status=dict(sorted(state.skipped_by_status.items())),
        seconds={}, ingested_files=state.ingested_files,
        cache={"incremental": f"{delta.new_papers} new records, "
                              + (f"{delta.redated} fetched again with a later date, " if delta.redated else "")
                              + (f"{delta.updated} updated, " if delta.updated else "")
                              + (f"{delta.deleted} deleted, " if delta.deleted else "")
                              + f"{delta.changed_papers} papers changed, "
                              f"{delta.blocks} name blocks ({delta.mentions} mentions) resolved again: "
                              f"{delta.people_before} -> {delta.people_after} people; {delta.size()} rows written"})
    if delta.new_papers == delta.redated == delta.updated == delta.deleted == delta.size() == 0:
        # nothing new: the state and the graph's version stand
        _write_outcome(state, data_dir)
        incremental.note_record_files(data_dir, state.record_files)  # (only their bytes changed)
        seconds["total"] = time.perf_counter() - started
        report.seconds = {k: round(v, 2) for k, v in seconds.items()}
        return report
    # The graph gets its new version first, then the state is saved naming it, while the store writes its
    # snapshot to disk (`persisting`: on FalkorDB a forked server process, beside this one's save). A crash
    # before the state is saved leaves a state naming the old version: the next ingest falls back to a full
    # build, or re-applies the same (idempotent) delta if the store's disk copy predates it too.
    version = uuid.uuid4().hex if store.graph_version() is not None else None
    seconds["total"] = time.perf_counter() - started  # until the graph is live, as a full build's report
    report.seconds = {k: round(v, 2) for k, v in seconds.items()}
    report_json = json.dumps(asdict(report), indent=2)
    store.record_update(report_json, version)
    with store.persisting():
        mark = time.perf_counter()
        _write_outcome(state, data_dir)
        incremental.save_state(state, data_dir, version)
        saved = time.perf_counter() - mark
    atomic_write_text(data_dir / REPORT_FILE, report_json, file_mode=PRIVATE_FILE_MODE)
    report.seconds["save_state"] = round(saved, 2)  # after the report (as a full build's incremental_state_save)
    return report


def _report_of_live_graph(store: GraphStore, data_dir: Path) -> BuildReport | None:
    """The report the live graph was made with, as a BuildReport; None if there is none this code can read."""
    stored = last_report(data_dir, store)
    try:
        return BuildReport(**stored) if stored is not None else None
    except TypeError:  # written by a version with other fields
        return None


def _write_outcome(state: incremental.State, data_dir: Path) -> None:
    """The review queue and the quarantine file of the state an ingest made."""
    incremental.write_queue(state.review_queue, data_dir)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with atomic_writer(data_dir / QUARANTINE_FILE, file_mode=PRIVATE_FILE_MODE) as out:
        for item in state.quarantined:
            out.write(json.dumps(asdict(item), ensure_ascii=False, default=str) + "\n")


def _build(store: GraphStore, snapshot_dir: Path, data_dir: Path, *, quiet: bool,
           only_files: Callable[[Path], bool] | None, include_ingested: bool, use_cache: bool,
           keep_state: bool, reload: bool) -> BuildReport:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    files_bar = tqdm(desc="read snapshot", unit=" file", disable=quiet)

    def on_stage(text: str) -> None:
        # the files are read before the first stage starts: a bar left open is redrawn under every stage line,
        # so the terminal's last line said "read snapshot" while people were being resolved
        files_bar.close()
        tqdm.write(f"{text} ...", file=sys.stderr)

    prepared = build_cache.prepare(  # read + resolve + tag, each stage reused from the cache when unchanged
        snapshot_dir, data_dir, only_files=only_files, include_ingested=include_ingested, use_cache=use_cache,
        keep_state=keep_state, writes_pending=True,  # waited for after the load, below
        on_file=lambda path, n: (files_bar.update(1), files_bar.set_postfix_str(path.name)),
        on_stage=None if quiet else on_stage)
    files_bar.close()
    timings.update(prepared.seconds)
    try:
        if not reload and prepared.cache == {"rows": "hit"} and _live_graph_holds(store, data_dir,
                                                                                    prepared.rows_key):
            return _unchanged(prepared, timings, started)  # (finished rows from the cache: no state was made)
        mark = time.perf_counter()
        load_bar = tqdm(desc="load store", unit=" row", disable=quiet)

        def on_progress(kind: str, rows: int, total: int | None) -> None:
            if total is not None:
                load_bar.reset(total=total)
            load_bar.update(rows)
            load_bar.set_postfix_str(kind)

        with store.building() as target:
            written = load_rows(target, prepared.nodes, prepared.rels, progress=on_progress)
            load_bar.close()
            timings["load"] = time.perf_counter() - mark
            mark = time.perf_counter()
            forked_write.wait()  # the cache entries written beside the load (ingest/forked_write.py) are complete
            if (waited := time.perf_counter() - mark) >= 0.01:
                timings["cache_write_wait"] = waited
            timings["total"] = time.perf_counter() - started
            report = _report_of(prepared, written, timings, prepared.cache)
            report_json = json.dumps(asdict(report), indent=2)
            target.set_build_report(report_json)
    except BaseException:
        if prepared.incremental is not None:  # no state for a graph that was not loaded
            prepared.incremental.cancel()
        raise
    _remember_live(store, data_dir, prepared.rows_key if use_cache else "")
    if prepared.incremental is not None:  # what the next `mlsys-atlas ingest` extends (made beside the load)
        mark = time.perf_counter()
        prepared.incremental.save(store.graph_version())
        report.seconds["incremental_state_save"] = round(time.perf_counter() - mark, 2)  # after the report file
    elif use_cache and include_ingested:
        incremental.refresh_version(data_dir, snapshot_dir, only_files, store.graph_version())
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with atomic_writer(data_dir / QUARANTINE_FILE, file_mode=PRIVATE_FILE_MODE) as out:
        for q in prepared.quarantined:
            out.write(json.dumps(asdict(q), ensure_ascii=False, default=str) + "\n")
    atomic_write_text(data_dir / REPORT_FILE, report_json, file_mode=PRIVATE_FILE_MODE)
    return report


def _live_file(data_dir: Path) -> Path:
    return data_dir / build_cache.CACHE_DIR / LIVE_FILE


def _remember_live(store: GraphStore, data_dir: Path, rows_key: str) -> None:
    """Which finished rows the live graph holds, under which version: an unchanged rebuild then skips the load."""
    version = store.graph_version()
    if rows_key and version is not None and (data_dir / build_cache.CACHE_DIR).is_dir():
        atomic_write_text(_live_file(data_dir), json.dumps({"rows": rows_key, "graph_version": version}),
                          file_mode=PRIVATE_FILE_MODE)
    else:
        _live_file(data_dir).unlink(missing_ok=True)


def _live_graph_holds(store: GraphStore, data_dir: Path, rows_key: str) -> bool:
    """True when the store's live graph is the one this data directory last loaded from these very rows.

    Why: reloading an unchanged build took ~8 s of a ~11 s rebuild (GRAPH.BULK of 460k rows) and
    gave readers a new version, dropping the explorer's warm caches for the same graph. Any
    other write (a build elsewhere, an incremental ingest, a wiped store) changes or removes
    the version, and a store that keeps none (Neo4j) is always reloaded.
    """
    try:
        live = json.loads(_live_file(data_dir).read_text())
    except (OSError, ValueError):
        return False
    version = store.graph_version() if store.exists() else None
    return bool(rows_key) and version is not None and live == {"rows": rows_key, "graph_version": version}


def _unchanged(prepared: build_cache.PreparedBuild, timings: dict[str, float], started: float) -> BuildReport:
    """The report of a rebuild whose rows the live graph already holds: nothing written, the live report kept."""
    timings["load"] = 0.0
    timings["total"] = time.perf_counter() - started
    return _report_of(prepared, {}, timings,
                      {**prepared.cache, "load": "skipped: the live graph already holds these rows"})


def _report_of(prepared: build_cache.PreparedBuild, written: dict[str, int], timings: dict[str, float],
               cache: dict[str, str]) -> BuildReport:
    """The report of a full build (loaded or not) from what `prepare` handed over."""
    reasons = Counter(f"{q.source}: {_reason_class(q.reason)}" for q in prepared.quarantined)
    return BuildReport(
        built_at=datetime.now(UTC).isoformat(timespec="seconds"), snapshot_files=prepared.files,
        papers_read=prepared.papers_read, **prepared.counts, written=written, quarantined=len(prepared.quarantined),
        quarantined_by_reason=dict(reasons.most_common()),
        skipped_by_status=dict(sorted(prepared.skipped_by_status.items())),
        seconds={k: round(v, 2) for k, v in timings.items()}, ingested_files=prepared.ingested_files,
        cache=cache)


def format_summary(report: BuildReport) -> str:
    lines = [
        f"Built graph at {report.built_at} in {report.seconds.get('total', 0):.1f}s "
        f"(read {report.seconds.get('read', 0):.1f}s, resolve+tag {report.seconds.get('resolve_and_tag', 0):.1f}s, "
        f"load {report.seconds.get('load', 0):.1f}s)",
        f"  papers        {report.papers:>8,}  (from {report.papers_read:,} source records)",
        f"  authors       {report.authors:>8,}",
        f"  institutions  {report.institutions:>8,}",
        f"  venues        {report.venues:>8,}",
        f"  topics        {report.topics:>8,}",
        f"  quarantined   {report.quarantined:>8,}  (details in quarantine.jsonl beside the store)",
    ]
    if "incremental" in report.cache:  # `ingest` added to the live graph instead of rebuilding it
        lines.append(f"  incremental   {report.cache['incremental']}")
    if report.cache.get("load", "").startswith("skipped"):
        lines.append("  unchanged     the live graph already holds these rows; nothing was written")
    elif any(report.written.values()) and "nothing was written" not in report.cache.get("incremental", ""):
        # the analytics are keyed by the build: without this, the first analytics page or CLI command pays them
        lines.append("  analytics     not computed for this graph yet: `mlsys-atlas warm` precomputes them "
                     "(~25 s on the snapshot; `make run` does)")
    for reason, count in list(report.quarantined_by_reason.items())[:12]:
        lines.append(f"      {count:>6,}  {reason}")
    not_papers = sum(n for k, n in report.skipped_by_status.items() if " dblp: " in k)
    skipped = sum(report.skipped_by_status.values()) - not_papers
    if skipped:
        lines.append(f"  not accepted  {skipped:>8,}  (rejected/withdrawn/workshop rows left out by status)")
    if not_papers:
        lines.append(f"  not papers    {not_papers:>8,}  (DBLP workshop/demo/companion/front-matter items, by rule)")
    return "\n".join(lines)
