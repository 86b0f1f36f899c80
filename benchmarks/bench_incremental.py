"""Incremental ingest (issue 20 item 3) on the full snapshot: time and difference from a full build.

One snapshot file is held out (default papercopilot ICML 2022); `--papers` of its papers
(every k-th by id, default 1,000) are written as an ingested record file. In one run:

1. base: cold build of the snapshot without the held-out file (empty cache; it also
   writes the incremental state, whose cost is reported on its own);
2. incremental: the record file is added and `build(..., incremental=True)` (what
   `mlsys-atlas ingest` runs) merges it into the live graph as a delta;
3. reference: a cold build, in a fresh data directory, of the same inputs (snapshot
   without the held-out file + the record file) — the baseline of the ratio.

Then the rows of the two graphs are compared (the incremental state holds the rows the
delta made live; tests/test_incremental.py checks the live graph equals them): nodes and
relationships only in one, and nodes whose properties differ, by property; people whose
mentions differ (AUTHORED rows by mention), inside and outside the re-resolved name blocks.

    PYTHONPATH=$PWD nice -n 10 .venv/bin/python benchmarks/bench_incremental.py [--papers 1000] [--fresh]
    PYTHONPATH=$PWD nice -n 10 .venv/bin/python benchmarks/bench_incremental.py --held-out half --papers 0 --fresh \
        --no-fallback

`--held-out` also takes several file names (comma-separated) or `half`: every other snapshot file, in the
order the snapshot reads them, so the base is half the snapshot and the ingest the other half (issue 20's
test, at the snapshot's scale); `--papers 0` ingests every paper of the held-out files.

`--refetch` then writes the same records again with a date one day later, as fetching the source again gives,
and times that ingest too (`incremental._redate`: no full build when only the dates moved); the reference build
reads the re-dated records. Last (after the comparison), the records are re-dated once more and built as every
such ingest did before session 52: the (cached) full build. It needs records with strong ids (papercopilot ICML
2024: `--held-out icml2024.json.gz`).

`--update N` then changes the title of N of the ingested records (every k-th; " (revised)" appended), as a source's
camera-ready correction does, and times that ingest (session 53: the records' papers are merged again from their
records, `incremental._papers_of`; before, the full build ran); the reference build reads the updated records.

`--nothing-new` then runs two ingests that add nothing: one after appending an empty line to the record file
(its bytes change, not its records: the path every such ingest took before session 52) and one with the files as
they are (`incremental.NOTHING_NEW`: the state is not read).

`--fresh` runs each build in its own Python process, as the command line does: in one process the ingest
and the reference build run on a heap the builds before them freed, which moved their stages by 10-30 %
(BENCHMARKS.md, session 47).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atlas_cli import wiring  # noqa: E402
from graph.config import PROJECT_ROOT  # noqa: E402
from graph.falkor_store import FalkorStore  # noqa: E402
from graph.records import Provenance  # noqa: E402
from ingest import incremental  # noqa: E402
from ingest.build import build  # noqa: E402
from ingest.recordio import records_dir, write_records  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402

SNAPSHOT = PROJECT_ROOT / "data" / "snapshot"


def _state(data_dir: Path) -> incremental.State:
    return incremental.read_state(data_dir / "cache" / incremental.STATE_DIR / incremental.STATE_FILE)


def _by_key(rows: list[dict]) -> dict[tuple, list[dict]]:
    keyed: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        keyed[tuple(sorted((k, v) for k, v in row.items() if k != "props"))].append(row)
    return keyed


def compare(inc: incremental.State, full: incremental.State) -> dict[str, Any]:
    """Row differences between the incremental graph and the full build's."""
    result: dict[str, Any] = {"nodes": {}, "rels": {}, "props": {}}
    for label in sorted(set(inc.nodes) | set(full.nodes)):
        a = {r["id"]: r for r in inc.nodes.get(label, ())}
        b = {r["id"]: r for r in full.nodes.get(label, ())}
        differ = [i for i in a.keys() & b.keys() if a[i] != b[i]]
        fields: Counter[str] = Counter()
        for i in differ:
            fields.update(k for k in set(a[i]["props"]) | set(b[i]["props"])
                          if a[i]["props"].get(k) != b[i]["props"].get(k))
        result["nodes"][label] = (len(b), len(a.keys() - b.keys()), len(b.keys() - a.keys()), len(differ))
        result["props"][label] = dict(fields.most_common())
    for rel in sorted(set(inc.rels) | set(full.rels)):
        a, b = _by_key(inc.rels.get(rel, [])), _by_key(full.rels.get(rel, []))
        result["rels"][rel] = (sum(map(len, b.values())), len(a.keys() - b.keys()), len(b.keys() - a.keys()),
                               sum(1 for k in a.keys() & b.keys() if a[k] != b[k]))
    # people: mention (paper id, position) -> person, in both graphs
    def person_of(state: incremental.State) -> dict[tuple[str, int], str]:
        return {(r["paper_id"], r["props"]["position"]): r["author_id"] for r in state.rels["AUTHORED"]}

    pa, pb = person_of(inc), person_of(full)
    members_a: dict[str, set] = defaultdict(set)
    members_b: dict[str, set] = defaultdict(set)
    for m, p in pa.items():
        members_a[p].add(m)
    for m, p in pb.items():
        members_b[p].add(m)
    moved = {m for m in pa.keys() & pb.keys() if members_a[pa[m]] != members_b[pb[m]]}
    result["mentions"] = len(pa)
    result["mentions_in_other_people"] = len(moved)
    result["people_differing"] = len({pa[m] for m in moved})
    # which way: the full build's person holds more (it joined what the ingest kept apart), or fewer (it split)
    result["moved_full_joins"] = sum(1 for m in moved if members_b[pb[m]] > members_a[pa[m]])
    result["moved_full_splits"] = sum(1 for m in moved if members_a[pa[m]] > members_b[pb[m]])
    result["people"] = len(members_a)
    return result


