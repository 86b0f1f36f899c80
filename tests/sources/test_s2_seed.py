"""The Semantic Scholar seed reader on real rows of ML_Seed_Papers.csv and on broken rows."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.records import Paper, Quarantined
from ingest.sources import s2_seed

SEED = Path(__file__).resolve().parents[2] / "data" / "snapshot" / "mlsys_seed_s2" / "ML_Seed_Papers.csv"
HEADER = ["Paper ID", "URL", "Title", "Venue", "Year", "Authors", "Citations", "References", "Abstract"]


def _read(path: Path) -> tuple[list[Paper], list[Quarantined]]:
    items = list(s2_seed.read(path, "2025-05-01"))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Quarantined)]


def _write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "seed.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in HEADER})
    return path


def test_whole_file_gives_one_paper_per_unique_s2_id() -> None:
    papers, _ = _read(SEED)
    assert len(papers) == 431
    assert len({p.id for p in papers}) == 431
    assert all(p.s2_id and p.id == f"paper:s2:{p.s2_id}" for p in papers)


def test_dict_literal_author_list_keeps_s2_author_ids_in_order() -> None:
    papers, _ = _read(SEED)
    pollux = next(p for p in papers if p.title.startswith("Pollux"))
    assert [a.name for a in pollux.authorships][:3] == ["Aurick Qiao", "W. Neiswanger", "Qirong Ho"]
    assert pollux.authorships[0].s2_author_id == "1762117"
    assert [a.position for a in pollux.authorships] == list(range(len(pollux.authorships)))
    assert pollux.venue_name == "OSDI" and pollux.year == 2020
    assert pollux.references and all(r.startswith("s2:") for r in pollux.references)


def test_colon_joined_authors_drop_mixed_in_affiliations_with_a_reason() -> None:
    papers, quarantined = _read(SEED)
    paper = next(p for p in papers if "Kernel Methods for Overparameterized" in p.title
                 or [a.name for a in p.authorships][:2] == ["Yang You", "Zhao Zhang"])
    names = [a.name for a in paper.authorships]
    assert "UC Berkeley" not in names and "UC Davis" not in names
    reasons = [q.reason for q in quarantined if paper.s2_id in q.locator]
    assert any("affiliation mixed into author list" in r and "UC Berkeley" in r for r in reasons)


def test_title_fragment_glued_to_a_name_is_cut_and_recorded() -> None:
    papers, quarantined = _read(SEED)
    paper = next(p for p in papers if any("Ming Zhang" in a.name for a in p.authorships)
                 and any(a.name == "Srikanth Kandula" for a in p.authorships))
    assert "Ming Zhang" in [a.name for a in paper.authorships]
    assert any("title fragment" in q.reason and "CherryPick" in q.reason for q in quarantined)


def test_initials_keep_their_names_and_are_not_mistaken_for_fragments() -> None:
    papers, quarantined = _read(SEED)
    names = {a.name for p in papers for a in p.authorships}
    assert "Joel S. Emer" in names
    assert not any("Joel S. Emer" in q.reason for q in quarantined)


def test_broken_rows_are_quarantined_with_reasons(tmp_path: Path) -> None:
    good_id = "2adcdc9e9e81147499e1372f992d25ac6265fb29"
    path = _write(tmp_path, [
        {"Paper ID": "not-an-id", "Title": "X", "Venue": "MLSys", "Year": "2020"},
        {"Paper ID": "b" * 40, "Title": "", "Venue": "MLSys", "Year": "2020"},
        {"Paper ID": good_id, "Title": "Broken authors", "Venue": "MLSys", "Year": "2020",
         "Authors": "[{'Name': 'A B', 'Author ID': '1'}, "},
        {"Paper ID": "c" * 40, "Title": "No year", "Venue": "", "Year": "", "Authors": ""},
    ])
    papers, quarantined = _read(path)
    reasons = " | ".join(q.reason for q in quarantined)
    assert "malformed Semantic Scholar paper id" in reasons
    assert "empty title" in reasons
    assert "not a valid Python literal" in reasons
    assert "empty author list" in reasons and "no year given" in reasons
    # a paper with unparsable authors is still kept (nothing lost), flagged in quarantine
    assert {p.title for p in papers} == {"Broken authors", "No year"}
    no_year = next(p for p in papers if p.title == "No year")
    assert no_year.year is None and no_year.venue_name == "Other"
