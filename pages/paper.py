"""Paper: authors (with the affiliation as printed), venue, year, topics with score and evidence,
external links, citations within the graph and provenance.

Reached from search and profiles via `?paper=<id>`; the topic evidence is what lets an
organizer check why the tagger put a paper in a pillar.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from graph import explore
from graph.exports import bibtex
from graph.ids import fold
from graph.tex import plain_text
from ui import data, links
from ui.state import PAPER_SHOWN as SHOWN
from ui.tables import data_table
from ui.text import escape_markdown, plural
from ui.widgets import download_row

key = data.store_key()
paper_id = (st.query_params.get("paper") or "").strip()

if not paper_id:
    st.title("Paper")
    st.info("Open a paper from Search or from a person's profile.", icon=":material/article:")
    st.page_link(links.SEARCH, label="Search papers", icon=":material/search:")
    st.stop()

same_page_link = (st.session_state.get(SHOWN) not in (None, paper_id)
                  and not getattr(get_script_run_ctx(), "is_history_navigation", False))
if same_page_link:
    # A page link from a paper to a paper (related, citations) reruns this page with the new parameters but
    # leaves the address bar showing the old paper; writing the parameter puts this one's id there.
    st.query_params.from_dict({"paper": paper_id})
st.session_state[SHOWN] = paper_id  # app.py forgets it when another page runs
paper = data.paper(key, paper_id)
if paper is None and explore.node_label(paper_id) != "Paper":
    # ?paper= may hold a title, like every other entity deep link holds a name: one exact title opens it.
    same_title = [row for row in data.search_papers(key, paper_id, None, None, (), None, False, limit=20)
                  if fold(row.get("title") or "") == fold(paper_id)]
    if len(same_title) == 1:
        paper_id = same_title[0]["id"]
        st.query_params.from_dict({"paper": paper_id})
        st.session_state[SHOWN] = paper_id
        paper = data.paper(key, paper_id)
    elif same_title:
        st.title("Paper")
        st.info(f"{plural(len(same_title), 'paper')} titled “{escape_markdown(paper_id)}”. Pick one:",
                icon=":material/article:")
        for row in same_title:
            title = plain_text(row.get("title") or "")
            st.page_link(links.PAPER, label=escape_markdown(f"{title} — {row.get('venue') or '?'} "
                                                            f"{row.get('year') or ''}".strip()),
                         query_params={"paper": row["id"]}, icon=":material/article:")
        st.stop()
if paper is None:
    st.title("Paper")
    st.warning(f"No paper with id “{escape_markdown(paper_id)}” in this graph (it may come from another build).",
               icon=":material/search_off:")
    st.page_link(links.SEARCH, label="Search papers instead", icon=":material/search:")
    st.stop()
paper_id = paper.get("id") or paper_id  # a link with an id of an earlier id scheme: the node's current id

st.title(escape_markdown(plain_text(paper.get("title") or paper_id)))
where = " · ".join(escape_markdown(x) for x in (
    paper.get("venue"), str(paper.get("year") or "year unknown"),
    explore.community_name(paper.get("community")) + " venue") if x)
st.caption(where)

authors = paper.get("authors") or []
if authors:  # page links: same tab, and carrying `paper` makes Back return here in one press
    ordered = sorted(authors, key=lambda a: a.get("position") or 0)
    grid = st.columns(2 if len(ordered) > 6 else 1)
    for i, a in enumerate(ordered):
        with grid[i % len(grid)]:
            st.page_link(links.PERSON, label=escape_markdown(
                a["name"] + (f" — {a['affiliation']}" if a.get("affiliation") else "")),
                query_params={**links.keep_here(paper=paper_id), "author": a["id"]}, icon=":material/person:")
    # The institutions the printed affiliations resolved to, in author order: the ones the paper is credited to.
    printed = dict.fromkeys((a["institution_id"], a.get("institution") or a["institution_id"])
                            for a in ordered if a.get("institution_id"))
    if printed:
        st.markdown("**Institutions**")
        grid = st.columns(min(3, len(printed)))
        for i, (inst_id, name) in enumerate(printed):
            with grid[i % len(grid)]:
                st.page_link(links.INSTITUTION, label=escape_markdown(name),
                             query_params={**links.keep_here(paper=paper_id), "institution": inst_id},
                             icon=":material/account_balance:")
else:
    st.caption("No authors recorded.")

TAG_INPUT_NOTES = {
    "abstract": "Tagged from the title and the abstract.",
    "derived_terms": "Tagged from the title and key terms derived from the abstract (the abstract's licence "
                     "does not allow shipping its text; see data/PROVENANCE.md).",
    "title_only": "Tagged from the title alone: no abstract is available, so tags are less certain.",
}

if paper.get("abstract"):
    with st.expander("Abstract", expanded=True):
        st.markdown(escape_markdown(paper["abstract"]))

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Topics")
    st.caption(TAG_INPUT_NOTES.get(paper.get("tag_input") or "title_only", TAG_INPUT_NOTES["title_only"]))
    topic_rows = paper.get("topics") or []
    if topic_rows:
        data_table(pd.DataFrame([{
            "topic": t.get("name") or t.get("label"), "kind": t.get("kind"), "score": t.get("score"),
            "evidence": "; ".join(t.get("evidence") or [])} for t in topic_rows]), column_config={
            "score": st.column_config.ProgressColumn("Score", min_value=0, max_value=1, format="%.2f"),
            "evidence": st.column_config.TextColumn("Evidence", help="What in the text triggered the tag",
                                                    width="large")})
    else:
        st.caption("The topic tagger found no pillar or topic for this paper.")
    cites, cited_by = data.paper_citations(key, paper_id)
    if cites or cited_by:
        st.subheader("Citations in the graph")
        for title, rows in (("Cites", cites), ("Cited by", cited_by)):
            if rows:
                st.markdown(f"**{title}** ({len(rows)})")
                for row in rows[:15]:
                    st.page_link(links.PAPER, label=escape_markdown(f"{plain_text(row['title'])} ({row.get('venue')} "
                                                                    f"{row.get('year') or ''})"),
                                 query_params={"paper": row["id"]}, icon=":material/article:")
    related = data.related_papers(key, paper_id)
    st.subheader("Related papers")
    if related:
        st.caption("Ranked by shared authors, shared topics (a rare topic counts more than a broad pillar) "
                   "and citations between the two papers.")
        for row in related:
            title_col, why_col = st.columns([3, 2])
            with title_col:
                where = " ".join(str(x) for x in (row.get("venue"), row.get("year")) if x)
                st.page_link(links.PAPER, label=escape_markdown(f"{plain_text(row['title'])} — {where}", 160),
                             query_params={"paper": row["id"]}, icon=":material/article:")
            with why_col:
                st.caption(escape_markdown(row["reason"]))
    else:
        st.caption("No other paper in the graph shares an author, a topic or a citation with this one.")
with right:
    st.subheader("Links")
    paper_links = explore.paper_links(paper)
    for label, url in paper_links:
        st.link_button(label, url, icon=":material/open_in_new:", width="stretch")
    if not paper_links:
        st.caption("No external identifiers recorded.")
    st.subheader("Provenance")
    st.markdown(f"**Sources:** {escape_markdown(', '.join(paper.get('sources') or [])) or 'unknown'}  \n"
                f"**Retrieved:** {escape_markdown(paper.get('retrieved_at') or 'unknown')}  \n"
                f"**Atlas id:** `{paper_id.replace('`', '')}`")
    st.page_link(links.DATA, label="Full provenance", query_params={"node": paper_id}, icon=":material/database:")
    st.page_link(links.GRAPH, label="Open in the graph explorer", query_params={"node": paper_id},
                 icon=":material/hub:")
    names = [a["name"] for a in sorted(authors, key=lambda a: a.get("position") or 0)]
    download_row([("BibTeX", bibtex([paper], {paper_id: names}).encode("utf-8"), "paper.bib",
                   "application/x-bibtex")], key="paper-dl")
    st.caption(plural(len(authors), "author"))
