"""Record files: canonical records survive the round trip, files are deterministic, and the normal
build loads them with the snapshot (twice without duplicating anything)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.falkor_store import FalkorStore
from graph.records import Authorship, Institution, Paper, Provenance, Quarantined, TopicTag
from ingest.build import build
from ingest.live.recordfile import update_quarantine_file, update_record_file
from ingest.recordio import paper_from_dict, paper_to_dict, read_record_dir, read_records, write_records

from .conftest import tiny_snapshot


def sample_paper(n: int = 1, **changes: object) -> Paper:
    paper = Paper(id=f"paper:doi:10.99999/rec.{n}", title=f"Record {n}: Serving “LLMs” on Ørsted GPUs", year=2024,
                  venue_id="venue:mlsys", venue_name="MLSys", abstract="Multi-line\nabstract", doi=f"10.99999/rec.{n}",
                  arxiv_id="2401.00001", openalex_id=f"W{n}", url="https://example.org",
                  references=["openalex:W9", "s2:abc"], topics=[TopicTag("software", 0.75, ["serving"])],
                  provenance=Provenance(["openalex"], "2026-04-14"))
    paper.authorships = [Authorship(paper.id, 0, "Ada Lovelace", affiliation="MIT", institution_id="inst:ror:042nb2s44",
                                    country="US", openalex_id="A1", orcid="0000-0001", flags=["x"]),
                         Authorship(paper.id, 1, "李 明", dblp_pid="12/34")]
    for key, value in changes.items():
        setattr(paper, key, value)
    return paper


MIT = Institution("inst:ror:042nb2s44", "Massachusetts Institute of Technology", "US", "https://ror.org/042nb2s44",
                  Provenance(["openalex"], "2026-04-14"))


def test_paper_round_trips_through_a_dict_and_a_file(tmp_path: Path) -> None:
    paper = sample_paper()
    assert paper_from_dict(paper_to_dict(paper)) == paper
    path = tmp_path / "r.jsonl"
    write_records(path, [paper, MIT])
    assert list(read_records(path)) == [MIT, paper]  # institutions first, then papers, each sorted by id


@settings(max_examples=40, deadline=None)
@given(st.text(), st.one_of(st.none(), st.integers(-5, 3000)), st.lists(st.text(min_size=1), max_size=3))
def test_any_text_round_trips(title: str, year: int | None, names: list[str]) -> None:
    paper = sample_paper(title=title, year=year)
    paper.authorships = [Authorship(paper.id, i, name) for i, name in enumerate(names)]
    assert paper_from_dict(paper_to_dict(paper)) == paper


def test_files_are_deterministic_whatever_the_input_order(tmp_path: Path) -> None:
    papers = [sample_paper(n) for n in range(5)]
    write_records(tmp_path / "a.jsonl", [*papers, MIT])
    write_records(tmp_path / "b.jsonl", [MIT, *reversed(papers)])
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_a_broken_line_is_quarantined_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "records" / "x.jsonl"
    write_records(path, [sample_paper()])
    with open(path, "a", encoding="utf-8") as out:
        out.write('{"record": "paper", "id": 3}\n{not json\n')
    papers, _, bad, files = read_record_dir(tmp_path / "records")
    assert len(papers) == 1 and files == ["records/x.jsonl"]
    assert [q.locator for q in bad] == ["x.jsonl:2", "x.jsonl:3"] and all(isinstance(q, Quarantined) for q in bad)


def test_record_file_update_counts_and_keeps_other_papers(tmp_path: Path) -> None:
    path = tmp_path / "openalex.jsonl"
    first = update_record_file(path, {p.id: p for p in (sample_paper(1), sample_paper(2))}, {MIT.id: MIT})
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    changed = sample_paper(2, abstract="A new abstract")
    second = update_record_file(path, {p.id: p for p in (sample_paper(1), changed, sample_paper(3))}, {})
    assert (second.new, second.updated, second.unchanged) == (1, 1, 1)
    kept = list(read_records(path))
    assert kept[0] == MIT and len(kept) == 4  # the institution is kept while papers point at it
    assert update_quarantine_file(tmp_path / "q.jsonl", [Quarantined("openalex", "GET x", "bad", {"a": 1})]) == 1
    assert update_quarantine_file(tmp_path / "q.jsonl", [Quarantined("openalex", "GET x", "bad", {"a": 1})]) == 1


def test_build_loads_ingested_records_with_the_snapshot_and_twice_is_the_same(tmp_path: Path) -> None:
    data_dir, snapshot = tmp_path / "data", tiny_snapshot(tmp_path / "snapshot")
    write_records(data_dir / "records" / "openalex.jsonl", [sample_paper(1), sample_paper(2), MIT])
    write_records(data_dir / "records" / "dblp.jsonl", [sample_paper(2, provenance=Provenance(["dblp"], "2026-04-14"),
                                                                     openalex_id=None, dblp_key="conf/mlsys/X24")])
    store = FalkorStore(data_dir, "test")
    try:
        report = build(store, snapshot, data_dir, quiet=True)
        assert report.ingested_files == ["records/dblp.jsonl", "records/openalex.jsonl"]
        first = store.counts()
        assert first["nodes"]["Paper"] == 2 and first["nodes"]["Institution"] == 1
        rows = store.read("MATCH (p:Paper {id: $id}) RETURN p.dblp_key AS dblp, p.sources AS sources",
                          {"id": "paper:doi:10.99999/rec.2"})
        assert rows == [{"dblp": "conf/mlsys/X24", "sources": ["dblp", "openalex"]}]
        build(store, snapshot, data_dir, quiet=True)
        assert store.counts() == first
        without = build(store, snapshot, data_dir, quiet=True, include_ingested=False)
        assert without.papers == 0 and without.ingested_files == []
    finally:
        store.close()
