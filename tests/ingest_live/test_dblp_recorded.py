"""The live DBLP ingestor on two real search-API answers (SOSP 2017, FAST 2017 tables of contents).

They carry what the hand-made fixture only imitates: `@pid` person ids, DBLP's `0001`
homonym numbers in names, a one-author hit whose `author` is an object, a keynote without
pages and the proceedings volume (`Editorship`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from atlas_cli.main import main
from graph.records import Paper
from ingest.live.settings import HttpPolicy
from ingest.live.sources.dblp import Dblp, parse_hit
from ingest.recordio import read_records

from .replay import FIXTURES, ReplayData, ReplayServer
from .test_parsers import context

POLICY = HttpPolicy(min_interval=0)
SOSP = FIXTURES / "dblp" / "toc_conf_sosp_sosp2017.json"
FAST = FIXTURES / "dblp" / "toc_conf_fast_fast2017.json"
SOSP_Q = "stream:conf/sosp: year:2017:"
_NUMBER = re.compile(r"\s\d{4}$")


def _hits(path: Path) -> list[dict]:
    return json.loads(path.read_text())["result"]["hits"]["hit"]


def test_sosp_2017_answer_gives_39_papers_with_person_ids_and_plain_names() -> None:
    page = Dblp("http://replay", POLICY).parse(SOSP.read_bytes(), context(Dblp.venue_job("SOSP", 2017)))
    assert (page.total, page.count, len(page.papers), page.skipped) == (40, 40, 39, 1)  # 1: the Editorship volume
    assert not page.quarantined
    by_key = {p.dblp_key: p for p in page.papers}
    summary = by_key["conf/sosp/AgrawalV17"]
    assert (summary.authorships[0].name, summary.authorships[0].dblp_pid) == ("Nitin Agrawal", "a/NitinAgrawal")
    netcache = {a.name: a.dblp_pid for a in by_key["conf/sosp/JinLZSLFKS17"].authorships}
    assert netcache["Xin Jin"] == "68/3340-8"  # printed "Xin Jin 0008"
    authorships = [a for p in page.papers for a in p.authorships]
    assert all(a.dblp_pid for a in authorships) and not any(_NUMBER.search(a.name) for a in authorships)
    assert all(p.doi and p.doi.startswith("10.1145/3132747.") for p in page.papers)


def test_fast_2017_answer_keeps_27_papers_and_skips_the_keynote_and_the_volume() -> None:
    page = Dblp("http://replay", POLICY).parse(FAST.read_bytes(), context(Dblp.venue_job("FAST", 2017)))
    assert (page.count, len(page.papers), page.skipped) == (29, 27, 2)
    assert "conf/fast/Keeton17" not in {p.dblp_key for p in page.papers}  # keynote: no pages in a paginated volume


def test_a_one_author_hit_has_its_author_as_an_object() -> None:
    keynote = next(h for h in _hits(FAST) if h["info"]["key"] == "conf/fast/Keeton17")
    assert isinstance(keynote["info"]["authors"]["author"], dict)
    paper = parse_hit(keynote, "2026-12-01", "FAST")
    assert paper is not None
    assert [(a.name, a.dblp_pid, a.position) for a in paper.authorships] == [("Kimberly Keeton", "k/KimberlyKeeton", 0)]


@pytest.fixture
def replay_data() -> ReplayData:
    return ReplayData(dblp={SOSP_Q: _hits(SOSP)})


def test_ingest_cli_replays_the_recorded_sosp_answer(replay: ReplayServer, live_env: dict[str, str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ingest", "dblp", "--venue", "sosp", "--years", "2017", "--no-load", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "39 new" in out and "1 skipped" in out
    assert replay.requests("/search/publ/api")[0]["query"]["q"] == SOSP_Q
    path = Path(live_env["ATLAS_DATA_DIR"]) / "records" / "dblp.jsonl"
    papers = [r for r in read_records(path) if isinstance(r, Paper)]
    assert len(papers) == 39 and {p.venue_name for p in papers} == {"SOSP"}
    names = {a.name: a.dblp_pid for p in papers for a in p.authorships}
    assert names["Nitin Agrawal"] == "a/NitinAgrawal" and "Nitin Agrawal 0001" not in names
