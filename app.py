"""MLSys Atlas explorer — the Streamlit entry point (`streamlit run app.py`).

This file only routes: it sets the page config once, builds the navigation over the
files in `pages/`, draws the shared sidebar and runs the chosen page inside one error
boundary, so a store that is down or a graph that is not built yet gives the same
clear message on every page instead of a traceback.
"""

from __future__ import annotations

import logging

import streamlit as st

from atlas_cli import wiring
from graph import config
from graph.errors import AtlasError, ConfigError, GraphNotBuiltError, StoreUnavailableError
from ui import analytics, data, links
from ui.state import PAPER_SHOWN, PERSON_SHOWN
from ui.text import escape_markdown, plural

log = logging.getLogger("mlsys_atlas.explorer")

st.set_page_config(page_title="MLSys Atlas", page_icon="🧭", layout="wide",
                   initial_sidebar_state="expanded")
wiring.install()  # the topic tagger and organisation table the analytics use (graph never imports ingest)
try:
    settings = config.settings()
except ConfigError as exc:  # a malformed ATLAS_* value: say which and how to fix it, on every page
    st.error(f"MLSys Atlas cannot start: {escape_markdown(exc)}", icon=":material/settings_alert:")
    st.stop()

PAGES = {
    "Explore": [
        st.Page(links.HOME, title="Home", icon=":material/home:", default=True),
        st.Page(links.SEARCH, title="Search", icon=":material/search:", url_path="search"),
        st.Page(links.PERSON, title="Person", icon=":material/person:", url_path="person"),
        st.Page(links.GRAPH, title="Graph", icon=":material/hub:", url_path="graph"),
        st.Page(links.PAPER, title="Paper", icon=":material/article:", url_path="paper", visibility="hidden"),
        st.Page(links.INSTITUTION, title="Institution", icon=":material/account_balance:", url_path="institution",
                visibility="hidden"),
    ],
    "Community": [
        st.Page(links.CONNECT, title="Connect", icon=":material/conversion_path:", url_path="connect"),
        st.Page(links.COLLABORATORS, title="Collaborators", icon=":material/group_add:", url_path="collaborators"),
        st.Page(links.TOPICS, title="Topics", icon=":material/category:", url_path="topics"),
    ],
    "Organisers": [
        st.Page(links.OVERLAP, title="Systems ∩ ML", icon=":material/join_inner:", url_path="systems-ml"),
        st.Page(links.PROGRAM_COMMITTEE, title="Program committee", icon=":material/gavel:",
                url_path="program-committee"),
    ],
    "Data": [
        st.Page(links.DATA, title="Data & provenance", icon=":material/database:", url_path="data"),
    ],
}
if settings.enable_query_console:
    PAGES["Data"].append(st.Page(links.QUERY, title="Query console", icon=":material/terminal:", url_path="query"))


def sidebar(current: st.Page) -> None:
    """Quick search and what the graph holds, on every page."""
    with st.sidebar:
        with st.form("sidebar-search", clear_on_submit=True, border=False):
            text = st.text_input("Quick search", key="quick_q", placeholder="Person, paper or institution",
                                 help="Case, accents, word order and small typos do not matter.")
            if st.form_submit_button("Search", icon=":material/search:", width="stretch",
                                     key="quick_go") and text.strip():
                if current.url_path == links.URL_PATHS[links.SEARCH]:
                    # On Search, ?q= is bound to its box: Streamlit refuses to set that URL parameter directly,
                    # so set the box before the page draws it in this same run (a code-set value wins over the
                    # URL on a rerun) and the binding updates the URL.
                    st.session_state["q"] = text.strip()
                else:
                    st.switch_page(links.SEARCH, query_params={"q": text.strip()})
        try:
            key = data.store_key()
            nodes = data.counts(key)["nodes"]
            report = data.build_report(key) or {}
        except AtlasError:
            return  # the page itself explains what is wrong
        built = (report.get("built_at") or "")[:10] or "unknown date"
        st.caption(f"{plural(nodes.get('Paper', 0), 'paper')} · {plural(nodes.get('Author', 0), 'person', 'people')} · "
                   f"{plural(nodes.get('Institution', 0), 'institution')}  \nBuilt {built} · "
                   f"{config.settings().store} store")


def show_error(exc: AtlasError) -> None:
    if isinstance(exc, GraphNotBuiltError):
        st.warning("The graph has not been built yet. Run `mlsys-atlas build` (or `make run`), then reload.",
                   icon=":material/construction:")
    elif isinstance(exc, StoreUnavailableError):
        st.error(f"The graph store is not reachable. {escape_markdown(exc)}", icon=":material/cloud_off:")
    else:
        st.error(escape_markdown(exc), icon=":material/error:")


navigation = st.navigation(PAGES, position="sidebar", expanded=True)
sidebar(navigation)
try:
    analytics.warm_up(data.store_key())
except AtlasError:
    pass  # no graph yet: the page says so
if navigation.url_path != links.URL_PATHS[links.PAPER]:
    st.session_state.pop(PAPER_SHOWN, None)  # see pages/paper.py
if navigation.url_path != links.URL_PATHS[links.PERSON]:
    st.session_state.pop(PERSON_SHOWN, None)  # see pages/person.py
try:
    navigation.run()
except AtlasError as exc:
    show_error(exc)
except Exception:  # noqa: BLE001 - the boundary that turns a bug into a message, logged with its traceback
    log.exception("page %s failed", navigation.title)
    st.error("Something went wrong while drawing this page. The error is in the server log; "
             "reloading or changing the input usually helps.", icon=":material/error:")
