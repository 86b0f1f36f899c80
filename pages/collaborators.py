"""Collaborators: whom could this person work with — people two or three hops away who have
not written with them yet, each with a one-line reason, filtered by pillar, by similar
vs complementary interests and by the type of their institution.

Suggestions come from `graph.analytics.suggest`; this page only asks and filters.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.exports import rows_to_csv
from ui import analytics, data, links
from ui.tables import data_table
from ui.text import escape_markdown, plural
from ui.widgets import download_row, lands_with, person_picker

MODES = {"Balanced": "balanced", "Similar": "similar", "Complementary": "complementary"}
SECTORS = ["academia", "industry", "lab", "unknown"]  # graph.analytics.sectors.Sector

st.title("Collaborators")
st.caption("People two or three introductions away who have not written with this person yet, each with the "
           "reason they were suggested.")
if not analytics.available("graph.analytics", "graph.analytics.suggest"):
    lands_with("Collaborator suggestions", 7)
    st.stop()

key = data.store_key()
author = person_picker("Suggest collaborators for", key="collab_person", param="author")
c1, c2, c3 = st.columns(3)
mode_label = c1.segmented_control("Interests", list(MODES), default="Balanced", key="mode", bind="query-params",
                                  help="Similar: shares your topics and venues. Complementary: a systems person "
                                       "meets an ML person on a shared topic. Balanced: both.") or "Balanced"
count = c2.slider("Suggestions", 5, 30, 10, step=5, key="n", bind="query-params")
hops = c3.radio("Reach", [2, 3], index=1, key="hops", bind="query-params", horizontal=True,
                format_func=lambda h: f"{h} hops", help="How many introductions away to look.")
pillars = [t["label"] for t in data.topics(key)]
f1, f2 = st.columns(2)
pillar = f1.selectbox("Works on", [None, *pillars], key="pillar", bind="query-params",
                      format_func=lambda p: "Any topic" if p is None else data.topic_names(key).get(p, p))
sectors = f2.multiselect("Institution type", SECTORS, key="sector", bind="query-params", placeholder="Any type",
                         help="From the type of their latest institution (university, company, lab); "
                              "organisations of unknown type are “unknown”.")

if not author:
    st.info("Pick a person to see suggestions.", icon=":material/group_add:")
    st.stop()

filtered = bool(pillar or sectors)
pool = analytics.suggestions(key, author, count * 4 if filtered else count, MODES[mode_label], int(hops))
facts = analytics.candidate_facts(key, tuple(s.author for s in pool))
shown = [s for s in pool
         if (not pillar or pillar in facts[s.author]["topics"])
         and (not sectors or facts[s.author]["sector"] in sectors)][:count]

name = data.author_index(key).name_of(author) or author
if not pool:
    st.warning(f"No suggestions for {escape_markdown(name)}: they have no co-authors in the graph to start from.",
               icon=":material/group_off:")
    st.stop()
if not shown:
    st.warning("No suggestion passes these filters; widen the topic or institution type.",
               icon=":material/filter_alt_off:")
    st.stop()

with st.container(horizontal=True, vertical_alignment="center", gap="small"):  # a page link: same tab
    st.markdown(f"**{plural(len(shown), 'suggestion')}** for")
    st.page_link(links.PERSON, label=f"**{escape_markdown(name)}**", query_params={"author": author},
                 icon=":material/person:")
    st.markdown(":gray[· score: relative to the best suggestion in this list, 1.00]")
# Three elements a suggestion (the reason and its details in one markdown block, no columns or metric): a card of
# nine elements and blocks each made this the page with the most elements for the browser to draw.
for s in shown:
    with st.container(border=True):
        st.page_link(links.PERSON, label=f"**{escape_markdown(s.name)}**", query_params={"author": s.author},
                     icon=":material/person:")
        detail = [f"score **{s.score:.2f}**", f"{s.hops} hops away"]
        if facts[s.author]["institution"]:
            detail.append(escape_markdown(f"{facts[s.author]['institution']} ({facts[s.author]['sector']})"))
        if s.last_active:
            detail.append(f"last paper {s.last_active}")
        st.markdown(f"{escape_markdown(s.explanation)}  \n:gray[{' · '.join(detail)}]")
        st.page_link(links.CONNECT, label="How are we connected?",
                     query_params={**links.keep_here(author=author), "from": author, "to": s.author},
                     icon=":material/conversion_path:")

rows = [{"name": s.name, "score": s.score, "hops": s.hops, "explanation": s.explanation,
         "shared_coauthors": s.shared_coauthor_count, "similarity": s.similarity,
         "complementarity": s.complementarity, "last_active": s.last_active,
         "institution": facts[s.author]["institution"], "sector": facts[s.author]["sector"], "id": s.author}
        for s in shown]
# Lazy: a collapsed expander still sends its content, and a data grid is the dearest element to draw.
as_table = st.expander("As a table", key="as-table", on_change="rerun")
if as_table.open:
    with as_table:
        data_table(pd.DataFrame(rows), column_config={
            "score": st.column_config.ProgressColumn("Score", min_value=0, max_value=1, format="%.2f"),
            "explanation": st.column_config.TextColumn("Why", width="large")})
download_row([("Suggestions (CSV)", rows_to_csv(rows), "collaborator_suggestions.csv", "text/csv")],
             key="collab-dl")
