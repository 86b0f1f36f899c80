"""Search: people, papers, institutions and topics from one box, with paper facets.

Tolerant by design: case, accents and word order never matter (folded keys and
any-order word matching), small typos get fuzzy people matches and a corrected title
query, and an empty result always says what to try next. Every input is bound to the
URL so a search can be shared.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph import queries as q
from graph.exports import rows_to_csv
from graph.ids import fold
from ingest.identity import profiles
from ui import data, links
from ui.text import escape_markdown, plural
from ui.widgets import download_row, match_label, suggestions_line

PILLAR_NAMES = {"hardware": "Hardware systems for ML", "software": "Software systems for ML",
                "metrics": "ML beyond accuracy", "ml_for_systems": "ML for systems"}
SHOWN_AS_LINKS = 12

key = data.store_key()
counts = data.counts(key)
years = [int(r["year"]) for r in counts["papers_per_venue_year"] if r.get("year")]
year_bounds = (min(years), max(years)) if years else (2000, 2030)
venue_rows = data.venues(key)
venue_names = [v["name"] for v in venue_rows if v.get("community") != "other"] + sorted(
    v["name"] for v in venue_rows if v.get("community") == "other")
topic_rows = data.topics(key)
pillars = [t["label"] for t in topic_rows if t.get("kind") == "pillar"]
topic_names = {t["label"]: t.get("name") or t["label"] for t in topic_rows}

st.title("Search")
text = st.text_input("Search people, papers, institutions and topics", key="q", bind="query-params",
                     placeholder="e.g. Matei Zaharia, speculative decoding, ETH Zurich",
                     help="Case, accents and word order do not matter; close spellings of names are found too.")
with st.expander("Paper filters: years, venues, pillar, abstracts"):
    f1, f2 = st.columns(2)
    year_range = f1.slider("Years", year_bounds[0], year_bounds[1], year_bounds, key="years", bind="query-params")
    chosen_venues = f2.multiselect("Venues", venue_names, key="venue", bind="query-params",
                                   placeholder="All venues")
    f3, f4 = st.columns(2)
    pillar = f3.selectbox("Pillar", [None, *pillars], key="pillar", bind="query-params",
                          format_func=lambda p: "Any pillar" if p is None else topic_names.get(p, p),
                          help="The MLSys pillars the topic tagger assigns to papers.")
    abstracts = f4.checkbox("Also search abstracts", key="abstracts", bind="query-params",
                            help="Abstracts exist only where a source's licence allows shipping them.")

year_from = year_range[0] if year_range[0] > year_bounds[0] else None
year_to = year_range[1] if year_range[1] < year_bounds[1] else None
faceted = bool(year_from or year_to or chosen_venues or pillar)

if not text.strip() and not faceted:
    st.info("Type a name, a few words of a title or an institution. Use the filters to browse papers by year, "
            "venue or pillar.", icon=":material/search:")
    st.stop()

query = text.strip()
people = data.author_index(key).search(query, limit=100) if query else []
if query and not people and any(ch.isdigit() for ch in query):  # an ORCID, DBLP, OpenReview or S2 id
    people = [match for row in data.store_for(key).read(q.AUTHOR_BY_EXTERNAL_ID, {"id": query.strip()})
              for match in data.author_index(key).search(row["name"], limit=20) if match.id == row["id"]]
institutions = data.institution_index(key).search(query, limit=50) if query else []
papers = data.search_papers(key, query, year_from, year_to, tuple(chosen_venues), pillar, abstracts)
corrected = None
if query and not papers:
    corrected = data.title_vocabulary(key).correct(query)
    if corrected:
        papers = data.search_papers(key, corrected, year_from, year_to, tuple(chosen_venues), pillar, abstracts)
folded = fold(query)
topics_found = [t for t in topic_rows if folded and (folded in fold(t["label"]) or folded in fold(t.get("name") or ""))]

exact_people = [m for m in people if m.exact]
summary = (f"{plural(len(exact_people) or len(people), 'person', 'people')}, {plural(len(papers), 'paper')}, "
           f"{plural(len(institutions), 'institution')}, {plural(len(topics_found), 'topic')}")
if not (people or papers or institutions or topics_found):
    st.warning(f"Nothing matches “{escape_markdown(query)}”" + (" with these filters." if faceted else "."),
               icon=":material/search_off:")
    suggestions_line(query, data.author_index(key).suggest(query, 5))
    if faceted:
        st.caption("Widen the year range or clear the venue and pillar filters.")
    st.stop()
st.caption(f"Found {summary}.")

tab_people, tab_papers, tab_insts, tab_topics = st.tabs([
    f"People ({len(people)})", f"Papers ({len(papers)}{'+' if len(papers) >= 200 else ''})",
    f"Institutions ({len(institutions)})", f"Topics ({len(topics_found)})"],
    default=None if people or not papers else f"Papers ({len(papers)}{'+' if len(papers) >= 200 else ''})")

with tab_people:
    if not people:
        st.info("No people match." if query else "Type a name to search people.")
    else:
        if not exact_people:
            st.caption(f"No exact match for “{escape_markdown(query)}”; these names are spelled similarly.")
        for match in people[:SHOWN_AS_LINKS]:
            st.page_link(links.PERSON, label=escape_markdown(match_label(match)), query_params={"author": match.id},
                         icon=":material/person:")
            # years, main affiliation, top venues, ORCID/DBLP: two profiles of one name told apart at a glance
            summary = profiles.summarise(data.author(key, match.id) or {}, data.author_papers(key, match.id),
                                         data.author_institutions(key, match.id))
            if profiles.one_line(summary):
                st.caption(escape_markdown(profiles.one_line(summary)))
        if len(people) > SHOWN_AS_LINKS:
            frame = pd.DataFrame([{"name": m.name, "papers": m.weight, "match": m.how,
                                   "link": links.person_href(m.id)} for m in people])
            st.dataframe(frame, hide_index=True, width="stretch", column_config={
                "link": st.column_config.LinkColumn("Profile", display_text="Open profile"),
                "papers": st.column_config.NumberColumn("Papers")})

with tab_papers:
    if corrected:
        st.info(f"No paper titles contain “{escape_markdown(query)}”; "
                f"showing results for “{escape_markdown(corrected)}”.", icon=":material/spellcheck:")
    if not papers:
        st.info("No paper titles match" + (" with these filters." if faceted else "."))
    else:
        for paper in papers[:SHOWN_AS_LINKS]:
            where = " ".join(str(x) for x in (paper.get("venue"), paper.get("year")) if x)
            st.page_link(links.PAPER, label=escape_markdown(f"{paper['title']} — {where}"),
                         query_params={"paper": paper["id"]}, icon=":material/article:")
        frame = pd.DataFrame([{**p, "topics": ", ".join(p.get("topics") or []), "link": links.paper_href(p["id"])}
                              for p in papers], columns=["title", "year", "venue", "community", "topics", "link", "id"])
        st.dataframe(frame.drop(columns=["id"]), hide_index=True, width="stretch", column_config={
            "title": st.column_config.TextColumn("Title", width="large"),
            "year": st.column_config.NumberColumn("Year", format="%d"), "venue": "Venue",
            "community": "Venue type", "topics": "Topics",
            "link": st.column_config.LinkColumn("Paper", display_text="Open")})
        download_row([("Papers (CSV)", rows_to_csv(frame.drop(columns=["link"]).to_dict("records")),
                       "search_papers.csv", "text/csv")], key="search-dl")

with tab_insts:
    if not institutions:
        st.info("No institutions match." if query else "Type a name to search institutions.")
    for match in institutions[:SHOWN_AS_LINKS]:
        country = match.get("country")
        label = f"{match.name}{f' ({country})' if country else ''} — {plural(match.weight, 'person', 'people')}"
        st.page_link(links.INSTITUTION, label=escape_markdown(label), query_params={"institution": match.id},
                     icon=":material/account_balance:")

with tab_topics:
    if not topics_found:
        st.info("No topic names match." if query else "Type a topic name such as “hardware”.")
    for topic in topics_found:
        st.page_link(links.TOPICS, label=escape_markdown(f"{topic.get('name') or topic['label']} "
                                                         f"({topic['kind']}, {plural(topic['papers'], 'paper')})"),
                     query_params={"topic": topic.get("name") or topic["label"],
                                   "kind": "Topics" if topic["kind"] == "topic" else "Pillars"},
                     icon=":material/category:")
