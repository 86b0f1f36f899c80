"""Micro-timing of one incremental ingest (prepare_delta + save + read back) on a saved base state.

Why: benchmarks/bench_incremental.py builds two cold graphs around one ingest (minutes); changing the
ingest's code needs its seconds and, above all, proof that it gives the same state. `make` prepares the
base once (snapshot without ICML 2022, state saved, 1,000 held-out papers pickled beside it); `run` copies
that state, ingests the papers (no store: `prepare_delta` + `save_state`) and prints the stages and a
fingerprint of the result (row digests per label/type, papers, authors, names, tags, queue, statistics),
to compare between two versions of the code (`--readback` also reads the saved parts back and compares).
The base key is taken from the saved state, so a code change does not turn the ingest into a full build.

    PYTHONPATH=$PWD nice -n 10 .venv/bin/python benchmarks/incr_micro.py make /tmp/base [--state]
    PYTHONPATH=$PWD nice -n 10 .venv/bin/python benchmarks/incr_micro.py run /tmp/base /tmp/work fp.json --readback
    PYTHONPATH=$PWD nice -n 10 .venv/bin/python benchmarks/incr_micro.py ref /tmp/base /tmp/ref   # full build
    PYTHONPATH=$PWD nice -n 10 .venv/bin/python benchmarks/incr_micro.py compare /tmp/work /tmp/ref  # difference table

`make ... --state` also makes the incremental state a full build leaves (what `PendingState`'s forked child makes)
in this process and prints its CPU seconds and fingerprint: to compare two versions of `state_from_build`. Run it
with `ATLAS_BUILD_WORKERS=1`, so that no child makes the same state beside it (BENCHMARKS.md, session 43).

`run ... --cpu` reports the stages in CPU seconds of this process (`time.process_time`) instead of wall
seconds: on a shared machine the wall stages grow with the load, CPU seconds much less.

`run ... --share 0.01` lowers `incremental.FULL_BUILD_SHARE` so that the 1,000 papers pass it, and times how long the
ingest takes to decide on the full build (the share is checked from the meta file's counts, before the state is read;
with `--without-counts`, as before session 51, after reading it).

`run ... --time NAME` prints the seconds of each call of `incremental.NAME` (a module-level function the ingest
calls by name; repeat the option for more), with `--cpu` in CPU seconds.

`run ... --run` also says what the online resolution held (`resolve_blocks`' own time, its mentions, how many
of them are new, how many sit in a name block of a new mention, their papers, the cached people taken whole, how
many mentions the scored pairs hold)
and how many of the cached people it resolved again came back unchanged: the floor an ingest's resolution
cannot go below while every new mention is compared with every cached person it could join.
"""
import hashlib
import pickle
import shutil
import sys
import time
import types
from pathlib import Path

from atlas_cli import wiring
from graph.config import PROJECT_ROOT
from graph.gc_pause import gc_paused
from ingest import cache as build_cache
from ingest import incremental, state_codec
from ingest.recordio import records_dir, write_records
from ingest.snapshot import read_snapshot

SNAPSHOT = PROJECT_ROOT / "data" / "snapshot"
HELD = "icml2022.json.gz"


def base_files(path: Path) -> bool:
    return path.name != HELD


def fingerprint(state) -> dict:
    out = {}
    for kind in sorted(state.digests):
        h = hashlib.blake2b(digest_size=8)
        for key, value in sorted(state.digests[kind].items()):
            h.update(repr(key).encode())
            h.update(value)
        out[kind] = h.hexdigest()
    enc = state_codec.encode(state.__getstate__())
    enc["names"] = sorted(zip(enc["names"][0], state_codec.name_values(enc["names"]), strict=True))
    enc["tags"] = sorted(enc["tags"].items())
    enc["source_ids"] = sorted(enc["source_ids"].items())

    def digest(value: object) -> str:
        return hashlib.blake2b(repr(value).encode(), digest_size=8).hexdigest()

    for name in ("merged", "authors", "names", "review_queue", "source_ids", "tags", "quarantined"):
        out[name] = digest(enc[name])
    out["stats"] = digest(sorted((k, sorted(v.items()) if hasattr(v, "items") else v)
                                 for k, v in vars(state.stats).items()))
    return out


