"""The build's independent partitions on a Dask cluster: past one machine, same answers.

Tagging is per paper, so any partition of the papers tags alike; the partitions go to Dask
workers (a `LocalCluster` on this machine, or a scheduler given by address, e.g. a
`dask-ssh` or Kubernetes cluster) and come back in order, so the tags, and therefore the
graph, are identical to the single-process build (tests/scale/test_distributed.py).

Dask is an optional dependency (`pip install mlsys-atlas[scale]`); nothing here imports it
until a cluster is asked for.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from graph.errors import ConfigError
from graph.records import Paper, TopicTag
from ingest.topics import PaperText, paper_text, product_tagger

DEFAULT_PARTITION = 2_000  # papers per task: ~1-2 s of tagging, far above Dask's per-task overhead


def _tag_partition(texts: Sequence[PaperText]) -> list[list[TopicTag]]:
    """Runs on a worker: the worker builds the tagger once and keeps it (lru_cache) for later tasks."""
    return list(product_tagger().tag(list(texts)))


@contextlib.contextmanager
def dask_client(address: str | None = None, workers: int = 2) -> Iterator[Any]:
    """A client of the scheduler at `address`, or of a local cluster of `workers` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigError("the Dask path needs the scale extra: pip install 'mlsys-atlas[scale]'") from exc
    if address:
        with Client(address) as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def tag_papers_distributed(papers: Sequence[Paper], client: Any, partition: int = DEFAULT_PARTITION) -> Counter[str]:
    """`ingest.topics.tag_papers`, with the papers split into partitions tagged by the cluster's workers."""
    texts = [paper_text(p) for p in papers]
    chunks = [texts[start:start + partition] for start in range(0, len(texts), partition)]
    futures = client.map(_tag_partition, chunks, pure=False)
    tagged = [tags for chunk in client.gather(futures) for tags in chunk]
    if len(tagged) != len(papers):
        raise RuntimeError(f"the cluster tagged {len(tagged)} of {len(papers)} papers")
    for paper, tags in zip(papers, tagged, strict=True):
        paper.topics = tags
    return Counter(t.input_kind for t in texts)
