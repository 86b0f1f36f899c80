"""The saved DBLP search-API reader on the real HPCA XML answer, the real SOSP JSON answer, and broken files."""

from __future__ import annotations

import gzip
import shutil
from collections import Counter
from pathlib import Path

from graph.records import Paper, Quarantined
from ingest.sources import dblp_search

ROOT = Path(__file__).resolve().parents[2]
HPCA = ROOT / "data" / "snapshot" / "dblp" / "search_api" / "conf_hpca.xml.gz"
SOSP_JSON = ROOT / "tests" / "fixtures" / "live" / "dblp" / "toc_conf_sosp_sosp2017.json"


def test_hpca_xml_full_papers_per_year_with_person_ids() -> None:
    skipped: Counter = Counter()
    items = list(dblp_search.read(HPCA, "2022-12-31", skipped))
    assert not [i for i in items if isinstance(i, Quarantined)]
    papers = [i for i in items if isinstance(i, Paper)]
    per_year = Counter(p.year for p in papers)
    # DBLP lists 68/58/54/69/85 conference items under conf/hpca for 2018-2022; 6 and 2 of them
    # are HiPINEB workshop papers, 1 (2019) has no pages in a paginated listing, 1 (2022) has 4 pages.
    assert [per_year[y] for y in range(2018, 2023)] == [62, 55, 54, 69, 84]
    assert skipped["HPCA 2018 dblp: workshop volume"] == 6
    assert skipped["HPCA 2018 dblp: front matter"] == 2  # the HPCA and HiPINEB proceedings volumes
    assert all(p.doi and p.dblp_key and p.dblp_key.startswith("conf/hpca/") for p in papers)
    dr = next(p for p in papers if p.dblp_key == "conf/hpca/BostanciOOYKHEM22")
    orosa = dr.authorships[2]
    assert orosa.name == "Lois Orosa" and orosa.dblp_pid == "06/10860-1"  # '0001' dropped, pid kept
    assert dr.authorships[3].name == "Abdullah Giray Yaglikçi"  # "&#231;" decoded
    assert [a.position for a in dr.authorships] == list(range(8))
    assert all(a.dblp_pid for p in papers for a in p.authorships)


def test_the_search_api_json_goes_through_the_same_reader(tmp_path: Path) -> None:
    path = tmp_path / "conf_sosp.json"
    shutil.copy(SOSP_JSON, path)
    skipped: Counter = Counter()
    papers = [p for p in dblp_search.read(path, "2026-12-01", skipped) if isinstance(p, Paper)]
    assert len(papers) == 39 and skipped == Counter({"SOSP 2017 dblp: front matter": 1})
    summary = next(p for p in papers if p.dblp_key == "conf/sosp/AgrawalV17")
    assert summary.doi == "10.1145/3132747.3132758"
    assert (summary.authorships[0].name, summary.authorships[0].dblp_pid) == ("Nitin Agrawal", "a/NitinAgrawal")


def test_broken_answers_and_hits_are_quarantined(tmp_path: Path) -> None:
    bad_xml = tmp_path / "conf_hpca.xml.gz"
    bad_xml.write_bytes(gzip.compress(b"<result><hits><hit></result>"))
    [item] = list(dblp_search.read(bad_xml, "x"))
    assert isinstance(item, Quarantined) and "not well-formed XML" in item.reason
    unknown = tmp_path / "conf_nowhere.xml.gz"
    unknown.write_bytes(gzip.compress(b"<result/>"))
    [item] = list(dblp_search.read(unknown, "x"))
    assert isinstance(item, Quarantined) and "no venue known for the stream 'conf/nowhere'" in item.reason
    hits = tmp_path / "conf_hpca.xml"
    hits.write_text(
        '<result><hits total="3">'
        '<hit id="1"><info><authors><author pid="1/1">A B</author></authors><title>No key.</title>'
        '<year>2020</year><pages>1-12</pages></info></hit>'
        '<hit id="2"/>'
        '<hit id="3"><info><title>No authors.</title><year>2020</year><pages>13-25</pages>'
        '<key>conf/hpca/X20</key><venue>HPCA</venue><type>Conference and Workshop Papers</type></info></hit>'
        '</hits></result>')
    reasons = [i.reason for i in dblp_search.read(hits, "x") if isinstance(i, Quarantined)]
    assert reasons == ["unparsable record (ValueError: hit without a DBLP key)",
                       "unparsable record (ValueError: hit without info)", "no authors listed"]
