"""`mlsys-atlas institutions ...` end to end through the real parser, on a private data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atlas_cli.main import main


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_resolve_writes_one_line_per_mention_and_quarantines_bad_lines(tmp_path: Path, data_dir: Path,
                                                                         capsys: pytest.CaptureFixture) -> None:
    affs = write_lines(tmp_path / "affs.jsonl", [
        json.dumps({"mention_id": "m1", "affiliation": "MIT CSAIL"}),
        json.dumps({"mention_id": 2, "affiliation": "Berkeley College", "country": "US"}),
        json.dumps({"mention_id": "m3", "affiliation": "Independent Researcher"}),
        json.dumps({"mention_id": "m4", "affiliation": "Google Brain + UC Berkeley"}),
        "{not json",
        json.dumps({"mention_id": "m5"}),
        json.dumps(["a list"]),
        json.dumps({"mention_id": "m6", "affiliation": "UCSD", "country": 7}),
    ])
    out = tmp_path / "out.jsonl"
    assert main(["institutions", "resolve", "--input", str(affs), "--output", str(out)]) == 0
    rows = {r["mention_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {"m1", 2, "m3", "m4"}
    assert rows["m1"]["institution_id"] == "inst:org:mit-csail" and rows["m1"]["parent_id"] == "inst:org:mit"
    assert rows["m1"]["organisation_id"] == "inst:org:mit" and rows["m1"]["type"] == "education"
    assert rows[2]["name"] == "Berkeley College" and rows[2]["country"] == "US"
    assert rows["m3"]["institution_id"] is None and rows["m4"]["institution_id"] is None
    assert set(rows["m1"]) >= {"mention_id", "institution_id", "name", "country", "type", "parent_id", "confidence"}
    bad = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [b["line"] for b in bad] == [5, 6, 7, 8] and all(b["reason"] and b["raw"] for b in bad)
    assert "4 bad lines" in capsys.readouterr().out


def test_resolve_without_input_is_a_clear_error(tmp_path: Path, data_dir: Path,
                                                capsys: pytest.CaptureFixture) -> None:
    assert main(["institutions", "resolve", "--input", str(tmp_path / "nope.jsonl"),
                 "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "no such input file" in capsys.readouterr().err


def resolved(tmp_path: Path, text: str) -> dict:
    affs = write_lines(tmp_path / "one.jsonl", [json.dumps({"mention_id": "x", "affiliation": text})])
    out = tmp_path / "one.out.jsonl"
    assert main(["institutions", "resolve", "--input", str(affs), "--output", str(out)]) == 0
    return json.loads(out.read_text())


def test_decisions_apply_and_are_kept_in_the_data_dir(tmp_path: Path, data_dir: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    assert resolved(tmp_path, "Berkeley")["institution_id"] is None  # a place
    assert main(["institutions", "alias", "Berkeley", "ucb"]) == 0
    assert resolved(tmp_path, "Berkeley")["institution_id"] == "inst:org:ucb"

    assert main(["institutions", "split", "Monash Univ.", "--name", "Monash University", "--country", "AU",
                 "--type", "education"]) == 0
    split = resolved(tmp_path, "Monash Univ.")
    assert (split["institution_id"], split["country"], split["type"]) == ("inst:monash-university", "AU", "education")

    assert main(["institutions", "merge", "inst:monash-university", "deakin"]) == 0
    assert resolved(tmp_path, "Monash Univ.")["institution_id"] == "inst:org:deakin"

    assert main(["institutions", "split", "Julie", "--not-organisation"]) == 0
    assert resolved(tmp_path, "Julie")["institution_id"] is None
    lines = (data_dir / "institutions" / "decisions.jsonl").read_text().splitlines()
    assert len(lines) == 4 and all(json.loads(line)["schema"] == 1 for line in lines)

    capsys.readouterr()
    assert main(["institutions", "show", "Berkeley"]) == 0
    assert "University of California, Berkeley" in capsys.readouterr().out
    assert main(["institutions", "show", "ucb", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["organisation"]["units"] == [{"id": "inst:org:ucb-bair", "name": "Berkeley AI Research"}]
    assert main(["institutions", "merge", "inst:nothing-here", "ucb"]) == 1
    assert main(["institutions", "split", "X", "--country", "USA"]) == 2
