"""Every explorer page, driven through the real app (navigation, sidebar, error boundary)
against the small real build: the happy path, deep links, and the unhappy inputs."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from apphelpers import assert_clean, open_page, texts

from graph import profiles
from graph.falkor_store import FalkorStore
from graph.tex import plain_text

ALL_PAGES = ["pages/home.py", "pages/search.py", "pages/person.py", "pages/paper.py", "pages/institution.py",
             "pages/graph_explorer.py", "pages/connect.py", "pages/collaborators.py", "pages/topics.py",
             "pages/overlap.py", "pages/program_committee.py", "pages/data.py"]


def top_author(store: FalkorStore, name: str) -> dict:
    return max(store.search_authors(name), key=lambda r: r["papers"])


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_renders_without_parameters(atlas_env: FalkorStore, page: str) -> None:
    at = open_page(page)
    assert_clean(at)
    assert at.title, f"{page} has no title"


def test_home_shows_what_is_in_the_graph(atlas_env: FalkorStore) -> None:
    at = open_page()
    assert_clean(at)
    counts = atlas_env.counts()["nodes"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Papers"] == f"{counts['Paper']:,}"
    assert metrics["People"] == f"{counts['Author']:,}"
    sources = at.dataframe[0].value
    assert {"mlsys_seed_s2", "sysconf"} <= set(sources["source"])
    assert "Built" in texts(at)  # the last build report is shown
    assert len(at.dataframe) == 1  # the coverage table is sent once its expander is open
    at.session_state["coverage-table"] = True
    at.run()
    assert_clean(at)
    assert {"venue", "status"} <= set(at.dataframe[1].value.columns)
    assert "Coverage per venue and year (CSV)" in {b.label for b in at.get("download_button")}


def test_home_search_box_opens_search(atlas_env: FalkorStore) -> None:
    at = open_page()
    at.text_input(key="home_q").input("Tianqi Chen")
    at.button(key="home_go").click().run()
    assert_clean(at)
    assert at.title[0].value == "Search"
    assert "Tianqi Chen" in texts(at)


@pytest.mark.parametrize("query", ["tianqi chen", "CHEN Tianqi", "Tiànqí Chén", "Tianqi Chn"])
def test_search_finds_people_whatever_the_case_accents_order_or_typo(atlas_env: FalkorStore, query: str) -> None:
    at = open_page("pages/search.py", q=query)
    assert_clean(at)
    assert "Tianqi Chen" in texts(at)


def test_search_paper_facets_filter_by_venue_and_year(atlas_env: FalkorStore) -> None:
    at = open_page("pages/search.py", q="serving", venue=["OSDI"], years=["2018", "2023"])
    assert_clean(at)
    table = at.dataframe[-1].value
    assert len(table) > 0
    assert set(table["venue"]) == {"OSDI"}
    assert table["year"].between(2018, 2023).all()


def test_search_corrects_a_misspelt_title_query(atlas_env: FalkorStore) -> None:
    at = open_page("pages/search.py", q="distribted trainig")
    assert_clean(at)
    assert "showing results for “distributed training”" in texts(at)


def test_search_with_no_match_says_so(atlas_env: FalkorStore) -> None:
    at = open_page("pages/search.py", q="qqxxzzvv")
    assert_clean(at)
    assert any("Nothing matches" in w.value for w in at.warning)


def test_person_profile_by_id(atlas_env: FalkorStore) -> None:
    person = top_author(atlas_env, "Tianqi Chen")
    at = open_page("pages/person.py", author=person["id"])
    assert_clean(at)
    assert at.title[0].value == "Tianqi Chen"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Papers"] == str(person["papers"])
    assert metrics["Background"] in {"Systems", "ML", "Both", "Neither"}  # from graph.analytics


def test_person_tabs_are_deep_linkable_and_downloadable(atlas_env: FalkorStore) -> None:
    person = top_author(atlas_env, "Tianqi Chen")
    at = open_page("pages/person.py", author=person["id"], tab="Papers")
    assert_clean(at)
    downloads = {b.label: b for b in at.get("download_button")}
    assert {"Papers (CSV)", "BibTeX"} <= set(downloads)
    assert len(at.dataframe[0].value) == person["papers"]
    at = open_page("pages/person.py", author=person["id"], tab="Co-authors")
    assert_clean(at)
    coauthors = {c["name"] for c in atlas_env.coauthors(person["id"])}
    assert coauthors == set(at.dataframe[0].value["name"])
    at = open_page("pages/person.py", author=person["id"], tab="Network")
    assert_clean(at)
    assert "Network (GraphML)" in {b.label for b in at.get("download_button")}
    at = open_page("pages/person.py", author=person["id"], tab="Identity")
    assert_clean(at)
    assert "Merge confidence" in texts(at)


def test_person_by_ambiguous_or_unknown_name_gets_help(atlas_env: FalkorStore) -> None:
    at = open_page("pages/person.py", author="Zaharia")
    assert_clean(at)
    assert "Closest matches" in texts(at) or "called" in texts(at)
    assert "Matei Zaharia" in texts(at)
    at = open_page("pages/person.py", author="Matie Zaharia")
    assert_clean(at)
    assert "Matei Zaharia" in texts(at)
    at = open_page("pages/person.py", author="author:0000000000000000")
    assert_clean(at)
    assert any("No person with id" in w.value for w in at.warning)


def namesakes(store: FalkorStore, name: str) -> dict[str, str]:
    """Author id -> its one-line profile, for every person of this exact name, from the store itself."""
    rows = store.read("MATCH (a:Author) WHERE a.name = $name RETURN a.id AS id", {"name": name})
    return {r["id"]: profiles.one_line(profiles.profile(store, r["id"]) or {}) for r in rows}


def test_namesakes_offered_on_the_person_page_are_told_apart_by_their_profiles(atlas_env: FalkorStore) -> None:
    """'2 people are called Song Han. Pick one' must say which is which (years, affiliation, venues), not only
    how many papers each has: each link is followed by its own person's line."""
    lines = namesakes(atlas_env, "Tianqi Chen")
    assert len(lines) >= 2 and len(set(lines.values())) == len(lines), "the small build's namesakes differ"
    at = open_page("pages/person.py", author="Tianqi Chen")
    assert_clean(at)
    assert any("people are called" in w.value for w in at.warning)
    links = [el.proto for el in at.get("page_link") if el.proto.label.startswith("Tianqi Chen")]
    assert {dict(q.split("=", 1) for q in link.query_string.split("&"))["author"].replace("%3A", ":")
            for link in links} == set(lines)
    captions = [c.value.replace("\\", "") for c in at.caption]
    for author_id, line in lines.items():
        assert line.replace("\\", "") in captions, (author_id, line, captions)


