"""Review queue and the `resolve` / `review` commands, on real snapshot data and a real data dir."""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import pytest

from graph.records import Paper
from ingest.identity import decide, merge_papers, resolve_authors, review_queue
from ingest.identity.cli import register
from ingest.identity.mentions import mentions_from_papers


def build(papers: list[Paper]) -> dict[str, str]:
    """One 'rebuild': resolve fresh copies and return mention id -> author id."""
    merged = merge_papers(copy.deepcopy(papers))
    resolve_authors(merged)
    return {f"{a.paper_id}#{a.position}": a.author_id for p in merged for a in p.authorships}


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="mlsys-atlas")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_decisions_survive_rebuilds(systems_papers: list[Paper], data_dir: Path) -> None:
    before = build(systems_papers)
    queue = review_queue()
    merged = next(item for item in queue if item["action"] == "merged")
    apart = next(item for item in queue if item["action"] == "kept_apart")
    assert before[merged["left_mention"]] == before[merged["right_mention"]]
    assert before[apart["left_mention"]] != before[apart["right_mention"]]
    assert merged["reasons"] and 0 < merged["confidence"] < 1
    decide(merged["item_id"], accept=False)
    decide(apart["item_id"], accept=True)
    for _ in range(2):  # the decisions hold on every later build
        after = build(systems_papers)
        assert after[merged["left_mention"]] != after[merged["right_mention"]]
        assert after[apart["left_mention"]] == after[apart["right_mention"]]
    assert merged["item_id"] not in {item["item_id"] for item in review_queue()}


def test_review_command_lists_accepts_and_rejects(systems_papers: list[Paper], data_dir: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    build(systems_papers)
    assert run_cli("review") == 0
    listing = capsys.readouterr().out
    item_id = listing.split()[0]
    assert item_id.startswith("rv-")
    assert run_cli("review", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["item_id"] == item_id
    assert run_cli("review", "accept", item_id) == 0
    assert run_cli("review", "reject", "rv-does-not-exist") == 1
    decisions = (data_dir / "identity" / "review_decisions.jsonl").read_text().splitlines()
    assert json.loads(decisions[-1])["item_id"] == item_id and json.loads(decisions[-1])["accept"] is True


def test_resolve_command_on_jsonl(systems_papers: list[Paper], tmp_path: Path) -> None:
    papers = merge_papers(systems_papers)
    source = tmp_path / "mentions.jsonl"
    with open(source, "w") as handle:
        for m in mentions_from_papers(papers):
            row = {"mention_id": m.mention_id, "name": m.name, "paper_id": m.paper_id, "title": m.title,
                   "coauthors": m.coauthors, "affiliation": m.affiliation, "venue": m.venue, "year": m.year,
                   **m.strong_ids}
            handle.write(json.dumps(row) + "\n")
        handle.write(json.dumps({"mention_id": "x#0", "name": "et al.", "paper_id": "x"}) + "\n")
    target = tmp_path / "clusters.jsonl"
    assert run_cli("resolve", "--input", str(source), "--output", str(target)) == 0
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(rows) == len(source.read_text().splitlines())
    assert rows[-1]["person_id"] is None and "et al" in rows[-1]["rejected"]
    people = {r["person_id"] for r in rows if r["mention_id"].startswith(papers[0].id)}
    assert all(r["person_id"] and 0 < r["confidence"] <= 1 for r in rows[:-1]) and people


def test_resolve_command_reports_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"name": "Matei Zaharia"}\n')
    assert run_cli("resolve", "--input", str(source), "--output", str(tmp_path / "out.jsonl")) == 2
    assert "lacks mention_id, paper_id" in capsys.readouterr().err
