"""Topics: how the MLSys pillars and call-for-papers topics move over the years, where they are
published (systems vs ML venues), which go together, and who leads each — with the
evidence behind every paper's tag.

Numbers come from `graph.topic_analytics` and `graph.analytics.trends`; shares are of all
papers of a year, so a growing snapshot does not look like a growing topic.
"""

from __future__ import annotations

from collections import Counter

import altair as alt
import pandas as pd
import streamlit as st

from graph.analytics.trends import MIN_YEAR_PAPERS  # a year with fewer papers in the venues chosen is left out
from graph.explore import COMMUNITY_NAMES, community_name
from graph.exports import rows_to_csv
from ui import analytics, charts, data, links
from ui.linked_table import linked_table
from ui.text import csv_records, escape_markdown, plural, readable_titles
from ui.widgets import download_row, lands_with, plain_table

KINDS = {"Pillars": "pillar", "Topics": "topic"}
PAIRS_SHOWN = 20  # most frequent co-occurring pairs in the chart
END_LABELS_UP_TO = 6  # lines labelled at their end (the four pillars); past that the labels overlap

st.title("Topics")
if not analytics.available("graph.topic_analytics"):
    lands_with("Topic trends", 4)
    st.stop()

key = data.store_key()
topic_rows = data.topics(key)
names = {t["label"]: t.get("name") or t["label"] for t in topic_rows}
kinds_present = [label for label, kind in KINDS.items() if any(t.get("kind") == kind for t in topic_rows)]
if not kinds_present:
    st.info("No paper carries a topic tag in this graph yet: run `mlsys-atlas build` with the topic tagger.")
    st.stop()
kind_label = st.segmented_control("Show", kinds_present, default=kinds_present[0], key="kind", bind="query-params",
                                  help="Pillars: the three MLSys pillars and ML for systems. Topics: the finer "
                                       "call-for-papers topics.") or kinds_present[0]
kind = KINDS[kind_label]

st.subheader("Share of each year's papers")
first_year: dict[str, int] = {}  # each venue community's first year in this graph
year_papers: Counter[tuple[str | None, int]] = Counter()  # papers per (community or None for all, year)
for row in data.counts(key)["papers_per_venue_year"]:
    if row.get("year") and row.get("community"):
        first_year[row["community"]] = min(first_year.get(row["community"], row["year"]), row["year"])
        year_papers[(row["community"], row["year"])] += row["papers"]
        year_papers[(None, row["year"])] += row["papers"]
scopes = {"All venues": None, **{community_name(c): c for c in COMMUNITY_NAMES if c in first_year}}
scope = st.segmented_control("Papers from", list(scopes), default="All venues", key="venues", bind="query-params",
                             help="A share of one venue type's papers compares like with like; a share of all "
                                  "venues moves when a venue type's papers start.") or "All venues"
if scopes[scope] is None:
    yearly = pd.DataFrame(analytics.topic_table(key, "label_year_counts", kind),
                          columns=["label", "kind", "year", "papers", "share"])
    starts = sorted(first_year.items(), key=lambda item: (item[1], item[0]))
    if len({year for _, year in starts}) > 1:
        st.caption("The venue types start in different years here (" + ", ".join(
            f"{community_name(c)} {year}" for c, year in starts) + "), so a share of all venues jumps in the year "
            "one starts. Pick one venue type above to compare like with like.")
else:
    yearly = pd.DataFrame([r for r in analytics.topic_table(key, "label_community_year_counts", kind)
                           if r["community"] == scopes[scope]],
                          columns=["label", "kind", "year", "papers", "share"])
yearly = yearly.dropna(subset=["year", "share"]).assign(papers_from=scope)
yearly["year"] = yearly["year"].astype(int)
# a topic without a paper in a year of this scope has a share of 0 % there, not a gap the line crosses
yearly = charts.zero_years(yearly, [year for (community, year), n in year_papers.items()
                                    if community == scopes[scope] and n])
yearly["year_papers"] = [year_papers[(scopes[scope], year)] for year in yearly["year"]]  # the share's denominator
# one paper of three is a share of 33 %: such a year's point is noise, so the chart leaves it out (the CSV keeps it)
shown = yearly[yearly["year_papers"] >= MIN_YEAR_PAPERS].copy()
few = dict(sorted(yearly.loc[yearly["year_papers"] < MIN_YEAR_PAPERS, ["year", "year_papers"]]
                  .drop_duplicates().itertuples(index=False)))
