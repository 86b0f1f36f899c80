"""CPU of pickling and unpickling each build-cache entry of a finished build, in this checkout's classes,
and of compressing and decompressing those pickles with gzip level 1 (the format before session 66, the
baseline) and Zstandard level 1 (the cache's format since), in the same run.

Why: a cold build writes its stage entries (merged papers, resolution, tags, rows) in forked
writers that share the two cores with the build, and a partial rebuild (say, after a tagger
change) loads the earlier stages' entries on its critical path. How fast the record classes
pickle (graph/records.py `pickled_by_fields`) sets both. Entries of any build load in any
checkout (the classes' constructors take the same fields), so one cache directory serves two
checkouts side by side; the script imports the checkout it lives in (copy it into an older one):

    ATLAS_DATA_DIR=/tmp/codec mlsys-atlas build --quiet        # once, any checkout
    .venv/bin/python $TREE/benchmarks/cache_codec.py /tmp/codec [--repeat 3]

The cyclic GC is paused, as during a build (ingest/build.py). Times are the best of `--repeat`. Entries of
the earlier gzip format are read too, so a data directory of either format serves.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zstandard

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


def _best_cpu(work: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


CODECS: dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {
    "gzip-1": (lambda blob: gzip.compress(blob, compresslevel=1), gzip.decompress),
    "zstd-1": (zstandard.ZstdCompressor(level=cache.COMPRESS_LEVEL).compress,
               zstandard.ZstdDecompressor().decompress),
}


def _read_entry(path: Path) -> Any:
    if path.name.endswith(".pkl.gz"):
        with gzip.open(path, "rb") as handle:
            return pickle.load(handle)
    return cache._read_entry(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path, help="the data directory of a finished build")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    gc.disable()
    header = f"{'stage':<8} {'entries':>7} {'MiB':>6} {'pickle s':>9} {'unpickle s':>11}"
    for codec in CODECS:
        header += f" {codec + ' MiB':>11} {codec + ' in s':>11} {codec + ' out s':>12}"
    print(header)
    totals: dict[str, float] = {}
    for stage in ("read", "merge", "resolve", "tag", "rows"):
        folder = args.data_dir / cache.CACHE_DIR / stage
        paths = sorted([*folder.glob(f"*{cache.SUFFIX}"), *folder.glob("*.pkl.gz")])
        values = [_read_entry(path) for path in paths]
        if not values:
            continue
        blobs = [pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) for value in values]
        dump = min(_dump_cpu(values) for _ in range(args.repeat))
        load = min(_load_cpu(blobs) for _ in range(args.repeat))
        size = sum(map(len, blobs)) / 2**20
        line = f"{stage:<8} {len(values):>7} {size:>6.1f} {dump:>9.2f} {load:>11.2f}"
        for codec, (compress, decompress) in CODECS.items():
            packed = [compress(blob) for blob in blobs]
            cpu_in = _best_cpu(lambda c=compress, b=blobs: [c(blob) for blob in b], args.repeat)
            cpu_out = _best_cpu(lambda d=decompress, p=packed: [d(blob) for blob in p], args.repeat)
            mib = sum(map(len, packed)) / 2**20
            for name, value in (("MiB", mib), ("in", cpu_in), ("out", cpu_out)):
                totals[f"{codec} {name}"] = totals.get(f"{codec} {name}", 0.0) + value
            line += f" {mib:>11.1f} {cpu_in:>11.2f} {cpu_out:>12.2f}"
        print(line)
    if totals:
        print("all stages: " + ", ".join(f"{name} {value:.2f}" for name, value in totals.items()))
        ratio = {name: totals[f"zstd-1 {name}"] / totals[f"gzip-1 {name}"] for name in ("in", "out", "MiB")}
        print(f"zstd-1 / gzip-1: compress CPU {ratio['in']:.2f}x, decompress CPU {ratio['out']:.2f}x, "
              f"size {ratio['MiB']:.2f}x")


if __name__ == "__main__":
    main()
