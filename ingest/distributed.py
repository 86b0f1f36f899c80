"""The build's independent partitions on a Dask cluster: past one machine, same answers.

Tagging is per paper, so any partition of the papers tags alike; the partitions go to Dask
workers (a `LocalCluster` on this machine, or a scheduler given by address, e.g. a
`dask-ssh` or Kubernetes cluster) and come back in order, so the tags, and therefore the
graph, are identical to the single-process build (tests/scale/test_distributed.py).

Identity resolution's largest step, featurising and scoring the candidate pairs, is per
chunk of pairs: a pair's features depend only on the pair and on the corpus-wide inputs of
`pairs.PairFeaturizer`, which is sent to every worker once, and the chunks are the very
ones the single process scores (the model's forward passes), so the probabilities are the
same bit for bit (`PairScorer`; tests/identity/test_pairs_distributed.py). Enumerating the
pairs and clustering them stay in the build's process.

Dask is an optional dependency (`pip install mlsys-atlas[scale]`); nothing here imports it
until a cluster is asked for.
"""

from __future__ import annotations

import contextlib
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from graph import config
from graph.errors import ConfigError
from graph.records import Paper, TopicTag

if TYPE_CHECKING:
    from ingest.identity.model import PairModel
    from ingest.identity.pairs import PairFeaturizer
    from ingest.topics import PaperText

DEFAULT_PARTITION = 2_000  # papers per task: ~1-2 s of tagging, far above Dask's per-task overhead


def _tag_partition(texts: Sequence[PaperText]) -> list[list[TopicTag]]:
    """Runs on a worker: the worker builds the tagger once and keeps it (lru_cache) for later tasks."""
    from ingest.topics import product_tagger

    return list(product_tagger().tag(list(texts)))


@contextlib.contextmanager
def dask_client(address: str | None = None, workers: int = 2, connect_timeout: float = 30.0) -> Iterator[Any]:
    """A client of the scheduler at `address`, or of a local cluster of `workers` processes.

    A scheduler that does not answer within `connect_timeout` seconds is a ConfigError naming ATLAS_DASK:
    the build stops before any work, with what to change, not with a socket error from deep inside Dask."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigError("the Dask path needs the scale extra: pip install 'mlsys-atlas[scale]'") from exc
    if address:
        try:
            client = Client(address, timeout=connect_timeout)
        except OSError as exc:  # distributed raises OSError (a TimeoutError among them) when nobody answers
            raise ConfigError(f"ATLAS_DASK={address}: no Dask scheduler answered ({exc}). Start one there "
                              "(`dask scheduler`) or unset ATLAS_DASK to build on this machine.") from exc
        with client:
            try:  # a scheduler without workers would take every task and never run one
                client.wait_for_workers(1, timeout=connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise ConfigError(f"ATLAS_DASK={address}: the scheduler has no workers after {connect_timeout:g} s. "
                                  f"Start some (`dask worker {address}`) or unset ATLAS_DASK.") from exc
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


@contextlib.contextmanager
def client_from_settings() -> Iterator[Any | None]:
    """A client of the cluster `ATLAS_DASK` names (`local`, `local:N` or a scheduler's address); None if unset."""
    where = config.settings().dask
    if not where:
        yield None
        return
    address, _, workers = where.partition(":") if where.startswith("local") else (where, "", "")
    with dask_client(None if address == "local" else address, int(workers or 2)) as client:
        yield client


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
        self.window = 2 * max(len(client.scheduler_info().get("workers", {})), 1)
        self._futures: deque[Any] = deque()

    def submit(self, left: np.ndarray, right: np.ndarray) -> None:
        self._futures.append(self.client.submit(_score_pairs, self.featurizer, self.model, left, right, pure=False))

    def pending(self) -> int:
        return len(self._futures)

    def next(self) -> tuple[np.ndarray, ...]:
        """The oldest submitted chunk's columns (waits for it)."""
        return self._futures.popleft().result()


def tag_papers_distributed(papers: Sequence[Paper], client: Any, partition: int = DEFAULT_PARTITION) -> Counter[str]:
    """`ingest.topics.tag_papers`, with the papers split into partitions tagged by the cluster's workers."""
    from ingest.topics import paper_text

    texts = [paper_text(p) for p in papers]
    chunks = [texts[start:start + partition] for start in range(0, len(texts), partition)]
    futures = client.map(_tag_partition, chunks, pure=False)
    tagged = [tags for chunk in client.gather(futures) for tags in chunk]
    if len(tagged) != len(papers):
        raise RuntimeError(f"the cluster tagged {len(tagged)} of {len(papers)} papers")
    for paper, tags in zip(papers, tagged, strict=True):
        paper.topics = tags
    return Counter(t.input_kind for t in texts)