def _held_files(held_out: str) -> set[Path]:
    """The snapshot files `--held-out` names: file names (comma-separated; every folder's file of that name), or
    `half`, every other file in the order the snapshot reads them."""
    files: list[Path] = []
    read_snapshot(SNAPSHOT, lambda path: files.append(path) or False)  # lists the files, reads none
    if held_out == "half":
        return set(files[1::2])
    names = set(held_out.split(","))
    return {path for path in files if path.name in names}


BUILD_STEPS = ("base", "reference", "refetch-full")  # full builds; every other step is an ingest


def _timed_build(step: str, data_dir: Path, held_out: str, papers: list | None) -> tuple[float, dict, dict]:
    """One of the run's builds: wall seconds from the store's opening to the end of `build`, the report's stage
    seconds with `store_open` (the seconds the store's constructor took: a server started and its saved graph
    loaded, unless started in the background), and the cache notes. Before session 69 the wall seconds left the
    store's opening out, and the ingest's server start (~1.3 s on the full snapshot) with it.

    `papers`: written as the ingested record file first (the ingest's and the reference's inputs)."""
    held = _held_files(held_out)

    def base_files(path: Path) -> bool:
        return path not in held

    if papers is not None:
        records_dir(data_dir).mkdir(parents=True, exist_ok=True)
        write_records(records_dir(data_dir) / "heldout.jsonl", papers)
    if step == "touched":  # the same records, other bytes
        path = records_dir(data_dir) / "heldout.jsonl"
        path.write_text(path.read_text() + "\n")
    options = {"base": {"keep_state": True}, "reference": {}, "refetch-full": {}}.get(step, {"incremental": True})
    started = time.perf_counter()
    # as the command line opens it: `mlsys-atlas ingest` starts the server in the background (its saved graph loads
    # while the state is read), `mlsys-atlas build` waits for it
    store = FalkorStore(data_dir, start_in_background=step not in BUILD_STEPS)
    open_seconds = time.perf_counter() - started
    try:
        report = build(store, SNAPSHOT, data_dir, quiet=True, only_files=base_files, **options)
        return time.perf_counter() - started, {**report.seconds, "store_open": round(open_seconds, 2)}, report.cache
    finally:
        store.close()