def _report_the_run() -> None:
    """Wrap the ingest's resolution and its unchanged-people test to print what they saw (see `--run`)."""
    from ingest.identity.incremental import name_info

    resolve, unchanged = incremental.resolve_blocks, incremental._unchanged_people

    def resolve_blocks(mentions, stats, **options):  # noqa: ANN001, ANN202 - the wrapped call's own signature
        new = list(options["new"] or ())
        infos = [name_info(m) for m in mentions]
        blocks = {key for i in new for key in (infos[i].block_key, *infos[i].bridges)}
        started = time.perf_counter()
        resolution = resolve(mentions, stats, **options)
        print(f"run: resolve_blocks {time.perf_counter() - started:.2f} s; {len(mentions):,} mentions, "
              f"{len(new):,} new, {sum(info.block_key in blocks for info in infos):,} in a new mention's name "
              f"block, on {len({m.paper_id for m in mentions}):,} papers; {len(options['fixed']):,} cached "
              f"people of 2+ mentions ({sum(map(len, options['fixed'])):,} mentions)")
        return resolution

    def unchanged_people(old_people, *args):  # noqa: ANN001, ANN202
        found = unchanged(old_people, *args)
        print(f"run: {len(found):,} of the {len(old_people):,} cached people resolved again came back unchanged")
        return found

    def candidate_pairs(corpus, blocks, new=None, **options):  # noqa: ANN001, ANN202
        table = pairs(corpus, blocks, new, **options)
        if new is not None:
            held = set(table.left.tolist()) | set(table.right.tolist())
            papers = len({corpus.mentions[i].paper_id for i in held})
            print(f"run: {len(table.left):,} pairs scored hold {len(held):,} of the run's {len(corpus.mentions):,} "
                  "mentions "
                  f"({papers:,} papers); the other mentions are there for their people's size and the evidence")
        return table

    from ingest.identity import resolver
    pairs = resolver.candidate_pairs
    resolver.candidate_pairs = candidate_pairs
    incremental.resolve_blocks = resolve_blocks
    incremental._unchanged_people = unchanged_people


def _time_calls(name: str) -> None:
    """Wrap `incremental.<name>` to print the seconds of each call (see `--time`): a step too small for the
    stage clocks, whose change moves the ingest by less than run-to-run noise."""
    wrapped = getattr(incremental, name)

    def timed(*args, **options):  # noqa: ANN002, ANN003, ANN202 - the wrapped call's own signature
        started = time.perf_counter()
        try:
            return wrapped(*args, **options)
        finally:
            print(f"time: {name} {time.perf_counter() - started:.3f} s")

    setattr(incremental, name, timed)


