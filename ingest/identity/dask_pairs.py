"""Candidate pairs featurised and scored on a Dask cluster (`ATLAS_DASK`): where they are scored, never what.

Why its own module in the identity package: resolution's largest step is per chunk of pairs. A pair's
features depend only on the pair and on the corpus-wide inputs of `pairs.PairFeaturizer`, which is sent
to every worker once, and the chunks are the very ones the build's process scores (the model's forward
passes), so the probabilities are the same bit for bit (tests/identity/test_pairs_distributed.py).
The client comes from `ingest.distributed` (the build's one cluster, also tagging); nothing here
imports Dask, so identity stays importable without the `scale` extra.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ingest.identity.model import PairModel
    from ingest.identity.pairs import PairFeaturizer


PRIORITY = 1  # Dask runs higher priorities first; tasks submitted without one have 0


def _score_pairs(featurizer: PairFeaturizer, model: PairModel, left: np.ndarray,
                 right: np.ndarray) -> tuple[np.ndarray, ...]:
    """Runs on a worker: one chunk's kept columns, as `pairs._score_chunks` makes them in the build's process."""
    from ingest.identity.pairs import _score_chunks

    return _score_chunks(featurizer, model, left, right, [0], len(left))[0]


class PairScorer:
    """Chunks of candidate pairs featurised and scored on the cluster's workers; results come back in the order
    the chunks were submitted.

    The featuriser and the model go to every worker once (`scatter(..., broadcast=True)`); each task carries only
    its chunk's two index arrays. `window` bounds the chunks submitted and not yet taken back by `next`, so a
    caller streaming the pairs (`pairs.stream_candidate_pairs`) holds a few chunks, not all of them.
    """

    def __init__(self, client: Any, featurizer: PairFeaturizer, model: PairModel) -> None:
        self.client = client
        self.featurizer, self.model = client.scatter([featurizer, model], broadcast=True, hash=False)
        # the workers asked of the scheduler: `scheduler_info()` can return a cached identity without them (a CI run
        # saw none on a two-worker cluster), which would shrink the window to two chunks
        self.window = 2 * max(len(client.nthreads()), 1)
        self._futures: deque[Any] = deque()

    def submit(self, left: np.ndarray, right: np.ndarray) -> None:
        # ahead of tagging tasks already queued (ingest.distributed.DaskTagging): resolution waits on these first
        self._futures.append(self.client.submit(_score_pairs, self.featurizer, self.model, left, right, pure=False,
                                                priority=PRIORITY))

    def pending(self) -> int:
        return len(self._futures)

    def next(self) -> tuple[np.ndarray, ...]:
        """The oldest submitted chunk's columns (waits for it)."""
        return self._futures.popleft().result()
