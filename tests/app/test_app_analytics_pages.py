"""The pages over the community analytics — Connect, Collaborators, Topics, Systems ∩ ML,
Program committee — and the query console, on the small real build."""

from __future__ import annotations

import json
import re

import pytest
from apphelpers import assert_clean, open_page, texts
from pc_case import pc_case
from streamlit.testing.v1 import AppTest

from graph.falkor_store import FalkorStore
from graph.ids import fold


def top_id(store: FalkorStore, name: str) -> str:
    return max(store.search_authors(name), key=lambda r: r["papers"])["id"]


def test_connect_finds_a_path_with_evidence(atlas_env: FalkorStore) -> None:
    source, target = top_id(atlas_env, "Tianqi Chen"), top_id(atlas_env, "Luis Ceze")
    at = open_page("pages/connect.py", **{"from": source, "to": target})
    assert_clean(at)
    assert at.success, texts(at)
    table = at.dataframe[0].value
    assert len(table) >= 1 and table["evidence"].str.contains("joint paper").all()
    assert {"Paths (CSV)", "Paths (GraphML)"} <= {b.label for b in at.get("download_button")}


def test_connect_same_person_and_missing_person(atlas_env: FalkorStore) -> None:
    person = top_id(atlas_env, "Tianqi Chen")
    at = open_page("pages/connect.py", **{"from": person, "to": person})
    assert_clean(at)
    assert any("same person" in i.value for i in at.info)
    at = open_page("pages/connect.py", **{"from": person})
    assert_clean(at)
    assert any("Pick two people" in i.value for i in at.info)


def test_collaborators_explains_each_suggestion(atlas_env: FalkorStore) -> None:
    at = open_page("pages/collaborators.py", author=top_id(atlas_env, "Ion Stoica"), n="5")
    assert_clean(at)
    labels = [str(link.proto.label) for link in at.get("page_link")]
    assert sum("How are we connected" in label for label in labels) == 5
    assert "Suggestions (CSV)" in {b.label for b in at.get("download_button")}
    assert not at.dataframe  # "As a table" is lazy: nothing sent while it is collapsed
    at.session_state["as-table"] = True  # as a click on the expander does
    at.run()
    assert_clean(at)
    assert len(at.dataframe[0].value) == 5


def test_topics_trends_and_leaders(atlas_env: FalkorStore) -> None:
    at = open_page("pages/topics.py", topic="Software systems for ML")
    assert_clean(at)
    assert "Share of each year" in texts(at)
    papers = at.dataframe[-1].value
    assert len(papers) > 0 and papers["evidence"].str.len().gt(0).all()


def test_topic_shares_can_be_read_within_one_venue_type(atlas_env: FalkorStore) -> None:
    """A share of all venues jumps when a venue type's papers start; within one type it compares like with like."""
    from collections import Counter

    import pyarrow as pa

    from graph import topic_analytics as ta
    from graph.analytics.trends import MIN_YEAR_PAPERS  # the page's

    def chart_shares(at: object) -> list[float]:
        """The chart's shares of the years where a label has papers (its 0 % years are another test's)."""
        frames = [pa.ipc.open_stream(d.data.data).read_pandas() for el in at.get("vega_lite_chart")
                  for d in el.proto.datasets]
        shares = max((f for f in frames if "share" in f.columns), key=len)
        return sorted(shares.loc[shares["papers"] > 0, "share"])

    papers: Counter = Counter()
    for row in atlas_env.counts()["papers_per_venue_year"]:
        if row["year"] and row["community"]:
            papers[(row["community"], row["year"])] += row["papers"]
            papers[(None, row["year"])] += row["papers"]
    few = {(community, year) for (community, year), n in papers.items() if n < MIN_YEAR_PAPERS}
    assert few and papers.keys() - few, "the small build has years with few and with many papers"
    mlsys = [r["share"] for r in ta.label_community_year_counts(atlas_env, "pillar")
             if r["community"] == "mlsys" and r["year"] and ("mlsys", r["year"]) not in few]
    at = open_page("pages/topics.py", venues="MLSys")
    assert_clean(at)
    assert chart_shares(at) == sorted(mlsys)
    small = min(year for community, year in few if community == "mlsys")
    assert any(c.value.startswith(f"Left out, fewer than {MIN_YEAR_PAPERS} papers of MLSys: {small} (")
               for c in at.caption), [c.value for c in at.caption]
    everywhere = [r["share"] for r in ta.label_year_counts(atlas_env, "pillar")
                  if r["year"] and r["share"] and (None, r["year"]) not in few]
    at = open_page("pages/topics.py")
    assert_clean(at)
    assert chart_shares(at) == sorted(everywhere)
    assert any("start in different years" in c.value for c in at.caption), [c.value for c in at.caption]


