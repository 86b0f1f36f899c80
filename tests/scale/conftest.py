"""Rows of a small real snapshot subset (tests/conftest.py's SMALL_SUBSET), assembled once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.loader import node_rows, rel_rows
from graph.store import Row
from ingest.pipeline import assemble
from ingest.snapshot import read_snapshot
from tests.conftest import SNAPSHOT, in_small_subset

Rows = tuple[dict[str, list[Row]], dict[str, list[Row]]]


@pytest.fixture(scope="session")
def small_rows(tmp_path_factory: pytest.TempPathFactory) -> Rows:
    """Node and relationship rows of the small subset, built the uncached way (the reference)."""
    data_dir: Path = tmp_path_factory.mktemp("scale-rows")
    snapshot = read_snapshot(SNAPSHOT, in_small_subset)
    batch = assemble(snapshot.papers, snapshot.institutions, quarantine=snapshot.quarantined, data_dir=data_dir)
    return node_rows(batch), rel_rows(batch)
