"""How many sampled sources the betweenness bridge list needs: its top people against a large-sample reference.

Why: `cross_betweenness` estimates each person's share of shortest systems -> ML paths from a seeded sample of
systems-side sources (`bridges.DEFAULT_SAMPLES`), chosen when every source cost ~1.1 s of networkx. With the
vectorised form (`graph/analytics/subset_betweenness.py`, ~0.08 s per source on the full snapshot) more sources
are affordable; this says what they buy. The reference is `--reference` sources (seed 0); each sample size runs
with `--seeds` other seeds, and the overlap of its top 20 and top 100 (the bridge list's length) with the
reference's is reported with its time.

    ATLAS_DATA_DIR=DIR PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_betweenness_samples.py \
        [--reference 2048] [--samples 16,32,64,128,256] [--seeds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analytics import snapshot_data  # noqa: E402

from graph.analytics import bridges  # noqa: E402
from graph.analytics.projections import Projection  # noqa: E402


def top(shares: dict[str, float], k: int) -> set[str]:
    return {person for _, person in sorted((-share, person) for person, share in shares.items())[:k]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=int, default=2048, help="sources of the reference estimate")
    parser.add_argument("--samples", default="16,32,64,128,256", help="comma list of sample sizes")
    parser.add_argument("--seeds", type=int, default=5, help="seeds per sample size (1, 2, ...)")
    args = parser.parse_args()
    proj = Projection(snapshot_data()[0])
    systems, ml = bridges.sides(proj)
    connected = sum(1 for person in systems if proj.graph.degree(person) > 0)
    print(f"# {proj.graph.number_of_nodes():,} people, {connected:,} systems-side sources to sample from, "
          f"{len(ml):,} ML-side targets", flush=True)
    started = time.perf_counter()
    reference = bridges.cross_betweenness(proj, samples=args.reference, seed=0)
    print(f"# reference: {min(args.reference, connected)} sources in {time.perf_counter() - started:.1f} s, "
          f"{len(reference):,} people on a path", flush=True)
    print("\n| sources | seconds (median) | top 20 in the reference's (mean, min) | top 100 (mean, min) |")
    print("|---:|---:|---:|---:|")
    for samples in (int(size) for size in args.samples.split(",")):
        seconds, top20, top100 = [], [], []
        for seed in range(1, args.seeds + 1):
            started = time.perf_counter()
            shares = bridges.cross_betweenness(proj, samples=samples, seed=seed)
            seconds.append(time.perf_counter() - started)
            top20.append(len(top(shares, 20) & top(reference, 20)) / 20)
            top100.append(len(top(shares, 100) & top(reference, 100)) / 100)
        print(f"| {samples} | {statistics.median(seconds):.2f} | {statistics.mean(top20):.2f}, {min(top20):.2f} | "
              f"{statistics.mean(top100):.2f}, {min(top100):.2f} |", flush=True)


if __name__ == "__main__":
    main()