@pytest.mark.parametrize("venues", ["All venues", "MLSys", "ML", "Systems"])
def test_a_trend_line_stops_at_a_year_left_out(atlas_env: FalkorStore, venues: str) -> None:
    """A year with too few papers is left out of the trend; a line drawn straight through it read as that year's
    share. Each topic's line is drawn in stretches (the chart's `detail`) that end at the years left out."""
    import pyarrow as pa

    from ui.charts import stretches

    at = open_page("pages/topics.py", venues=venues)
    assert_clean(at)
    left_out = {int(year) for c in at.caption if c.value.startswith("Left out, fewer than")
                for year in re.findall(r"(\d{4}) \(", c.value)}
    (chart,) = [el.proto for el in at.get("vega_lite_chart")
                if any("share" in pa.ipc.open_stream(d.data.data).read_pandas().columns for d in el.proto.datasets)]
    frame = max((pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.datasets), key=len)
    assert list(frame["stretch"]) == stretches(frame["year"], left_out)
    spec = json.loads(chart.spec)
    lines = [part for part in spec.get("layer", [spec]) if (part.get("mark") or {}).get("type") == "line"]
    assert lines and all(part["encoding"]["detail"]["field"] == "stretch" for part in lines), lines


def test_stretches_break_at_every_year_left_out() -> None:
    from ui.charts import stretches

    assert stretches([2018, 2019, 2021, 2022, 2025], [2016, 2020, 2023, 2024]) == [1, 1, 2, 2, 4]
    assert stretches([2018, 2019], []) == [0, 0]


def test_a_topic_without_papers_in_a_shown_year_has_a_share_of_zero_there(atlas_env: FalkorStore) -> None:
    """A topic's line runs through every year the chart shows from its first paper on: where the topic has no
    paper its share is 0 %, not a gap the line was drawn straight across. (The small build's finer topics have
    such years; its pillars have none.)"""
    import pyarrow as pa

    from graph.topic_analytics import label_year_counts

    counted = {(row["label"], row["year"]) for row in label_year_counts(atlas_env, "topic")}
    at = open_page("pages/topics.py", kind="Topics")
    assert_clean(at)
    (chart,) = [el.proto for el in at.get("vega_lite_chart")
                if any("share" in pa.ipc.open_stream(d.data.data).read_pandas().columns for d in el.proto.datasets)]
    frame = max((pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.datasets), key=len)
    shown_years = set(frame["year"])
    for label, rows in frame.groupby("label"):
        assert set(rows["year"]) == {year for year in shown_years if year >= rows["year"].min()}, label
    zeros = frame[[(label, year) not in counted for label, year in zip(frame["label"], frame["year"], strict=True)]]
    assert len(zeros) and (zeros["papers"] == 0).all() and (zeros["share"] == 0).all(), zeros


@pytest.mark.parametrize(("venues", "community"), [("Systems", "systems"), ("ML", "ml"), ("MLSys", "mlsys"),
                                                   ("All venues", None)])
