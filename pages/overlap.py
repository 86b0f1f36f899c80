"""Systems ∩ ML (organisers): where MLSys authors come from each year, the people and
institutions that bridge the systems and ML parts of the co-author graph, industry vs
academia, and the communities Louvain finds.

Definitions are those of `graph.analytics.overlap` and `.bridges` (repeated in the page
captions); the tabs compute lazily, so opening the page never waits for Louvain.
"""

from __future__ import annotations

from dataclasses import asdict

import altair as alt
import pandas as pd
import streamlit as st

from graph.analytics.overlap import SMALL_SAMPLE
from graph.explore import community_name
from graph.exports import rows_to_csv
from ui import analytics, charts, data, links
from ui.linked_table import linked_table
from ui.tables import data_table
from ui.text import by_note, csv_records
from ui.widgets import download_row, lands_with

CLASS_NAMES = {"systems": "Systems only", "ml": "ML only", "both": "Both", "neither": "Neither"}
CLASS_COLOURS = ["#4c78a8", "#f58518", "#54a24b", "#9d9da1"]
MODES = {"Before that year": "prior", "Any year": "any"}
# Louvain's resolution: below 1 fewer, larger groups; above 1 more, smaller ones (the warm precomputes 1.0 only;
# the others take a few seconds on the full snapshot the first time)
GROUPINGS = {"Coarser": 0.5, "Standard": 1.0, "Finer": 2.0}


def year_caveat(status: str, authors: int) -> str:
    """Why a year's shares deserve care: a partial MLSys list, or too few authors to read a share from."""
    parts = []
    if status != "complete":
        parts.append(f"the MLSys list is {status}")
    if authors < SMALL_SAMPLE:
        parts.append(f"only {authors} authors (small sample)")
    return ", ".join(parts)

st.title("Systems ∩ ML")
st.caption("For organisers: how the systems and machine-learning communities meet in MLSys.")
if not analytics.available("graph.analytics", "graph.analytics.overlap", "graph.analytics.bridges"):
    lands_with("The overlap dashboard", 7)
    st.stop()

key = data.store_key()
tab_bg, tab_bridges, tab_inst, tab_comm = st.tabs(["Backgrounds", "Bridges", "Institutions", "Communities"],
                                                  key="tab", bind="query-params")

