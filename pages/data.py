"""Data: where everything came from and what was left out — sources and licences, the last
build, quarantined records with reasons, the provenance of any node and the identity
review queue.

Trust in a community graph depends on being able to check it; this page is where an
organizer checks it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from graph import config
from graph.explore import node_label
from graph.exports import rows_to_csv
from graph.ids import fold
from graph.tex import plain_text
from graph.venues import venue_table
from ui import admin, data, links
from ui.sources import source_rows
from ui.tables import data_table
from ui.text import csv_records, escape_markdown, plural
from ui.widgets import download_row, lands_with, optional_module, plain_table

key = data.store_key()
data_dir = Path(key[1])

st.title("Data and provenance")
# Bound to ?tab= and lazy; a link with ?node= (from a profile or paper) opens the provenance tab.
tab_sources, tab_build, tab_quarantine, tab_node, tab_review = st.tabs(
    ["Sources", "Last build", "Quarantined", "Provenance", "Identity review"], key="tab", bind="query-params",
    default="Provenance" if st.query_params.get("node") else None)

if tab_sources.open:
    with tab_sources:
        manifest_path = config.snapshot_dir() / "MANIFEST.json"
        try:
            manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        freshness = {row["source"]: row for row in data.source_freshness(key)}
        if manifest:
            plain_table(pd.DataFrame(source_rows(manifest, freshness)))
        else:
            st.info(f"No snapshot manifest at {escape_markdown(manifest_path)}.")
        st.subheader("Coverage per venue and year")
        st.caption("complete: the graph holds the venue's full list (or ≥ 95% of its known accepted count); "
                   "partial: a known-partial list; missing: a year the venue held with no paper here; "
                   "unknown: nothing says what share the papers are.")
        coverage = pd.DataFrame(data.coverage(key), columns=["venue", "community", "kind", "year", "papers",
                                                             "accepted", "status", "source", "note"])
        data_table(coverage, column_config={"year": st.column_config.NumberColumn("Year", format="%d"),
                                            "community": "Venue type"})
        st.subheader("Venue communities")
        st.caption("The table every organiser analysis uses (graph/venues.py): the systems side of the "
                   "systems–ML axis is systems, architecture and data together.")
        plain_table(pd.DataFrame(venue_table()), formats={"also": ", ".join})
        st.subheader("What the topic tags were computed from")
        inputs = pd.DataFrame(data.tag_inputs(key), columns=["community", "input", "papers"])
        if not inputs.empty:
            plain_table(inputs.pivot_table(index="community", columns="input", values="papers", fill_value=0),
                        formats=dict.fromkeys(inputs["input"].unique(), "{:,.0f}"), index=True)
        provenance_md = config.PROJECT_ROOT / "data" / "PROVENANCE.md"
        if provenance_md.exists():
            # Lazy: a collapsed expander still sends (and the browser still renders) its 19 KB of markdown.
            provenance_box = st.expander("data/PROVENANCE.md — what came from where, with licences",
                                         key="provenance-md", on_change="rerun")
            if provenance_box.open:
                with provenance_box:
                    st.markdown(provenance_md.read_text(encoding="utf-8"))  # a reviewed repository file, not API data
        else:
            st.caption("data/PROVENANCE.md is not in this checkout.")

if tab_build.open:
    with tab_build:
        report = data.build_report(key)
        if not report:
            st.info("No build report beside this store: it was built elsewhere or by an older version.")
        else:
            c = st.columns(4)
            c[0].metric("Papers", f"{report.get('papers', 0):,}",
                        help=f"from {report.get('papers_read', 0):,} source rows")
            c[1].metric("People", f"{report.get('authors', 0):,}")
            c[2].metric("Institutions", f"{report.get('institutions', 0):,}")
            c[3].metric("Quarantined", f"{report.get('quarantined', 0):,}")
            seconds = report.get("seconds") or {}
            st.markdown(f"Built **{escape_markdown(report.get('built_at', '?'))}**"
                        + (f" in {seconds.get('total', 0):.1f} s" if seconds else "")
                        + f" from {plural(len(report.get('snapshot_files') or []), 'file')}.")
            left, right = st.columns(2, gap="large")
            with left:
                st.markdown("**Quarantined by reason**")
                data_table(pd.DataFrame([{"reason": k, "records": v}
                                         for k, v in (report.get("quarantined_by_reason") or {}).items()]))
            with right:
                st.markdown("**Left out by status** (rejected, withdrawn, workshop)")
                data_table(pd.DataFrame([{"status": k, "rows": v}
                                         for k, v in (report.get("skipped_by_status") or {}).items()]))
            with st.expander("Snapshot files and timings"):
                data_table(pd.DataFrame({"file": report.get("snapshot_files") or []}))
                st.json(seconds)

if tab_quarantine.open:
    with tab_quarantine:
        records = data.quarantined(key)
        if not records:
            st.success("No records were quarantined by the last build.", icon=":material/check_circle:")
        else:
            frame = pd.DataFrame(records, columns=["source", "locator", "reason", "raw"])
            frame["raw"] = frame["raw"].map(lambda r: json.dumps(r, ensure_ascii=False, default=str)[:500])
            q1, q2 = st.columns(2)
            source = q1.selectbox("Source", [None, *sorted(frame["source"].unique())], key="qsource",
                                  format_func=lambda s: "All sources" if s is None else s, bind="query-params")
            contains = q2.text_input("Reason contains", key="qreason", bind="query-params",
                                     placeholder="e.g. affiliation")
            shown = frame
            if source:
                shown = shown[shown["source"] == source]
            if contains.strip():
                shown = shown[shown["reason"].str.contains(contains.strip(), case=False, regex=False)]
            st.caption(f"{plural(len(shown), 'record')} of {len(frame):,}. Each keeps the raw row and the reason it "
                       "was set aside; nothing is silently dropped.")
            data_table(shown, column_config={
                "reason": st.column_config.TextColumn("Reason", width="medium"),
                "raw": st.column_config.TextColumn("Raw record", width="large")})
            download_row([("Quarantined records (CSV)", rows_to_csv(csv_records(shown)), "quarantined.csv",
                           "text/csv")], key="quarantine-dl")

if tab_node.open:
    with tab_node:
        node_id = st.text_input("Node id", key="node", bind="query-params",
                                placeholder="author:…, paper:…, inst:…, venue:… or topic:…",
                                help="Every profile and paper page links here with its id filled in.").strip()
        named = []
        if node_id and node_label(node_id) is None:  # a deep link by name (?node=Tianqi%20Chen), as on Graph
            named = data.author_index(key).exact_name(node_id) or data.institution_index(key).exact_name(node_id)
            if len(named) == 1:
                node_id = named[0].id
        if not node_id:
            st.caption("Open “Provenance” from a person, paper or institution page, or paste a node id.")
        elif len(named) > 1:
            st.warning(f"Several are called “{escape_markdown(node_id)}”. Pick one:", icon=":material/search:")
            for match in named[:12]:
                st.page_link(links.DATA, label=escape_markdown(f"{match.name} — {match.id}"),
                             query_params={"node": match.id}, icon=":material/database:")
        elif node_label(node_id) is None:
            st.warning("No person or institution has that name, and it does not look like a node id: ids start "
                       "with author:, paper:, inst:, venue: or topic:.")
        else:
            provenance = data.node_provenance(key, node_id)
            if provenance is None:
                st.warning(f"No node with id “{escape_markdown(node_id)}” in this graph.", icon=":material/search_off:")
            else:
                props = provenance["props"]
                title = props.get("name") or props.get("title") or props.get("label") or node_id
                st.subheader(escape_markdown(plain_text(str(title))))
                page, params = links.node_target(node_id)
                if page != links.GRAPH:
                    st.page_link(page, label="Open its page", query_params=params, icon=":material/open_in_new:")
                st.markdown(f"**{escape_markdown(provenance['label'])}** from "
                            f"**{escape_markdown(', '.join(props.get('sources') or []) or 'unknown sources')}**, "
                            f"retrieved {escape_markdown(props.get('retrieved_at') or 'at an unknown time')}.")
                hidden = {"search_key", "title_key", "name_key", "abstract_key"}
                data_table(pd.DataFrame([{"property": k, "value": json.dumps(v, ensure_ascii=False)
                                          if isinstance(v, list | dict) else str(v)}
                                         for k, v in sorted(props.items()) if k not in hidden and v is not None]))
                st.markdown("**Relationships by source**")
                if provenance["relationships"]:
                    data_table(pd.DataFrame(provenance["relationships"]))
                else:
                    st.caption("No relationships.")

if tab_review.open:
    with tab_review:
        review = optional_module("ingest.identity.review")
        if review is None:
            lands_with("The identity review queue", 5)
        else:
            items = review.review_queue(data_dir, include_decided=True)
            pending = [i for i in items if not i.get("decision")]
            if not items:
                st.success("No uncertain merges are waiting for review.", icon=":material/check_circle:")
            else:
                st.caption(f"{plural(len(pending), 'item')} waiting, {len(items) - len(pending)} decided. A decision "
                           "takes effect on the next `mlsys-atlas build` and survives rebuilds.")
                r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
                who = r1.text_input("Name contains", key="review_name", placeholder="e.g. Wang")
                show_decided = r2.toggle("Show decided items", key="review_decided")
                listed = [i for i in (items if show_decided else pending)
                          if not who.strip() or any(fold(who) in fold(n) for side in ("left", "right")
                                                     for n in (i.get(side) or {}).get("names") or [])]
                st.caption(f"Showing {min(len(listed), 50)} of {len(listed)}, lowest confidence first.")
                can_decide = admin.gate("Review decisions", "review")
                for item in listed[:50]:
                    left, right = item.get("left") or {}, item.get("right") or {}
                    action = "Merged" if item.get("action") == "merged" else "Kept apart"
                    sides = " ↔ ".join(", ".join(s.get("names") or ["?"]) for s in (left, right))
                    heading = f"{action}: {sides} (confidence {float(item.get('confidence') or 0):.2f})"
                    with st.expander(escape_markdown(heading)):
                        cols = st.columns(2)
                        for col, side, name in ((cols[0], left, "Left"), (cols[1], right, "Right")):
                            col.markdown(f"**{name}** — {plural(int(side.get('mentions') or 0), 'mention')}")
                            for p in side.get("papers") or []:
                                title = plain_text(p.get("title") or "")
                                col.markdown(f"- {escape_markdown(title)} ({escape_markdown(p.get('year'))})"
                                             + (f" — {escape_markdown(p.get('affiliation'))}" if p.get("affiliation")
                                                else ""))
                        if item.get("reasons"):
                            st.caption("Evidence: " + escape_markdown("; ".join(map(str, item["reasons"]))))
                        if item.get("decision"):
                            st.markdown(f"Decision: **{escape_markdown(item['decision'])}**")
                        if not can_decide:
                            continue
                        b1, b2 = st.columns(2)
                        if b1.button("Same person", key=f"accept-{item['item_id']}", icon=":material/check:",
                                     width="stretch"):
                            review.decide(item["item_id"], True, data_dir)
                            st.toast("Recorded: same person. Rebuild to apply.")
                            st.rerun()
                        if b2.button("Different people", key=f"reject-{item['item_id']}", icon=":material/close:",
                                     width="stretch"):
                            review.decide(item["item_id"], False, data_dir)
                            st.toast("Recorded: different people. Rebuild to apply.")
                            st.rerun()