def test_rising_and_falling_follows_the_venues_chosen(atlas_env: FalkorStore, venues: str, community: str | None
                                                      ) -> None:
    """With "Papers from: Systems" the trend showed the Systems shares while "Rising and falling" still compared
    the shares of all venues, where the growing ML venues dilute every systems pillar: the chart rose while the
    table said "falling". The table now compares the shares of the venues chosen, over the years the chart shows
    (the small build's MLSys 2023 and 2024 have too few papers, so its windows differ)."""
    from graph.analytics.projections import projection
    from graph.analytics.trends import MIN_YEAR_PAPERS, topic_movers

    proj = projection(atlas_env)
    expected = {m.label: m for m in topic_movers(proj, kind="pillar", community=community,
                                                 min_year_papers=MIN_YEAR_PAPERS)}
    everywhere = {m.label: m for m in topic_movers(proj, kind="pillar")}
    names = {t["label"]: t.get("name") or t["label"] for t in atlas_env.read("MATCH (t:Topic) RETURN t.label AS "
                                                                               "label, t.name AS name")}
    at = open_page("pages/topics.py", kind="Pillars", venues=venues)
    assert_clean(at)
    if not expected:  # the small build's ML venues have too few years of 30 papers or more
        assert any(c.value.startswith("Not enough years to compare") for c in at.caption), venues
        assert everywhere, "all venues have enough years"
        return
    (table,) = [t.value for t in at.table if "Trend" in t.value.columns]
    shown = {row["Topic"]: (row["Trend"], row["Recent share"]) for _, row in table.iterrows()}
    assert shown == {names[label]: (m.direction, f"{m.recent_share:.2%}") for label, m in expected.items()}
    if community is not None:  # the small build's shares differ by venue type, so the old table fails here
        assert shown != {names[label]: (m.direction, f"{m.recent_share:.2%}") for label, m in everywhere.items()}
    assert any(f"share of {'all' if community is None else 'the ' + venues} papers" in c.value for c in at.caption)


def test_zero_years_fills_a_group_from_its_first_year_on() -> None:
    import pandas as pd

    from ui.charts import zero_years

    frame = pd.DataFrame({"label": ["b", "b", "a"], "year": [2019, 2022, 2021], "papers": [3, 1, 2],
                          "share": [0.3, 0.1, 0.2], "kind": ["topic"] * 3})
    filled = zero_years(frame, [2018, 2019, 2020, 2021, 2022, 2023])
    assert filled.to_dict("records") == [
        {"label": "b", "year": 2019, "papers": 3, "share": 0.3, "kind": "topic"},
        {"label": "b", "year": 2020, "papers": 0, "share": 0.0, "kind": "topic"},
        {"label": "b", "year": 2021, "papers": 0, "share": 0.0, "kind": "topic"},
        {"label": "b", "year": 2022, "papers": 1, "share": 0.1, "kind": "topic"},
        {"label": "b", "year": 2023, "papers": 0, "share": 0.0, "kind": "topic"},
        {"label": "a", "year": 2021, "papers": 2, "share": 0.2, "kind": "topic"},
        {"label": "a", "year": 2022, "papers": 0, "share": 0.0, "kind": "topic"},
        {"label": "a", "year": 2023, "papers": 0, "share": 0.0, "kind": "topic"}]
    assert zero_years(frame, [2018, 2019]) is frame  # nothing missing from a group's first year on


@pytest.mark.parametrize("tab", ["Backgrounds", "Bridges", "Institutions", "Communities"])
def test_overlap_tabs(atlas_env: FalkorStore, tab: str) -> None:
    at = open_page("pages/overlap.py", tab=tab)
    assert_clean(at)
    assert at.dataframe, f"{tab} shows no table"


def test_the_communities_grouping_is_louvains_resolution(atlas_env: FalkorStore) -> None:
    """Coarser and finer groupings list the communities Louvain finds at resolution 0.5 and 2.0 (deep-linked)."""
    from graph.analytics.communities import louvain_communities
    from graph.analytics.projections import projection

    shown, expected = {}, {}
    for grouping, resolution in (("Coarser", 0.5), ("Standard", 1.0), ("Finer", 2.0)):
        at = open_page("pages/overlap.py", tab="Communities", grouping=grouping)
        assert_clean(at)
        frame = next(df for df in at.dataframe if "label" in df.value.columns)
        shown[grouping] = list(zip(frame.value["people"], frame.value["label"], strict=True))
        expected[grouping] = [(c.size, c.label) for c in louvain_communities(projection(atlas_env), top=30,
                                                                          resolution=resolution)]
    assert shown == expected
    assert len({tuple(rows) for rows in shown.values()}) == 3, "the small build's groupings differ"


