"""The analytics subcommands, run against the tiny store through the configured-store path."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from atlas_cli import main as main_cli
from graph.analytics.cli import register
from graph.errors import AtlasError
from graph.falkor_store import FalkorStore


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture(autouse=True)
def point_at_tiny_store(tiny_store: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tiny_store.server.data_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "tiny")
    monkeypatch.setenv("ATLAS_STORE", "embedded")


def test_registered_with_the_main_cli() -> None:
    assert "graph.analytics.cli" in main_cli.COMMAND_MODULES


def test_path_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["path", "Ana Lopez", "Emil Novak"]) == 0
    out = capsys.readouterr().out
    assert "2 hops apart" in out and "Dana Bridge" in out and "2 joint papers (2019-2021; OSDI)" in out
    assert run(["path", "Ana Lopez", "Paul Park"]) == 1
    assert "No path" in capsys.readouterr().out


def test_ambiguous_name_is_an_error() -> None:
    with pytest.raises(AtlasError, match="fits several people"):
        run(["path", "Alex Kim", "Ana Lopez"])


def test_suggest_profile_overlap_bridges_trends(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(["suggest", "author:ana", "-k", "3"]) == 0
    assert "shared co-author" in capsys.readouterr().out
    assert run(["profile", "Dana Bridge"]) == 0
    assert "background both" in capsys.readouterr().out
    assert run(["overlap", "--csv", str(tmp_path / "overlap.csv")]) == 0
    assert (tmp_path / "overlap.csv").read_text().splitlines()[1].startswith("2021,4,1,1,1,1")
    assert run(["bridges", "--limit", "1"]) == 0
    assert "Dana Bridge" in capsys.readouterr().out
    assert run(["bridges", "--institutions"]) == 0
    assert "University of Examples" in capsys.readouterr().out
    assert run(["trends", "movers", "--window", "1"]) == 0
    assert run(["communities", "--limit", "2"]) == 0


def test_pc_audit_writes_every_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members = tmp_path / "pc.csv"
    members.write_text("name,affiliation\nDana Bridge,University of Examples\nNobody Known,\n")
    subs = tmp_path / "subs.csv"
    subs.write_text("title,authors,topics\nX,Emil Novak; Qi Quan,metrics\n")
    assert run(["pc-audit", str(members), "--submissions", str(subs), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "conflicts of interest" in out and "Nobody Known" in out
    assert (tmp_path / "out" / "pc_conflicts.csv").read_text().count("\n") == 3  # header + Emil + Qi
