"""Query console: free-form, read-only Cypher for power users (enabled by ATLAS_QUERY_CONSOLE=1).

Two locks: `graph.console.check_read_only` refuses writes, LOAD CSV and unknown
procedures before anything is sent, and the store runs the statement read-only
(FalkorDB GRAPH.RO_QUERY / a Neo4j READ session) with a row limit and a timeout.
The page is not even registered unless the setting is on.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph import config
from graph.errors import ReadOnlyQueryError
from graph.exports import rows_to_csv
from ui import data
from ui.text import csv_records, escape_markdown
from ui.widgets import download_row, optional_module

EXAMPLE = ("MATCH (a:Author)-[:AUTHORED]->(p:Paper)-[:PUBLISHED_IN]->(v:Venue {name: 'MLSys'})\n"
           "RETURN a.name AS author, count(p) AS papers ORDER BY papers DESC LIMIT 10")

st.title("Query console")
if not config.settings().enable_query_console:
    st.info("The query console is off. Start the explorer with ATLAS_QUERY_CONSOLE=1 to enable it.")
    st.stop()

st.caption("Read-only Cypher against the live graph. Writes, LOAD CSV and writing procedures are refused; "
           "results are limited to the row limit below.")
with st.form("console"):
    query = st.text_area("Cypher query", value=EXAMPLE, height=140, key="cypher")
    c1, c2 = st.columns([1, 3])
    limit = c1.number_input("Row limit", min_value=1, max_value=5000, value=500, step=100)
    run = st.form_submit_button("Run read-only", type="primary", icon=":material/play_arrow:")

if run:
    console = optional_module("graph.console")
    try:
        if console is not None:
            console.check_read_only(query)
        rows = data.get_store().run_read_only(query, limit=int(limit), timeout_ms=5000)
    except ReadOnlyQueryError as exc:
        st.error(escape_markdown(exc), icon=":material/block:")
        st.stop()
    if not rows:
        st.info("The query returned no rows.")
    else:
        frame = pd.DataFrame([{k: (v if isinstance(v, int | float | str | bool) or v is None else str(v))
                               for k, v in row.items()} for row in rows])
        st.caption(f"{len(rows)} rows" + (" (limit reached)" if len(rows) >= int(limit) else ""))
        st.dataframe(frame, hide_index=True, width="stretch")
        download_row([("Result (CSV)", rows_to_csv(csv_records(frame)), "query.csv", "text/csv")],
                     key="console-dl")