def test_the_person_picker_labels_namesakes_with_their_profiles(atlas_env: FalkorStore) -> None:
    lines = namesakes(atlas_env, "Tianqi Chen")
    at = open_page("pages/connect.py", **{"from": "Tianqi Chen"})
    assert_clean(at)
    choice = next(box for box in at.selectbox if box.label.startswith("Which person"))
    for author_id, line in lines.items():
        assert line in choice.format_func(author_id), (author_id, choice.format_func(author_id))


def test_an_affiliation_of_one_year_is_drawn_as_a_bar(atlas_env: FalkorStore) -> None:
    """The Person page's affiliation timeline: a bar per institution from its first to its last year. On a
    year-by-year axis a one-year affiliation was a bar of no width, so it did not show."""
    import pyarrow as pa

    def years_at(author_id: str) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for row in atlas_env.author_institutions(author_id):
            if row.get("year") is not None:
                found.setdefault(row["id"], set()).add(row["year"])
        return found

    people = atlas_env.read("MATCH (a:Author)-[:AFFILIATED_WITH]->(:Institution) RETURN DISTINCT a.id AS id "
                            "ORDER BY id LIMIT 500")
    one_year = next(r["id"] for r in people if any(len(years) == 1 for years in years_at(r["id"]).values()))
    at = open_page("pages/person.py", author=one_year, tab="Institutions")
    assert_clean(at)
    (chart,) = [el.proto for el in at.get("vega_lite_chart")]
    frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.datasets]
    spans = next(frame for frame in frames if {"start", "end"} <= set(frame.columns))
    assert len(spans) == len(years_at(one_year))
    assert (spans["end"] - spans["start"] >= 0.8).all(), spans[["name", "start", "end"]]