def test_betweenness_bridges_show_their_share_of_paths_as_a_percentage(atlas_env: FalkorStore) -> None:
    """A share of paths such as 0.028 was shown in the participation score's "%.1f", as 0.0 for everyone."""
    from graph.analytics.bridges import bridge_people
    from graph.analytics.projections import projection

    expected = bridge_people(projection(atlas_env), 30, method="betweenness")
    at = open_page("pages/overlap.py", tab="Bridges", method="betweenness")
    assert_clean(at)
    frame = next(df for df in at.dataframe if "score" in df.value.columns)
    assert expected and list(frame.value["score"]) == [p.score * 100 for p in expected]
    config = json.loads(frame.proto.columns)
    assert (config["score"]["label"], config["score"]["type_config"]["format"]) == ("Share of paths", "%.2f%%")
    at = open_page("pages/overlap.py", tab="Bridges")  # participation: its score as before
    frame = next(df for df in at.dataframe if "score" in df.value.columns)
    assert json.loads(frame.proto.columns)["score"]["type_config"]["format"] == "%.1f"


def test_mlsys_authors_table_has_readable_headers_and_no_none(atlas_env: FalkorStore) -> None:
    """The MLSys authors of a year were shown under their field names ("first_systems_year") and a person without
    an ML paper had "None" as their first ML year; the headers are words now and an empty cell shows a dash."""
    at = open_page("pages/overlap.py", tab="Backgrounds")
    assert_clean(at)
    (table,) = [t for t in at.dataframe if "first_ml_year" in t.value.columns]
    assert table.value[["first_systems_year", "first_ml_year"]].isna().any().any(), "the small build has such people"
    labels = {column: (config or {}).get("label") for column, config in json.loads(table.proto.columns).items()}
    assert all(labels.get(column) and "_" not in labels[column] for column in table.value.columns), labels
    assert table.proto.placeholder == "—"
    year = int(at.selectbox(key="year").value)  # the counts are of the papers before it, the first years of any year
    assert labels["systems_papers"] == f"Systems papers before {year}", labels


def test_overlap_change_names_the_year_it_starts_from(atlas_env: FalkorStore) -> None:
    """The metrics' "+x pp since Y" names the first year of the change shown, not a fixed 2018."""
    from graph.analytics.overlap import background_by_year, change_start
    from graph.analytics.projections import projection

    start = change_start(background_by_year(projection(atlas_env), "prior"))
    at = open_page("pages/overlap.py", tab="Backgrounds")
    assert_clean(at)
    deltas = [str(m.proto.delta) for m in at.metric]
    assert deltas and all(d.endswith(f"pp since {start}") for d in deltas), (start, deltas)


def test_sector_shares_are_of_the_papers_whose_sector_is_known(atlas_env: FalkorStore) -> None:
    """Most MLSys papers carry no affiliation: the chart compares academia, industry and labs among the papers
    whose sector is known (each year's bars add up to 100 %), and the caption says how many those are."""
    import pyarrow as pa

    from graph.analytics.projections import projection
    from graph.analytics.trends import sector_mix

    rows = [r for r in sector_mix(projection(atlas_env), community="mlsys") if r["year"] is not None]
    known = sum(r["papers"] for r in rows if r["sector"] != "unknown")
    total = sum(r["papers"] for r in rows)
    assert 0 < known < total, "the small build has MLSys papers with and without a known sector"
    at = open_page("pages/overlap.py", tab="Institutions")
    assert_clean(at)
    assert any(f"{known:,} of {total:,} MLSys papers" in c.value for c in at.caption), [c.value for c in at.caption]
    frames = [pa.ipc.open_stream(d.data.data).read_pandas() for el in at.get("vega_lite_chart")
              for d in el.proto.datasets]
    sectors = next(f for f in frames if "sector" in f.columns)
    assert "unknown" not in set(sectors["sector"])
    assert sectors.groupby("year")["share"].sum().round(6).eq(1.0).all()