if tab_bg.open:
    with tab_bg:
        mode_label = st.radio("Count a background from papers published", list(MODES), horizontal=True, key="mode",
                              bind="query-params",
                              help="Before that year: where MLSys authors come from. Any year: all their work.")
        rows, change = analytics.backgrounds(key, MODES[mode_label])
        st.markdown("An **MLSys author of year Y** published at the MLSys conference in Y (workshop items do not "
                    "count). They have a **systems background** if they published at a systems-side venue — systems "
                    "(OSDI, SOSP, NSDI, EuroSys, ATC, SoCC, FAST, …), architecture (ISCA, MICRO, HPCA, ASPLOS) or "
                    "data (SIGMOD, VLDB, CIDR) — and an **ML background** at an ML venue (NeurIPS, ICML, ICLR)"
                    + (" before Y." if MODES[mode_label] == "prior" else " in any year."))
        if not rows:
            st.info("No MLSys papers with a year in this graph.")
        else:
            caveats = {r.year: year_caveat(data.coverage_status(key, "MLSys", r.year), r.authors) for r in rows}
            flagged = {y: c for y, c in caveats.items() if c}
            if flagged:
                st.warning("**Read these years with care:** " + by_note(flagged)
                           + ". Coverage per venue and year is on the Data page.", icon=":material/warning:")
            if change:
                cols = st.columns(4)
                since = analytics.change_start(rows)
                for col, cls in zip(cols, CLASS_NAMES, strict=True):
                    last = getattr(rows[-1], f"{cls}_share")
                    col.metric(CLASS_NAMES[cls], f"{last:.0%}", f"{change.get(f'{cls}_pp', 0):+.1f} pp since {since}",
                               delta_color="off", help=f"Share of MLSys authors in {rows[-1].year}")
            long = pd.DataFrame([{"year": r.year, "background": CLASS_NAMES[c], "authors": getattr(r, c),
                                  "share": getattr(r, f"{c}_share")} for r in rows for c in CLASS_NAMES])
            order = list(CLASS_NAMES.values())
            long["order"] = long["background"].map(order.index)
            bars = alt.Chart(long).mark_bar().encode(
                x=charts.year_axis(long["year"]),
                y=alt.Y("share:Q", title="Share of MLSys authors", axis=alt.Axis(format="%"), stack="normalize"),
                color=alt.Color("background:N", sort=order, title="Background",
                                scale=alt.Scale(domain=order, range=CLASS_COLOURS)),
                order=alt.Order("order:Q"),
                tooltip=charts.tips("year", "background", "authors", alt.Tooltip("share:Q", format=".0%")))
            text = alt.Chart(long[long["share"] >= 0.06]).mark_text(color="white", fontSize=10).encode(
                x=charts.year_axis(long["year"]), y=alt.Y("share:Q", stack="normalize", bandPosition=0.5),
                detail=alt.Detail("background:N"), order=alt.Order("order:Q"), text=alt.Text("share:Q", format=".0%"))
            charts.altair_chart((bars + text).properties(height=320), width="stretch",
                                alt="Background of MLSys authors per year, as shares with their percentages written in")
            table = pd.DataFrame([{**{k: v for k, v in asdict(r).items() if k != "community_shares"},
                                   **{f"{c}_background_share": share for c, share in r.community_shares.items()},
                                   "caveat": caveats.get(r.year, "")} for r in rows])
            # names and percentages people read on screen; the CSV below keeps the machine-readable names and shares
            labels = {f"{c}_share": f"{n} (share)" for c, n in CLASS_NAMES.items()}
            labels.update({c: f"{community_name(c.removesuffix('_background_share'))} background"
                           for c in table.columns if c.endswith("_background_share")})
            shown = table.assign(**{c: table[c] * 100 for c in labels})
            percent = {c: st.column_config.NumberColumn(label, format="%.1f%%") for c, label in labels.items()}
            data_table(shown, column_config={
                "year": st.column_config.NumberColumn("Year", format="%d"),
                "authors": st.column_config.NumberColumn("MLSys authors"),
                **{c: st.column_config.NumberColumn(n) for c, n in CLASS_NAMES.items()}, **percent,
                "small_sample": st.column_config.CheckboxColumn("Small sample"),
                "caveat": st.column_config.TextColumn("Caveat", width="large")})
            st.caption("“… background”: share of the year's MLSys authors with a (prior) paper in that community on "
                       "its own — an author can count in several (ASPLOS counts as architecture and systems).")
            download_row([("Backgrounds per year (CSV)", rows_to_csv(csv_records(table)),
                           "mlsys_backgrounds.csv", "text/csv")], key="bg-dl")
            year = st.selectbox("MLSys authors of", [r.year for r in reversed(rows)], key="year",
                                bind="query-params")
            people = analytics.mlsys_authors(key, MODES[mode_label], int(year))
            counted = f" before {int(year)}" if MODES[mode_label] == "prior" else ""
            frame = pd.DataFrame([{**asdict(p), "background": CLASS_NAMES[p.background],
                                   "link": links.person_href(p.author)} for p in people])
            if not frame.empty:
                linked_table(frame[["name", "background", "systems_papers", "ml_papers", "first_systems_year",
                                    "first_ml_year", "link"]], key="overlap-backgrounds", column_config={
                    # the counts follow the mode (papers before the year, or all), the first years never do
                    "systems_papers": st.column_config.NumberColumn(f"Systems papers{counted}"),
                    "ml_papers": st.column_config.NumberColumn(f"ML papers{counted}"),
                    "first_systems_year": st.column_config.NumberColumn(
                        "First systems paper", format="%d", help="Year of their first systems-side paper, any year"),
                    "first_ml_year": st.column_config.NumberColumn(
                        "First ML paper", format="%d", help="Year of their first ML paper, any year")})

if tab_bridges.open:
    with tab_bridges:
        c1, c2 = st.columns(2)
        method = c1.radio("Measure", ["participation", "betweenness"], horizontal=True, key="method",
                          bind="query-params",
                          help="Participation: co-authorships with both systems- and ML-leaning co-authors, "
                               "balanced and many. Betweenness: share of systems→ML shortest paths through them.")
        top = c2.slider("People", 10, 100, 30, step=10, key="top", bind="query-params")
        people = analytics.bridge_people(key, top, method)
        by_paths = method == "betweenness"  # a share of paths, shown as a percentage (0.028 read as "0.0" before)
        frame = pd.DataFrame([{"name": p.name, "score": p.score * 100 if by_paths else p.score,
                               "participation": p.participation,
                               "systems papers": p.systems_papers, "ML papers": p.ml_papers,
                               "MLSys papers": p.mlsys_papers, "evidence": p.evidence,
                               "link": links.person_href(p.author)} for p in people])
        linked_table(frame, key="overlap-bridges", column_config={
            "name": "Name",
            "score": st.column_config.NumberColumn(
                "Share of paths" if by_paths else "Score", format="%.2f%%" if by_paths else "%.1f",
                help=("Share of the shortest systems→ML paths that pass through them, from a seeded sample of "
                      "systems-side people" if by_paths else "Balance × joint papers")),
            "participation": st.column_config.ProgressColumn("Balance", min_value=0, max_value=1, format="%.2f",
                                                             help="1 = links split evenly between the two sides"),
            "evidence": st.column_config.TextColumn("Evidence", width="large")})
        download_row([("Bridge people (CSV)", rows_to_csv([asdict(p) for p in people]), "bridge_people.csv",
                       "text/csv")], key="bridges-dl")

