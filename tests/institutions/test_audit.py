"""`mlsys-atlas institutions audit`: lists the organisation nodes without a country or a real type.

The full-snapshot check lives in test_top_organisations.py (it shares that module's one link of the
bundled snapshot); these tests show the audit can fail: a tail string with no evidence is listed, a
table organisation is not, through the real snapshot reader and the real CLI parser.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from atlas_cli.main import main
from graph.records import Paper
from ingest.institutions.audit import incomplete_nodes
from ingest.institutions.link import link_institutions


def test_a_node_without_evidence_is_listed_and_a_table_one_is_not(affiliated_paper: Callable[..., Paper]) -> None:
    papers = [affiliated_paper("p1", "Stanford University", "Quuxbar Glorbia", "Quuxbar Glorbia"),
              affiliated_paper("p2", "Glorbia Widgets Inc", "Independent Researcher")]
    institutions, _ = link_institutions(papers)
    found = {n.name: n for n in incomplete_nodes(papers, institutions)}
    assert set(found) == {"Quuxbar Glorbia", "Glorbia Widgets Inc"}
    assert found["Quuxbar Glorbia"].missing == "country+type" and found["Quuxbar Glorbia"].authorships == 2
    assert found["Quuxbar Glorbia"].strings == [("Quuxbar Glorbia", 2)]
    assert found["Glorbia Widgets Inc"].missing == "country"  # "Inc" says company; nothing says where


def _snapshot(root: Path, authors: list[str]) -> Path:
    """A one-file snapshot in the sysconf (eitanf) format the bundled snapshot uses."""
    folder = root / "snapshot" / "sysconf_eitanf"
    folder.mkdir(parents=True)
    data = {"conference": "ACM Workshop on Hot Topics in Operating Systems", "key": "HotOS_17",
            "papers": [{"abstract": None, "authors": authors, "key": "HotOS_17_001", "s2pid": None,
                        "title": "Thinking about Availability in Large Service Infrastructures"}]}
    with gzip.open(folder / "HotOS.json.gz", "wt", encoding="utf-8") as handle:
        json.dump(data, handle)
    (folder.parent / "MANIFEST.json").write_text(json.dumps({"sysconf_eitanf": {"retrieved_at": "2026-01-01"}}))
    return folder.parent


def test_the_cli_lists_incomplete_nodes_and_exits_1(tmp_path: Path, data_dir: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    snapshot = _snapshot(tmp_path, ["Ada Lovelace (Stanford University)", "Bob Quux (Quuxbar Glorbia)"])
    assert main(["institutions", "audit", "--snapshot", str(snapshot), "--json"]) == 1
    out = capsys.readouterr()
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert [(r["name"], r["missing"], r["strings"]) for r in rows] == [
        ("Quuxbar Glorbia", "country+type", [{"affiliation": "Quuxbar Glorbia", "authorships": 1}])]
    assert "1 of 2 organisation nodes incomplete" in out.err


def test_the_cli_exits_0_when_every_node_is_complete_and_2_without_a_snapshot(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    snapshot = _snapshot(tmp_path, ["Ada Lovelace (Stanford University)", "Bob Quux (Independent Researcher)"])
    assert main(["institutions", "audit", "--snapshot", str(snapshot)]) == 0
    assert "0 of 1 organisation nodes incomplete" in capsys.readouterr().err
    assert main(["institutions", "audit", "--snapshot", str(tmp_path / "missing")]) == 2
