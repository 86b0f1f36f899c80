"""Time `mlsys-atlas build` on the full bundled snapshot.

Reports papers/s, the time of each stage, and peak memory of the Python process and of
the FalkorDB server. The baseline measured in the same run is reading the snapshot
alone (parsing every file into records): the build's ratio to it says what tagging,
resolution and loading cost on top of I/O, independent of how fast this machine is.

    .venv/bin/python benchmarks/bench_build.py [--runs 2]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.config import PROJECT_ROOT  # noqa: E402
from graph.falkor_store import FalkorStore  # noqa: E402
from ingest.build import build  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402

SNAPSHOT = PROJECT_ROOT / "data" / "snapshot"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    read_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        snapshot = read_snapshot(SNAPSHOT)
        read_times.append(time.perf_counter() - start)
    records = len(snapshot.papers)

    build_times, stages, server_peak = [], [], 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            store = FalkorStore(Path(tmp), "atlas")
            try:
                start = time.perf_counter()
                report = build(store, SNAPSHOT, Path(tmp), quiet=True)
                build_times.append(time.perf_counter() - start)
                stages.append(report.seconds)
                server_peak = max(server_peak, int(store.db.connection.info("memory")["used_memory_peak"]))
            finally:
                store.close()
    papers = report.papers
    build_s, read_s = statistics.median(build_times), statistics.median(read_times)
    python_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"snapshot: {records:,} source records -> {papers:,} papers, {report.authors:,} authors")
    print(f"baseline read+parse : {read_s:6.2f} s  ({records / read_s:,.0f} records/s)")
    print(f"full build          : {build_s:6.2f} s  ({papers / build_s:,.0f} papers/s)  "
          f"= {build_s / read_s:.1f}x the read baseline")
    for stage in ("read", "resolve_and_tag", "load"):
        print(f"  stage {stage:<16} {statistics.median(s[stage] for s in stages):6.2f} s")
    print(f"peak memory: python {python_peak_mb:,.0f} MiB, FalkorDB {server_peak / 2**20:,.0f} MiB")
    print(f"runs: {args.runs} (medians)")


if __name__ == "__main__":
    main()