if tab_inst.open:
    with tab_inst:
        st.markdown("**Bridge institutions** — whose people connect the two sides")
        insts = analytics.bridge_institutions(key, 25)
        data_table(pd.DataFrame([{"name": i.name, "country": i.country, "score": i.score,
                                  "members": i.members, "balance": i.participation,
                                  "bridge people": ", ".join(i.bridge_people[:5]), "evidence": i.evidence}
                                 for i in insts]), column_config={
            "name": "Institution", "country": "Country",
            "score": st.column_config.NumberColumn("Score", format="%.0f",
                                                   help="Balance × co-author links of its members, each "
                                                        "member's links by the share of their papers printing "
                                                        "this institution; rounded"),
            "members": st.column_config.NumberColumn("Members", format="%d"),
            "balance": st.column_config.ProgressColumn("Balance", min_value=0, max_value=1, format="%.2f")})
        download_row([("Bridge institutions (CSV)", rows_to_csv([asdict(i) for i in insts]),
                       "bridge_institutions.csv", "text/csv")], key="inst-dl")
        if analytics.available("graph.analytics.trends"):
            st.markdown("**Industry and academia** in MLSys papers (from organisation types)")
            sectors = pd.DataFrame(analytics.mix(key, "sector", "mlsys"))
            if not sectors.empty and {"year", "sector", "papers"} <= set(sectors.columns):
                sectors = sectors.dropna(subset=["year"])
                # shares of the papers whose sector is known: most MLSys papers carry no affiliation, and an
                # "unknown" bar of 60-100 % drowned the comparison an organiser came for; the coverage is stated
                known = sectors[sectors["sector"] != "unknown"].copy()
                known["known papers"] = known.groupby("year")["papers"].transform("sum")
                known["share"] = known["papers"] / known["known papers"]
                if not known.empty:
                    by_sector = alt.Chart(known).mark_bar().encode(
                        x=charts.year_axis(known["year"]),
                        y=alt.Y("share:Q", axis=alt.Axis(format="%"), stack="normalize",
                                title="Share (papers with a known sector)"),
                        color=alt.Color("sector:N", title="Sector"),
                        tooltip=charts.tips("year", "sector", "papers", "known papers",
                                            alt.Tooltip("share:Q", format=".0%")),
                    ).properties(height=260)
                    charts.altair_chart(by_sector, width="stretch",
                                        alt="Share of the MLSys papers with a known sector from academia, industry, "
                                            "labs or both, per year")
                total, with_sector = int(sectors["papers"].sum()), int(known["papers"].sum())
                st.caption(f"{with_sector:,} of {total:,} MLSys papers ({with_sector / max(total, 1):.0%}) have an "
                           "author at an institution whose sector is known; the shares are of those papers. Sector "
                           "from the organisation's type (its name where it has none); “collaboration” = authors "
                           "from more than one sector.")

if tab_comm.open:
    with tab_comm:
        grouping = st.segmented_control("Grouping", list(GROUPINGS), default="Standard", key="grouping",
                                        bind="query-params",
                                        help="Louvain's resolution: coarser finds fewer, larger communities (0.5), "
                                             "finer more, smaller ones (2.0)")
        st.caption("Louvain communities of the co-author graph, labelled by their distinctive topics, institutions "
                   "and venues. A fixed seed gives the same communities for the same build; people at a "
                   "community's edge could fall on the other side under another seed.")
        found = analytics.communities(key, 30, GROUPINGS[grouping or "Standard"])
        frame = pd.DataFrame([{"community": c.id, "label": c.label, "people": c.size, "papers": c.papers,
                               "systems": c.systems_share, "ML": c.ml_share, "MLSys": c.mlsys_share,
                               "members": ", ".join(name for _, name, _ in c.top_members[:6])} for c in found])
        venue_share = "Share of the community's papers published at {} venues"
        data_table(frame, column_config={
            "community": st.column_config.NumberColumn("Community", format="%d"),
            "label": st.column_config.TextColumn("Label", width="large"),
            "people": st.column_config.NumberColumn("People"),
            "papers": st.column_config.NumberColumn("Papers"),
            "systems": st.column_config.ProgressColumn("Systems", min_value=0, max_value=1, format="percent",
                                                       help=venue_share.format("systems")),
            "ML": st.column_config.ProgressColumn("ML", min_value=0, max_value=1, format="percent",
                                                  help=venue_share.format("ML")),
            "MLSys": st.column_config.ProgressColumn("MLSys", min_value=0, max_value=1, format="percent",
                                                     help=venue_share.format("MLSys")),
            "members": st.column_config.TextColumn("Best-connected members", width="large")})
        download_row([("Communities (CSV)", rows_to_csv(csv_records(frame)), "communities.csv", "text/csv")],
                     key="comm-dl")
