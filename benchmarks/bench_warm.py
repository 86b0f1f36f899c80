"""`mlsys-atlas warm` (make run's analytics precompute) in one process against its forked variant.

Why: the warm step is the larger half of a newcomer's first `make run` on the full snapshot. Since session 55 the
betweenness bridge list (~30 s of one core) is computed in a forked child while this process does everything else
(`build_cache.precompute(fork=True)`); since session 71, with the betweenness vectorised (~9-14 s for 256
sources), the child computed Louvain's communities (~22 s of networkx) instead; since session 72, with Louvain in
networkit (~2 s), the child computes the betweenness again. Each round runs both variants, alternating,
each in a fresh process on the same built data directory with the analytics files removed first (what the
first warm after a build sees), and checks that both saved the same memo (every answer and whole-graph view).

`--server` adds a third variant: the explorer's background warm-up (`ui.analytics._warm`, what a server runs on the
first start after a build or ingest). Since session 55 it runs `mlsys-atlas warm` in a child process and takes its
answers, where it used to compute them in its own thread (as the one-process variant does); since session 56 it
starts that child before reading the server's own projection, which it reads beside it, and does so on Neo4j too.
The variant measures whatever `_warm` does at the commit it runs from.

`--base TREE` adds the forked variant of another checkout (its own `bench_warm.py --one forked`, its code on the
path), alternating with this one's, and lists the memo entries it saved otherwise (none, for a change that only
moves work): a change to `precompute` measured against the code before it, in the same run.

    ATLAS_DATA_DIR=/tmp/warm .venv/bin/mlsys-atlas build --quiet
    ATLAS_DATA_DIR=/tmp/warm PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_warm.py [--rounds 2] [--server] \
        [--base /tmp/base]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import config  # noqa: E402
from graph.analytics.build_cache import CACHE_DIR  # noqa: E402

KINDS = ("analytics", "related", "search", "views")


def _one(variant: str) -> None:
    """One precompute in this process; its step seconds on stdout's last line."""
    from atlas_cli import wiring
    from graph.analytics.build_cache import precompute
    from graph.open import open_store

    wiring.install()  # the organisation table and the other providers the CLI installs
    store = open_store(None)
    try:
        started = time.perf_counter()
        if variant == "server":
            from ui import analytics, data

            analytics._warm(data.store_key())
            steps: dict[str, float] = {}
        else:
            steps = precompute(store, fork=variant == "forked")
        print(json.dumps({"wall": time.perf_counter() - started, "steps": steps}))
    finally:
        store.close()


def _clear(cache: Path) -> None:
    for kind in KINDS:
        for path in cache.glob(f"{kind}-*.pkl"):
            path.unlink()


def _saved_memo(cache: Path) -> dict:
    (path,) = cache.glob("analytics-*.pkl")
    with open(path, "rb") as handle:
        return pickle.load(handle)["memo"]  # noqa: S301 - the file this benchmark's own run just wrote


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--server", action="store_true", help="also time the explorer's background warm-up")
    parser.add_argument("--base", type=Path, help="another checkout whose forked variant runs alternating with ours")
    parser.add_argument("--one", choices=("here", "forked", "server"), help=argparse.SUPPRESS)  # a child run
    args = parser.parse_args()
    if args.one:
        _one(args.one)
        return
    cache = config.data_dir() / CACHE_DIR
    variants = ("here", "forked", "server") if args.server else ("here", "forked")
    variants += ("base",) if args.base else ()
    walls: dict[str, list[float]] = {variant: [] for variant in variants}
    for round_ in range(1, args.rounds + 1):
        memos = {}
        for variant in variants:
            _clear(cache)
            tree = args.base.resolve() if variant == "base" else Path(__file__).resolve().parent.parent
            done = subprocess.run([sys.executable, str(tree / "benchmarks" / "bench_warm.py"), "--one",
                                   "forked" if variant == "base" else variant], check=True, capture_output=True,
                                  text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
            result = json.loads(done.stdout.strip().splitlines()[-1])
            walls[variant].append(result["wall"])
            memos[variant] = _saved_memo(cache)
            steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in result["steps"].items())
            print(f"round {round_} {variant:>6}: {result['wall']:6.1f} s; steps (s): {steps}", flush=True)
        same = all(memos[variant] == memos["here"] for variant in memos if variant != "base")
        print(f"round {round_}: saved memos equal: {same} ({len(memos['here'])} entries)", flush=True)
        if not same:
            raise SystemExit("the forked precompute saved other answers than the one-process precompute")
        if "base" in memos:  # another version of the code may answer otherwise: say where
            differ = sorted(repr(k) for k in memos["here"].keys() | memos["base"].keys()
                            if memos["here"].get(k) != memos["base"].get(k))
            print(f"round {round_}: entries that differ from the base checkout's: {differ or 'none'}", flush=True)
    here, forked = statistics.median(walls["here"]), statistics.median(walls["forked"])
    print(f"median: one process {here:.1f} s, forked {forked:.1f} s = {forked / here:.2f}x")
    if args.base:
        base = statistics.median(walls["base"])
        print(f"median: the base checkout's forked {base:.1f} s; this one's {forked:.1f} s = {forked / base:.2f}x")
    if args.server:
        server = statistics.median(walls["server"])
        print(f"median: the explorer's warm-up {server:.1f} s = {server / here:.2f}x")


if __name__ == "__main__":
    main()
