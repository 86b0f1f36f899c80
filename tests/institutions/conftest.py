"""Fixtures for the institution resolver tests: one resolver over the shipped table, a private data dir."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.records import Authorship, Paper, Provenance
from ingest.institutions import InstitutionResolver

PROV = Provenance(["papercopilot"], "2026-01-01")


@pytest.fixture(scope="session")
def resolver() -> InstitutionResolver:
    return InstitutionResolver()


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture()
def affiliated_paper() -> Callable[..., Paper]:
    """A paper whose n-th author prints the n-th affiliation given: what link_institutions reads."""
    def make(pid: str, *affiliations: str) -> Paper:
        paper = Paper(id=pid, title=pid, year=2024, venue_id="venue:icml", provenance=PROV)
        for position, affiliation in enumerate(affiliations):
            paper.authorships.append(Authorship(paper_id=pid, position=position, name=f"a{position}",
                                                author_id=f"{pid}-a{position}", affiliation=affiliation))
        return paper
    return make