def main() -> None:
    wiring.install()
    mode = sys.argv[1]
    if mode == "make":
        base = Path(sys.argv[2])
        shutil.rmtree(base, ignore_errors=True)
        with gc_paused():
            prepared = build_cache.prepare(SNAPSHOT, base, only_files=base_files, keep_state=True)
            if "--state" in sys.argv:  # the forked child's work, timed here: the same call, in this process
                cpu = time.process_time()
                state = prepared.incremental.make()
                cpu = time.process_time() - cpu
                print(f"state made here in {cpu:.2f} s CPU; fingerprint {fingerprint(state)}")
            prepared.incremental.save(None)
        held = sorted(read_snapshot(SNAPSHOT, lambda p: p.name == HELD).papers, key=lambda p: p.id)
        papers = held[::max(1, len(held) // 1000)][:1000]
        (base / "heldout.pkl").write_bytes(pickle.dumps(papers))
        print("made", prepared.seconds)
        return
    if mode == "ref":  # cold prepare of the same inputs as base + ingest (the full build to compare with)
        base, ref = Path(sys.argv[2]), Path(sys.argv[3])
        shutil.rmtree(ref, ignore_errors=True)
        papers = pickle.loads((base / "heldout.pkl").read_bytes())
        records_dir(ref).mkdir(parents=True, exist_ok=True)
        write_records(records_dir(ref) / "heldout.jsonl", papers)
        with gc_paused():
            t0 = time.perf_counter()
            prepared = build_cache.prepare(SNAPSHOT, ref, only_files=base_files, keep_state=True)
            print("ref prepare", round(time.perf_counter() - t0, 1), prepared.seconds)
            prepared.incremental.save(None)
        return
    if mode == "compare":  # the bench's difference table: ingested state vs the reference's
        sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
        from bench_incremental import compare
        work, ref = Path(sys.argv[2]), Path(sys.argv[3])
        def st(data_dir: Path) -> incremental.State:
            return incremental.read_state(data_dir / "cache" / incremental.STATE_DIR / incremental.STATE_FILE)

        diff = compare(st(work), st(ref))
        print("mentions in other people", diff["mentions_in_other_people"], "of", diff["mentions"],
              "people differing", diff["people_differing"], "people", diff["people"])
        print("of those mentions, in a person the full build made larger", diff["moved_full_joins"], "/ smaller",
              diff["moved_full_splits"], "/ neither", diff["mentions_in_other_people"] - diff["moved_full_joins"]
              - diff["moved_full_splits"])
        for kind, row in [*diff["nodes"].items(), *diff["rels"].items()]:
            print(kind, row)
        print({k: v for k, v in diff["props"].items() if v})
        return
    base, work = Path(sys.argv[2]), Path(sys.argv[3])
    if "--cpu" in sys.argv:  # the ingest's stage clocks and this one read CPU seconds
        clock = types.SimpleNamespace(perf_counter=time.process_time)
        incremental.time = clock  # type: ignore[assignment]
        globals()["time"] = clock
    shutil.rmtree(work, ignore_errors=True)
    (work / "cache").mkdir(parents=True)
    shutil.copytree(base / "cache" / "incremental", work / "cache" / "incremental")
    papers = pickle.loads((base / "heldout.pkl").read_bytes())
    records_dir(work).mkdir(parents=True, exist_ok=True)
    write_records(records_dir(work) / "heldout.jsonl", papers)
    import json
    meta_path = work / "cache" / "incremental" / "state.json"
    meta = json.loads(meta_path.read_text())
    meta["format"] = incremental.STATE_FORMAT  # the base was made by another version of this code
    if "--without-counts" in sys.argv:  # as a state saved before session 51 (the share checked after the read)
        meta.pop("counts", None)
    meta_path.write_text(json.dumps(meta))
    incremental.base_key = lambda *a, **k: meta["base"]
    if "--run" in sys.argv:
        _report_the_run()
    for at, arg in enumerate(sys.argv):
        if arg == "--time":
            _time_calls(sys.argv[at + 1])
    if "--share" in sys.argv:  # a share the 1,000 papers pass: the time the ingest takes to say so
        incremental.FULL_BUILD_SHARE = float(sys.argv[sys.argv.index("--share") + 1])
        with gc_paused():
            t0 = time.perf_counter()
            reason = incremental.prepare_delta(SNAPSHOT, work, only_files=base_files, graph_version=None)
            t1 = time.perf_counter()
        assert isinstance(reason, str), "the ingest did not run the full build"
        print(f"full build decided in {t1 - t0:.2f} s: {reason}")
        return
    with gc_paused():
        t0 = time.perf_counter()
        delta = incremental.prepare_delta(SNAPSHOT, work, only_files=base_files, graph_version=None)
        t1 = time.perf_counter()
        assert not isinstance(delta, str), delta
        incremental.save_state(delta.state, work, "v1")
        t2 = time.perf_counter()
    print(f"prepare {t1 - t0:.2f} s, save {t2 - t1:.2f} s; stages", {k: round(v, 2) for k, v in delta.seconds.items()})
    print("delta size", delta.size(), "mentions", delta.mentions, "people", delta.people_before, "->",
          delta.people_after)
    fp = fingerprint(delta.state)
    print("fingerprint", fp)
    if "--readback" in sys.argv:
        with gc_paused():
            t3 = time.perf_counter()
            back = incremental._load_state(work, meta["base"], "v1", "", lambda: len(delta.state.records))
            t4 = time.perf_counter()
        assert not isinstance(back, str), back
        fb = fingerprint(back)
        print(f"read back {t4 - t3:.2f} s; equal: {fb == fp}", [k for k in fp if fp[k] != fb[k]])
    out = Path(sys.argv[4]) if len(sys.argv) > 4 and not sys.argv[4].startswith("--") else None
    if out:
        out.write_text(json.dumps(fp, indent=1))


if __name__ == "__main__":
    main()
