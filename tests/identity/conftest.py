"""Real snapshot rows shared by the identity tests (read once per session; copied per test)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from graph.records import Paper
from ingest.sources import aicpl, papercopilot, s2_seed, sysconf

SNAPSHOT = Path(__file__).resolve().parents[2] / "data" / "snapshot"


def read(reader, relative: str) -> list[Paper]:
    return [p for p in reader.read(SNAPSHOT / relative, "2025-01-01") if isinstance(p, Paper)]


@pytest.fixture(scope="session")
def _systems_papers() -> list[Paper]:
    """MLSys S2 export ('M. Zaharia', S2 author ids) plus NSDI and OSDI from DBLP/OpenAlex."""
    return (read(s2_seed, "mlsys_seed_s2/ML_Seed_Papers.csv") + read(sysconf, "sysconf/nsdi_base_data.json.gz")
            + read(sysconf, "sysconf/osdi_base_data.json.gz"))


@pytest.fixture()
def systems_papers(_systems_papers: list[Paper]) -> list[Paper]:
    return copy.deepcopy(_systems_papers)


@pytest.fixture(scope="session")
def _iclr2022_papers() -> list[Paper]:
    """ICLR 2022 from Paper Copilot (names, affiliations) and both OpenReview pulls (tilde ids)."""
    return (read(papercopilot, "papercopilot/iclr/iclr2022.json.gz")
            + read(aicpl, "aicpl/openreview_profile_authorids/iclr2022.json.gz")
            + read(aicpl, "aicpl/openreview_profiles/iclr2022.json.gz"))


@pytest.fixture()
def iclr2022_papers(_iclr2022_papers: list[Paper]) -> list[Paper]:
    return copy.deepcopy(_iclr2022_papers)


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    return tmp_path
