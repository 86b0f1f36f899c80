"""The build's independent partitions on a Dask cluster: past one machine, same answers.

Tagging is per paper, so any partition of the papers tags alike; the partitions go to Dask
workers (a `LocalCluster` on this machine, or a scheduler given by address, e.g. a
`dask-ssh` or Kubernetes cluster) and come back in order, so the tags, and therefore the
graph, are identical to the single-process build (tests/scale/test_distributed.py).

The same cluster featurises and scores identity resolution's candidate pairs
(`ingest/identity/dask_pairs.py`), with the same people; enumerating the pairs and
clustering them stay in the build's process.

Dask is an optional dependency (`pip install mlsys-atlas[scale]`); nothing here imports it
until a cluster is asked for.
"""

from __future__ import annotations

import contextlib
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from graph import config
from graph.errors import ConfigError
from graph.records import Paper, TopicTag

if TYPE_CHECKING:
    from ingest.topics import PaperText

DEFAULT_PARTITION = 2_000  # papers per task: ~1-2 s of tagging, far above Dask's per-task overhead


def _tag_partition(texts: Sequence[PaperText]) -> list[list[TopicTag]]:
    """Runs on a worker: the worker builds the tagger once and keeps it (lru_cache) for later tasks."""
    from ingest.topics import product_tagger

    return list(product_tagger().tag(list(texts)))


@contextlib.contextmanager
def dask_client(address: str | None = None, workers: int = 2, connect_timeout: float = 30.0) -> Iterator[Any]:
    """A client of the scheduler at `address`, or of a local cluster of `workers` processes.

    A scheduler that does not answer within `connect_timeout` seconds, or has no worker by then, is a
    ConfigError naming ATLAS_DASK: the build stops with what to change, not with a socket error from deep
    inside Dask or with tasks queued for ever."""
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
    # the scheduler's status page on a free port of this machine: `None` still took 8787, so a second
    # build (or test worker) warned of the port in use
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        yield client


@contextlib.contextmanager
def client_from_settings() -> Iterator[Any | None]:
    """A client of the cluster `ATLAS_DASK` names; None if unset."""
    where = config.settings().dask
    if not where:
        yield None
        return
    with client_for(where) as client:
        yield client


def client_for(where: str) -> contextlib.AbstractContextManager[Any]:
    """A client of the cluster an `ATLAS_DASK` value names: `local`, `local:N` or a scheduler's address."""
    address, _, workers = where.partition(":") if where.startswith("local") else (where, "", "")
    return dask_client(None if address == "local" else address, int(workers or 2))


class DaskTagging:
    """The papers' tags, computed on the cluster from the moment this is made; `result()` waits for them.

    Why started early: tagging reads a paper's text, never its authors, so the cluster can tag while the
    build's process resolves people, as `parallel_tags.BackgroundTagging` does with a forked worker. The
    pair-scoring tasks resolution sends meanwhile go first (`dask_pairs.PairScorer`), since the build
    waits on them first.
    """

    def __init__(self, papers: Sequence[Paper], client: Any, partition: int = DEFAULT_PARTITION) -> None:
        from ingest.topics import paper_text

        self.texts = [paper_text(p) for p in papers]
        chunks = [self.texts[start:start + partition] for start in range(0, len(self.texts), partition)]
        self._client = client
        with warnings.catch_warnings():
            # The texts ride in the task graph (~30 MiB on the full snapshot), which Dask warns about. Scattering
            # them to the workers first, as the warning suggests, was slower on a local cluster: the scatter blocks
            # this process ~4 s before resolution can start, and tagging took 1-3 s longer (BENCHMARKS.md, session 50).
            warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
            self._futures = client.map(_tag_partition, chunks, pure=False)

    @property
    def kinds(self) -> Counter[str]:
        """How many papers were tagged from each input ("abstract", "derived_terms", "title_only")."""
        return Counter(t.input_kind for t in self.texts)

    def result(self) -> list[list[TopicTag]]:
        """Each paper's tags, in the order of the papers given."""
        tagged = [tags for chunk in self._client.gather(self._futures) for tags in chunk]
        if len(tagged) != len(self.texts):
            raise RuntimeError(f"the cluster tagged {len(tagged)} of {len(self.texts)} papers")
        return tagged


def tag_papers_distributed(papers: Sequence[Paper], client: Any, partition: int = DEFAULT_PARTITION) -> Counter[str]:
    """`ingest.topics.tag_papers`, with the papers split into partitions tagged by the cluster's workers."""
    tagging = DaskTagging(papers, client, partition)
    for paper, tags in zip(papers, tagging.result(), strict=True):
        paper.topics = tags
    return tagging.kinds
