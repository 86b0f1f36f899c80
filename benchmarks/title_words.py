"""Speed of `features._words` (a title's words for the pair model) against the fold it skips, on the snapshot.

Baseline measured in the same run: the words of every distinct title of the bundled snapshot found as before
session 68, through `names.fold` (a fresh memo per round: a build and an ingest fold each title once). Both must
give the same words for every title; the script stops if one differs.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/title_words.py [--reps 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.config import PROJECT_ROOT  # noqa: E402
from graph.ids import fold  # noqa: E402
from ingest.identity.features import _STOP, _WORD, _words  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402


def _through_fold() -> Callable[[str], set[str]]:
    memo = lru_cache(maxsize=1_000_000)(fold)  # what `names.fold` is, empty as at the start of a build
    return lambda title: {w for w in _WORD.findall(memo(title)) if w not in _STOP}


def _seconds(make: Callable[[], Callable[[str], set[str]]], titles: list[str]) -> float:
    words = make()
    started = time.process_time()
    for title in titles:
        words(title)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    titles = list(dict.fromkeys(p.title for p in read_snapshot(PROJECT_ROOT / "data" / "snapshot").papers))
    folded = _through_fold()
    differ = [title for title in titles if _words(title) != folded(title)]
    if differ:
        sys.exit(f"{len(differ)} titles get other words, e.g. {differ[0]!r}")
    plain = sum(1 for t in titles if t.isascii() and not any(c in t for c in "\\{$"))
    base, new = [], []
    for _ in range(args.reps):  # alternating, so both meet the same machine
        base.append(_seconds(_through_fold, titles))
        new.append(_seconds(lambda: _words, titles))
    print(f"{len(titles):,} distinct titles ({plain:,} ASCII without LaTeX markup), the same words for every one")
    print(f"CPU s per pass, best of {args.reps}: through the fold {min(base):.3f}, _words {min(new):.3f}, "
          f"ratio {min(new) / min(base):.2f}")


if __name__ == "__main__":
    main()
