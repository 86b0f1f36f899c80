"""CPU of topic tagging alone on the papers a cold build tags, and a digest of every tag.

Why: in a cold build tagging runs in a forked worker beside identity resolution, so its cost
is hidden in the build's wall time; this times `topics.tag_papers` by itself (GC paused, as
during a build) on the merged papers `cache.prepare` hands it, and prints a repr-based digest
of every paper's tags (ids, scores, evidence, order): two checkouts must print the same digest.

The merged papers are taken from `cache.prepare` where resolution would start (resolve_steps.py, patched to
stop there): tagging reads only a paper's title, abstract, derived terms and venue, which
resolution never changes. The tagger is built (and its lexemes warmed on the same texts)
outside the timed region unless `--cold`.

    PYTHONPATH=. .venv/bin/python benchmarks/tag_cpu.py [--repeat 1] [--cold] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from resolve_steps import merged_papers  # noqa: E402 - benchmarks/, the script's own folder

from graph.records import Paper  # noqa: E402
from ingest import topics  # noqa: E402


def tags_digest(papers: list[Paper]) -> str:
    """sha1 of the repr of every paper's tag list, in paper order (equal digests: identical tags)."""
    digest = hashlib.sha1()
    for paper in papers:
        digest.update(repr(paper.topics).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="timed passes (the digest is of the last)")
    parser.add_argument("--cold", action="store_true", help="build the tagger inside the first timed pass")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the last pass here")
    args = parser.parse_args()
    papers = merged_papers()
    gc.collect()
    gc.disable()  # as during a build
    if not args.cold:
        topics.product_tagger()  # model and taxonomy loading: paid once per build, not per paper
    for i in range(args.repeat):
        profiler = cProfile.Profile() if args.profile and i == args.repeat - 1 else None
        cpu = time.process_time()
        if profiler:
            profiler.enable()
        kinds = topics.tag_papers(papers)
        if profiler:
            profiler.disable()
            profiler.dump_stats(str(args.profile))
        cpu = time.process_time() - cpu
        print(f"pass {i + 1}: tag_papers {cpu:.2f} s CPU, {len(papers):,} papers {dict(sorted(kinds.items()))}",
              flush=True)
    print(f"tags digest {tags_digest(papers)}")


if __name__ == "__main__":
    main()
