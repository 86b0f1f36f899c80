"""Fixtures for the institution resolver tests: one resolver over the shipped table, a private data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.institutions import InstitutionResolver


@pytest.fixture(scope="session")
def resolver() -> InstitutionResolver:
    return InstitutionResolver()


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    return tmp_path