def _in_fresh_process(step: str, data_dir: Path, args: argparse.Namespace) -> tuple[float, dict, dict]:
    """`_timed_build` in a new Python process, as `mlsys-atlas build` / `ingest` run: its heap holds nothing
    an earlier build left (in one process, the ingest ran on a heap the base build had just freed)."""
    command = [sys.executable, __file__, "--step", step, "--work", str(data_dir), "--held-out", args.held_out,
               "--papers", str(args.papers), *(["--no-fallback"] if args.no_fallback else []),
               *(["--refetch"] if args.refetch else []), *(["--nothing-new"] if args.nothing_new else []),
               "--update", str(args.update)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return tuple(json.loads(done.stdout.strip().splitlines()[-1]))  # type: ignore[return-value]


def _held_papers(held_out: str, count: int) -> list:
    """Every k-th paper (by id) of the held-out files, `count` of them (0: all)."""
    files = _held_files(held_out)
    held = sorted(read_snapshot(SNAPSHOT, files.__contains__).papers, key=lambda p: p.id)
    return held if count <= 0 else held[::max(1, len(held) // count)][:count]


def _fetched_again(papers: list) -> list:
    """The same records with a date one day later than the latest of them (a source fetched again)."""
    later = (date.fromisoformat(max(p.provenance.retrieved_at for p in papers)) + timedelta(days=1)).isoformat()
    return [dataclasses.replace(p, provenance=Provenance(p.provenance.sources, later)) for p in papers]


def _updated(papers: list, count: int) -> list:
    """The records with `count` of them (every k-th) given a revised title."""
    if count <= 0:
        return papers
    step = max(1, len(papers) // count)
    chosen = {id(p) for p in papers[::step][:count]}
    return [dataclasses.replace(p, title=f"{p.title} (revised)") if id(p) in chosen else p for p in papers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--held-out", default="icml2022.json.gz",
                        help="snapshot file(s) left out of the base build (comma-separated), or 'half'")
    parser.add_argument("--papers", type=int, default=1000, help="papers of it ingested incrementally (0: all)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the two data directories")
    parser.add_argument("--fresh", action="store_true",
                        help="run each of the three builds in its own Python process")
    parser.add_argument("--no-fallback", action="store_true",
                        help="ingest however many records there are (past incremental.FULL_BUILD_SHARE of the "
                             "papers built, `ingest` runs a full build instead)")
    parser.add_argument("--refetch", action="store_true",
                        help="then ingest the same records again, one day later (the reference reads those)")
    parser.add_argument("--nothing-new", action="store_true",
                        help="then time two ingests that add nothing (record file bytes changed, and unchanged)")
    parser.add_argument("--update", type=int, default=0,
                        help="then revise the titles of this many ingested records and ingest them (the reference "
                             "reads those)")
    parser.add_argument("--step", choices=("base", "ingest", "refetch", "touched", "unchanged", "update", "reference",
                                           "refetch-full"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    wiring.install()
    if args.no_fallback:
        incremental.FULL_BUILD_SHARE = float("inf")
    held_name = args.held_out
    if args.step:  # one build of a --fresh run, in this process: its numbers on stdout's last line
        papers = None if args.step in ("base", "touched", "unchanged") else _held_papers(held_name, args.papers)
        if args.step in ("refetch", "update") or args.step == "reference" and args.refetch:
            papers = _fetched_again(papers) if args.refetch else papers
        elif args.step == "refetch-full":
            papers = _fetched_again(_fetched_again(papers))
        if args.step == "update" or args.step == "reference":
            papers = _updated(papers, args.update)
        print(json.dumps(_timed_build(args.step, args.work, held_name, papers)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-incr-"))
    shutil.rmtree(work, ignore_errors=True)
    papers = _held_papers(held_name, args.papers)
    print(f"held out {held_name}: {len(papers):,} papers ingested; each build in "
          f"{'its own process' if args.fresh else 'this process'}", flush=True)

    again = _fetched_again(papers) if args.refetch else papers
    revised = _updated(again, args.update)

    def run(step: str, data_dir: Path) -> tuple[float, dict, dict]:
        if args.fresh:
            return _in_fresh_process(step, data_dir, args)
        chosen = {"refetch": again, "update": revised, "reference": revised,
                  "refetch-full": _fetched_again(again)}.get(step, papers)
        return _timed_build(step, data_dir, held_name, None if step in ("base", "touched", "unchanged") else chosen)

    base_dir, full_dir = work / "incremental", work / "full"
    base_seconds, base_stages, _ = run("base", base_dir)
    print(f"base cold build: {base_seconds:.1f} s {base_stages}", flush=True)
    inc_seconds, inc_stages, inc_cache = run("ingest", base_dir)
    print(f"incremental ingest: {inc_seconds:.1f} s {inc_stages} {inc_cache}", flush=True)
    if args.refetch:
        again_seconds, again_stages, again_cache = run("refetch", base_dir)
        print(f"the same records fetched again: {again_seconds:.1f} s {again_stages} {again_cache}", flush=True)
    if args.update:
        update_seconds, update_stages, update_cache = run("update", base_dir)
        print(f"{args.update:,} records revised: {update_seconds:.1f} s {update_stages} {update_cache}", flush=True)
    nothing: dict[str, tuple[float, dict, dict]] = {}
    for step in ("touched", "unchanged") if args.nothing_new else ():
        nothing[step] = run(step, base_dir)
        print(f"an ingest with nothing new ({step} record file): {nothing[step][0]:.2f} s {nothing[step][1]} "
              f"{nothing[step][2]}", flush=True)
    full_seconds, full_stages, _ = run("reference", full_dir)
    print(f"reference cold build: {full_seconds:.1f} s {full_stages}", flush=True)

    diff = compare(_state(base_dir), _state(full_dir))
    state_seconds = full_stages.get("incremental_state", 0.0) + full_stages.get("incremental_state_save", 0.0)
    print("\n| measure | value |\n|---|---|")
    print(f"| reference: cold build of the same inputs (baseline, same run) | {full_seconds:.1f} s |")
    print(f"| — of which making and saving the incremental state | {state_seconds:.1f} s |")
    print(f"| incremental ingest / (cold build without the state) | "
          f"**{inc_seconds / (full_seconds - state_seconds):.1%}** |")
    print(f"| incremental ingest of {len(papers):,} papers | {inc_seconds:.1f} s = "
          f"**{inc_seconds / full_seconds:.1%}** of the cold build |")
    print(f"| — stages | {inc_stages} |")
    if args.refetch:
        print(f"| the same records fetched again a day later | {again_seconds:.1f} s = "
              f"**{again_seconds / (full_seconds - state_seconds):.1%}** of the cold build without the state |")
        print(f"| — stages, delta | {again_stages}; "
              f"{again_cache.get('incremental', f'none: the full build ran (cache {again_cache})')} |")
    if args.update:
        print(f"| {args.update:,} of those records revised (their titles) | {update_seconds:.1f} s = "
              f"**{update_seconds / (full_seconds - state_seconds):.1%}** of the cold build without the state |")
        print(f"| — stages, delta | {update_stages}; "
              f"{update_cache.get('incremental', f'none: the full build ran (cache {update_cache})')} |")
    delta = inc_cache.get("incremental", f"none: the ingest ran the full build (cache {inc_cache})")
    print(f"| — delta | {delta} |")
    for step, (seconds, stages, _cache) in nothing.items():
        print(f"| an ingest with nothing new, record file {step} | {seconds:.2f} s (stages {stages}) |")
    print(f"| base cold build (without the held-out papers) | {base_seconds:.1f} s |")
    print(f"| mentions in another person than in the full build | {diff['mentions_in_other_people']:,} of "
          f"{diff['mentions']:,} |")
    print(f"| people whose mentions differ | {diff['people_differing']:,} of {diff['people']:,} |")
    print(f"| — those mentions in a person the full build made larger / smaller | {diff['moved_full_joins']:,} / "
          f"{diff['moved_full_splits']:,} |")
    print("\n| label / type | full build rows | only incremental | only full | same key, other props |")
    print("|---|---|---|---|---|")
    for kind, (total, only_a, only_b, differ) in [*diff["nodes"].items(), *diff["rels"].items()]:
        print(f"| {kind} | {total:,} | {only_a:,} | {only_b:,} | {differ:,} |")
    print("\nproperties that differ, per label:", {k: v for k, v in diff["props"].items() if v})
    if args.refetch:  # after the comparison: this build replaces the ingested state
        full_seconds_again, full_stages_again, _ = run("refetch-full", base_dir)
        print(f"\nthe same records fetched again once more, built as before session 52 (the cached full build): "
              f"{full_seconds_again:.1f} s {full_stages_again}")


if __name__ == "__main__":
    main()
