"""Issue 17, items 3 and 4: outputs are never destroyed; a dripping server cannot hold an ingest.

Real files, the real CLI in-process, a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from graph.fileio import atomic_writer

from .conftest import run_main
from .drip import DripServer, closed_port

GOOD_LINE = json.dumps({"id": "p1", "title": "Quantized LLM serving on GPUs"}) + "\n"
FAST = {"ATLAS_HTTP_BACKOFF": "0", "ATLAS_HTTP_BACKOFF_MAX": "0", "ATLAS_HTTP_ATTEMPTS": "1",
        "ATLAS_OPENALEX_MIN_INTERVAL": "0", "ATLAS_HTTP_CONNECT_TIMEOUT": "2"}


def test_atomic_writer_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_tag_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    """Reproduction: `tag --input F --output F` emptied F and exited 0."""
    src = tmp_path / "papers.jsonl"
    src.write_text(GOOD_LINE)
    result = run_main(["tag", "--input", str(src), "--output", str(src)])
    assert result.code == 2 and "the output is the input" in result.err
    assert src.read_text() == GOOD_LINE
    link = tmp_path / "alias.jsonl"
    link.symlink_to(src)
    assert run_main(["tag", "--input", str(src), "--output", str(link)]).code == 2
    assert src.read_text() == GOOD_LINE


def test_tag_quarantines_a_title_over_a_million_characters(tmp_path: Path) -> None:
    """Reproduction: one title over 1M characters stopped the whole run (spaCy E088)."""
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(GOOD_LINE + json.dumps({"id": "huge", "title": "scheduling " * 100_001}) + "\n" + GOOD_LINE
                   .replace("p1", "p3"))
    result = run_main(["tag", "--input", str(src), "--output", str(out)])
    assert result.code == 0, result.err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["p1", "p3"]
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert quarantined[0]["line"] == 2 and "characters" in quarantined[0]["reason"]


def test_failing_ingest_keeps_the_previous_jsonl(tmp_path: Path) -> None:
    """Reproduction: a failing `ingest … --to-jsonl F` truncated a previous good F to 0 bytes."""
    target = tmp_path / "papers.jsonl"
    target.write_text(GOOD_LINE)
    result = run_main(["ingest", "openalex", "--ids", "W2741809807", "--to-jsonl", str(target), "--quiet",
                       "--base-url", closed_port()], ATLAS_DATA_DIR=str(tmp_path / "data"), **FAST)
    assert result.code == 1 and "is kept" in result.err and "Traceback" not in result.err
    assert target.read_text() == GOOD_LINE


@pytest.mark.parametrize("mode", ["body", "headers"])
def test_a_server_dripping_bytes_is_cut_off_at_the_deadline(tmp_path: Path, mode: str) -> None:
    """Reproduction: a server sending one byte a second held `ingest` for ever (read timeout = gap only)."""
    with DripServer(mode=mode, gap=0.3) as server:
        started = time.monotonic()
        result = run_main(["ingest", "openalex", "--ids", "W2741809807", "--to-jsonl", str(tmp_path / "o.jsonl"),
                           "--quiet", "--base-url", server.url], ATLAS_DATA_DIR=str(tmp_path / "data"),
                          ATLAS_HTTP_READ_TIMEOUT="5", ATLAS_HTTP_DEADLINE="1.5", **FAST)
        elapsed = time.monotonic() - started
        deadline = time.monotonic() + 10
        while not server.sent and time.monotonic() < deadline:
            time.sleep(0.05)
    assert result.code == 1 and "deadline" in result.err and "Traceback" not in result.err
    # The client hung up mid-answer: the server could not send the whole (~150 s) drip.
    assert server.hung_up == [True] and server.sent[0] < 200, (server.sent, elapsed)
    assert not (tmp_path / "o.jsonl").exists()
