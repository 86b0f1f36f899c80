"""Shared fixtures: real stores built from real snapshot rows.

`small_store` is a session-wide embedded FalkorDB graph built through the real build
path from a subset of the bundled snapshot: the MLSys seed list, OSDI and NSDI, ICML
2023 and ICLR 2022 (both lists), about 5k papers. Tests that only read share it;
tests that write make their own store in `tmp_path`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import config
from graph.falkor_store import FalkorStore
from ingest.build import BuildReport, build

SNAPSHOT = config.PROJECT_ROOT / "data" / "snapshot"
SMALL_SUBSET = ("ML_Seed_Papers.csv", "osdi_base_data.json.gz", "nsdi_base_data.json.gz", "icml2023.json.gz",
                "iclr2022.json.gz")


def in_small_subset(path: Path) -> bool:
    return path.name in SMALL_SUBSET


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    return SNAPSHOT


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FalkorStore, BuildReport, Path]]:
    data_dir = tmp_path_factory.mktemp("atlas-small")
    store = FalkorStore(data_dir, "atlas")
    report = build(store, SNAPSHOT, data_dir, quiet=True, only_files=in_small_subset)
    yield store, report, data_dir
    store.close()


@pytest.fixture(scope="session")
def small_store(small_build: tuple[FalkorStore, BuildReport, Path]) -> FalkorStore:
    return small_build[0]
