"""MLSys done right: the proceedings index reader, the edition rule for S2's "MLSys" rows, one node per paper."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from graph.records import Paper, Quarantined
from ingest.identity.papers import merge_papers
from ingest.sources import mlsys_editions, mlsys_proceedings, s2_seed

SNAP = Path(__file__).resolve().parents[2] / "data" / "snapshot"
INDEX = sorted((SNAP / "mlsys_proceedings").glob("*.tsv"))
SEED = SNAP / "mlsys_seed_s2" / "ML_Seed_Papers.csv"


def _papers(items: list) -> list[Paper]:
    return [i for i in items if isinstance(i, Paper)]


def _seed() -> list[Paper]:
    return _papers(list(s2_seed.read(SEED, "2025-05-01", mlsys_proceedings.index_titles(INDEX))))


def test_index_pages_real_rows_have_years_and_proceedings_links() -> None:
    by_year = {path.name: _papers(list(mlsys_proceedings.read(path, "2026-12-01"))) for path in INDEX}
    assert {name: len(papers) for name, papers in by_year.items()} == {
        "mlsys2024_index_extract.tsv": 37, "mlsys2025_index_extract.tsv": 61}
    punica = next(p for p in by_year["mlsys2024_index_extract.tsv"] if p.title == "Punica: Multi-Tenant LoRA Serving")
    assert (punica.venue_name, punica.year) == ("MLSys", 2024)
    assert punica.url == ("https://proceedings.mlsys.org/paper_files/paper/2024/hash/"
                          "054de805fcceb78a201f5e9d53c85908-Abstract-Conference.html")
    assert [a.name for a in punica.authorships][:2] == ["Lequn Chen", "Zihao Ye"]


def test_broken_index_rows_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "mlsys2024_index_extract.tsv"
    path.write_text("hash\ttitle\tauthors_ordered_comma_separated\n"
                    "054de805fcceb78a201f5e9d53c85908\t\tA B\n"
                    "not-a-hash\tT\tA B\n"
                    "096b1019463f34eb241e87cfce8dfe16\tNo authors\t\n", encoding="utf-8")
    items = list(mlsys_proceedings.read(path, "2026-12-01"))
    assert [i.reason for i in items if isinstance(i, Quarantined)] == [
        "empty title", "missing or malformed proceedings hash", "no authors listed"]
    assert [p.title for p in _papers(items)] == ["No authors"]
    wrong = tmp_path / "index.tsv"
    wrong.write_text("hash\ttitle\n", encoding="utf-8")
    assert "not an MLSys index extract" in next(iter(mlsys_proceedings.read(wrong, "2026-12-01"))).reason


def test_edition_rule_in_order() -> None:
    index = {"Punica: Multi-Tenant LoRA Serving": (2024, "Punica: Multi-Tenant LoRA Serving")}
    rows = [("SysML short paper", 2018), ("Old item", 2016), ("A 2021 paper", 2021), ("No year", None),
            ("Punica: Multi-tenant LoRA serving", 2023), ("FlashDecoding++", 2023), ("Late", 2022)]
    got = [(e.venue, e.year) for e in mlsys_editions.assign(rows, index)]
    assert got == [("MLSys-WS", 2018), ("MLSys-WS", 2016), ("MLSys", 2021), ("MLSys", None),
                   ("MLSys", 2024), ("MLSys", 2024), ("MLSys", 2024)]


def test_seed_years_are_corrected_and_workshop_items_are_their_own_venue() -> None:
    papers = _seed()
    by_title = {p.title: p for p in papers}
    for title in ("AWQ: Activation-aware Weight Quantization for On-Device LLM Compression and Acceleration",
                  "Punica: Multi-Tenant LoRA Serving"):
        assert (by_title[title].venue_name, by_title[title].year) == ("MLSys", 2024)  # proceedings' own title
    flash = next(p for p in papers if p.title.startswith("FlashDecoding++"))
    assert (flash.venue_name, flash.year) == ("MLSys", 2024)  # in the seed's 2024 block, not on the partial index
    counts = Counter((p.venue_name, p.year) for p in papers if p.venue_name.startswith("MLSys"))
    assert counts[("MLSys", 2018)] == counts[("MLSys", 2017)] == counts[("MLSys", 2016)] == 0
    assert counts[("MLSys-WS", 2018)] == 111 and counts[("MLSys-WS", 2017)] == 15
    assert counts[("MLSys", 2024)] == 26 and counts[("MLSys", 2023)] == 15


def test_a_paper_on_both_lists_is_one_node_with_the_proceedings_year_and_link() -> None:
    index_papers = [p for path in INDEX for p in _papers(list(mlsys_proceedings.read(path, "2026-12-01")))]
    merged = merge_papers(_seed() + index_papers)
    mlsys = Counter(p.year for p in merged if p.venue_name == "MLSys")
    assert mlsys[2024] == 45 and mlsys[2025] == 61
    awq = [p for p in merged if p.title.startswith("AWQ")]
    assert len(awq) == 1
    assert set(awq[0].provenance.sources) == {"mlsys_proceedings", "mlsys_seed_s2"}
    assert awq[0].s2_id and awq[0].url.startswith("https://proceedings.mlsys.org/paper_files/paper/2024/")
    assert awq[0].title.startswith("AWQ: Activation-aware Weight Quantization for On-Device")  # the index's title
