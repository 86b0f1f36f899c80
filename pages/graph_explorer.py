"""Graph: an interactive neighbourhood explorer — start anywhere, click a node to expand it,
filter by relationship, year and pillar, download what you see.

Two views: co-authorship (people only, edges weighted by joint papers) and the full
schema (papers, venues, institutions, topics). The whole state — focus, expanded
nodes, filters — is in the URL, so a view can be shared. Drawn with Altair, offline.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph import explore
from graph.explore import GraphView, node_label
from graph.exports import graphml, rows_to_csv
from graph.ids import digest
from graph.tex import plain_text
from ui import data, graphview, links
from ui.linked_table import linked_table
from ui.text import csv_records, escape_markdown, plural, truncate
from ui.widgets import download_row, suggestions_line

# Bound widgets write their label into the URL (?mode=Everything), so labels stay short.
MODES = {"coauthors": "People", "full": "Everything"}
MAX_EXPANDED = 12
KIND_LABELS = {"Author": "person", "Paper": "paper", "Institution": "institution", "Venue": "venue", "Topic": "topic"}

key = data.store_key()
counts = data.counts(key)
years = [int(r["year"]) for r in counts["papers_per_venue_year"] if r.get("year")]
year_bounds = (min(years), max(years)) if years else (2000, 2030)
pillars = [t["label"] for t in data.topics(key) if t.get("kind") == "pillar"]

st.title("Graph explorer")
focus = (st.query_params.get("node") or "").strip()

with st.form("graph-start", border=False):
    c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
    start = c1.text_input("Start from a person", placeholder="e.g. Tianqi Chen",
                          help="Opens the neighbourhood of this person; papers and institutions can be opened "
                               "from their pages.")
    go = c2.form_submit_button("Show", icon=":material/hub:", width="stretch")
if go and start.strip():
    index = data.author_index(key)
    matches = index.search(start, limit=8)
    if matches and (matches[0].exact or len(matches) == 1):
        st.query_params.clear()
        st.query_params["node"] = matches[0].id
        st.rerun()
    st.warning(f"No person named “{escape_markdown(start)}”.")
    suggestions_line(start, matches or index.suggest(start, 5))
    st.stop()

if not focus:
    st.info("Type a person above, or open the graph from a profile, paper or institution page.",
            icon=":material/hub:")
    top = data.top_authors(key, "mlsys", 6)
    if top:
        st.caption("Or start from one of the most published MLSys authors:")
        cols = st.columns(3)
        for i, person in enumerate(top):
            cols[i % 3].page_link(links.GRAPH, label=escape_markdown(person["name"]),
                                  query_params={"node": person["id"]}, icon=":material/person:")
    st.stop()

if not node_label(focus):  # a deep link by name: ?node=Tianqi%20Chen (a person, else an institution)
    people = data.author_index(key).exact_name(focus)
    places = [] if people else data.institution_index(key).exact_name(focus)
    named = people or places
    if len(named) == 1:
        focus = named[0].id
    elif named:
        st.warning(f"Several {'people' if people else 'institutions'} are called “{escape_markdown(focus)}”. "
                   "Pick one:", icon=":material/search:")
        for match in named[:12]:
            st.page_link(links.GRAPH, label=escape_markdown(f"{match.name} — {plural(match.weight, 'paper')}"
                                                            if people else match.name),
                         query_params={"node": match.id}, icon=":material/hub:")
        st.stop()
focus_node = data.node(key, focus) if node_label(focus) else None
if focus_node is None:
    st.warning(f"No node with id or name “{escape_markdown(focus)}” in this graph.", icon=":material/search_off:")
    suggestions_line(focus, data.author_index(key).suggest(focus, 5))
    st.stop()
focus = focus_node["props"].get("id") or focus  # an id of an earlier id scheme: the node's current id
focus_kind = focus_node["labels"][0] if focus_node.get("labels") else node_label(focus) or "Node"
props = focus_node["props"]
focus_name = props.get("name") or plain_text(props.get("title") or "") or props.get("label") or focus

with st.expander("View and filters", expanded=False):
    f1, f2 = st.columns(2)
    mode_default = "coauthors" if focus_kind == "Author" else "full"
    mode = f1.radio("View", list(MODES), format_func=MODES.get, key="mode", bind="query-params",
                    index=list(MODES).index(mode_default), horizontal=True,
                    help="People: expand a person into their co-authors. Everything: follow every relationship "
                         "(papers, venues, institutions, topics).")
    per_node = f2.slider("Neighbours per expanded node", 5, 50, 15, step=5, key="per", bind="query-params")
    f3, f4 = st.columns(2)
    year_range = f3.slider("Years", year_bounds[0], year_bounds[1], year_bounds, key="years", bind="query-params",
                           help="Relationships and papers outside these years are hidden.")
    pillar = f4.selectbox("Papers in pillar", [None, *pillars], key="pillar", bind="query-params",
                          format_func=lambda p: "Any" if p is None else p, disabled=mode != "full")
    rel_types = st.multiselect("Relationships", list(explore.RELATIONSHIPS), key="rel", bind="query-params",
                               placeholder="All relationships", disabled=mode != "full")
if mode == "coauthors" and focus_kind != "Author":
    st.caption("Co-authorship view needs a person in focus; showing everything instead.")
    mode = "full"
year_from = year_range[0] if year_range[0] > year_bounds[0] else None
year_to = year_range[1] if year_range[1] < year_bounds[1] else None

raw_expand = st.query_params.get("expand")
expanded = [n for n in (raw_expand.split(",") if raw_expand else [focus]) if n][:MAX_EXPANDED]
if focus not in expanded and raw_expand is None:
    expanded.insert(0, focus)

view = GraphView()
view.add_node(focus, focus_kind, focus_name, weight=props.get("paper_count") or 0)
for node_id in expanded:
    if node_id not in view.nodes and node_id != focus:
        continue  # an expanded node that the current filters hide
    if mode == "coauthors":
        if node_label(node_id) != "Author":
            continue
        for row in data.coauthors(key, node_id, per_node * 3):
            if year_from and (row.get("last_year") or 0) < year_from:
                continue  # co-authors: the year filter keeps people who wrote together since `year_from`
            view.add_node(row["id"], "Author", row["name"], weight=row["joint_papers"])
            a, b = sorted((node_id, row["id"]))
            if (a, b, "CO_AUTHOR") not in view.edges:
                view.add_edge(a, b, "CO_AUTHOR", weight=row["joint_papers"], last_year=row.get("last_year"))
            if sum(1 for e in view.edges if node_id in e[:2]) >= per_node:
                break
    else:
        for row in data.neighbourhood(key, node_id, tuple(rel_types), year_from, year_to, per_node):
            view.add_node(row["id"], row["label"], plain_text(row.get("name") or "") or row["id"],
                          weight=row.get("weight") or 0)
            view.add_edge(row["source"], row["target"], row["rel"], years=row.get("years") or None)

if mode == "full" and pillar:
    paper_ids = [n for n, v in view.nodes.items() if v["kind"] == "Paper" and n not in expanded]
    tagged = data.paper_topics_by_id(key, tuple(paper_ids))
    view.drop_nodes([n for n in view.nodes if n not in paper_ids or pillar in tagged.get(n, [])])

kind_label = KIND_LABELS.get(focus_kind, focus_kind.lower())
st.markdown(f"Around **{escape_markdown(truncate(focus_name, 80))}** ({escape_markdown(kind_label)}) — "
            f"{len(view.nodes)} nodes, {len(view.edges)} edges. Click a node to expand it; click an expanded node "
            "to collapse it.")
clicked = graphview.draw(view, key=f"graph-{digest(focus, mode, *expanded)}", centre=focus, height=600,
                         description=f"Neighbourhood of {focus_name}")


def set_expanded(nodes: list[str]) -> None:
    st.query_params["expand"] = ",".join(nodes[:MAX_EXPANDED])
    st.rerun()


if clicked and clicked != focus:
    set_expanded([n for n in expanded if n != clicked] if clicked in expanded else [*expanded, clicked])

nodes_frame = pd.DataFrame([{"name": v["name"], "kind": v["kind"], "weight": v.get("weight", 0),
                             "expanded": k in expanded, "link": links.node_href(k), "id": k}
                            for k, v in view.nodes.items()])
c1, c2, c3 = st.columns([4, 1, 1], vertical_alignment="bottom")
options = [n for n in nodes_frame["id"] if n not in expanded] if not nodes_frame.empty else []
names = dict(zip(nodes_frame["id"], nodes_frame["name"], strict=True)) if not nodes_frame.empty else {}
pick = c1.selectbox("Expand a node (keyboard alternative to clicking)", options, index=None,
                    format_func=lambda n: f"{truncate(names.get(n, n), 70)} ({node_label(n) or '?'})",
                    placeholder="Choose a node to expand")
if c2.button("Expand", disabled=pick is None, width="stretch") and pick:
    set_expanded([*expanded, pick])
if c3.button("Reset", width="stretch", help="Back to the focus node only"):
    set_expanded([focus])

linked_table(nodes_frame.drop(columns=["id"]), key="graph-nodes", height=260, column_config={
    "name": st.column_config.TextColumn("Name", width="large"), "weight": "Papers / weight"})
edges = [{"source": view.nodes[s]["name"], "target": view.nodes[t]["name"], "relationship": r,
          "weight": e.get("weight"), "source_id": s, "target_id": t} for (s, t, r), e in view.edges.items()]
download_row([
    ("Graph (GraphML)", graphml(view), "atlas_neighbourhood.graphml", "application/graphml+xml"),
    ("Nodes (CSV)", rows_to_csv(csv_records(nodes_frame.drop(columns=["link"]))), "nodes.csv", "text/csv"),
    ("Edges (CSV)", rows_to_csv(edges), "edges.csv", "text/csv"),
], key="graph-dl")
if focus_kind == "Author":
    st.page_link(links.PERSON, label=escape_markdown(f"Profile of {focus_name}"), query_params={"author": focus},
                 icon=":material/person:")
