"""Program committee: upload the PC list (and optionally the submissions) and get the
systems/ML balance, institution and country concentration, topic coverage and the
conflicts of interest with their evidence — every table downloadable as CSV.

Matching and conflict rules are `graph.analytics.pc_audit`'s; nothing is dropped
silently: a banner counts the names not found and those that fit several people; an
ambiguous name is checked as every candidate (reported as *possible* conflicts) until the
organiser picks the person on the "To resolve" tab.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from graph.errors import AtlasError
from graph.exports import rows_to_csv
from ui import analytics, charts, data, links
from ui.tables import data_table
from ui.text import escape_markdown, plural
from ui.widgets import download_row, lands_with, plain_table

MEMBERS_TEMPLATE = ("name,affiliation,dblp_pid\nMatei Zaharia,Stanford University,\n"
                    "\"Ion Stoica, UC Berkeley\",,\nTianqi Chen,,\n")
SUBMISSIONS_TEMPLATE = ("id,title,authors,author_ids\n"
                        "S1,Fast LLM serving on many GPUs,Ion Stoica (UC Berkeley); Joseph E. Gonzalez,\n")
KEEP_ALL = "Not sure — check every candidate (possible conflicts)"
BACKGROUND_NAMES = {"systems": "Systems", "ml": "ML", "both": "Both", "mlsys_only": "MLSys only",
                    "neither": "Neither", "unmatched": "Not found"}

st.title("Program committee")
st.caption("Check a PC's systems/ML balance, concentration and topic coverage, and find conflicts of interest "
           "with their evidence.")
if not analytics.available("graph.analytics", "graph.analytics.pc_audit"):
    lands_with("The program-committee audit", 7)
    st.stop()

key = data.store_key()


with st.expander("CSV formats and templates", expanded=False):
    st.markdown("**PC members:** a `name` column; optional `affiliation` and id columns (`author_id`, `orcid`, "
                "`dblp_pid`, `openreview_id`, `s2_id`). A name may carry its affiliation — `Ion Stoica, UC Berkeley` "
                "or `Ion Stoica (UC Berkeley)` — or an id in brackets: `Hao Zhang [dblp:z/HaoZhang2]`.  \n"
                "**Submissions:** `title` and `authors` (separated by `;`), optional `id`, `topics` and "
                "`author_ids` (same order as `authors`, separated by `;`). An author may also be written with an "
                "affiliation or id as above.")
    download_row([("Members template", MEMBERS_TEMPLATE, "pc_members.csv", "text/csv"),
                  ("Submissions template", SUBMISSIONS_TEMPLATE, "submissions.csv", "text/csv")], key="pc-templates")

u1, u2 = st.columns(2)
members_file = u1.file_uploader("PC members (CSV)", type=["csv"], key="pc_members")
submissions_file = u2.file_uploader("Submissions (CSV, optional)", type=["csv"], key="pc_submissions")
o1, o2 = st.columns(2)
coi_years = o1.slider("Conflict window (years of co-authorship or shared institution)", 1, 10, analytics.PC_COI_YEARS,
                      key="coi",
                      bind="query-params")
use_example = o2.toggle("Try with an example built from the graph", key="example", bind="query-params",
                        disabled=members_file is not None)


def decode(upload: object) -> str | None:
    if upload is None:
        return None
    from graph.analytics.pc_audit import decode_csv_bytes  # the CLI reads files through the same decoder

    return decode_csv_bytes(upload.getvalue())  # type: ignore[attr-defined]


members_csv, submissions_csv = decode(members_file), decode(submissions_file)
if members_csv is None and use_example:
    members_csv, example_submissions = analytics.pc_example_csvs(key)
    submissions_csv = submissions_csv or example_submissions
    st.caption("Example: the most published MLSys and ML authors, one name that is not in the graph, and six "
               "MLSys papers as submissions.")
if members_csv is None:
    st.info("Upload the PC members CSV (or try the example) to run the audit.", icon=":material/upload_file:")
    st.stop()

PICKS = "pc_picks"  # name as given -> author id the organiser chose on the "To resolve" tab
picks: dict[str, str] = st.session_state.setdefault(PICKS, {})
try:
    audit = analytics.pc_audit(key, members_csv, submissions_csv, coi_years, tuple(sorted(picks.items())))
except AtlasError as exc:
    st.error(escape_markdown(exc), icon=":material/error:")
    st.stop()

matched = sum(1 for m in audit.members if m.status == "matched")
possible = audit.possible_conflicts
m = st.columns(5)
m[0].metric("Members", len(audit.members))
m[1].metric("Found in the graph", matched)
m[2].metric("Not found", len([u for u in audit.unmatched if u["kind"] == "pc_member"]))
m[3].metric("Ambiguous", len([a for a in audit.ambiguous if a["kind"] == "pc_member"]))
m[4].metric("Conflicts", len(audit.conflicts) - possible, delta=f"+{possible} possible" if possible else None,
            delta_color="off", help=f"Definite conflicts within {audit.coi_years} years of {audit.reference_year}; "
                                    "possible ones hold for one reading of an ambiguous name")
for warning in audit.warnings():
    st.warning(escape_markdown(warning), icon=":material/warning:")

def candidate_labels(candidates: list[dict[str, object]]) -> dict[str, str]:
    """'Name · N papers · latest institution · id', so namesakes can be told apart."""
    facts = analytics.candidate_facts(key, tuple(str(c["id"]) for c in candidates))
    out = {}
    for c in candidates:
        f = facts.get(str(c["id"]), {})
        parts = [str(c["name"]), plural(int(f.get("papers", 0)), "paper"), str(f.get("institution") or ""),
                 str(c["id"])]
        out[str(c["id"])] = " · ".join(p for p in parts if p)
    return out


# Bound to ?tab= (a deep link opens a tab) and lazy, as on the Person page: only the open tab is drawn, so a first
# visit does not send four hidden tables. A bound tab is keyed by its label, so the labels carry no counts: the
# counts open each tab's body (and the metrics and banners above count the same names).
TABS = ["Balance", "Conflicts", "Topic coverage", "Members", "To resolve"]
tab_balance, tab_conflicts, tab_coverage, tab_members, tab_review = st.tabs(TABS, key="tab", bind="query-params")
tables = analytics.pc_audit_tables(key, members_csv, submissions_csv, coi_years, tuple(sorted(picks.items())))

if tab_balance.open:
    with tab_balance:
        left, right = st.columns([3, 2], gap="large")
        with left:
            split = pd.DataFrame(audit.split)
            split["background"] = split["background"].map(BACKGROUND_NAMES)
            bars = alt.Chart(split).mark_bar().encode(
                y=alt.Y("background:N", sort=list(BACKGROUND_NAMES.values()), title=None, axis=charts.named_rows()),
                x=alt.X("members:Q", title="Members", axis=alt.Axis(tickMinStep=1)),
                tooltip=charts.tips("background", "members", alt.Tooltip("share:Q", format=".0%")))
            text = bars.mark_text(align="left", dx=4).encode(text=alt.Text("share:Q", format=".0%"))
            charts.altair_chart((bars + text).properties(height=220), width="stretch",
                                alt="PC members by background, with their share written next to each bar")
            st.caption("Background from the venues they published at: systems, ML, both, or MLSys only. "
                       "The MLSys whitepaper asks for an even systems/ML split.")
        with right:
            c = audit.concentration
            st.metric("Mean systems lean", f"{c.get('mean_systems_lean', 0):.2f}",
                      help="0 = only ML venues, 1 = only systems venues; 0.5 is balanced")
            st.metric("Top institution share", f"{c.get('top_institution_share', 0):.0%}")
            st.metric("Top-3 institutions share", f"{c.get('top3_institutions_share', 0):.0%}")
            st.metric("Top country share", f"{c.get('top_country_share', 0):.0%}")
        i1, i2 = st.columns(2)
        with i1:
            plain_table(pd.DataFrame(audit.institutions), formats={"share": "{:.1%}"})
        with i2:
            plain_table(pd.DataFrame(audit.countries), formats={"share": "{:.1%}"})

if tab_conflicts.open:
    with tab_conflicts:
        if not audit.conflicts:
            st.success("No conflicts found" + ("." if submissions_csv else ": upload submissions to check them."),
                       icon=":material/check_circle:")
        else:
            st.caption(f"{plural(len(audit.conflicts), 'conflict')}" + (
                f", {possible} of them marked *possible*: a name fits several people and the conflict holds for one "
                "of them (see the note). Pick the person on the “To resolve” tab." if possible else "."))
            frame = pd.DataFrame(tables["conflicts"])
            data_table(frame[["member_name", "submission", "title", "author_name", "kind", "certainty", "evidence",
                              "note", "papers"]], column_config={
                "member_name": "PC member", "author_name": "Author", "certainty": "Certainty",
                "evidence": st.column_config.TextColumn("Evidence", width="medium"),
                "note": st.column_config.TextColumn("Why possible", width="medium"),
                "papers": st.column_config.TextColumn("Joint papers", width="large")})

if tab_coverage.open:
    with tab_coverage:
        coverage = pd.DataFrame(audit.topic_coverage)
        if coverage.empty:
            st.info("No topics to compare.")
        else:
            data_table(coverage, column_config={
                "submission_share": st.column_config.ProgressColumn("Share of submissions", min_value=0, max_value=1,
                                                                    format="percent"),
                "pc_share": st.column_config.ProgressColumn("Share of PC", min_value=0, max_value=1, format="percent")})
            st.caption("“uncovered”: submissions on a topic no PC member publishes on; “thin”: fewer than one expert "
                       "per ten submissions.")

if tab_members.open:
    with tab_members:
        frame = pd.DataFrame(tables["members"])
        # A new tab on purpose here: opening a profile in this tab would drop the uploaded files.
        frame["link"] = [links.person_href(a) if a else None for a in frame["author"]]
        data_table(frame[["name", "status", "matched_name", "background", "systems_papers", "ml_papers",
                          "mlsys_papers", "institution", "country", "sector", "link"]],
                   column_config={"link": st.column_config.LinkColumn("Profile", display_text="Open")})

if tab_review.open:
    with tab_review:
        if audit.ambiguous or audit.assumed:
            st.markdown(f"**Several people fit** ({plural(len(audit.ambiguous) + len(audit.assumed), 'name')}) — pick "
                        "the person. Left as it is, an ambiguous name is checked as every candidate, and a name taken "
                        "to be the namesake with by far the most papers still has the others checked; what they find "
                        "is listed as a possible conflict.")
            seen: set[str] = set()
            for item in [*audit.ambiguous, *audit.assumed]:
                name = str(item["name"])
                if name in seen:
                    continue
                seen.add(name)
                candidates = item["candidates"]
                labels = candidate_labels(candidates)  # type: ignore[arg-type]
                ids = [str(c["id"]) for c in candidates]  # type: ignore[attr-defined]
                options = [KEEP_ALL, *ids]
                if "assumed" in item:  # matched to the namesake with most papers: that is the default
                    labels[KEEP_ALL] = f"{labels.get(str(item['assumed']), item['assumed'])} (assumed: most papers)"
                where = "PC member" if item["kind"] == "pc_member" else f"author of {item['row']}"
                choice = st.selectbox(f"{name} ({where})", options, key=f"pc-pick-{name}",
                                      format_func=lambda o, labels=labels: labels.get(o, o))
                if choice != KEEP_ALL and picks.get(name) != choice:
                    picks[name] = choice
                    st.rerun()
            if audit.ambiguous:
                data_table(pd.DataFrame(tables["ambiguous"]))
        if picks:
            st.markdown("**Picked by you:** " + "; ".join(f"{escape_markdown(n)} → {escape_markdown(a)}"
                                                          for n, a in sorted(picks.items())))
            if st.button("Clear my picks", key="pc-clear-picks"):
                picks.clear()
                st.rerun()
        if audit.unmatched:
            st.markdown(f"**Not found** ({plural(len(audit.unmatched), 'name')}) — their conflicts cannot be checked; "
                        "fix the spelling or add an id column")
            data_table(pd.DataFrame(audit.unmatched))
        if not (audit.unmatched or audit.ambiguous):
            st.success("Every name matched exactly one person.", icon=":material/check_circle:")

st.subheader("Downloads")
items = [(f"{name.replace('_', ' ').capitalize()} (CSV)", rows_to_csv(rows), f"pc_{name}.csv", "text/csv")
         for name, rows in tables.items() if rows]
for start in range(0, len(items), 4):
    download_row(items[start:start + 4], key=f"pc-dl-{start}")
