"""Home: what is in the graph (counts by venue and year, freshness per source, last build) and a search box.

The first screen a newcomer sees should answer "what can I find here, and how current
is it" before asking them to type anything.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from graph.exports import rows_to_csv
from ui import charts, data, links
from ui.tables import data_table
from ui.text import csv_records, escape_markdown, plural
from ui.widgets import download_row

TRACKED = {"mlsys": "MLSys", "systems": "Systems", "architecture": "Architecture", "data": "Data", "ml": "ML"}
COMMUNITY_RANK = {c: i for i, c in enumerate(TRACKED)}

key = data.store_key()
counts = data.counts(key)
nodes, rels = counts["nodes"], counts["relationships"]

st.title("MLSys Atlas")
st.markdown("A knowledge graph of the **machine-learning-systems** research community: who works on what, "
            "how people are connected, and where systems and machine learning meet.")

with st.form("home-search", border=False):
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    text = left.text_input("Search people, papers and institutions", key="home_q",
                           placeholder="e.g. Tianqi Chen, LLM serving, Carnegie Mellon",
                           help="Case, accents, word order and small typos do not matter.")
    if right.form_submit_button("Search", type="primary", icon=":material/search:", width="stretch",
                                key="home_go"):
        if text.strip():
            st.switch_page(links.SEARCH, query_params={"q": text.strip()})
        else:
            st.warning("Type a name, a few title words or an institution first.")

cols = st.columns(5)
cols[0].metric("Papers", f"{nodes.get('Paper', 0):,}")
cols[1].metric("People", f"{nodes.get('Author', 0):,}")
cols[2].metric("Institutions", f"{nodes.get('Institution', 0):,}")
cols[3].metric("Venues", f"{nodes.get('Venue', 0):,}")
cols[4].metric("Authorships", f"{rels.get('AUTHORED', 0):,}", help="Author–paper links (AUTHORED relationships)")

per_venue_year = pd.DataFrame(counts["papers_per_venue_year"], columns=["venue", "community", "year", "papers"])
tracked = per_venue_year[per_venue_year["community"].isin(TRACKED) & per_venue_year["year"].notna()].copy()
other_papers = int(per_venue_year.loc[~per_venue_year.index.isin(tracked.index), "papers"].sum())

chart_col, side_col = st.columns([3, 2], gap="large")
with chart_col:
    st.subheader("Papers by venue and year")
    if tracked.empty:
        st.info("No papers from the tracked venues yet.")
    else:
        tracked["year"] = tracked["year"].astype(int)
        tracked["group"] = tracked["community"].map(TRACKED)
        order = (tracked.sort_values(["community", "venue"]).drop_duplicates("venue")
                 .sort_values("community", key=lambda s: s.map(COMMUNITY_RANK))["venue"].tolist())
        base = alt.Chart(tracked).encode(
            x=charts.year_axis(tracked["year"]),
            y=alt.Y("venue:N", sort=order, title=None, axis=charts.named_rows()),
            tooltip=charts.tips("venue", "group", "year", alt.Tooltip("papers:Q", format=",")),
        )
        heat = base.mark_rect(cornerRadius=3).encode(
            color=alt.Color("papers:Q", scale=alt.Scale(scheme="blues", type="log"), legend=None))
        labels = base.mark_text(fontSize=10).encode(
            text=alt.Text("papers:Q", format=","),
            color=alt.condition(alt.datum.papers > 400, alt.value("white"), alt.value("#1f2d3d")))
        charts.altair_chart((heat + labels).properties(height=max(220, 26 * len(order))), width="stretch",
                            alt="Heat map of papers per venue and year; each cell shows its count")
        st.caption(f"MLSys, systems, architecture, data and ML venues the atlas tracks. "
                   f"{plural(other_papers, 'more paper')} from other venues are in the table below.")
        not_complete = [r for r in data.coverage(key) if r["status"] in ("partial", "missing")
                        and r["community"] in TRACKED]
        if not_complete:
            mlsys = ", ".join(f"{r['year']} ({r['status']})" for r in not_complete if r["venue"] == "MLSys")
            st.warning(f"**Coverage:** {plural(len(not_complete), 'venue-year')} of the tracked venues are partial "
                       f"or missing" + (f" — MLSys {mlsys}" if mlsys else "")
                       + ". Per-year numbers for those years describe the papers held, not the venue.",
                       icon=":material/info:")

with side_col:
    st.subheader("Sources")
    freshness = data.source_freshness(key)
    data_table(pd.DataFrame(freshness, columns=["source", "papers", "retrieved_at"]), column_config={
                   "source": "Source", "papers": st.column_config.NumberColumn("Papers", format="localized"),
                   "retrieved_at": st.column_config.TextColumn("Retrieved", help="Newest retrieval date")})
    report = data.build_report(key)
    st.subheader("Last build")
    if report:
        seconds = (report.get("seconds") or {}).get("total")
        st.markdown(
            f"Built **{escape_markdown(report.get('built_at', '?'))}**"
            + (f" in {seconds:.0f} s" if isinstance(seconds, int | float) else "")
            + f" from {plural(len(report.get('snapshot_files') or []), 'snapshot file')}: "
            f"{plural(report.get('papers', 0), 'paper')}, {plural(report.get('authors', 0), 'person', 'people')}, "
            f"{plural(report.get('quarantined', 0), 'quarantined record')}.")
        st.page_link(links.DATA, label="Sources, licences and quarantined records", icon=":material/database:")
    else:
        st.caption("No build report beside this store (built elsewhere, or by an older version).")

st.subheader("Start exploring")
people_col, links_col = st.columns([3, 2], gap="large")
with people_col:
    st.markdown("Most published at **MLSys**:")
    top = data.top_authors(key, "mlsys", 8)
    grid = st.columns(2)
    for i, person in enumerate(top):
        grid[i % 2].page_link(links.PERSON, label=escape_markdown(f"{person['name']} ({person['papers']})"),
                              query_params={"author": person["id"]}, icon=":material/person:")
    if not top:
        st.caption("No MLSys papers in this graph.")
with links_col:
    st.page_link(links.GRAPH, label="Explore the graph around a person", icon=":material/hub:")
    st.page_link(links.CONNECT, label="How are two people connected?", icon=":material/conversion_path:")
    st.page_link(links.OVERLAP, label="Where systems and ML meet", icon=":material/join_inner:")

# Lazy (drawn when open): a collapsed expander still sends its content, here a data grid of every venue-year.
coverage_box = st.expander("Coverage of every venue and year (table)", key="coverage-table", on_change="rerun")
if coverage_box.open:
    with coverage_box:
        table = pd.DataFrame(data.coverage(key), columns=["venue", "community", "kind", "year", "papers", "accepted",
                                                          "status", "source", "note"])
        data_table(table, column_config={
            "year": st.column_config.NumberColumn("Year", format="%d"),
            "accepted": st.column_config.NumberColumn("Accepted", help="Papers the venue accepted, where a public "
                                                      "number exists"),
            "status": st.column_config.TextColumn("Status", help="complete / partial / missing / unknown")})
        download_row([("Coverage per venue and year (CSV)", rows_to_csv(csv_records(table)),
                       "coverage_per_venue_year.csv", "text/csv")], key="home-dl")
