"""Institution: who published from it, and its papers per year by venue type (`?institution=<id>`).

"Papers of this institution" are the papers on which an author printed it or one of its units, and the papers
with no affiliation printed by authors who printed it most that year (`graph.queries.EXPLORE_INSTITUTION_AUTHORS`):
what the analytics credit to it (`graph.credit`). The caption says so, and the units are named and linked.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from graph.explore import node_label
from graph.exports import rows_to_csv
from ui import charts, data, links
from ui.linked_table import linked_table
from ui.text import csv_records, escape_markdown, plural
from ui.widgets import download_row

# Below this share of a year's papers with an affiliation, the chart's bar for the year is called unreliable (a
# reading aid: the snapshot's years are either covered, 21-63 % of all papers, or barely, 6-7 %).
FEW_AFFILIATIONS = 0.15
CREDITED = ("Papers on which an author printed this institution, and papers with no affiliation printed by authors "
            "who printed this institution most that year")

key = data.store_key()
inst_id = (st.query_params.get("institution") or "").strip()

if not inst_id:
    st.title("Institution")
    text = st.text_input("Find an institution", key="institution_find", placeholder="e.g. Carnegie Mellon University")
    if text.strip():
        matches = data.institution_index(key).search(text, limit=15)
        if not matches:
            st.warning(f"No institution named “{escape_markdown(text)}”.")
        for match in matches:
            label = f"{match.name} — {plural(match.weight, 'person', 'people')}"
            st.page_link(links.INSTITUTION, label=escape_markdown(label), query_params={"institution": match.id},
                         icon=":material/account_balance:")
    st.stop()

if node_label(inst_id) != "Institution":  # a deep link by name: ?institution=ETH%20Zurich
    named = data.institution_index(key).exact_name(inst_id) or data.institution_index(key).search(inst_id, limit=8)
    if len(named) == 1:
        inst_id = named[0].id
    elif named:
        st.title("Institution")
        st.warning(f"Several institutions fit “{escape_markdown(inst_id)}”. Pick one:", icon=":material/search:")
        for match in named:
            st.page_link(links.INSTITUTION, label=escape_markdown(f"{match.name} — "
                                                                  f"{plural(match.weight, 'person', 'people')}"),
                         query_params={"institution": match.id}, icon=":material/account_balance:")
        st.stop()

inst = data.institution(key, inst_id)
if inst is None:
    st.title("Institution")
    st.warning(f"No institution “{escape_markdown(inst_id)}” in this graph.", icon=":material/search_off:")
    st.page_link(links.SEARCH, label="Search institutions", icon=":material/search:")
    st.stop()
inst_id = inst.get("id") or inst_id  # a link with an id of an earlier id scheme: the node's current id

st.title(escape_markdown(inst.get("name") or inst_id))
details = [x for x in (inst.get("country"), f"ROR {inst['ror']}" if inst.get("ror") else None) if x]
st.caption(escape_markdown(" · ".join(details)) if details else "Country unknown")
parent = data.institution(key, inst["parent_id"]) if inst.get("parent_id") else None
related = [parent] if parent else data.institution_units(key, inst_id)  # a unit links its organisation
if related:
    st.caption(f"Part of {escape_markdown(parent.get('name') or parent['id'])}, whose counts include this unit's."
               if parent else "Counts include its " + plural(len(related), "unit", "units") + ":")
    grid = st.columns(min(4, len(related)))
    for i, target in enumerate(related):
        with grid[i % len(grid)]:
            st.page_link(links.INSTITUTION, label=escape_markdown(target.get("name") or target["id"]),
                         query_params={"institution": target["id"]}, icon=":material/account_balance:")

authors = data.institution_authors(key, inst_id)
by_year = pd.DataFrame(data.institution_papers_by_year(key, inst_id), columns=["year", "community", "papers"])
c = st.columns(3)
c[0].metric("People", f"{len(authors)}{'+' if len(authors) >= 200 else ''}")
c[1].metric("Papers", f"{int(by_year['papers'].sum()):,}" if not by_year.empty else "0", help=CREDITED)
c[2].metric("Years", f"{int(by_year['year'].min())}–{int(by_year['year'].max())}" if not by_year.empty else "—")

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Papers per year")
    if by_year.empty:
        st.info("No dated papers by authors affiliated here.")
    else:
        coverage = data.affiliation_coverage(key)
        by_year["printed"] = by_year["year"].map(coverage)
        charts.altair_chart(alt.Chart(by_year).mark_bar().encode(
            x=charts.year_axis(by_year["year"]), y=alt.Y("papers:Q", title="Papers"),
            color=charts.venue_type_colour(), order=alt.Order("community:N"),
            tooltip=charts.tips("year", "community", "papers",
                                alt.Tooltip("printed:Q", format=".0%",
                                            title="Papers of the year with affiliations (all venues)"))
        ).properties(height=260), width="stretch", alt="Papers per year by venue type")
        st.caption(CREDITED + ".")
        few = {y: coverage[y] for y in sorted(set(by_year["year"])) if coverage.get(y, 1.0) < FEW_AFFILIATIONS}
        if few:
            st.caption("The sources give affiliations for few papers of "
                       + ", ".join(f"{y} ({share:.0%})" for y, share in few.items())
                       + ": a short bar there may be missing affiliations, not fewer papers.")
with right:
    st.subheader("People")
    if authors:
        frame = pd.DataFrame([{**a, "link": links.person_href(a["id"])} for a in authors],
                             columns=["name", "papers_here", "papers", "first_year", "last_year", "link"])
        linked_table(frame, key="institution-people", height=360, column_config={
            "name": "Name",
            "papers_here": st.column_config.NumberColumn(
                "Papers here", help="Papers on which the person printed this institution (or a unit of it), and "
                                    "papers with no affiliation printed from the years they printed it most"),
            "papers": st.column_config.NumberColumn("All papers", help="All of the person's papers, here or not"),
            "first_year": st.column_config.NumberColumn("From", format="%d"),
            "last_year": st.column_config.NumberColumn("To", format="%d")})
        download_row([("People (CSV)", rows_to_csv(csv_records(frame.drop(columns=["link"]))),
                       "institution_people.csv", "text/csv")], key="inst-dl")
    else:
        st.info("No people recorded.")
st.page_link(links.GRAPH, label="Open in the graph explorer", query_params={"node": inst_id}, icon=":material/hub:")
st.page_link(links.DATA, label="Provenance", query_params={"node": inst_id}, icon=":material/database:")