def test_backgrounds_table_shows_percentages_under_readable_names(atlas_env: FalkorStore) -> None:
    """On screen "Systems only (share)" as 23.7 %; the CSV keeps `systems_share` as 0.237 for scripts."""
    from graph.analytics.overlap import background_by_year
    from graph.analytics.projections import projection

    rows = background_by_year(projection(atlas_env), "prior")
    at = open_page("pages/overlap.py", tab="Backgrounds")
    assert_clean(at)
    frame = next(df for df in at.dataframe if "systems_share" in df.value.columns)
    assert list(frame.value["systems_share"]) == [r.systems_share * 100 for r in rows]
    config = json.loads(frame.proto.columns)  # the column configuration the browser gets
    assert config["systems_share"]["label"] == "Systems only (share)"
    assert config["systems_share"]["type_config"]["format"] == "%.1f%%"


def recent_unique_coauthor(store: FalkorStore, author_id: str) -> str:
    """A co-author within the default 3-year conflict window whose name no one else has (so it matches)."""
    last_year = max(r["year"] for r in store.counts()["papers_per_venue_year"] if r["year"])
    for row in store.coauthors(author_id):
        same_name = [r for r in store.search_authors(row["name"]) if fold(r["name"]) == fold(row["name"])]
        if (row["last_year"] or 0) >= last_year - 3 and len(same_name) == 1:
            return row["name"]
    raise AssertionError("no recent co-author with a unique name in the small build")


def test_program_committee_audit_from_uploaded_csv(atlas_env: FalkorStore) -> None:
    member_id = top_id(atlas_env, "Ion Stoica")  # namesakes exist: the id column picks the right one
    coauthor = recent_unique_coauthor(atlas_env, member_id)
    members = f"name,affiliation,author_id\nIon Stoica,,{member_id}\nNobody Inparticular,Nowhere,\n"
    submissions = f"id,title,authors\nS1,Serving many models,{coauthor}\n"
    at = open_page("pages/program_committee.py")
    at.file_uploader(key="pc_members").upload("members.csv", members.encode(), "text/csv")
    at.file_uploader(key="pc_submissions").upload("subs.csv", submissions.encode(), "text/csv")
    at.run()
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Members"] == "2" and metrics["Not found"] == "1"
    assert int(metrics["Conflicts"]) >= 1, texts(at)
    assert "Conflicts (CSV)" in {b.label for b in at.get("download_button")}
    open_tab(at, "Conflicts")
    conflicts = next(df.value for df in at.dataframe if "evidence" in df.value.columns)
    assert set(conflicts["author_name"]) == {coauthor}
    assert conflicts["evidence"].str.contains("joint paper").any()
    assert f"{len(conflicts)} conflict" in texts(at)  # the count the tab's label carried before the tabs were lazy
    open_tab(at, "To resolve")
    unmatched = next(df.value for df in at.dataframe if "reason" in df.value.columns)
    assert "Nobody Inparticular" in set(unmatched["name"])


def open_tab(at: AppTest, label: str) -> None:
    """Open a tab of the program-committee page, as a click on it does (the tabs are bound to `?tab=` and lazy)."""
    at.session_state["tab"] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_program_committee_tabs_are_lazy_and_deep_linked(atlas_env: FalkorStore) -> None:
    """Only the open tab is drawn (a first visit sends no hidden tables), and `?tab=` opens a tab from a link."""
    def columns(at: AppTest) -> list[set[str]]:
        return [{str(c).lower() for c in t.value.columns} for t in [*at.dataframe, *at.table]]

    at = open_page("pages/program_committee.py", example="true")
    assert_clean(at)
    assert any("institution" in c for c in columns(at)) and not any("certainty" in c for c in columns(at))
    at = open_page("pages/program_committee.py", example="true", tab="Conflicts")
    assert_clean(at)
    assert any("certainty" in c for c in columns(at)) and not any("institution" in c for c in columns(at))
    assert re.search(r"\d+ conflicts?[.,]", texts(at)), texts(at)


