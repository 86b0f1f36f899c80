"""Search that finds what people mean: whole words, ranked, the people behind a query, consistent counts,
and the same answers from `mlsys-atlas search` - on the small real build."""

from __future__ import annotations

import json
import re

import pytest
from apphelpers import assert_clean, open_page, texts

from atlas_cli.main import main
from graph import explore
from graph.analytics.projections import projection
from graph.falkor_store import FalkorStore
from graph.ids import fold
from graph.search import PaperSearch, paper_search, rank_named, stem, words


@pytest.fixture()
def index(atlas_env: FalkorStore) -> PaperSearch:
    names = {t["label"]: t.get("name") or t["label"] for t in explore.topics(atlas_env)}
    return paper_search(projection(atlas_env), names)


def test_words_are_whole_and_plurals_fold() -> None:
    assert words("Serving LLMs: Preserving Policies") == ["serving", "llm", "preserving", "policy"]
    assert stem("analysis") == "analysis" and stem("process") == "process"


def test_serving_never_matches_preserving(index: PaperSearch) -> None:
    """A title match is a whole word; "Privacy-preserving ..." comes only through a serving topic tag, and says so."""
    hits = index.search("serving")
    assert hits
    for hit in hits:
        if hit.matched != "title and topics":
            assert re.search(r"\bservings?\b", fold(hit.title)), hit.title
        else:
            assert "inference_serving" in hit.topics, hit


def test_phrase_matches_rank_first(index: PaperSearch) -> None:
    hits = index.search("distributed training")
    assert hits and hits[0].matched == "title phrase"
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_people_are_ranked_by_their_papers_on_the_query(index: PaperSearch) -> None:
    people = index.people("LLM serving", limit=10)
    assert people, "nobody publishes on LLM serving in the small build"
    hits = {h.id: h for h in index.search("LLM serving")}
    for person in people:  # every count is the number of the person's papers among the hits
        mine = [pid for pid in hits if person.id in index._by_id[pid].authors]
        assert person.papers == len(mine) and person.total_papers >= person.papers
    assert [p.score for p in people] == sorted((p.score for p in people), reverse=True)


def test_search_page_lists_people_publishing_on_a_topic_with_consistent_counts(atlas_env: FalkorStore) -> None:
    at = open_page("pages/search.py", q="LLM serving")
    assert_clean(at)
    assert "Publishing on “LLM serving”" in texts(at)
    found = next(c.value for c in at.caption if c.value.startswith("Found "))
    people_tab = next(t.label for t in at.tabs if t.label.startswith("People ("))
    assert re.search(r"Found ([\d,]+) (people|person)", found).group(1) == people_tab[len("People ("):-1]


def test_tab_counts_are_written_as_the_found_line_writes_them(atlas_env: FalkorStore) -> None:
    """"Found 1,459 papers" above a tab "Papers (1459)": the tabs write their counts with separators too."""
    at = open_page("pages/search.py", q="learning")
    assert_clean(at)
    found = next(c.value for c in at.caption if c.value.startswith("Found "))
    papers = re.search(r"([\d,]+) papers?\b", found).group(1)
    assert int(papers.replace(",", "")) >= 1000, "the small build has over a thousand papers on learning"
    assert f"Papers ({papers})" in [t.label for t in at.tabs], ([t.label for t in at.tabs], found)


def test_a_name_is_not_corrected_into_a_title_word(atlas_env: FalkorStore) -> None:
    at = open_page("pages/search.py", q="tianqi")
    assert_clean(at)
    assert "showing results for" not in texts(at)


def test_cli_search_json(atlas_env: FalkorStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "LLM serving", "--json", "--limit", "5"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["query"] == "LLM serving" and result["papers_total"] >= len(result["papers"]) > 0
    assert result["people_publishing"] and all(p["papers"] >= 1 for p in result["people_publishing"])


def test_cli_search_names_people_through_the_index(atlas_env: FalkorStore,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "zaharia matei", "--json"]) == 0  # word order and case do not matter
    result = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in result["people_named"]][:1] == ["Matei Zaharia"] and not result["did_you_mean"]
    assert main(["search", "Matie Zaharai", "--json"]) == 0  # two typos: nobody named so; a suggestion instead
    result = json.loads(capsys.readouterr().out)
    assert not result["people_named"] and "Matei Zaharia" in [p["name"] for p in result["did_you_mean"]]


def test_cli_search_writes_1_paper_not_1_papers(atlas_env: FalkorStore, capsys: pytest.CaptureFixture[str]) -> None:
    from collections import Counter

    proj = projection(atlas_env)
    named = Counter(proj.name(author) for author in proj.author_papers)
    name = next(proj.name(author) for author, papers in sorted(proj.author_papers.items())
                if len(papers) == 1 and named[proj.name(author)] == 1 and len(proj.name(author).split()) > 1)
    assert main(["search", name]) == 0
    shown = capsys.readouterr().out
    assert f"{name}  (1 paper)  author:" in shown and "(1 papers)" not in shown, shown


def test_rank_named_puts_the_name_as_typed_first() -> None:
    rows = [{"id": "author:ww", "name": "Weiwei Zhang", "papers": 40, "aliases": []},
            {"id": "author:wa", "name": "Wei A. Zhang", "papers": 30, "aliases": []},
            {"id": "author:w", "name": "Wei Zhang", "papers": 2, "aliases": []},
            {"id": "author:zw", "name": "Zhang Weiming", "papers": 50, "aliases": ["Wei Zhang"]}]
    ranked = rank_named(rows, "Wei Zhang")
    assert [m.id for m in ranked] == ["author:zw", "author:w", "author:ww", "author:wa"]  # alias as typed counts
    assert all(m.exact for m in ranked) and ranked[1].weight == 2


def test_search_page_names_people_from_the_store_index(atlas_env: FalkorStore) -> None:
    """The people named like the query are the store's full-text answer (fast at any size), ranked name-first."""
    at = open_page("pages/search.py", q="zaharia matei")
    assert_clean(at)
    person_links = [str(el.proto.label) for el in at.get("page_link") if "paper" in str(el.proto.label)]
    expected = rank_named(atlas_env.search_people("zaharia matei", 100), "zaharia matei")
    assert expected and person_links[0].startswith(expected[0].name) and "similar spelling" not in person_links[0]
    assert "No exact match" not in texts(at)


def test_search_page_suggests_close_spellings_when_no_name_matches(atlas_env: FalkorStore) -> None:
    assert atlas_env.search_people("Matie Zaharai") == []  # the index finds nobody: the fuzzy tier answers
    at = open_page("pages/search.py", q="Matie Zaharai")
    assert_clean(at)
    assert "No exact match for “Matie Zaharai”" in texts(at) and "Matei Zaharia" in texts(at)
