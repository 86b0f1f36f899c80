"""CPU of pickling and unpickling each build-cache entry of a finished build, in this checkout's classes.

Why: a cold build writes its stage entries (merged papers, resolution, tags, rows) in forked
writers that share the two cores with the build, and a partial rebuild (say, after a tagger
change) loads the earlier stages' entries on its critical path. How fast the record classes
pickle (graph/records.py `pickled_by_fields`) sets both. Entries of any build load in any
checkout (the classes' constructors take the same fields), so one cache directory serves two
checkouts side by side; the script imports the checkout it lives in (copy it into an older one):

    ATLAS_DATA_DIR=/tmp/codec mlsys-atlas build --quiet        # once, any checkout
    .venv/bin/python $TREE/benchmarks/cache_codec.py /tmp/codec [--repeat 3]

The cyclic GC is paused, as during a build (ingest/build.py). Times are the best of `--repeat`.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import pickle
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import cache  # noqa: E402


def _dump_cpu(values: list[Any]) -> float:
    start = time.process_time()
    for value in values:
        pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return time.process_time() - start


def _load_cpu(blobs: list[bytes]) -> float:
    start = time.process_time()
    for blob in blobs:
        pickle.loads(blob)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path, help="the data directory of a finished build")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    gc.disable()
    print(f"{'stage':<8} {'entries':>7} {'MiB':>6} {'pickle s':>9} {'unpickle s':>11}")
    for stage in ("read", "merge", "resolve", "tag", "rows"):
        paths = sorted((args.data_dir / cache.CACHE_DIR / stage).glob("*.pkl.gz"))
        values = [pickle.load(gzip.open(path)) for path in paths]
        if not values:
            continue
        blobs = [pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) for value in values]
        dump = min(_dump_cpu(values) for _ in range(args.repeat))
        load = min(_load_cpu(blobs) for _ in range(args.repeat))
        size = sum(map(len, blobs)) / 2**20
        print(f"{stage:<8} {len(values):>7} {size:>6.1f} {dump:>9.2f} {load:>11.2f}")


if __name__ == "__main__":
    main()
