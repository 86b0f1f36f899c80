"""Person: one researcher's profile — papers by year, venue mix (systems / ML / MLSys), topics,
co-authors, institutions over time, identity (aliases, merge confidence, sources) and ego network.

`?author=` takes an author id or a name: a unique name opens the profile, namesakes
get a choice with paper counts, a typo gets "did you mean". Every table can be
downloaded (CSV, BibTeX, GraphML).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from graph import explore, profiles
from graph.exports import bibtex, graphml, rows_to_csv
from graph.tex import plain_text
from ui import analytics, charts, data, graphview, links
from ui.linked_table import linked_table
from ui.state import PERSON_SHOWN
from ui.tables import data_table
from ui.text import csv_records, escape_markdown, plural, readable_titles
from ui.widgets import download_row, match_label, person_links, plain_table, resolve_person_param, suggestions_line

BACKGROUNDS = {"systems": "Systems", "ml": "ML", "both": "Both", "neither": "Neither"}
COAUTHOR_CAP = 200  # co-authors read and listed (a note says so when reached)
NEWEST_LINKS = 8  # newest papers listed as same-tab links above the full table

key = data.store_key()


def finder(message: str | None = None) -> None:
    """Search box shown when no (or no unique) person is selected."""
    text = st.text_input("Find a person", key="person_find", placeholder="e.g. Tianqi Chen",
                         help="Case, accents, word order and small typos do not matter.")
    if text.strip():
        matches = data.author_index(key).search(text, limit=15)
        if matches:
            person_links(matches)
        else:
            st.warning(f"No person named “{escape_markdown(text)}”.")
            suggestions_line(text, data.author_index(key).suggest(text, 5))


def report_problem(author_id: str, name: str, summary: dict, papers: list[dict]) -> None:
    """'Report a problem with this profile': propose a merge or a split, with the evidence, for a curator."""
    from graph import proposals

    with st.expander("Report a problem with this profile", icon=":material/flag:"):
        namesakes = [m for m in data.author_index(key).search(name, limit=10) if m.id != author_id and m.exact]
        kind = st.radio("What is wrong?", ["Another profile is this same person", "Some papers are someone else's"],
                        key="report_kind")
        own = set(summary["mentions"])
        if kind.startswith("Another"):
            if not namesakes:
                st.caption("No other profile with this name.")
                return
            shared = {m.id: {c["name"] for c in data.coauthors(key, m.id)} & {c["name"] for c in data.coauthors(
                key, author_id)} for m in namesakes}
            for match in namesakes:
                other = profiles.summarise(data.author(key, match.id) or {}, data.author_papers(key, match.id),
                                           data.author_institutions(key, match.id))
                common = escape_markdown(", ".join(sorted(shared[match.id])[:6])) or "none"
                st.markdown(f"**{escape_markdown(match_label(match))}** — {escape_markdown(profiles.one_line(other))}"
                            f"  \nco-authors in common: {common}")
            target = st.selectbox("Same person as", [m.id for m in namesakes], key="report_target",
                                  format_func=lambda pid: next(match_label(m) for m in namesakes if m.id == pid))
            why = st.text_input("Evidence (what shows they are one person)", key="report_why")
            if st.button("Propose this merge", key="report_merge", disabled=not why.strip()):
                theirs = profiles.summarise(data.author(key, target) or {}, data.author_papers(key, target), [])
                row = proposals.propose("merge", why, sorted(own), theirs["mentions"], names=[name, theirs["name"]])
                st.success(f"Proposal {row['id']} recorded. A curator applies it with "
                           f"`mlsys-atlas people merge {author_id} {target} --why ...`.")
        else:
            titles = {p["id"]: f"{p.get('year') or '—'} · {plain_text(p['title'])}" for p in papers}
            chosen = st.multiselect("Papers that belong to someone else", list(titles), key="report_papers",
                                    format_func=lambda pid: titles[pid])
            why = st.text_input("Evidence (affiliation, co-authors, topic)", key="report_why_split")
            if st.button("Propose this split", key="report_split", disabled=not (chosen and why.strip())):
                carved = sorted(m for m in own if m.rsplit("#", 1)[0] in set(chosen))
                row = proposals.propose("split", why, carved, sorted(own - set(carved)), names=[name])
                st.success(f"Proposal {row['id']} recorded. A curator applies it with `mlsys-atlas people split "
                           f"{author_id} --papers {' '.join(chosen)} --why ...`.")


raw = (st.query_params.get("author") or "").strip()
if not raw:
    st.title("Person")
    st.caption("A researcher's profile: papers, venues, topics, co-authors, institutions and network.")
    finder()
    st.stop()

author_id, candidates, message = resolve_person_param(raw)
if author_id is None:
    st.title("Person")
    st.warning(escape_markdown(message), icon=":material/person_search:")
    if candidates:
        person_links(candidates)
    finder()
    st.stop()

if (st.session_state.get(PERSON_SHOWN) not in (None, author_id)
        and not getattr(get_script_run_ctx(), "is_history_navigation", False)):
    # A link from one person to another (a co-author row, the network) reruns this page with the new parameters
    # but leaves the address bar showing the first person, so Back skipped both: put this one's id there.
    st.query_params.from_dict({"author": author_id})
st.session_state[PERSON_SHOWN] = author_id  # app.py forgets it when another page runs
person = data.author(key, author_id) or {}
name = person.get("name") or author_id
st.title(escape_markdown(name))  # first, so the page paints before the rest is read
papers = data.author_papers(key, author_id)
coauthors = data.coauthors(key, author_id, COAUTHOR_CAP)
institutions = explore.institutions_over_time(data.author_institutions(key, author_id))
topic_rows = data.author_topics(key, author_id)
years = sorted({p["year"] for p in papers if p.get("year")})
mix = explore.venue_mix(papers)

facts = []
if person.get("aliases"):
    facts.append("Also published as " + ", ".join(f"*{escape_markdown(a)}*" for a in person["aliases"]))
if person.get("latest_institution"):  # from the person's own latest papers (graph/loader.py)
    facts.append(f"Latest affiliation: {escape_markdown(person['latest_institution'])}"
                 + (f" ({person['latest_year']})" if person.get("latest_year") else "")
                 + profiles.no_affiliation_after(papers, person.get("latest_year")))
elif institutions:
    latest = institutions[-1]
    facts.append(f"Latest affiliation: {escape_markdown(latest['name'])}"
                 + (f" ({latest['last_year']})" if latest.get("last_year") else ""))
summary = profiles.summarise({**person, "id": author_id}, papers, data.author_institutions(key, author_id))
if summary["main_affiliation"] or summary["top_venues"]:
    facts.append(f"Main affiliation (own recent papers): {escape_markdown(summary['main_affiliation'] or 'unknown')}"
                 f" · Top venues: {escape_markdown(', '.join(summary['top_venues']) or '—')}")
if summary["ids"]:
    facts.append(" · ".join(f"{label} `{value}`" for label, value in summary["ids"].items()))
profile_links = explore.author_links(person)
if profile_links:
    facts.append(" · ".join(f"[{label}]({url})" for label, url in profile_links))
if facts:
    st.markdown("  \n".join(facts))

m = st.columns(5)
m[0].metric("Papers", len(papers))
m[1].metric("Co-authors", len(coauthors) if len(coauthors) < 200 else "200+")
m[2].metric("Active", f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "—"))
shares = {row["community"]: row for row in mix}
systems_side = sum(shares.get(c, {}).get("papers", 0) for c in ("Systems", "Architecture", "Data"))
m[3].metric("Systems · ML · MLSys",
            " · ".join(str(n) for n in (systems_side, shares.get("ML", {}).get("papers", 0),
                                         shares.get("MLSys", {}).get("papers", 0))),
            help="Papers at systems-side venues (systems: OSDI, NSDI, …; architecture: ISCA, ASPLOS, …; "
                 "data: SIGMOD, VLDB, …), ML venues (ICML, NeurIPS, ICLR) and MLSys")
m[4].metric("Merge confidence", f"{float(person.get('merge_confidence', 1.0)):.2f}",
            help="How sure identity resolution is that these mentions are one person (1.00 = strong id).")

# Bound to ?tab= (shareable) and lazy: only the open tab runs, so the network is laid out only when asked for.
# Back from a link on a tab: the tab arrives as `ptab` (links.keep_person), the default when the URL has no `tab`.
TABS = ["Overview", "Papers", "Co-authors", "Institutions", "Network", "Identity"]
carried_tab = st.query_params.get(links.PERSON_TAB_BACK)
tabs = st.tabs(TABS, key="tab", bind="query-params", default=carried_tab if carried_tab in TABS else None)
tab_overview, tab_papers, tab_coauthors, tab_insts, tab_network, tab_identity = tabs
here = links.keep_person(author_id, next((label for label, tab in zip(TABS, tabs, strict=True) if tab.open), None))

if tab_overview.open:
    with tab_overview:
        left, right = st.columns([3, 2], gap="large")
        with left:
            st.subheader("Papers by year")
            by_year = pd.DataFrame(explore.papers_by_year(papers), columns=["year", "community", "papers"])
            if by_year.empty:
                st.info("No dated papers.")
            else:
                chart = alt.Chart(by_year).mark_bar().encode(
                    x=charts.year_axis(by_year["year"]),
                    y=alt.Y("papers:Q", title="Papers", axis=alt.Axis(tickMinStep=1)),
                    color=charts.venue_type_colour(),
                    order=alt.Order("community:N"),
                    tooltip=charts.tips("year", alt.Tooltip("community:N", title="venue type"), "papers"),
                ).properties(height=260)
                charts.altair_chart(chart, width="stretch", alt=f"Papers per year for {name}, stacked by venue type")
            st.subheader("Pillars and topics")
            mix_topics = explore.pillar_mix(topic_rows)
            if mix_topics:
                frame = pd.DataFrame(mix_topics[:15])
                frame["label"] = frame["label"].map(lambda lab: data.topic_names(key).get(lab, lab))  # names, not codes
                bars = alt.Chart(frame).mark_bar().encode(
                    y=alt.Y("label:N", sort="-x", title=None, axis=charts.named_rows(labelLimit=220)),
                    x=alt.X("papers:Q", title="Papers", axis=alt.Axis(tickMinStep=1)),
                    tooltip=charts.tips("label", "kind", "papers"))
                text = bars.mark_text(align="left", dx=3).encode(text=alt.Text("papers:Q"))
                charts.altair_chart((bars + text).properties(height=60 + 28 * len(frame)), width="stretch",
                                    alt="Papers per pillar or topic")
            else:
                st.caption("None of these papers carries a pillar or topic tag yet.")
        with right:
            st.subheader("Venue mix")
            if mix:
                plain_table(pd.DataFrame(mix, columns=["community", "papers", "share"]).rename(
                    columns={"community": "Venue type", "papers": "Papers", "share": "Share"}),
                    formats={"Share": "{:.2%}"})
                st.caption("  \n".join(f"**{row['community']}:** {escape_markdown(row['venues'])}" for row in mix))
            else:
                st.info("No papers.")
            facts_ = analytics.person_analytics(key, author_id) if analytics.available("graph.analytics") else None
            if facts_:
                st.subheader("Systems and ML")
                a1, a2, a3 = st.columns(3)
                a1.metric("Background", BACKGROUNDS.get(facts_["background"], facts_["background"]),
                          help="Systems, ML, both or neither: the venue communities this person published at")
                lean = facts_["systems_lean"]
                a2.metric("Systems lean", "—" if lean is None else f"{lean:.2f}",
                          help="Share of systems+ML papers at systems venues (MLSys counts half): 0 = ML, 1 = systems")
                a3.metric("Bridging", f"{facts_['participation']:.2f}",
                          help="Participation over the two sides of the co-author graph: 1 = joint papers split "
                               f"evenly between systems-leaning ({facts_['systems_links']}) and ML-leaning "
                               f"({facts_['ml_links']}) co-authors")
                if st.toggle("Show this person's community", key="community", bind="query-params",
                             help="Louvain over the whole co-author graph: slow the first time after a start."):
                    community = analytics.person_community(key, author_id)
                    if community is None:
                        st.caption("Not in any community: no co-authors in the graph.")
                    else:
                        st.markdown(f"**Community {community.id}** — {escape_markdown(community.label)}: "
                                    f"{plural(community.size, 'person', 'people')}, "
                                    f"{plural(community.papers, 'paper')}; systems {community.systems_share:.0%}, "
                                    f"ML {community.ml_share:.0%}, MLSys {community.mlsys_share:.0%} of its papers.")
                        members = [name for _, name, _ in community.top_members[:8]]
                        st.caption("Best-connected members: " + escape_markdown(", ".join(members)))
                st.page_link(links.OVERLAP, label="Bridges and communities on the Systems ∩ ML page",
                             query_params={"tab": "Bridges"}, icon=":material/join_inner:")

if tab_papers.open:
    with tab_papers:
        if not papers:
            st.info("No papers.")
        else:
            newest = sorted(papers, key=lambda p: -(p.get("year") or 0))[:NEWEST_LINKS]
            st.markdown(f"**Newest papers** ({plural(len(papers), 'paper')} in all, every one in the table below)")
            for p in newest:  # page links open in this tab, so Back returns here in one press
                where = " ".join(str(x) for x in (p.get("venue"), p.get("year")) if x)
                st.page_link(links.PAPER, label=escape_markdown(f"{plain_text(p['title'])} — {where}"),
                             query_params={**here, "paper": p["id"]},
                             icon=":material/article:")
            frame = pd.DataFrame([{**p, "position": (p.get("position") or 0) + 1, "link": links.paper_href(p["id"])}
                                  for p in papers], columns=["year", "title", "venue", "community", "position", "link"])
            linked_table(readable_titles(frame), key="person-papers", carry=here, column_config={
                "year": st.column_config.NumberColumn("Year", format="%d"),
                "title": st.column_config.TextColumn("Title", width="large"),
                "community": "Venue type",
                "position": st.column_config.NumberColumn("Author #", help="Position in the author list")})
            ids = tuple(p["id"] for p in papers)
            venue_full = {v["name"]: v.get("full_name") for v in data.venues(key)}
            bib = bibtex([{**p, "venue_full_name": venue_full.get(p.get("venue"))} for p in papers],
                         data.paper_author_lists(key, ids))
            download_row([
                ("Papers (CSV)", rows_to_csv(csv_records(frame.drop(columns=["link"]))), "papers.csv",
                 "text/csv"),
                ("BibTeX", bib.encode("utf-8"), "papers.bib", "application/x-bibtex"),
            ], key="person-papers-dl")

if tab_coauthors.open:
    with tab_coauthors:
        if not coauthors:
            st.info("No co-authors in the graph.")
        else:
            frame = pd.DataFrame([{**c, "link": links.person_href(c["id"])} for c in coauthors],
                                 columns=["name", "joint_papers", "last_year", "link"])
            linked_table(frame, key="person-coauthors", carry=here, column_config={
                "name": "Name", "joint_papers": st.column_config.NumberColumn("Joint papers"),
                "last_year": st.column_config.NumberColumn("Last together", format="%d")})
            if len(coauthors) >= COAUTHOR_CAP:
                st.caption(f"The {COAUTHOR_CAP} co-authors with the most joint papers (the table and the CSV are "
                           "capped there).")
            download_row([("Co-authors (CSV)", rows_to_csv(csv_records(frame.drop(columns=["link"]))),
                           "coauthors.csv", "text/csv")], key="person-coauthors-dl")

if tab_insts.open:
    with tab_insts:
        if not institutions:
            st.info("No resolved affiliations for this person.")
        else:
            frame = pd.DataFrame(institutions)
            dated = frame.dropna(subset=["first_year"])
            if not dated.empty:
                # a bar from the first to the last year (±0.4 on a numeric axis, so one year is a bar too: on a
                # year-by-year axis it had no width) and a tick on every year with a paper there
                dated = dated.assign(start=dated["first_year"] - 0.4, end=dated["last_year"] + 0.4)
                ticks = dated.assign(year=dated["years"].str.split(", ")).explode("year")
                ticks = ticks.assign(year=pd.to_numeric(ticks["year"], errors="coerce")).dropna(subset=["year"])
                row = alt.Y("name:N", sort=alt.EncodingSortField("first_year"), title=None,
                            axis=charts.named_rows(labelLimit=220))
                spans = alt.Chart(dated).mark_bar(height=12, cornerRadius=4).encode(
                    x=alt.X("start:Q", title=None, scale=alt.Scale(zero=False),
                            axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0)),
                    x2=alt.X2("end:Q"), y=row, tooltip=charts.tips("name", "country", "years"))
                points = alt.Chart(ticks).mark_tick(thickness=2, size=16).encode(
                    x=alt.X("year:Q"), y=row, tooltip=charts.tips("name", "year"))
                # the height holds the year axis too: 32 px a row on top of it
                charts.altair_chart((spans + points).properties(height=50 + 32 * len(dated)), width="stretch",
                                    alt="Affiliations over time: a bar from the first to the last year at each "
                                        "institution, a tick on each year with a paper there")
            frame["link"] = frame["id"].map(links.institution_href)
            linked_table(frame[["name", "country", "years", "printed", "link"]], key="person-institutions",
                         carry=here, column_config={
                             "name": "Institution",
                             "printed": st.column_config.NumberColumn(
                                 "Papers printing it", format="%d",
                                 help="This person's papers on which the affiliation is printed. One paper is weak "
                                      "evidence: a source can print a paper's affiliations out of order.")})
            download_row([("Institutions (CSV)", rows_to_csv(csv_records(frame.drop(columns=["link"]))),
                           "institutions.csv", "text/csv")], key="person-insts-dl")

if tab_network.open:
    with tab_network:
        size = st.slider("Co-authors shown", 5, 60, 25, step=5, key="ego_size",
                         help="The strongest co-authors by joint papers; lines join co-authors who also wrote "
                              "together.")
        view = data.ego_network(key, author_id, size)
        st.caption("Click a person to open their profile. Size = joint papers with "
                   f"{escape_markdown(name)}; hover for details.")
        clicked = graphview.draw(view, key=f"ego-{author_id}-{size}", centre=author_id, height=540,
                                 description=f"Co-author network of {name}")
        if clicked and clicked != author_id:
            st.switch_page(links.PERSON, query_params={"author": clicked})
        edges = [{"source": view.nodes[s]["name"], "target": view.nodes[t]["name"], "weight": e["weight"]}
                 for (s, t, _r), e in view.edges.items()]
        download_row([
            ("Network (GraphML)", graphml(view), "coauthor_network.graphml", "application/graphml+xml"),
            ("Edges (CSV)", rows_to_csv(edges), "coauthor_edges.csv", "text/csv"),
        ], key="person-network-dl")
        st.page_link(links.GRAPH, label="Open in the graph explorer", query_params={**here, "node": author_id},
                     icon=":material/hub:")

if tab_identity.open:
    with tab_identity:
        left, right = st.columns(2, gap="large")
        with left:
            st.subheader("Identity")
            ids = {"Atlas id": author_id, "OpenReview": person.get("openreview_id"),
                   "Semantic Scholar": person.get("s2_id"), "ORCID": person.get("orcid"),
                   "DBLP": person.get("dblp_pid"), "OpenAlex": person.get("openalex_id")}
            data_table(pd.DataFrame([{"id": k, "value": v} for k, v in ids.items() if v]))
            aliases = person.get("aliases") or []
            alias_text = ", ".join(escape_markdown(a) for a in aliases) if aliases else "none recorded"
            st.markdown(f"**Aliases:** {alias_text}  \n"
                        f"**Merge confidence:** {float(person.get('merge_confidence', 1.0)):.2f}")
        with right:
            st.subheader("Provenance")
            st.markdown(f"**Sources:** {escape_markdown(', '.join(person.get('sources') or [])) or 'unknown'}  \n"
                        f"**Retrieved:** {escape_markdown(person.get('retrieved_at') or 'unknown')}")
            provenance = data.node_provenance(key, author_id)
            if provenance and provenance["relationships"]:
                data_table(pd.DataFrame(provenance["relationships"]))
            st.page_link(links.DATA, label="Full provenance on the Data page", query_params={**here, "node": author_id},
                         icon=":material/database:")
        st.caption(f"{plural(len(papers), 'paper')} in this graph carry this identity.")
        report_problem(author_id, name, summary, papers)
