"""Experiment (issue 20): how much of the online resolver's difference from a full build is its run-local evidence?

The online run (`ingest.identity.incremental.resolve_blocks`) featurises its pairs over the papers of
its own ~60k mentions: co-author rarity, the co-author graph and its two-hop reach, title IDF (the
corpus's since session 45). A full build featurises every pair over the whole corpus. This runs
`incr_micro.py run` with one change: the run's pairs are featurised by a `PairFeaturizer` of the
whole corpus (every mention of every paper, parsed as a build parses them), so each pair of the run
gets the very features a full build gives it. `incr_micro.py compare` against a full build then says
how much of the difference that evidence causes; what remains comes from the online rules themselves
(cached people taken whole and never re-clustered among themselves, guard and joins looking only at
clusters with a new mention). Nothing in the product changes.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/incr_micro.py make /tmp/base
    PYTHONPATH=$PWD .venv/bin/python benchmarks/incr_micro.py ref /tmp/base /tmp/ref
    PYTHONPATH=$PWD .venv/bin/python benchmarks/online_evidence_experiment.py /tmp/base /tmp/work /tmp/fp.json
    PYTHONPATH=$PWD .venv/bin/python benchmarks/incr_micro.py compare /tmp/work /tmp/ref
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ingest import incremental
from ingest.identity import pairs, resolver
from ingest.identity.features import Corpus
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.model import default_model

_PAPERS: dict[str, Any] = {}  # the ingest's papers, every one (kept and changed), as its resolution sees them
_real_link_and_resolve = incremental._link_and_resolve
_RealFeaturizer = pairs.PairFeaturizer


def _capturing_link_and_resolve(state: Any, data_dir: Any, quarantine: Any, old_mentions: Any, changed: Any,
                                kept: Any, all_papers: list, *rest: Any) -> Any:
    _PAPERS["all"] = all_papers
    return _real_link_and_resolve(state, data_dir, quarantine, old_mentions, changed, kept, all_papers, *rest)


class _WholeCorpusView:
    """The run's pairs, featurised by the whole corpus's featuriser (run position -> corpus position)."""

    def __init__(self, whole: pairs.PairFeaturizer, position: np.ndarray) -> None:
        self.whole, self.position = whole, position

    def features(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.whole.features(self.position[left], self.position[right])


def _featurizer(corpus: Corpus) -> Any:
    if "all" not in _PAPERS:  # not inside the ingest: the product's featuriser
        return _RealFeaturizer(corpus)
    every = list(mentions_from_papers(_PAPERS.pop("all")))
    run = resolver._Run(every, default_model(), ())
    run.clean_all()
    whole = _RealFeaturizer(Corpus(every, run.parsed, run.parsed_printed))
    at = {m.mention_id: i for i, m in enumerate(every)}
    position = np.array([at[m.mention_id] for m in corpus.mentions], dtype=np.int64)
    print(f"pairs featurised over the whole corpus: {len(every):,} mentions (the run holds {len(position):,})",
          file=sys.stderr)
    return _WholeCorpusView(whole, position)


def main() -> None:
    incremental._link_and_resolve = _capturing_link_and_resolve
    pairs.PairFeaturizer = _featurizer
    sys.argv = ["incr_micro.py", "run", *sys.argv[1:]]
    runpy.run_path(str(Path(__file__).with_name("incr_micro.py")), run_name="__main__")


if __name__ == "__main__":
    main()
