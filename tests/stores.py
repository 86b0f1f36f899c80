"""A FalkorDB store holding one batch, loaded through the real build path, for fixtures to yield."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.falkor_store import FalkorStore
from graph.loader import GraphBatch, load


@contextmanager
def loaded_store(data_dir: Path, graph: str, batch: GraphBatch) -> Iterator[FalkorStore]:
    """The store of `data_dir` with `batch` loaded into graph `graph`; its server stops when the block ends."""
    store = FalkorStore(data_dir, graph)
    try:
        with store.building() as target:
            load(target, batch)
        yield store
    finally:
        store.close()