def test_the_person_page_counts_the_papers_printing_each_affiliation(atlas_env: FalkorStore) -> None:
    """Beside each affiliation, how many of the person's papers print it: one is weak evidence."""
    row = atlas_env.read("MATCH (a:Author)-[r:AUTHORED]->(:Paper) WHERE r.institution_id IS NOT NULL "
                         "WITH a, count(*) AS n, count(DISTINCT r.institution_id) AS k WHERE k >= 2 "
                         "RETURN a.id AS id ORDER BY n DESC, id LIMIT 1")[0]
    expected = {}
    for r in atlas_env.read("MATCH (:Author {id: $id})-[r:AUTHORED]->(:Paper) WHERE r.institution_id IS NOT NULL "
                            "MATCH (i:Institution {id: r.institution_id}) RETURN i.name AS name, count(*) AS n",
                            {"id": row["id"]}):
        expected[r["name"]] = r["n"]
    at = open_page("pages/person.py", author=row["id"], tab="Institutions")
    assert_clean(at)
    (table,) = [d.value for d in at.dataframe if "printed" in d.value.columns]
    shown = dict(zip(table["name"], table["printed"], strict=True))
    assert {name: n for name, n in shown.items() if n} == expected


def test_paper_page_shows_authors_topics_and_provenance(atlas_env: FalkorStore) -> None:
    row = atlas_env.read("MATCH (p:Paper)-[:HAS_TOPIC]->(:Topic) WHERE p.venue = 'MLSys' "
                         "RETURN p.id AS id, p.title AS title LIMIT 1")[0]
    at = open_page("pages/paper.py", paper=row["id"])
    assert_clean(at)
    assert at.title[0].value.replace("\\", "") == row["title"]
    topics = at.dataframe[0].value
    assert len(topics) >= 1 and topics["score"].between(0, 1).all()
    assert "Sources" in texts(at)
    at = open_page("pages/paper.py", paper="paper:doi:does-not-exist")
    assert_clean(at)
    assert at.warning


def test_paper_page_links_the_institutions_its_authors_printed(atlas_env: FalkorStore) -> None:
    """Each printed affiliation that resolved to an institution links to its page, once."""
    row = atlas_env.read("MATCH (a:Author)-[e:AUTHORED]->(p:Paper) WHERE e.institution_id IS NOT NULL "
                         "WITH p, collect(DISTINCT e.institution_id) AS ids WHERE size(ids) >= 2 "
                         "RETURN p.id AS id, ids ORDER BY p.id LIMIT 1")[0]
    at = open_page("pages/paper.py", paper=row["id"])
    assert_clean(at)
    params = [parse_qs(link.proto.query_string) for link in at.get("page_link")]
    linked = [q["institution"][0] for q in params if "institution" in q]
    assert sorted(linked) == sorted(row["ids"]) and len(linked) == len(set(linked))


def test_titles_written_in_latex_are_shown_as_text(atlas_env: FalkorStore) -> None:
    """"$k$-means" reads as "k-means" in a heading and a table, not as the LaTeX source."""
    row = atlas_env.read("MATCH (p:Paper) WHERE p.title CONTAINS '$' AND p.title CONTAINS '\\\\' "
                         "RETURN p.id AS id, p.title AS title ORDER BY p.id LIMIT 1")[0]
    shown = plain_text(row["title"])
    assert "$" not in shown and "\\" not in shown
    at = open_page("pages/paper.py", paper=row["id"])
    assert_clean(at)
    assert at.title[0].value.replace("\\", "") == shown.replace("\\", "")
    words = " ".join(w for w in shown.split() if w.isalpha() and len(w) > 3)
    at = open_page("pages/search.py", q=words)
    assert_clean(at)
    titles = [title for frame in at.dataframe if "title" in frame.value.columns for title in frame.value["title"]]
    assert shown in titles and row["title"] not in titles, titles[:5]


def test_institution_page_lists_people(atlas_env: FalkorStore) -> None:
    inst = atlas_env.search_institutions("berkeley")[0]
    at = open_page("pages/institution.py", institution=inst["id"])
    assert_clean(at)
    assert len(at.dataframe[0].value) > 0


def test_graph_explorer_expands_neighbourhoods(atlas_env: FalkorStore) -> None:
    person = top_author(atlas_env, "Ion Stoica")
    at = open_page("pages/graph_explorer.py", node=person["id"])
    assert_clean(at)
    nodes = at.dataframe[0].value
    assert len(nodes) > 5 and "Ion Stoica" in set(nodes["name"])
    at = open_page("pages/graph_explorer.py", node=person["id"], mode="Everything", rel=["AFFILIATED_WITH"])
    assert_clean(at)
    kinds = set(at.dataframe[0].value["kind"])
    assert kinds == {"Author", "Institution"}


