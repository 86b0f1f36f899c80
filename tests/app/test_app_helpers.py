"""The explorer's non-Streamlit helpers: fuzzy search, links, exports and escaping."""

from __future__ import annotations

import csv
import io
import re

import networkx as nx
from hostile import HOSTILE_TITLE
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from graph.explore import GraphView, paper_links, safe_url, venue_mix
from graph.exports import bibtex, graphml, rows_to_csv
from graph.search import NameIndex, TitleVocabulary
from ui.text import escape_markdown

PEOPLE = [
    {"id": "a1", "name": "José García", "key": "jose garcia | j garcia", "papers": 12},
    {"id": "a2", "name": "Joseph Gonzalez", "key": "joseph gonzalez", "papers": 40},
    {"id": "a3", "name": "Wei Wang", "key": "wei wang", "papers": 30},
    {"id": "a4", "name": "Wei Wang", "key": "wei wang", "papers": 3},
]


def test_name_index_ranks_phrase_then_words_then_fuzzy() -> None:
    index = NameIndex(PEOPLE, weight_field="papers")
    assert [m.id for m in index.search("jose")][:1] == ["a1"]  # whole word beats "joseph" despite fewer papers
    assert index.search("GARCIA José")[0].id == "a1"  # order, case and accents
    assert index.search("j garcia")[0].id == "a1"  # aliases are searchable
    fuzzy = index.search("Josef Gonzales")
    assert fuzzy[0].id == "a2" and fuzzy[0].how == "fuzzy"
    assert index.search("zzzz qqqq") == []


def test_name_index_reports_namesakes_heaviest_first() -> None:
    index = NameIndex(PEOPLE, weight_field="papers")
    assert [m.id for m in index.exact_name("wei wang")] == ["a3", "a4"]
    assert index.suggest("Wie Wang", 3)[0].name == "Wei Wang"
    assert index.name_of("a2") == "Joseph Gonzalez" and index.name_of("nope") is None


@settings(max_examples=200, deadline=None)
@given(names=st.lists(st.lists(st.sampled_from(["an", "ana", "li", "lin", "na", "wei", "x"]), min_size=1,
                               max_size=4).map(" ".join), min_size=1, max_size=30),
       query=st.lists(st.sampled_from(["an", "a", "li", "n", "wei", "na x", "i"]), min_size=1, max_size=3)
       .map(" ".join))
def test_name_index_finds_every_name_holding_the_query_words(names: list[str], query: str) -> None:
    """The word matches are found through one joined string of all names (graph/search.py `_holding`): the
    same people as testing every name, whichever name holds the word, first, last or twice; the fuzzy ones
    with the same scores as rapidfuzz's token_sort_ratio."""
    index = NameIndex([{"id": f"a{i}", "name": name, "papers": i} for i, name in enumerate(names)],
                      weight_field="papers")
    words = query.split()
    expected = {f"a{i}" for i, name in enumerate(names) if all(w in name for w in words)}
    found = index.search(query, limit=len(names), fuzzy=False)
    assert {m.id for m in found} == expected
    assert all(m.how == ("phrase" if query in names[int(m.id[1:])] else "words") for m in found)
    # fuzzy matching compares pre-sorted words with `ratio`: the same scores and order as token_sort_ratio
    for cutoff in (0, 60, 80):
        assert ([(score, at) for _, score, at in index._fuzzy(query, 10, cutoff)]
                == [(score, at) for _, score, at in process.extract(query, index._keys, scorer=fuzz.token_sort_ratio,
                                                                    processor=None, limit=10, score_cutoff=cutoff)])


def test_title_vocabulary_corrects_typos_word_by_word() -> None:
    vocab = TitleVocabulary(["distributed training at scale", "training large models", "llm serving"])
    assert vocab.correct("distribted trainig") == "distributed training"
    assert vocab.correct("llm serving") is None


