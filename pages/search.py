"""Search: people, papers, institutions and topics from one box, with paper facets.

Tolerant by design: case, accents and word order never matter (folded keys and
any-order word matching), small typos get fuzzy people matches and a corrected title
query, and an empty result always says what to try next. Every input is bound to the
URL so a search can be shared.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.exports import rows_to_csv
from graph.ids import fold
from graph.search import Match, rank_named
from graph.tex import plain_text
from ui import analytics, data, links
from ui.linked_table import linked_table
from ui.text import csv_records, escape_markdown, plural, readable_titles
from ui.widgets import download_row, person_links, suggestions_line

PILLAR_NAMES = {"hardware": "Hardware systems for ML", "software": "Software systems for ML",
                "metrics": "ML beyond accuracy", "ml_for_systems": "ML for systems"}
SHOWN_AS_LINKS = 12
TABLE_CAP = 500  # rows in the papers table and its CSV (the count above is the full one)
NAMED_LIMIT = 100  # people named like the query: the first page, most papers first

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
# Back from a result: Streamlit drops `q` (bound to the box below) on a page change, so links from here
# carry the text as `links.SEARCH_BACK`: it is the box's starting value when the URL has no `q`.
carried = (st.query_params.get(links.SEARCH_BACK) or "").strip()
text = st.text_input("Search people, papers, institutions and topics", carried, key="q", bind="query-params",
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
# Names as typed: the store's full-text index (fast at any size; the name as typed ranks first).
named = rank_named(data.people_named(key, query, NAMED_LIMIT), query) if query else []
if query and not named and any(ch.isdigit() for ch in query):  # an ORCID, DBLP, OpenReview or S2 id
    named = [Match(r["id"], r["name"], 100.0, int(r.get("papers") or 0), "phrase")
             for r in data.people_by_external_id(key, query)]
exact_named = named
if query and not named:  # did you mean: only a query that names nobody pays for the in-memory fuzzy index
    named = data.author_index(key).search(query, limit=NAMED_LIMIT)
institutions = data.institution_index(key).search(query, limit=50) if query else []
index = analytics.paper_search(key) if query and not abstracts else None


def find_papers(words: str) -> list[dict[str, object]]:
    """Whole words of titles and topic names, ranked (the store's substring search when abstracts are on)."""
    if index is None:
        return data.search_papers(key, words, year_from, year_to, tuple(chosen_venues), pillar, abstracts)
    return [{"id": h.id, "title": h.title, "year": h.year, "venue": h.venue, "topics": list(h.topics),
             "matched": h.matched}
            for h in index.search(words, year_from=year_from, year_to=year_to, venues=chosen_venues, topic=pillar)]


papers = find_papers(query)
corrected = None
if query and not papers and not exact_named:  # a name is not a misspelt title ("matei" is not "mate")
    corrected = data.title_vocabulary(key).correct(query)
    if corrected:
        papers = find_papers(corrected)
publishing = (index.people(corrected or query, limit=50, year_from=year_from, year_to=year_to,
                           venues=chosen_venues, topic=pillar) if index is not None and papers else [])
named_ids = {m.id for m in named}
people_total = len(named) + sum(1 for p in publishing if p.id not in named_ids)
folded = fold(query)
topics_found = [t for t in topic_rows if folded and (folded in fold(t["label"]) or folded in fold(t.get("name") or ""))]

summary = (f"{plural(people_total, 'person', 'people')}, {plural(len(papers), 'paper')}, "
           f"{plural(len(institutions), 'institution')}, {plural(len(topics_found), 'topic')}")
people = named  # the name matches (links below); `publishing` ranks people by their papers on the query
if not (people or publishing or papers or institutions or topics_found):
    st.warning(f"Nothing matches “{escape_markdown(query)}”" + (" with these filters." if faceted else "."),
               icon=":material/search_off:")
    suggestions_line(query, data.author_index(key).suggest(query, 5))
    if faceted:
        st.caption("Widen the year range or clear the venue and pillar filters.")
    st.stop()
st.caption(f"Found {summary}.")

papers_label = f"Papers ({len(papers):,}{'+' if index is None and len(papers) >= 200 else ''})"
tab_people, tab_papers, tab_insts, tab_topics = st.tabs([  # counts written as in the "Found …" line above
    f"People ({people_total:,})", papers_label, f"Institutions ({len(institutions):,})",
    f"Topics ({len(topics_found):,})"],
    default=None if people or publishing or not papers else papers_label)

with tab_people:
    if not (people or publishing):
        st.info("No people match." if query else "Type a name to search people.")
    if people:
        if publishing:
            st.markdown(f"**Named “{escape_markdown(query)}”**")
        if not exact_named:
            st.caption(f"No exact match for “{escape_markdown(query)}”; these names are spelled similarly.")
        elif len(exact_named) >= NAMED_LIMIT:
            st.caption(f"Showing the {NAMED_LIMIT} people named like this with the most papers; add a word of the "
                       "name to narrow it.")
        # carrying q: Back from the profile returns to these results
        person_links(people, limit=SHOWN_AS_LINKS, keep=links.keep_search(query))
        if len(people) > SHOWN_AS_LINKS:
            frame = pd.DataFrame([{"name": m.name, "papers": m.weight, "match": m.how,
                                   "link": links.person_href(m.id)} for m in people])
            linked_table(frame, key="search-people", carry=links.keep_search(query), column_config={
                "papers": st.column_config.NumberColumn("Papers")})
    if publishing:
        st.markdown(f"**Publishing on “{escape_markdown(corrected or query)}”** — ranked by their papers that match "
                    "(a title match counts more than a topic match)")
        frame = pd.DataFrame([{"name": p.name, "matching papers": p.papers, "all papers": p.total_papers,
                               "link": links.person_href(p.id)} for p in publishing])
        linked_table(frame, key="search-publishing", carry=links.keep_search(query))

with tab_papers:
    if corrected:
        st.info(f"No paper titles contain “{escape_markdown(query)}”; "
                f"showing results for “{escape_markdown(corrected)}”.", icon=":material/spellcheck:")
    if not papers:
        st.info("No paper titles match" + (" with these filters." if faceted else "."))
    else:
        for paper in papers[:SHOWN_AS_LINKS]:
            where = " ".join(str(x) for x in (paper.get("venue"), paper.get("year")) if x)
            st.page_link(links.PAPER, label=escape_markdown(f"{plain_text(paper['title'])} — {where}"),
                         query_params={**links.keep_search(query), "paper": paper["id"]}, icon=":material/article:")
        frame = pd.DataFrame([{**p, "topics": ", ".join(topic_names.get(t, t) for t in p.get("topics") or []),
                               "link": links.paper_href(p["id"])} for p in papers[:TABLE_CAP]],
                             columns=["title", "year", "venue", "matched", "topics", "link", "id"])
        shown = readable_titles(frame.drop(columns=["id"]))
        linked_table(shown, key="search-papers", carry=links.keep_search(query), column_config={
            "title": st.column_config.TextColumn("Title", width="large"),
            "year": st.column_config.NumberColumn("Year", format="%d"), "venue": "Venue",
            "matched": "Matched in", "topics": "Topics"})
        if len(papers) > TABLE_CAP:
            st.caption(f"The table and CSV show the best {TABLE_CAP:,} of {len(papers):,} papers; narrow the query or "
                       "the filters to see the rest.")
        download_row([("Papers (CSV)", rows_to_csv(csv_records(frame.drop(columns=["link"]))),
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
