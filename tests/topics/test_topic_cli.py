"""`mlsys-atlas tag` end to end through its argparse registration: round trip and malformed input."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ingest.topics.cli import quarantine_path, register


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mlsys-atlas")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


GOOD = [
    {"id": "p1", "title": "Atom: Low-bit Quantization for Efficient and Accurate LLM Serving"},
    {"id": 2, "title": "Differentially private federated learning", "abstract": None, "venue": "ICML"},
    {"id": "p3", "title": "On the geometry of loss landscapes", "abstract": "We study curvature."},
    {"id": "p4", "title": "A cluster scheduler for deep learning training jobs", "venue": "OSDI"},
]


def test_round_trip_keeps_order_ids_and_gives_evidence(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in GOOD), encoding="utf-8")
    assert run(["tag", "--input", str(src), "--output", str(out)]) == 0
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == ["p1", "2", "p3", "p4"]
    assert {"llm", "hardware_efficient_ml", "inference_serving"} <= set(rows[0]["topics"])
    assert {"metrics", "software"} <= set(rows[0]["pillars"])
    assert {"privacy_security", "distributed"} <= set(rows[1]["topics"])
    assert rows[2] == {"id": "p3", "pillars": [], "topics": [], "scores": {}, "evidence": {}, "input": "abstract"}
    assert [r["input"] for r in rows] == ["title_only", "title_only", "abstract", "title_only"]
    for row in rows:
        assert set(row) == {"id", "pillars", "topics", "scores", "evidence", "input"}
        assert set(row["scores"]) == set(row["evidence"]) == set(row["pillars"]) | set(row["topics"])
        assert all(row["evidence"][label] for label in row["evidence"])
    assert not quarantine_path(out).exists()
    assert "Tagged 4 papers" in capsys.readouterr().out


def test_malformed_lines_are_reported_and_quarantined(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "tagged" / "out.jsonl"
    lines = [
        json.dumps(GOOD[0]),                              # 1 ok
        "{not json",                                      # 2 bad JSON
        json.dumps(["a", "list"]),                        # 3 not an object
        "",                                               # 4 blank: no record, skipped
        json.dumps({"id": "x", "title": "  "}),           # 5 empty title
        json.dumps({"title": "no id"}),                   # 6 missing id
        json.dumps({"id": "y", "title": "T", "abstract": 3}),  # 7 bad abstract
        json.dumps(GOOD[3]),                              # 8 ok
        json.dumps({"id": "z", "title": "T", "derived_terms": "model serving"}),  # 9 terms not a list
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(["tag", "--input", str(src), "--output", str(out)]) == 0
    assert [r["id"] for r in read_jsonl(out)] == ["p1", "p4"]
    quarantined = read_jsonl(quarantine_path(out))
    assert [q["line"] for q in quarantined] == [2, 3, 5, 6, 7, 9]
    assert quarantined[0]["raw"] == "{not json" and "not valid JSON" in quarantined[0]["reason"]
    assert "JSON object" in quarantined[1]["reason"]
    assert "title" in quarantined[2]["reason"] and "id" in quarantined[3]["reason"]
    assert "abstract" in quarantined[4]["reason"] and "derived_terms" in quarantined[5]["reason"]
    captured = capsys.readouterr()
    for number in (2, 3, 5, 6, 7, 9):
        assert f"line {number}:" in captured.err
    assert "Quarantined 6 malformed line(s)" in captured.out


def test_derived_terms_field_is_read_in_place_of_an_abstract(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [{"id": "t", "title": "Clipper", "venue": "NSDI",
             "derived_terms": ["model serving", "prediction serving system", "tail latency"]},
            {"id": "n", "title": "Clipper", "venue": "NSDI", "derived_terms": None}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert run(["tag", "--input", str(src), "--output", str(out)]) == 0
    tagged, bare = read_jsonl(out)
    assert tagged["input"] == "derived_terms" and "inference_serving" in tagged["topics"]
    assert "model serving" in tagged["evidence"]["inference_serving"]
    assert bare["input"] == "title_only" and bare["topics"] == []


def test_stale_quarantine_is_removed_on_a_clean_run(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    quarantine_path(out).write_text('{"line": 1}\n', encoding="utf-8")
    src.write_text(json.dumps(GOOD[0]) + "\n", encoding="utf-8")
    assert run(["tag", "--input", str(src), "--output", str(out)]) == 0
    assert not quarantine_path(out).exists()


def test_missing_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(["tag", "--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "input file not found" in capsys.readouterr().err


def test_quarantine_sits_beside_the_output() -> None:
    assert quarantine_path(Path("/x/out.jsonl")) == Path("/x/out.quarantine.jsonl")
