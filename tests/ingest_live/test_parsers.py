"""Every parser on the real recorded wire formats (and the hand-made ones where none exist)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from graph.records import Paper, Quarantined
from ingest.live.base import BadPage, Job, PageContext, PageRequest
from ingest.live.settings import HttpPolicy
from ingest.live.sources.arxiv import ArXiv
from ingest.live.sources.dblp import Dblp, read_dump
from ingest.live.sources.openalex import OpenAlex, pick_source, rebuild_abstract
from ingest.live.sources.openreview import OpenReview
from ingest.live.sources.semantic_scholar import BATCH_FIELDS, BATCH_PATH, SemanticScholar

from .replay import FIXTURES

POLICY = HttpPolicy(min_interval=0)


def context(job: Job, request: PageRequest | None = None) -> PageContext:
    request = request or PageRequest("/x")
    return PageContext(job, request, request.describe("http://replay"), "2026-04-14")


def test_openalex_doi_lookup_body_is_one_work() -> None:
    body = (FIXTURES / "openalex" / "test_doi_search[paper_attributes0]__2.json").read_bytes()
    page = OpenAlex("http://replay", POLICY).parse(b'{"results": [' + body + b"]}",
                                                   context(Job("ids-x", "ids", {"groups": []})))
    assert not page.quarantined and len(page.papers) == 1
    paper = page.papers[0]
    assert paper.doi == "10.1016/j.xgen.2025.100814" and paper.id == "paper:doi:10.1016/j.xgen.2025.100814"
    assert len(paper.authorships) == 6 and all(a.institution_id for a in paper.authorships)


def test_openalex_work_keeps_affiliations_orcids_references_and_the_abstract() -> None:
    body = (FIXTURES / "openalex" / "test_title_search[paper_attributes0]__3.json").read_bytes()
    page = OpenAlex("http://replay", POLICY).parse(body, context(Job("ids-x", "ids", {"groups": []})))
    assert not page.quarantined and len(page.papers) == 1
    paper = page.papers[0]
    work = json.loads(body)["results"][0]
    assert paper.openalex_id == work["id"].rsplit("/", 1)[1]
    assert paper.doi == work["doi"].removeprefix("https://doi.org/")
    assert paper.title == work["title"] and paper.year == work["publication_year"]
    assert len(paper.authorships) == len(work["authorships"])
    orcids = [(a["author"].get("orcid") or "").rsplit("/", 1)[-1] or None for a in work["authorships"]]
    assert [a.orcid for a in paper.authorships] == orcids
    with_ror = [a for a in work["authorships"] if a["institutions"] and a["institutions"][0].get("ror")]
    assert with_ror, "the recording has ROR institutions"
    assert all(i.startswith("inst:ror:") for i in page.institutions)
    assert paper.abstract == rebuild_abstract(work["abstract_inverted_index"])
    assert len(paper.abstract.split()) == 1 + max(p for ps in work["abstract_inverted_index"].values() for p in ps)
    assert paper.references == sorted(f"openalex:{r.rsplit('/', 1)[1]}" for r in work["referenced_works"])
    assert paper.provenance.sources == ["openalex"] and paper.provenance.retrieved_at == "2026-04-14"


def test_openalex_rebuilds_an_inverted_index_in_word_order() -> None:
    assert rebuild_abstract({"systems": [1, 3], "ML": [0], "for": [2]}) == "ML systems for systems"
    assert rebuild_abstract({"a": "not a list"}) is None and rebuild_abstract(None) is None


def test_openalex_list_answer_and_arxiv_doi() -> None:
    body = (FIXTURES / "openalex" / "test_title_search[paper_attributes1]__2.json").read_bytes()
    page = OpenAlex("http://replay", POLICY).parse(body, context(Job("ids", "ids", {"groups": []})))
    assert page.count == 1 and page.total == 1
    assert page.papers[0].arxiv_id == "2312.07559"  # from the 10.48550/arxiv.* DOI
    assert page.papers[0].venue_name == "arXiv"  # "arXiv (Cornell University)"
    in_venue_job = OpenAlex("http://replay", POLICY).parse(body, context(Job("v", "v", {"venue": "MLSys"})))
    assert in_venue_job.papers[0].venue_name == "MLSys"  # found by the venue's source id: the job's venue holds


def test_openalex_picks_the_conference_source_over_a_bigger_journal_with_a_similar_name() -> None:
    sources = json.loads((FIXTURES / "openalex" / "sources_search_mlsys.json").read_text())["results"]
    assert pick_source(sources, "MLSys") == "S4393918830"
    assert pick_source(sources, "SOSP") is None


def test_s2_batch_with_a_null_quarantines_the_unknown_id() -> None:
    body = (FIXTURES / "s2" / "batch_not_found_warning.json").read_bytes()
    asked = ["CorpusId:211530585", "CorpusId:470667", "10.2139/ssrn.2250500",
             "0f40b1f08821e22e859c6050916cec3667778613"]
    request = PageRequest.post_json(BATCH_PATH, (("fields", BATCH_FIELDS),), {"ids": asked})
    page = SemanticScholar("http://replay", POLICY).parse(body, context(Job("ids", "ids", {"ids": asked}), request))
    assert len(page.papers) == 3
    assert [q.reason for q in page.quarantined] == ["no paper for id 'CorpusId:211530585'"]
    paper = page.papers[0]
    assert paper.s2_id == "c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce" and paper.doi == "10.2139/ssrn.288970"
    assert paper.abstract and [a.name for a in paper.authorships][:1] == ["Marianne Bertrand"]
    assert paper.authorships[0].s2_author_id == "81141608"


def test_s2_full_paper_gives_dblp_key_doi_and_references() -> None:
    data = json.loads(gzip.open(FIXTURES / "s2" / "Paper.json.gz").read())
    request = PageRequest.post_json(BATCH_PATH, (("fields", BATCH_FIELDS),), {"ids": [data["paperId"]]})
    page = SemanticScholar("http://replay", POLICY).parse(json.dumps([data]).encode(),
                                                          context(Job("ids", "ids", {"ids": []}), request))
    paper = page.papers[0]
    assert paper.dblp_key == "journals/x/Turing50" and paper.doi == "10.1093/MIND/LIX.236.433"
    assert paper.id == "paper:doi:10.1093/mind/lix.236.433"
    assert len(paper.references) == len({r["paperId"] for r in data["references"] if r.get("paperId")})


def test_s2_bulk_search_page_has_a_continuation_token() -> None:
    body = (FIXTURES / "s2" / "search_bulk_kubernetes.json").read_bytes()
    job = Job("v", "v", {"venue": "MLSys", "years": [2018, 2025]})
    request = PageRequest("/graph/v1/paper/search/bulk")
    page = SemanticScholar("http://replay", POLICY).parse(body, context(job, request))
    assert page.next_cursor and page.next_cursor.startswith("PCOKWVSKJJGM")
    assert page.count == 1000 and len(page.papers) + len(page.quarantined) == 1000
    assert page.total == 2674


def test_s2_null_values_are_tolerated() -> None:
    body = (FIXTURES / "s2" / "PaperWithNullValues.json").read_bytes()
    page = SemanticScholar("http://replay", POLICY).parse(b"[" + body + b"]",
                                                          context(Job("ids", "ids", {"ids": []}),
                                                                  PageRequest(BATCH_PATH)))
    assert [q.reason for q in page.quarantined] == ["unparsable record (ValueError: empty title)"]


def test_arxiv_feed_entry() -> None:
    body = (FIXTURES / "arxiv" / "id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.atom.xml").read_bytes()
    request = PageRequest("/api/query", (("id_list", "0808.05394,1707.08567"),))
    page = ArXiv("http://replay", POLICY).parse(body, context(Job("ids", "ids", {"ids": []}), request))
    paper = page.papers[0]
    assert paper.arxiv_id == "1707.08567" and paper.id == "paper:arxiv:1707.08567"
    assert paper.title.startswith("Proceedings of Workshop AEW10") and paper.year == 2017
    assert len(paper.authorships) == 34 and paper.venue_name == "arXiv"
    assert page.extra["categories"] == {"1707.08567": ["cs.IT"]}
    # 0808.05394 is well formed but unknown to arXiv: quarantined, not silently dropped
    assert [(q.reason, q.raw) for q in page.quarantined] == [("arXiv returned no entry for this id", "0808.05394")]


def test_arxiv_error_feed_and_empty_feed() -> None:
    job = Job("ids", "ids", {"ids": []})
    error = ArXiv("http://replay", POLICY).parse((FIXTURES / "arxiv" / "id_abc_s0_m100_b79c8dcf6bc3.atom.xml")
                                                 .read_bytes(), context(job))
    assert error.papers == [] and error.quarantined[0].reason == "arXiv error: incorrect id format for abc"
    empty = ArXiv("http://replay", POLICY).parse((FIXTURES / "arxiv" / "id_0000.0000_s0_m100_8b51d9633a68.atom.xml")
                                                 .read_bytes(), context(job))
    assert empty.count == 0 and empty.total == 0


def test_arxiv_old_style_ids_and_malformed_ids_are_quarantined_before_any_request() -> None:
    body = (FIXTURES / "arxiv" / "id_astro-ph_0601001_s0_m100_3150dca9dc76.atom.xml").read_bytes()
    page = ArXiv("http://replay", POLICY).parse(body, context(Job("ids", "ids", {"ids": []})))
    assert page.papers[0].arxiv_id == "astro-ph/0601001"
    (job,) = ArXiv.ids_jobs(["1707.08567", "abc", "2104.12255v1"])
    assert job.params["ids"] == ["1707.08567", "2104.12255"]
    assert [q.raw for q in ArXiv("http://replay", POLICY).rejected(job)] == ["abc"]


@pytest.mark.parametrize("body", [b"<html><body>Rate limited</body></html>", b"<feed><entry>", b"",
                                  b"<?xml version='1.0'?><rss/>"])
def test_arxiv_unusable_bodies_are_bad_pages(body: bytes) -> None:
    with pytest.raises(BadPage):
        ArXiv("http://replay", POLICY).parse(body, context(Job("ids", "ids", {"ids": []})))


def test_dblp_search_json() -> None:
    body = (FIXTURES / "dblp" / "search_mlsys_2024.json").read_bytes()
    page = Dblp("http://replay", POLICY).parse(body, context(Dblp.venue_job("MLSys", 2024)))
    assert page.total == 5 and page.count == 5 and page.skipped == 1  # the Editorship volume
    by_key = {p.dblp_key: p for p in page.papers}
    awq = by_key["conf/mlsys/LinTTYCWXDGH24"]
    assert awq.title.endswith("Compression and Acceleration")  # DBLP's trailing period dropped
    assert awq.authorships[0].name == "Ji Lin" and awq.authorships[0].dblp_pid == "120/0001"
    assert by_key["conf/mlsys/ChenYWZCK24"].doi == "10.99999/replay.punica"  # DOI found in an `ee` list
    assert [a.name for a in by_key["conf/mlsys/Zhao24"].authorships] == ["Yilong Zhao"]  # one author: an object
    assert {p.venue_name for p in page.papers} == {"MLSys"}


def test_dblp_dump_stream_with_external_dtd_and_entities(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "dblp" / "dblp.dtd", tmp_path / "dblp.dtd")
    with gzip.open(tmp_path / "dblp.xml.gz", "wb") as out:
        out.write((FIXTURES / "dblp" / "dblp_excerpt.xml").read_bytes())
    items = list(read_dump(tmp_path / "dblp.xml.gz", ["MLSys", "SOSP"], (2020, 2025), "2026-04-14"))
    papers = {p.dblp_key: p for p in items if isinstance(p, Paper)}
    assert set(papers) == {"conf/mlsys/LinTTYCWXDGH24", "conf/mlsys/FrantarA24", "conf/sosp/ReplayG23"}
    assert [a.name for a in papers["conf/sosp/ReplayG23"].authorships] == ["René Müller", "Ana Gómez"]
    assert papers["conf/mlsys/LinTTYCWXDGH24"].title.endswith("On-Device LLM Compression and Acceleration")
    assert papers["conf/mlsys/LinTTYCWXDGH24"].authorships[0].orcid == "0000-0000-0000-0001"
    assert papers["conf/mlsys/FrantarA24"].doi == "10.99999/replay.qmoe"
    (bad,) = [q for q in items if isinstance(q, Quarantined)]
    assert bad.locator.endswith("conf/sosp/ReplayEmpty23") and "empty title" in bad.reason


def test_dblp_dump_reads_the_real_legacy_excerpt() -> None:
    items = list(read_dump(FIXTURES / "dblp" / "legacy_dblp_xml_sample.xml", None, None, "2026-04-14"))
    papers = [p for p in items if isinstance(p, Paper)]
    assert len(papers) == 20 and not [q for q in items if isinstance(q, Quarantined)]
    assert any(a.name == "André Berton" for p in papers for a in p.authorships)  # &eacute; from the inline DTD
    assert {p.doi for p in papers if p.doi} >= {"10.1007/978-3-642-27663-7_5"}


def test_openreview_v2_notes() -> None:
    body = (FIXTURES / "openreview" / "notes_mlsys_2025.json").read_bytes()
    page = OpenReview("http://replay", POLICY).parse(body, context(OpenReview.venue_job("MLSys", 2025)))
    assert page.total == 3 and len(page.papers) == 2
    first = page.papers[0]
    assert first.id == "paper:openreview:rEpLaYmLs01" and first.year == 2025 and first.venue_name == "MLSys"
    assert [a.openreview_id for a in first.authorships] == ["~Ada_Replay1", "~Bo_Fixture2", None]  # e-mail: no id
    assert first.abstract and first.url == "https://openreview.net/forum?id=rEpLaYmLs01"
    assert "empty title" in page.quarantined[0].reason
