"""The analytics subcommands, run against the tiny store through the configured-store path."""

from __future__ import annotations

import argparse
import io
import json
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


def test_ambiguous_name_is_an_error_listing_the_candidates() -> None:
    with pytest.raises(AtlasError, match="fits several people") as error:
        run(["path", "Alex Kim", "Ana Lopez"])
    listed = [line for line in str(error.value).splitlines() if line.strip()[:2] in ("1.", "2.")]
    assert len(listed) == 2 and all("Alex Kim" in line and "papers" in line and "author:" in line for line in listed)
    assert "--pick" in str(error.value)


def test_pick_chooses_among_namesakes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(AtlasError, match="fits several people") as error:
        run(["profile", "Alex Kim"])
    first, second = (line.rsplit("(", 1)[1].rstrip(")") for line in str(error.value).splitlines()
                     if line.strip()[:2] in ("1.", "2."))
    assert run(["profile", "Alex Kim", "--pick", "2"]) == 0
    assert f"({second})" in capsys.readouterr().out
    assert run(["path", "Alex Kim", "Ana Lopez", "--pick-source", "1"]) in (0, 1)
    with pytest.raises(AtlasError, match="has 2 candidates"):
        run(["profile", "Alex Kim", "--pick", "3"])
    assert first != second


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


@pytest.mark.parametrize("argv, key", [
    (["path", "Ana Lopez", "Emil Novak"], "rows"), (["suggest", "author:ana", "-k", "3"], "rows"),
    (["profile", "Dana Bridge"], "profile"), (["overlap"], "rows"), (["bridges", "--limit", "2"], "rows"),
    (["communities", "--limit", "2"], "rows"), (["trends", "--min-year-papers", "0"], "rows"),
    (["trends", "countries"], "rows"),
])
def test_every_analytics_command_answers_in_json(argv: list[str], key: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*argv, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)  # stdout is the JSON document alone
    assert document["command"] == argv[0] and document[key]


def test_pc_audit_json_and_members_from_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    subs = tmp_path / "subs.csv"
    subs.write_text("title,authors,topics\nX,Emil Novak; Qi Quan,metrics\n")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"name\nDana Bridge\nNobody Known\n")))
    assert run(["pc-audit", "-", "--submissions", str(subs), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["conflicts"]) == 2 and document["unmatched"][0]["name"] == "Nobody Known"


def test_csv_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["overlap", "--csv", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith("year,authors") and "MLSys authors" in captured.err


def test_pc_audit_tags_titles_in_a_child_process_like_in_this_one() -> None:
    """pc-audit tags submission titles in a child process while the store starts: same labels as here."""
    from atlas_cli import wiring
    from graph.analytics.cli import _tag_in_child
    from graph.analytics.pc_audit import default_tagger

    wiring.install()
    titles = ["Serving large language models on GPU clusters", "A compiler for sparse tensor programs", ""]
    tagger = _tag_in_child(titles)
    assert tagger(titles) == default_tagger(titles) and tagger.from_child
    assert any(tagger(titles))


def test_bridges_samples_default_is_the_analytics_default() -> None:
    """The CLI module spells the default out (it must not import the analytics at start-up): keep it in step."""
    from graph.analytics.bridges import DEFAULT_SAMPLES

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    assert parser.parse_args(["bridges"]).samples == DEFAULT_SAMPLES


def test_trends_movers_leave_out_the_years_the_explorer_leaves_out(capsys: pytest.CaptureFixture[str]) -> None:
    """The command and the Topics page call the same topics rising and falling: by default both leave out years
    with fewer than `MIN_YEAR_PAPERS` papers. The tiny graph's years have 1-7 papers, so nothing is left to
    compare and the command says why instead of printing an empty table; `--min-year-papers 0` compares them all."""
    from graph.analytics.trends import MIN_YEAR_PAPERS

    assert run(["trends", "movers", "--json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["rows"] == [] and document["note"] == "no years to compare"
    assert f"at least {MIN_YEAR_PAPERS} papers" in captured.err and "--min-year-papers 0" in captured.err
    assert run(["trends", "movers", "--window", "1", "--min-year-papers", "0", "--json"]) == 0
    every_year = json.loads(capsys.readouterr().out)["rows"]
    assert {row["label"] for row in every_year} >= {"software"}
    assert run(["trends", "movers", "--window", "1", "--min-year-papers", "0"]) == 0
    assert "software" in capsys.readouterr().out
