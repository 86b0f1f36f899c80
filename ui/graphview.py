"""Network drawings with Altair (Vega-Lite), which Streamlit bundles: fully offline, no CDN.

A `GraphView` is laid out with networkx (seeded, so the same graph always looks the
same) and drawn as three layers: edges as rules, nodes as shapes and their names as
SVG text. Names only ever reach the browser as data values (SVG text and Vega's
escaped tooltips), never as HTML. Node kinds differ by shape and colour and appear in
the legend and tooltip, so colour is never the only cue. Clicking a node returns its
id to the page (Streamlit chart selections), which the pages use to navigate or expand.
"""

from __future__ import annotations

import math

import altair as alt
import networkx as nx
import pandas as pd
import streamlit as st

from graph.explore import GraphView
from ui import charts
from ui.text import truncate

KIND_STYLE: dict[str, tuple[str, str]] = {  # kind -> (shape, colour); colours readable on light and dark
    "Author": ("circle", "#4c78a8"),
    "Paper": ("square", "#f58518"),
    "Institution": ("diamond", "#54a24b"),
    "Venue": ("triangle-up", "#b279a2"),
    "Topic": ("cross", "#e45756"),
}
KIND_NAMES = {"Author": "Person", "Paper": "Paper", "Institution": "Institution", "Venue": "Venue",
              "Topic": "Topic"}
SELECTION = "node"
# Vega's text marks do not follow Streamlit's theme: label and outline colours come from it explicitly.
THEME_INK = {"light": ("#2f2d2b", "#ffffff"), "dark": ("#edebe8", "#171614")}  # (text, node outline)


def theme_ink() -> tuple[str, str]:
    try:
        kind = st.context.theme.type or "light"
    except AttributeError:
        kind = "light"
    return THEME_INK.get(kind, THEME_INK["light"])


def layout(view: GraphView, centre: str | None = None, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]²: a seeded spring layout, with the focus node pinned in the middle."""
    graph = nx.Graph()
    graph.add_nodes_from(view.nodes)
    for (source, target, _rel), edge in view.edges.items():
        weight = math.log1p(edge.get("weight") or 1)
        if graph.has_edge(source, target):
            graph[source][target]["weight"] += weight
        else:
            graph.add_edge(source, target, weight=weight)
    if not graph:
        return {}
    fixed = None
    initial = None
    if centre in graph and len(graph) > 1:
        initial = nx.circular_layout(graph)
        initial[centre] = (0.0, 0.0)
        fixed = [centre]
    k = 2.4 / math.sqrt(max(len(graph), 1))
    pos = nx.spring_layout(graph, k=k, pos=initial, fixed=fixed, seed=seed, weight="weight", iterations=80)
    if centre in pos:  # the focus stays in the middle of the drawing
        mid_x, mid_y = pos[centre]
    else:
        mid_x = (max(p[0] for p in pos.values()) + min(p[0] for p in pos.values())) / 2
        mid_y = (max(p[1] for p in pos.values()) + min(p[1] for p in pos.values())) / 2
    reach = max(max(abs(x - mid_x), abs(y - mid_y)) for x, y in pos.values()) or 1.0
    return {n: (float((x - mid_x) / reach), float((y - mid_y) / reach)) for n, (x, y) in pos.items()}


def frames(view: GraphView, centre: str | None = None, max_label: int = 34) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, edges) tables with coordinates: what the chart draws and what the page can list."""
    pos = layout(view, centre)
    nodes = pd.DataFrame([
        {"id": n["id"], "name": n.get("name") or n["id"], "label": truncate(n.get("name") or n["id"], max_label),
         "kind": KIND_NAMES.get(n.get("kind", ""), n.get("kind", "")), "weight": int(n.get("weight") or 0),
         "focus": n["id"] == centre, "x": pos[n["id"]][0], "y": pos[n["id"]][1]}
        for n in view.nodes.values() if n["id"] in pos
    ], columns=["id", "name", "label", "kind", "weight", "focus", "x", "y"])
    edges = pd.DataFrame([
        {"source": s, "target": t, "rel": rel, "weight": int(e.get("weight") or 1),
         "x": pos[s][0], "y": pos[s][1], "x2": pos[t][0], "y2": pos[t][1]}
        for (s, t, rel), e in view.edges.items() if s in pos and t in pos
    ], columns=["source", "target", "rel", "weight", "x", "y", "x2", "y2"])
    return nodes, edges