if few:
    st.caption(f"Left out, fewer than {MIN_YEAR_PAPERS} papers{'' if scopes[scope] is None else ' of ' + scope}: "
               + ", ".join(f"{year} ({plural(n, 'paper')})" for year, n in few.items()) + ".")
if shown.empty:
    st.info("No tagged papers with a year.")
else:
    share_title = "Share of the year's papers" if scopes[scope] is None else f"Share of the year's {scope} papers"
    shown["name"] = shown["label"].map(lambda lab: names.get(lab, lab))
    shown["stretch"] = charts.stretches(shown["year"], few)
    last = shown.sort_values("year").groupby("label").tail(1)
    base = alt.Chart(shown).encode(x=charts.year_axis(shown["year"]),
                                   y=alt.Y("share:Q", title=share_title, axis=alt.Axis(format="%")),
                                   color=alt.Color("name:N", title=None, legend=charts.wrapped_legend()))
    lines = base.mark_line(point=True).encode(
        strokeDash=alt.StrokeDash("name:N", legend=None),  # line style as well as colour tells topics apart
        detail=alt.Detail("stretch:N"),
        tooltip=charts.tips("name", "year", "papers", alt.Tooltip("share:Q", format=".1%")))
    if len(last) <= END_LABELS_UP_TO:
        ends = alt.Chart(last).mark_text(align="left", dx=6, fontSize=11).encode(
            x=charts.year_axis(shown["year"]), y=alt.Y("share:Q"), text=alt.Text("name:N"),
            color=alt.Color("name:N", legend=None))
        chart, alt_text = lines + ends, "Share of each year's papers per topic; every line is labelled at its end"
    else:  # more lines end close together than their labels have room for: the legend names them
        chart, alt_text = lines, "Share of each year's papers per topic; the legend under the chart names the lines"
    legend_rows = -(-shown["name"].nunique() // charts.LEGEND_COLUMNS)
    charts.altair_chart(chart.properties(height=340 + legend_rows * charts.LEGEND_ROW_HEIGHT), width="stretch",
                        alt=alt_text)
if not yearly.empty:
    download_row([("Shares per year (CSV)", rows_to_csv(csv_records(yearly)), "topic_shares.csv",
                   "text/csv")], key="topics-year-dl")

# full width, one section under the other: a half column left the heatmap's row names and counts no room
st.subheader("Where they are published")
venues = pd.DataFrame(analytics.topic_table(key, "label_community_counts", kind),
                      columns=["label", "kind", "community", "papers"])
if not venues.empty:
    venues["venue type"] = venues["community"].map(community_name)
    venues["name"] = venues["label"].map(lambda lab: names.get(lab, lab))
    heat = alt.Chart(venues).encode(
        x=alt.X("venue type:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("name:N", title=None, axis=charts.named_rows(labelLimit=260)),
        tooltip=charts.tips("name", "venue type", "papers"))
    charts.altair_chart((heat.mark_rect().encode(color=alt.Color("papers:Q", legend=None,
                                                                 scale=alt.Scale(scheme="blues", type="log")))
                         + heat.mark_text(fontSize=11).encode(text=alt.Text("papers:Q")))
                        .properties(height=40 + 30 * venues["name"].nunique()), width="stretch",
                        alt="Tagged papers per topic and venue type; each cell shows its count")

st.subheader("Rising and falling")
if analytics.available("graph.analytics.trends"):
    movers = analytics.topic_movers(key, kind, scopes[scope])  # the venues the trend above shows
    if movers:
        plain_table(pd.DataFrame([{
            "topic": names.get(m.label, m.label), "trend": m.direction, "change (pp)": m.change_pp,
            "recent share": m.recent_share, "earlier share": m.early_share, "papers": m.papers}
            for m in movers]), formats={"change (pp)": "{:.2f}", "recent share": "{:.2%}",
                                        "earlier share": "{:.2%}"})
        st.caption(f"Mean yearly share of {'all' if scopes[scope] is None else 'the ' + scope} papers in the last "
                   "three years against the three before (the venues and years the chart above shows).")
    else:
        st.caption(f"Not enough years to compare: it takes four years with at least {MIN_YEAR_PAPERS} papers"
                   f"{'' if scopes[scope] is None else ' of ' + scope}.")
else:
    lands_with("Rising and falling topics", 7)

st.subheader("Which go together")
pairs = pd.DataFrame(analytics.topic_table(key, "cooccurrence", kind), columns=["a", "b", "papers", "jaccard"])
if pairs.empty:
    st.caption("No paper carries two of these labels.")
else:
    pairs = pairs.head(PAIRS_SHOWN)
    pairs["pair"] = [f"{names.get(a, a)} + {names.get(b, b)}" for a, b in zip(pairs["a"], pairs["b"], strict=True)]
    bars = alt.Chart(pairs).encode(
        y=alt.Y("pair:N", sort="-x", title=None, axis=charts.named_rows(labelLimit=360)),
        x=alt.X("papers:Q", title="Papers tagged with both"),
        tooltip=charts.tips("pair", "papers", alt.Tooltip("jaccard:Q", format=".2f", title="Jaccard overlap")))
    charts.altair_chart((bars.mark_bar().encode(color=alt.Color("jaccard:Q", title="Overlap (Jaccard)",
                                                                scale=alt.Scale(scheme="blues")))
                         + bars.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("papers:Q")))
                        .properties(height=30 * len(pairs) + 50), width="stretch",
                        alt="The pairs of topics most often given to the same paper, with the number of papers")
    st.caption(f"The {len(pairs)} pairs given together most often; colour = their overlap (papers with both ÷ "
               "papers with either).")

st.subheader("Leaders and evidence")
# Options are display names because a bound widget writes its option's label into the URL.
by_name = {names.get(t["label"], t["label"]): t["label"] for t in topic_rows if t.get("kind") == kind}
chosen = st.selectbox("Topic", [None, *sorted(by_name)], key="topic", bind="query-params",
                      format_func=lambda name: "Choose a topic" if name is None else name)
topic = by_name.get(chosen) if chosen else None
if topic is None:
    st.caption("Choose a topic to see its top people, institutions and papers, with the evidence for each tag.")
    st.stop()
leaders = analytics.topic_leaders(key, topic)
c1, c2 = st.columns(2, gap="large")
with c1:
    st.markdown("**People**")
    people = pd.DataFrame([{**r, "link": links.person_href(r["id"])} for r in leaders["authors"]],
                          columns=["name", "papers", "link"])
    linked_table(people, key="topic-people", hint=False)
with c2:
    st.markdown("**Institutions**")
    insts = pd.DataFrame([{**r, "link": links.institution_href(r["id"])} for r in leaders["institutions"]],
                         columns=["name", "country", "papers", "link"])
    linked_table(insts, key="topic-institutions", hint=False, column_config={"name": "Institution"})
tagged = next((int(t.get("papers") or 0) for t in topic_rows if t["label"] == topic), 0)
shown_of = f"the {len(leaders['papers'])} highest-scoring of {tagged:,}" if tagged > len(leaders["papers"]) else \
    "highest score first"
st.markdown(f"**Papers tagged {escape_markdown(names.get(topic, topic))}** ({shown_of}; the CSV holds the same rows)")
papers = pd.DataFrame([{**r, "evidence": "; ".join(r.get("evidence") or []), "link": links.paper_href(r["id"])}
                       for r in leaders["papers"]], columns=["title", "venue", "year", "score", "evidence", "link"])
# its hint, under the last table, serves all three
linked_table(readable_titles(papers), key="topic-papers", column_config={
    "title": st.column_config.TextColumn("Title", width="large"),
    "year": st.column_config.NumberColumn("Year", format="%d"),
    "score": st.column_config.ProgressColumn("Score", min_value=0, max_value=1, format="%.2f"),
    "evidence": st.column_config.TextColumn("Evidence", help="The phrases that triggered the tag")})
download_row([
    ("People (CSV)", rows_to_csv(leaders["authors"]), f"{topic}_people.csv", "text/csv"),
    ("Institutions (CSV)", rows_to_csv(leaders["institutions"]), f"{topic}_institutions.csv", "text/csv"),
    ("Papers (CSV)", rows_to_csv(csv_records(papers.drop(columns=["link"]))), f"{topic}_papers.csv",
     "text/csv"),
], key="topics-leaders-dl")
