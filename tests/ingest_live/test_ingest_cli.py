"""`mlsys-atlas ingest` end to end against the replay server: every source, the summary, the
record and quarantine files, warm re-runs, dry runs, faults in the middle of a run, and loading."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from atlas_cli.main import main
from graph.falkor_store import FalkorStore
from graph.records import Paper
from ingest import incremental
from ingest.live.sources.openalex import PER_PAGE
from ingest.recordio import read_records

from .replay import (
    FIXTURES,
    TURING_S2_ID,
    Fault,
    ReplayData,
    ReplayServer,
    handmade,
    openalex_works,
    openreview_notes,
    s2_papers,
)

MLSYS_SOURCE = "S4393918830"  # what /sources?search= resolves MLSys to in the hand-made fixture
DBLP_Q = "stream:conf/mlsys: year:2024:"


@pytest.fixture
def replay_data() -> ReplayData:
    return ReplayData(
        openalex_works={MLSYS_SOURCE: openalex_works(450)},
        s2_venues={"MLSys": s2_papers(1200)},
        openreview={"MLSys/2025/Conference": handmade("openreview/notes_mlsys_2025.json")["notes"],
                    "ICLR.cc/2024/Conference": openreview_notes(4, "ICLR.cc/2024/Conference")},
        dblp={DBLP_Q: handmade("dblp/search_mlsys_2024.json")["result"]["hits"]["hit"]},
    )


def ingest(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["ingest", *args, "--quiet"])
    out = capsys.readouterr()
    return code, out.out, out.err


def records(data_dir: Path, source: str) -> list[Paper]:
    return [r for r in read_records(data_dir / "records" / f"{source}.jsonl") if isinstance(r, Paper)]


def quarantine(data_dir: Path, source: str) -> list[dict]:
    path = data_dir / "ingest" / "quarantine" / f"{source}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_arxiv_ids_lookup_in_one_request_then_none(replay: ReplayServer, live_env: dict[str, str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ingest(capsys, "arxiv", "--ids", "1707.08567,2104.12255", "--no-load")
    assert code == 0 and "records 2 new / 0 updated / 0 unchanged / 0 quarantined" in out
    (request,) = replay.requests("/api/query")
    assert request["query"]["id_list"] == "1707.08567,2104.12255"
    papers = {p.arxiv_id: p for p in records(Path(live_env["ATLAS_DATA_DIR"]), "arxiv")}
    assert set(papers) == {"1707.08567", "2104.12255"} and all(p.abstract for p in papers.values())
    assert papers["2104.12255"].provenance.retrieved_at == "2026-04-14"  # the server's Date header
    code, out, _ = ingest(capsys, "arxiv", "--ids", "1707.08567,2104.12255", "--no-load")
    assert code == 0 and "0 requests" in out and "0 new / 0 updated / 2 unchanged" in out
    assert replay.count("/api/query") == 1


def test_openalex_venue_cursor_paging_warm_rerun_and_dry_run(replay: ReplayServer, live_env: dict[str, str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ingest(capsys, "openalex", "--venue", "mlsys", "--dry-run")
    assert code == 0 and "/sources?search=Machine+Learning+and+Systems" in out and replay.count() == 0
    code, out, _ = ingest(capsys, "openalex", "--venue", "mlsys", "--years", "2018-2025", "--no-load")
    assert code == 0 and "450 new" in out
    works = replay.requests("/works")
    assert [r["query"]["per-page"] for r in works] == ["200"] * 3 and replay.count("/sources") == 1
    assert works[0]["query"]["filter"] == f"locations.source.id:{MLSYS_SOURCE},publication_year:2018-2025"
    assert works[0]["query"]["cursor"] == "*" and works[1]["query"]["cursor"] != "*"
    papers = records(Path(live_env["ATLAS_DATA_DIR"]), "openalex")
    assert len(papers) == 450 and {p.venue_name for p in papers} == {"MLSys"}
    assert sum(1 for p in papers for a in p.authorships if a.institution_id) > 0
    code, out, _ = ingest(capsys, "openalex", "--venue", "mlsys", "--years", "2018-2025", "--no-load")
    assert code == 0 and "0 requests" in out and "450 unchanged" in out and replay.count() == 4
    code, out, _ = ingest(capsys, "openalex", "--venue", "mlsys", "--years", "2018-2025", "--dry-run")
    assert "complete (4 pages, 4 stored)" in out and replay.count() == 4


def test_s2_venue_search_pages_then_batches_of_at_most_500(replay: ReplayServer, live_env: dict[str, str],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ingest(capsys, "semantic-scholar", "--venue", "mlsys", "--years", "2018-2025", "--no-load")
    assert code == 0 and "1,200 new" in out
    assert replay.count("/graph/v1/paper/search/bulk") == 5  # 1,200 papers, 250 a page on this server
    batches = [json.loads(r["body"])["ids"] for r in replay.requests("/graph/v1/paper/batch")]
    assert [len(b) for b in batches] == [500, 500, 200]
    papers = records(Path(live_env["ATLAS_DATA_DIR"]), "s2")
    assert len(papers) == 1200 and all(f"s2:{TURING_S2_ID}" in p.references for p in papers)


def test_s2_ids_lookup_quarantines_unknown_ids(replay: ReplayServer, live_env: dict[str, str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    known = s2_papers(2)
    ids = [known[0]["paperId"], f"DOI:{known[1]['externalIds']['DOI']}" if known[1]["externalIds"].get("DOI")
           else known[1]["paperId"], "DOI:10.99999/nobody-has-this"]
    code, out, _ = ingest(capsys, "semantic-scholar", "--ids", ",".join(ids), "--no-load")
    assert code == 0 and "2 new" in out and "1 quarantined" in out
    (row,) = quarantine(Path(live_env["ATLAS_DATA_DIR"]), "s2")
    assert row["reason"] == "no paper for id 'DOI:10.99999/nobody-has-this'"
    assert row["source"] == "s2" and "/graph/v1/paper/batch" in row["locator"]


def test_openalex_lookup_by_doi_and_work_id_quarantines_what_it_does_not_know(
        replay: ReplayServer, live_env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    ids = "10.99999/replay.oa.1,https://doi.org/10.99999/replay.oa.2,W9000000003,10.99999/nobody"
    code, out, _ = ingest(capsys, "openalex", "--ids", ids, "--no-load")
    assert code == 0 and "3 new" in out and "1 quarantined" in out
    filters = sorted(r["query"]["filter"].split(":", 1)[0] for r in replay.requests("/works"))
    assert filters == ["doi", "openalex"]  # one OR-filter request per kind of id
    (row,) = quarantine(Path(live_env["ATLAS_DATA_DIR"]), "openalex")
    assert row["reason"] == "OpenAlex has no work for doi https://doi.org/10.99999/nobody"


def test_openreview_and_dblp_venue_years(replay: ReplayServer, live_env: dict[str, str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = Path(live_env["ATLAS_DATA_DIR"])
    code, out, _ = ingest(capsys, "openreview", "--venue", "mlsys", "--years", "2025", "--no-load")
    assert code == 0 and "2 new" in out and "1 quarantined" in out
    assert "empty title" in quarantine(data_dir, "openreview")[0]["reason"]
    code, out, _ = ingest(capsys, "dblp", "--venue", "mlsys", "--years", "2024", "--no-load")
    assert code == 0 and "4 new" in out and "1 skipped" in out
    assert replay.requests("/search/publ/api")[0]["query"]["q"] == DBLP_Q
    pids = {a.dblp_pid for p in records(data_dir, "dblp") for a in p.authorships}
    assert "120/0001" in pids


def test_dblp_dump_file(replay: ReplayServer, live_env: dict[str, str], tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FIXTURES / "dblp" / "dblp.dtd", tmp_path / "dblp.dtd")
    with gzip.open(tmp_path / "dblp.xml.gz", "wb") as out_file:
        out_file.write((FIXTURES / "dblp" / "dblp_excerpt.xml").read_bytes())
    code, out, _ = ingest(capsys, "dblp", "--dump", str(tmp_path / "dblp.xml.gz"), "--venue", "mlsys,sosp",
                          "--years", "2020-2025", "--no-load")
    assert code == 0 and "3 new" in out and "1 quarantined" in out and replay.count() == 0


def test_dblp_dump_url_is_downloaded_once(replay: ReplayServer, replay_data: ReplayData, live_env: dict[str, str],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    replay_data.files["/xml/dblp.xml.gz"] = gzip.compress((FIXTURES / "dblp" / "dblp_excerpt.xml").read_bytes())
    replay_data.files["/xml/dblp.dtd"] = (FIXTURES / "dblp" / "dblp.dtd").read_bytes()
    args = ("dblp", "--dump", f"{replay.url}/xml/dblp.xml.gz", "--venue", "mlsys", "--years", "2024", "--no-load")
    code, out, _ = ingest(capsys, *args)
    assert code == 0 and "2 requests" in out and "2 new" in out
    assert replay.by_path() == {"/xml/dblp.xml.gz": 1, "/xml/dblp.dtd": 1}
    code, out, _ = ingest(capsys, *args)
    assert code == 0 and "0 requests" in out and "2 unchanged" in out and replay.count() == 2


def test_to_jsonl_writes_records_and_leaves_the_record_files_alone(replay: ReplayServer, live_env: dict[str, str],
                                                                   tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.jsonl"
    code, out, _ = ingest(capsys, "arxiv", "--ids", "1707.08567", "--to-jsonl", str(target))
    assert code == 0 and f"wrote 1 records to {target}" in out
    (paper,) = list(read_records(target))
    assert isinstance(paper, Paper) and paper.arxiv_id == "1707.08567"
    assert not (Path(live_env["ATLAS_DATA_DIR"]) / "records" / "arxiv.jsonl").exists()


def test_repeating_cursor_is_a_clear_error_with_progress_kept(replay: ReplayServer, live_env: dict[str, str],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    replay.inject("/works", Fault("repeat_cursor"), Fault("repeat_cursor"))
    code, out, err = ingest(capsys, "openalex", "--venue", "mlsys")
    assert code == 1 and "returned cursor" in err and "a second time" in err and "not loading" in err
    assert f"{PER_PAGE:,} new" in out  # the first page's works are kept
    assert len(records(Path(live_env["ATLAS_DATA_DIR"]), "openalex")) == PER_PAGE


def test_empty_page_mid_run_is_fetched_again(replay: ReplayServer, live_env: dict[str, str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    replay.inject("/works", Fault("empty"))
    code, out, _ = ingest(capsys, "openalex", "--venue", "mlsys", "--no-load")
    assert code == 0 and "450 new" in out and replay.count("/works") == 4


def test_interrupted_runs_continue_to_the_same_records_as_an_uninterrupted_run(
        replay: ReplayServer, live_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = Path(live_env["ATLAS_DATA_DIR"])
    # 1. the budget runs out on the second page: stop at once, keep page one
    replay.inject("/works", Fault("truncjson"), Fault("status", 429, {"X-RateLimit-Remaining": "0"},
                                                      b'{"error": "Daily limit exceeded"}', skip=1))
    code, out, err = ingest(capsys, "openalex", "--venue", "mlsys")
    assert code == 1 and "budget is used up" in err and f"{PER_PAGE:,} new" in out
    # 2. then the server fails for good on the third page: a clear error, pages one and two kept
    replay.inject("/works", Fault("html200", skip=1), *[Fault("status", 503)] * 3)
    code, out, err = ingest(capsys, "openalex", "--venue", "mlsys")
    assert code == 1 and "gave up on GET" in err and f"{PER_PAGE:,} new / 0 updated / {PER_PAGE:,} unchanged" in out
    # 3. the third run completes
    code, out, _ = ingest(capsys, "openalex", "--venue", "mlsys", "--no-load")
    assert code == 0 and f"50 new / 0 updated / {2 * PER_PAGE:,} unchanged" in out
    interrupted = (data_dir / "records" / "openalex.jsonl").read_bytes()
    # an uninterrupted run into another data dir gives the same bytes
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "clean"))
    assert ingest(capsys, "openalex", "--venue", "mlsys", "--no-load")[0] == 0
    assert (tmp_path / "clean" / "records" / "openalex.jsonl").read_bytes() == interrupted


def test_ingest_all_loads_the_store_and_loading_again_duplicates_nothing(
        replay: ReplayServer, live_env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    args = ("all", "--venue", "mlsys", "--years", "2024-2025")
    code, out, _ = ingest(capsys, *args)
    assert code == 0 and "Built graph" in out
    for source in ("dblp", "openalex", "semantic-scholar", "openreview", "arxiv"):
        assert f"\n{source}: " in f"\n{out}"
    data_dir = Path(live_env["ATLAS_DATA_DIR"])
    first = _counts(data_dir)
    ingested = {p.id for s in ("dblp", "openalex", "s2", "openreview", "arxiv") for p in records(data_dir, s)}
    assert 0 < first["nodes"]["Paper"] <= len(ingested)
    requests_after_first = replay.count()
    code, out, _ = ingest(capsys, *args)
    assert code == 0 and replay.count() == requests_after_first  # warm: zero requests
    assert _counts(data_dir) == first  # MERGE on stable ids: nothing duplicated


def _counts(data_dir: Path) -> dict:
    store = FalkorStore(data_dir, "atlas")
    try:
        return store.counts()
    finally:
        store.close()


def test_fetching_again_on_a_later_day_adds_the_dates_without_a_full_build(
        replay: ReplayServer, live_env: dict[str, str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same records fetched again a day later differ in their date alone (the server's Date header): the
    ingest moves the dates of their papers and people (ingest.incremental._redate) and its graph is the one a
    full build of the same record files gives. Its store's server starts while the state is read."""
    import sys

    from stores import server_start_held_until

    from tests.scale.test_scale_bulk import _graph_dump

    args = ("all", "--venue", "mlsys", "--years", "2024-2025")
    assert ingest(capsys, *args)[0] == 0
    monkeypatch.setattr(sys.modules[ReplayServer.__module__], "FIXED_DATE", "Wed, 15 Apr 2026 12:00:00 GMT")
    # and the store's server, started in the background, loads the saved graph while the state is read
    state_read = server_start_held_until(monkeypatch, incremental, "read_state")
    code, out, err = ingest(capsys, *args, "--refresh")
    assert code == 0 and "incremental ingest not possible" not in err, (out, err)
    assert state_read.is_set()
    data_dir = Path(live_env["ATLAS_DATA_DIR"])
    fetched = [p for s in ("dblp", "openalex", "s2", "openreview", "arxiv") for p in records(data_dir, s)]
    assert fetched and {p.provenance.retrieved_at for p in fetched} == {"2026-04-15"}
    assert f"  incremental   0 new records, {len(fetched)} fetched again with a later date" in out
    updated = re.findall(r"(\d+) new / (\d+) updated \((\d+) only in their date\)", out)
    assert sum(int(n) for _new, n, _dated in updated) == len(fetched)
    assert all(new == "0" and n == dated for new, n, dated in updated), updated
    store = FalkorStore(data_dir, "atlas")
    try:
        report = json.loads(store.stored_report() or "{}")
        assert f"0 new records, {len(fetched)} fetched again with a later date" in report["cache"]["incremental"]
        ingested = _graph_dump(store)
    finally:
        store.close()
    dated = [dict(props).get("retrieved_at") for _id, props, _labels in ingested[0]["Paper"]]
    assert dated.count("2026-04-15") >= len({p.id for p in fetched}) // 2  # merged papers took the later date
    # the state the next ingest extends holds the dates the graph got
    state = incremental.read_state(data_dir / "cache" / incremental.STATE_DIR / incremental.STATE_FILE)
    for label, saved in (("Paper", state.merged), ("Author", state.authors)):
        live = {node_id: dict(props)["retrieved_at"] for node_id, props, _labels in ingested[0][label]}
        assert {r.id: r.provenance.retrieved_at for r in saved} == live, label
    assert main(["build", "--quiet", "--reload"]) == 0
    capsys.readouterr()
    store = FalkorStore(data_dir, "atlas")
    try:
        assert _graph_dump(store) == ingested
    finally:
        store.close()
