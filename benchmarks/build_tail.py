"""What a cold build spends after its report's `total`: the swap, the store's save, freeing the build.

Why: a build's `total` stops when the graph is live; the caller waits longer (issue 20, BENCHMARKS.md session 47:
a reference cycle and the collector's first scan after a GC pause cost seconds there). Run it from two worktrees
in turn to compare them:

    cd $TREE && PYTHONPATH=$TREE /work/main/.venv/bin/python benchmarks/build_tail.py /tmp/tail-work [--keep-state]
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atlas_cli import wiring  # noqa: E402
from graph.config import PROJECT_ROOT  # noqa: E402
from graph.falkor_store import FalkorStore  # noqa: E402
from ingest.build import build  # noqa: E402


def main() -> None:
    wiring.install()
    work = Path(sys.argv[1])
    shutil.rmtree(work, ignore_errors=True)
    store = FalkorStore(work)
    try:
        started = time.perf_counter()
        report = build(store, PROJECT_ROOT / "data" / "snapshot", work, quiet=True,
                       keep_state="--keep-state" in sys.argv)
        wall = time.perf_counter() - started
    finally:
        store.close()
    total = report.seconds["total"]
    print(f"wall {wall:.2f} s, total {total:.2f} s, after total {wall - total:.2f} s; stages {report.seconds}")


if __name__ == "__main__":
    main()
