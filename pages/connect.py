"""Connect: how two people are connected — the shortest collaboration paths, each hop with
its evidence (joint papers, years, venues, or a shared institution), drawn as a graph.

Both people and every option live in the URL (`?from=…&to=…&k=3&via=…`), so a path can
be shared. "Same person", "no path" and unknown names each get their own sentence.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.explore import GraphView
from graph.exports import graphml, rows_to_csv
from graph.tex import plain_text
from ui import analytics, data, graphview, links
from ui.tables import data_table
from ui.text import escape_markdown
from ui.widgets import download_row, lands_with, person_picker

st.title("Connect")
st.caption("How are two people connected? The shortest chains of co-authorship between them, with the papers "
           "behind every link.")
if not analytics.available("graph.analytics", "graph.analytics.paths"):
    lands_with("Collaboration paths", 7)
    st.stop()

key = data.store_key()
left, right = st.columns(2)
with left:
    source = person_picker("From", key="connect_from", param="from", placeholder="e.g. Tianqi Chen")
with right:
    target = person_picker("To", key="connect_to", param="to", placeholder="e.g. Matei Zaharia")
o1, o2 = st.columns(2)
k = o1.slider("Paths to show", 1, 5, 3, key="k", bind="query-params",
              help="Alternatives are at most two hops longer than the shortest path.")
via = o2.toggle("Also link people who shared an institution in the same year", key="via", bind="query-params",
                help="A shared employer is weaker evidence than a joint paper, so such hops cost a little more.")

if not (source and target):
    st.info("Pick two people to see how they are connected.", icon=":material/conversion_path:")
    st.stop()

result = analytics.connection(key, source, target, k, via, None, None)
if result.status == "found":
    st.success(escape_markdown(result.message), icon=":material/conversion_path:")
elif result.status == "same_person":
    st.info(escape_markdown(result.message), icon=":material/person:")
    st.stop()
else:
    st.warning(escape_markdown(result.message), icon=":material/link_off:")
    st.stop()

view = GraphView()
for number, path in enumerate(result.paths, start=1):
    # Page links, not markdown links: Streamlit opens every markdown link in a new browser tab.
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(f"**Path {number}** · {path.length} hop{'s' if path.length != 1 else ''}:")
        for step, (author, name) in enumerate(zip(path.authors, path.names, strict=True)):
            if step:
                st.markdown("→")
            st.page_link(links.PERSON, label=escape_markdown(name),
                         query_params={**links.keep_here(**{"from": source, "to": target}), "author": author})
    for hop in path.hops:
        view.add_node(hop.source, "Author", hop.source_name)
        view.add_node(hop.target, "Author", hop.target_name)
        if hop.kind == "same_institution" and hop.institution:
            inst = f"{hop.institution}"
            view.add_node(inst, "Institution", hop.institution_name or inst)
            view.add_edge(hop.source, inst, "AFFILIATED_WITH")
            view.add_edge(hop.target, inst, "AFFILIATED_WITH")
        else:
            view.add_edge(hop.source, hop.target, "CO_AUTHOR", weight=hop.joint_papers)
    with st.expander(f"Evidence for path {number}", expanded=number == 1):
        for hop in path.hops:
            st.markdown(f"**{escape_markdown(hop.source_name)} → {escape_markdown(hop.target_name)}:** "
                        f"{escape_markdown(hop.evidence)}")
            for paper in hop.papers:
                st.page_link(links.PAPER, label=escape_markdown(f"{plain_text(paper['title'])} ({paper['venue']} "
                                                                f"{paper['year'] or ''})"),
                             query_params={**links.keep_here(**{"from": source, "to": target}),
                                           "paper": str(paper["id"])}, icon=":material/article:")

for node_id in view.nodes:
    view.nodes[node_id]["weight"] = 3 if node_id in (source, target) else 1
graphview.draw(view, key=f"connect-{source}-{target}-{k}-{via}", centre=source, height=420,
               description=f"Collaboration paths from {result.source_name} to {result.target_name}")
rows = result.rows()
data_table(pd.DataFrame(rows, columns=["path", "step", "from", "to", "kind", "evidence", "papers"]),
           column_config={"kind": "Link", "evidence": st.column_config.TextColumn("Evidence", width="medium"),
                          "papers": st.column_config.TextColumn("Joint papers", width="large")})
download_row([("Paths (CSV)", rows_to_csv(rows), "connection_paths.csv", "text/csv"),
              ("Paths (GraphML)", graphml(view), "connection_paths.graphml", "application/graphml+xml")],
             key="connect-dl")