def test_program_committee_rejects_a_csv_without_names(atlas_env: FalkorStore) -> None:
    at = open_page("pages/program_committee.py")
    at.file_uploader(key="pc_members").upload("members.csv", b"email\nx@example.org\n", "text/csv")
    at.run()
    assert not at.exception
    assert any("name" in e.value for e in at.error)


def test_query_console_is_off_by_default_and_read_only_when_on(atlas_env: FalkorStore,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page()
    with pytest.raises(ValueError):
        at.switch_page("pages/query.py")  # not registered without the setting
    monkeypatch.setenv("ATLAS_QUERY_CONSOLE", "1")
    at = open_page("pages/query.py")
    assert_clean(at)
    at.text_area(key="cypher").input("MATCH (p:Paper) RETURN count(p) AS papers")
    at.button[-1].click().run()
    assert_clean(at)
    assert int(at.dataframe[0].value["papers"][0]) == atlas_env.counts()["nodes"]["Paper"]
    at.text_area(key="cypher").input("MATCH (p:Paper) DETACH DELETE p")
    at.button[-1].click().run()
    assert any("read-only" in e.value.replace("\\", "") for e in at.error)
    assert atlas_env.counts()["nodes"]["Paper"] > 0


def test_person_community_on_request(atlas_env: FalkorStore) -> None:
    at = open_page("pages/person.py", author=top_id(atlas_env, "Tianqi Chen"), community="true")
    assert_clean(at)
    assert "**Community " in texts(at)


def test_program_committee_reports_an_ambiguous_members_conflict_with_an_id_given_author(
        atlas_env: FalkorStore) -> None:
    """Nothing dropped: the ambiguous member is checked as every namesake, the conflict is listed as
    possible, a banner counts the ambiguous and unmatched names, and picking the person makes it definite."""
    case = pc_case(atlas_env)
    at = open_page("pages/program_committee.py")
    at.file_uploader(key="pc_members").upload("members.csv", case.members_csv().encode(), "text/csv")
    at.file_uploader(key="pc_submissions").upload("subs.csv", case.submissions_csv().encode(), "text/csv")
    at.run()
    assert not at.exception and not at.error, texts(at)
    banners = " ".join(w.value for w in at.warning)
    assert "1 PC member name not found" in banners and "1 PC member name fit several people" in banners
    open_tab(at, "Conflicts")
    conflicts = next(df.value for df in at.dataframe if "certainty" in df.value.columns)
    row = conflicts[conflicts["author_name"] == case.coauthor_name].iloc[0]
    assert (row["member_name"], row["certainty"]) == (case.member_name, "possible")
    assert case.candidate in row["note"]
    open_tab(at, "To resolve")
    at.selectbox(key=f"pc-pick-{case.member_name}").select(case.candidate).run()
    assert not at.exception
    open_tab(at, "Conflicts")
    conflicts = next(df.value for df in at.dataframe if "certainty" in df.value.columns)
    assert set(conflicts["certainty"]) == {"definite"} and case.coauthor_name in set(conflicts["author_name"])


@pytest.mark.parametrize(("content", "message"), [(b"", "is empty"), (b"name,affiliation\n", "no PC member rows"),
                                                  (b"name\x00,bad\n", "NUL bytes")])
def test_program_committee_explains_an_empty_or_broken_members_csv(atlas_env: FalkorStore, content: bytes,
                                                                   message: str) -> None:
    at = open_page("pages/program_committee.py")
    at.file_uploader(key="pc_members").upload("members.csv", content, "text/csv")
    at.run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
