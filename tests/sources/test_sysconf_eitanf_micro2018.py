"""The 2017 systems-conference reader (sysconf_eitanf) and the MICRO 2018 program reader, on real and broken rows."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from graph.records import Institution, Paper, Quarantined
from ingest.sources import micro2018, sysconf_eitanf

SNAP = Path(__file__).resolve().parents[2] / "data" / "snapshot"


def _split(items: list) -> tuple[list[Paper], list[Quarantined]]:
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Quarantined)]


def _write_gz(path: Path, payload: object) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle)
    return path


def test_isca_2017_real_rows_carry_affiliations_and_abstracts() -> None:
    institutions: dict[str, Institution] = {}
    papers, quarantined = _split(list(sysconf_eitanf.read(SNAP / "sysconf_eitanf/ISCA.json.gz", "2026-12-01",
                                                          institutions)))
    assert len(papers) == 54
    tpu = next(p for p in papers if p.title == "In-Datacenter Performance Analysis of a Tensor Processing Unit")
    assert (tpu.venue_name, tpu.year, tpu.s2_id) == ("ISCA", 2017, None)  # the 2018 S2 ids are stale: not used
    assert tpu.authorships[0].name == "Norman P. Jouppi" and tpu.authorships[0].affiliation == "Google"
    assert tpu.authorships[0].institution_id in institutions
    assert tpu.abstract and tpu.abstract.startswith("Many architects believe")
    assert all(p.abstract for p in papers)
    # "Gunjae Koo (USC), Yunho Oh (Yonsei)" is one upstream entry for two people
    gpu = next(p for p in papers if p.title.startswith("Access Pattern-Aware Cache Management"))
    assert [(a.name, a.affiliation) for a in gpu.authorships[:2]] == [("Gunjae Koo", "USC"), ("Yunho Oh", "Yonsei")]
    assert [q.reason for q in quarantined] == ["two authors glued into one entry; split"]


def test_every_vendored_venue_is_tracked_and_socc_is_renamed() -> None:
    files = sorted((SNAP / "sysconf_eitanf").glob("*.json.gz"))
    assert {f.name.split(".")[0] for f in files} == set(sysconf_eitanf.VENUES)
    socc, _ = _split(list(sysconf_eitanf.read(SNAP / "sysconf_eitanf/SOCC.json.gz", "2026-12-01")))
    assert len(socc) == 45 and {p.venue_name for p in socc} == {"SoCC"}


def test_affiliation_is_the_closing_parenthesised_group() -> None:
    split = sysconf_eitanf.split_affiliation
    assert split("Jordà Polo (Barcelona Supercomputing Center (BSC))") == ("Jordà Polo",
                                                                          "Barcelona Supercomputing Center (BSC)")
    assert split("Ben (Ching-Pei) Lin (University of Texas at Austin)") == ("Ben Lin", "University of Texas at Austin")
    assert split("Prashanth") == ("Prashanth", None)
    assert split("Unbalanced (Paren") == ("Unbalanced (Paren", None)


def test_broken_sysconf_rows_are_quarantined(tmp_path: Path) -> None:
    path = _write_gz(tmp_path / "SOSP.json.gz", {"key": "SOSP_17", "papers": [
        "not a dict", {"title": "  "}, {"title": "Affiliated", "authors": ["A B (X)"]},
        {"title": "No authors", "authors": []}, {"title": "Nameless", "authors": ["(Google)"]}]})
    papers, quarantined = _split(list(sysconf_eitanf.read(path, "2026-12-01")))
    assert [q.reason for q in quarantined] == ["entry is not an object", "empty title", "no authors listed",
                                               "author without a name"]
    assert [p.title for p in papers] == ["Affiliated", "No authors", "Nameless"]
    assert papers[0].authorships[0].affiliation == "X"


def test_unreadable_or_untracked_sysconf_files_are_quarantined(tmp_path: Path) -> None:
    (tmp_path / "ISCA.json.gz").write_bytes(b"not gzip")
    untracked = _write_gz(tmp_path / "KDD.json.gz", {"key": "KDD_17", "papers": []})
    for path, reason in ((tmp_path / "ISCA.json.gz", "not a sysconf conference file"),
                         (untracked, "conference key is not a tracked venue")):
        items = list(sysconf_eitanf.read(path, "2026-12-01"))
        assert len(items) == 1 and isinstance(items[0], Quarantined) and reason in items[0].reason


def test_micro_2018_program_extract_real_rows() -> None:
    institutions: dict[str, Institution] = {}
    papers, quarantined = _split(list(micro2018.read(SNAP / "micro2018/micro2018.json.gz", "2026-12-01",
                                                     institutions)))
    assert len(papers) == 74 and {(p.venue_name, p.year) for p in papers} == {("MICRO", 2018)}
    graph = next(p for p in papers if p.title.startswith("Exploiting Locality in Graph Analytics"))
    assert [(a.name, a.affiliation) for a in graph.authorships][3] == ("Xiaosong Ma", "QCRI, HBKU")
    perm = next(p for p in papers if p.title.startswith("PermDNN"))
    assert [a.name for a in perm.authorships].count("Bo Yuan") == 1
    assert [q.reason for q in quarantined] == ["author listed twice (second affiliation); second listing dropped"]


def test_program_cells_parse_and_other_cells_are_not_papers() -> None:
    page = """<td colspan="2" class="tdb"><strong><a href="/k1">Keynote 1: From Post-K onto Post-Moore</a><br>
Satoshi Matsuoka, Director, Riken-CCS</strong></td>
<td>
<strong>
The Superfluous Load Queue
</strong><br>
<strong>[<a href="https://example.org/v">Lightning-talk Video</a>]</strong> Alberto Ros (University of Murcia), \
Stefanos Kaxiras (Uppsala University)
</td>
<td colspan="2"> <strong>
CEASER: Mitigating Conflict-Based Cache Attacks via Encrypted-Address and Remapping
</strong> <br>
<strong>[Lightning-talk Video]</strong> Moinuddin Qureshi (Georgia Institute of Technology)</td>"""
    assert micro2018.parse_program(page) == [
        {"title": "The Superfluous Load Queue",
         "authors": [["Alberto Ros", "University of Murcia"], ["Stefanos Kaxiras", "Uppsala University"]]},
        {"title": "CEASER: Mitigating Conflict-Based Cache Attacks via Encrypted-Address and Remapping",
         "authors": [["Moinuddin Qureshi", "Georgia Institute of Technology"]]}]


def test_broken_micro_rows_are_quarantined(tmp_path: Path) -> None:
    path = _write_gz(tmp_path / "micro2018.json.gz", {"venue": "MICRO", "year": 2018, "papers": [
        None, {"title": "T", "authors": [["A B", "X"], "C D"]}, {"title": "U", "authors": []},
        {"title": "V", "authors": [["", "X"]]}]})
    papers, quarantined = _split(list(micro2018.read(path, "2026-12-01")))
    assert [q.reason for q in quarantined] == ["record without a title",
                                               "author entry is not a [name, affiliation] pair",
                                               "no authors listed", "author without a name"]
    assert [p.title for p in papers] == ["T", "U", "V"]
    (tmp_path / "bad.json.gz").write_bytes(b"nope")
    items = list(micro2018.read(tmp_path / "bad.json.gz", "2026-12-01"))
    assert len(items) == 1 and "not a program extract" in items[0].reason