def chart(view: GraphView, centre: str | None = None, *, height: int = 520, labels: int = 40,
          ink: tuple[str, str] = THEME_INK["light"]) -> alt.LayerChart:
    text_colour, outline = ink
    nodes, edges = frames(view, centre)
    if len(nodes) > labels:  # label the heaviest nodes and the focus; the rest have tooltips
        keep = set(nodes.nlargest(labels, "weight")["id"]) | ({centre} if centre else set())
        nodes["label"] = [lab if i in keep else "" for i, lab in zip(nodes["id"], nodes["label"], strict=True)]
    kinds = [KIND_NAMES[k] for k in KIND_STYLE if KIND_NAMES[k] in set(nodes["kind"])]
    shapes = [KIND_STYLE[k][0] for k in KIND_STYLE if KIND_NAMES[k] in kinds]
    colours = [KIND_STYLE[k][1] for k in KIND_STYLE if KIND_NAMES[k] in kinds]
    scale = alt.Scale(domain=[-1.25, 1.25], nice=False)
    x, y = alt.X("x:Q", scale=scale, axis=None), alt.Y("y:Q", scale=scale, axis=None)
    legend = alt.Legend(title="Node", symbolSize=160, symbolStrokeWidth=0, orient="bottom", direction="horizontal")
    selection = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    edge_layer = alt.Chart(edges).mark_rule(color="#8c8c8c", opacity=0.45).encode(
        x=x, y=y, x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"),
        strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[0.8, 4]), legend=None),
        tooltip=[alt.Tooltip("rel:N", title="relationship"), alt.Tooltip("weight:Q", title="weight")],
    )
    node_layer = alt.Chart(nodes).mark_point(filled=True, opacity=0.95, strokeWidth=1.2, stroke=outline).encode(
        x=x, y=y,
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=shapes), legend=legend),
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=colours), legend=legend),
        size=alt.condition(alt.datum.focus, alt.value(750),
                           alt.Size("weight:Q", scale=alt.Scale(type="sqrt", range=[140, 560]), legend=None)),
        tooltip=[alt.Tooltip("name:N", title="name"), alt.Tooltip("kind:N", title="kind"),
                 alt.Tooltip("weight:Q", title="papers / weight")],
        opacity=alt.condition(selection, alt.value(0.95), alt.value(0.55)),
    ).add_params(selection)
    text_layer = alt.Chart(nodes[~nodes["focus"]]).mark_text(dy=-13, fontSize=11, color=text_colour).encode(
        x=x, y=y, text=alt.Text("label:N"))
    focus_layer = alt.Chart(nodes[nodes["focus"]]).mark_text(dy=-21, fontSize=13, fontWeight="bold",
                                                               color=text_colour).encode(
        x=x, y=y, text=alt.Text("label:N"))
    return (alt.layer(edge_layer, node_layer, text_layer, focus_layer).properties(height=height)
            .configure_view(strokeWidth=0))


def draw(view: GraphView, *, key: str, centre: str | None = None, height: int = 520,
         description: str = "Network drawing") -> str | None:
    """Draw the graph and return the id of a clicked node (or None)."""
    if not view.nodes:
        st.info("Nothing to draw: this neighbourhood is empty with the current filters.")
        return None
    event = charts.altair_chart(chart(view, centre, height=height, ink=theme_ink()), key=key, on_select="rerun",
                                selection_mode=SELECTION, width="stretch", alt=description)
    try:
        points = event.selection.get(SELECTION) or []  # type: ignore[union-attr]
    except AttributeError:
        return None
    for point in points:
        if isinstance(point, dict) and point.get("id"):
            return str(point["id"])
    return None