def test_safe_url_only_lets_http_through() -> None:
    assert safe_url("https://openreview.net/forum?id=x") == "https://openreview.net/forum?id=x"
    for bad in ("javascript:alert(1)", "data:text/html,<script>", "//evil", "", None, "https:"):
        assert safe_url(bad) is None
    links = dict(paper_links({"url": "javascript:alert(1)", "doi": "10.1/x(y)", "openreview_id": "a b"}))
    assert "Publisher / source page" not in links
    assert links["DOI"] == "https://doi.org/10.1/x%28y%29"
    assert links["OpenReview"] == "https://openreview.net/forum?id=a%20b"


def test_venue_mix_shares_add_up() -> None:
    papers = [{"community": "systems", "venue": "OSDI"}, {"community": "ml", "venue": "ICML"},
              {"community": "ml", "venue": "ICLR"}, {"community": None, "venue": "X"}]
    mix = {row["community"]: row for row in venue_mix(papers)}
    assert mix["ML"]["papers"] == 2 and mix["ML"]["share"] == 0.5
    assert abs(sum(row["share"] for row in mix.values()) - 1) < 1e-9


def test_csv_defuses_formulas_and_round_trips() -> None:
    rows = [{"title": "=HYPERLINK(\"http://evil\")", "n": -3, "names": ["a", "b"]}, {"title": "plain", "n": 2}]
    text = rows_to_csv(rows).decode("utf-8-sig")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert parsed[0]["title"].startswith("'=")
    assert parsed[0]["n"] == "-3" and parsed[0]["names"] == "a; b"
    assert parsed[1] == {"title": "plain", "n": "2", "names": ""}


def test_graphml_opens_in_networkx() -> None:
    view = GraphView()
    view.add_node("a1", "Author", HOSTILE_TITLE, weight=3)
    view.add_node("p1", "Paper", "A & B <c>", weight=0)
    view.add_edge("a1", "p1", "AUTHORED", years=[2020, 2021])
    graph = nx.read_graphml(io.BytesIO(graphml(view)))
    assert graph.nodes["a1"]["name"] == HOSTILE_TITLE
    assert graph.nodes["p1"]["kind"] == "Paper"
    assert graph.number_of_edges() == 1


def test_bibtex_escapes_latex_and_keeps_keys_unique() -> None:
    papers = [{"id": "p1", "title": "50% faster {GPU} kernels & more_stuff", "year": 2023, "venue": "MLSys",
               "venue_full_name": "Conference on Machine Learning and Systems", "doi": "10.1/x_y"},
              {"id": "p2", "title": "Faster kernels again", "year": 2023, "venue": "arXiv", "arxiv_id": "2301.1"}]
    authors = {"p1": ["Zoë Müller", "Bo Li"], "p2": ["Zoe Muller"]}
    text = bibtex(papers, authors)
    assert "@inproceedings{muller2023mlsys-faster," in text and "@misc{muller2023arxiv-faster," in text
    text = bibtex([*papers, {**papers[0], "id": "p3"}], {**authors, "p3": ["Zoe Muller"]})
    assert "muller2023mlsys-fastera" in text  # a clashing key is made unique
    assert r"50\% faster \{GPU\} kernels \& more\_stuff" in text
    assert "author = {Zoë Müller and Bo Li}" in text
    assert text.count("{") == text.count("}") + text.count(r"\}") - text.count(r"\{")


def test_escape_markdown_neutralises_every_active_character() -> None:
    escaped = escape_markdown("[x](javascript:alert(1)) **b** $x$ :red[r] <img src=x>\nnext")
    unescaped = re.findall(r"(?<!\\)[\[\]()*$:<>]", escaped)
    assert unescaped == [], unescaped
    assert "\n" not in escaped
    assert escape_markdown("a" * 50, max_len=10).endswith("…")


def test_csv_records_leave_missing_cells_empty() -> None:
    import pandas as pd

    from graph.exports import rows_to_csv
    from ui.text import csv_records

    frame = pd.DataFrame([{"name": "A", "year": 2020.0, "country": None}, {"name": "B", "year": None, "country": "US"}])
    text = rows_to_csv(csv_records(frame)).decode("utf-8-sig")
    assert "nan" not in text.lower() and "None" not in text
    assert text.splitlines()[1:] == ["A,2020.0,", "B,,US"]