def test_data_page_sources_quarantine_and_provenance(atlas_env: FalkorStore) -> None:
    at = open_page("pages/data.py")
    assert_clean(at)
    sources = at.table[0].value  # a plain table (ui.widgets.plain_table)
    assert "Licence" in sources.columns and sources["Licence"].notna().all()
    assert "Provenance of the bundled snapshot" not in texts(at)  # sent once its expander is open
    at.session_state["provenance-md"] = True
    at.run()
    assert_clean(at)
    assert "Provenance of the bundled snapshot" in texts(at)
    at = open_page("pages/data.py", tab="Quarantined")
    assert_clean(at)
    quarantined = at.dataframe[0].value
    assert len(quarantined) > 0 and quarantined["reason"].str.len().gt(0).all()
    person = top_author(atlas_env, "Ion Stoica")
    at = open_page("pages/data.py", node=person["id"])  # a provenance link opens its tab
    assert_clean(at)
    body = texts(at)
    assert "Ion Stoica" in body and "Author" in body
    assert "sources" in set(at.dataframe[0].value["property"])


@pytest.mark.parametrize(("page", "param"), [("pages/graph_explorer.py", "node"), ("pages/person.py", "author"),
                                             ("pages/data.py", "node")])
def test_person_deep_links_accept_a_name(atlas_env: FalkorStore, page: str, param: str) -> None:
    at = open_page(page, **{param: "Luis Ceze"})
    assert_clean(at)
    assert "Luis Ceze" in texts(at) + " ".join(t.value for t in at.title)


def test_data_deep_link_by_a_shared_name_offers_each_person(atlas_env: FalkorStore) -> None:
    """Provenance by name: one person opens at once (above); namesakes get one link each, never a guess."""
    at = open_page("pages/data.py", node="Tianqi Chen")  # three people in the small build
    assert_clean(at)
    assert "Several are called" in texts(at)
    assert len([link for link in at.get("page_link") if "Tianqi Chen" in link.proto.label]) >= 2


def test_institution_deep_link_accepts_a_name(atlas_env: FalkorStore) -> None:
    inst = atlas_env.search_institutions("University of Washington")[0]
    at = open_page("pages/institution.py", institution=inst["name"])
    assert_clean(at)
    assert at.title[0].value == inst["name"]


@pytest.mark.parametrize(("label", "page", "param"), [("Author", "pages/person.py", "author"),
                                                      ("Paper", "pages/paper.py", "paper"),
                                                      ("Author", "pages/graph_explorer.py", "node")])
def test_deep_links_with_an_id_of_id_scheme_1_open_the_node(atlas_env: FalkorStore, label: str, page: str,
                                                              param: str) -> None:
    """Links saved before id scheme 2 (graph/ids.py) still open the page of the node that now holds the id."""
    rows = atlas_env.read(f"MATCH (n:{label}) WHERE size(n.id_aliases) > 0 "
                          "RETURN n.id AS id, n.id_aliases[0] AS old, coalesce(n.name, n.title) AS name "
                          "ORDER BY id LIMIT 1")
    assert rows, f"the small snapshot has {label} nodes whose id changed with id scheme 2"
    at = open_page(page, **{param: rows[0]["old"]})
    assert_clean(at)
    shown = (texts(at) + " ".join(t.value for t in at.title)).replace("\\", "")  # markdown escapes
    assert rows[0]["name"] in shown


def test_a_latest_affiliation_older_than_the_persons_papers_says_so(atlas_env: FalkorStore) -> None:
    """'MIT (2018)' beside 'Active 2018–2025' read as if the person had left: the page says how many later papers
    record no affiliation, and says nothing of the kind where the latest affiliation is of the last year."""
    rows = atlas_env.read("MATCH (a:Author)-[:AUTHORED]->(p:Paper) WHERE a.latest_year IS NOT NULL "
                          "WITH a, max(p.year) AS last, count(CASE WHEN p.year > a.latest_year THEN 1 END) "
                          "AS later RETURN a.id AS id, a.latest_year AS year, last, later ORDER BY later DESC, id")
    older = rows[0]
    assert older["later"] > 0  # the small build has such a person
    at = open_page("pages/person.py", author=older["id"])
    assert_clean(at)
    note = f"no affiliation recorded for their {older['later']} later paper"
    assert f"({older['year']}); {note}" in texts(at)
    current = next(r for r in rows if r["later"] == 0 and r["last"] == r["year"])
    at = open_page("pages/person.py", author=current["id"])
    assert "Latest affiliation" in texts(at) and "later paper" not in texts(at)
