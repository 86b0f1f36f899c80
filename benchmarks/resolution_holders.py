"""What identity resolution still holds when its review items are made, holder by holder, on N synthetic papers.

Why: `bench_memory.py` says how much memory a stage holds, not what holds it. This runs resolution up to
`people()` (one process, as the 1M build does), then sets each holder to None in turn and prints the resident set
size after `gc.collect()` + `malloc_trim`: the memory that holder alone kept. It also counts the people's reason
strings against their distinct texts. Session 54 used it (in a checkout of 9f6ade5, before the cut) to find what
the review items stage held that nothing after it reads (BENCHMARKS.md, "Memory (issue 20)"); at later commits the
title vectors are already gone after the namesake guard, so their line shows nothing.

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 nice -n 5 .venv/bin/python benchmarks/resolution_holders.py --papers 250000
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_memory import synthetic_records  # noqa: E402
from graph.records import Paper  # noqa: E402
from ingest.identity import resolver  # noqa: E402
from ingest.identity.mentions import mentions_from_papers  # noqa: E402
from ingest.identity.model import default_model  # noqa: E402

# the run's attributes, in the order they are dropped (a later one may share objects with an earlier one)
HOLDERS = ("vectors", "uf", "merge_conf", "reasons", "seeds", "root_of", "parsed_printed", "mention_ids",
           "rejections", "table", "probabilities", "records", "parsed", "clean", "corpus", "evidence", "partition")


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def settled_rss(libc: ctypes.CDLL) -> float:
    """RSS once the collector and malloc have given back what they can."""
    gc.collect()
    libc.malloc_trim(0)
    return rss_mib()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=250_000)
    args = parser.parse_args()
    libc = ctypes.CDLL("libc.so.6")
    papers = [p for p in synthetic_records(args.papers) if isinstance(p, Paper)]
    print(f"records: {settled_rss(libc):,.0f} MiB", flush=True)
    mentions = list(mentions_from_papers(papers))
    run = resolver._Run(mentions, default_model(), ())
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()
    run.after_clustering()
    people, person_ids, confidences = run.people()
    print(f"after people(): {settled_rss(libc):,.0f} MiB; {len(mentions):,} mentions, {len(people):,} people, "
          f"{len(run.records):,} merge records kept", flush=True)
    reasons = Counter(text for person in people for text in person.reasons)
    print(f"reason strings: {sum(reasons.values()):,} for {len(reasons):,} distinct texts")
    for name in HOLDERS:
        before = rss_mib()
        if name == "vectors":
            run.corpus.vectors = {}
        else:
            setattr(run, name, None)
        print(f"drop {name:15s} {before:,.0f} -> {settled_rss(libc):,.0f} MiB", flush=True)
    before = rss_mib()
    del people, person_ids, confidences
    print(f"drop {'people':15s} {before:,.0f} -> {settled_rss(libc):,.0f} MiB (with person_ids and confidences)")


if __name__ == "__main__":
    main()
