"""Issue 17, item 5 and 8: one formula-safe CSV writer and one BibTeX writer; a NUL deep link.

The CLI's `path --csv` and `pc-audit --out` run against a real store whose people are
named like spreadsheet formulas; the explorer is driven by Streamlit's AppTest.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.exports import bibtex, safe_url
from graph.falkor_store import FalkorStore
from graph.loader import GraphBatch, load
from graph.records import Author, Authorship, Paper, Provenance
from graph.venues import venue_record

from .conftest import run_main

PROV = Provenance(["test"], "2024-01-01")
HOSTILE = {"a": '=HYPERLINK("http://evil.example","click")', "b": "@SUM(1)", "c": "-2+3 Jones", "d": "+cmd|x"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _batch() -> GraphBatch:
    papers = []
    for pid, people in (("p1", ["a", "b"]), ("p2", ["b", "c"]), ("p3", ["c", "d"])):
        paper_id = f"paper:{pid}"
        papers.append(Paper(id=paper_id, title=f"=cmd|' /C calc'!A0 {pid}", year=2021,
                            venue_id=venue_record("OSDI").id, venue_name="OSDI", provenance=PROV,
                            url="javascript:alert(8)",
                            authorships=[Authorship(paper_id, i, HOSTILE[p], author_id=f"author:{p}")
                                         for i, p in enumerate(people)]))
    return GraphBatch(papers=papers, authors=[Author(f"author:{p}", n, provenance=PROV) for p, n in HOSTILE.items()],
                      venues=[venue_record("OSDI", PROV)])


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data_dir = tmp_path_factory.mktemp("hostile-csv")
    store = FalkorStore(data_dir, "atlas")
    with store.building() as target:
        load(target, _batch())
    yield data_dir
    store.close()


def _cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _assert_defused(cells: list[str]) -> None:
    risky = [c for c in cells if c.startswith(FORMULA_START) and not c.lstrip("+-").replace(".", "").isdigit()]
    assert not risky, risky


def test_cli_path_csv_is_formula_safe(hostile_dir: Path, tmp_path: Path) -> None:
    """Reproduction: `path … --csv` wrote `=HYPERLINK(…)`, `@SUM(1)`, `-2+3 Jones` unchanged."""
    out = tmp_path / "path.csv"
    result = run_main(["path", "author:a", "author:d", "--csv", str(out)], ATLAS_DATA_DIR=str(hostile_dir),
                      ATLAS_GRAPH="atlas", ATLAS_STORE="embedded")
    assert result.code == 0, result.err
    cells = _cells(out)
    assert "'@SUM(1)" in cells and "'-2+3 Jones" in cells and any(c.startswith("'=HYPERLINK") for c in cells)
    _assert_defused(cells)


def test_cli_pc_audit_out_is_formula_safe(hostile_dir: Path, tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text("name,affiliation\n" + "".join(f'"{n.replace(chr(34), chr(34) * 2)}",=1+1\n'
                                                      for n in [*HOSTILE.values(), "=Nobody Known"]))
    out = tmp_path / "audit"
    result = run_main(["pc-audit", str(members), "--out", str(out)], ATLAS_DATA_DIR=str(hostile_dir),
                      ATLAS_GRAPH="atlas", ATLAS_STORE="embedded")
    assert result.code == 0, result.err
    written = sorted(out.glob("pc_*.csv"))
    assert written
    cells = [c for path in written for c in _cells(path)]
    assert "'=Nobody Known" in cells
    _assert_defused(cells)


def test_bibtex_keeps_only_http_urls() -> None:
    """Reproduction: the BibTeX export kept `url = {javascript:alert(8)}`."""
    for bad in ("javascript:alert(8)", " JavaScript:alert(8)", "data:text/html,x", "file:///etc/passwd",
                "vbscript:x", "http://ex ample.org"):
        assert safe_url(bad) is None
        assert "url =" not in bibtex([{"id": "p", "title": "T", "url": bad}], {"p": ["A B"]})
    text = bibtex([{"id": "p", "title": "T", "url": "https://example.org/a{b}"}], {"p": ["A B"]})
    assert "url = {https://example.org/a%7Bb%7D}" in text


@pytest.fixture()
def app_on_hostile(hostile_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(hostile_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "atlas")
    monkeypatch.setenv("ATLAS_STORE", "embedded")


def test_nul_byte_in_a_deep_link_is_a_message_not_a_broken_page(app_on_hostile: None) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
    from apphelpers import open_page, texts

    at = open_page("pages/paper.py", paper="paper:p1\x00' OR 1=1")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and "No paper with id" in texts(at)
    at = open_page("pages/person.py", author="author:a\x00")
    assert not at.exception and not at.error
