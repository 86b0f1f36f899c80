"""URL state for the one widget Streamlit's own `bind="query-params"` cannot express: a name
box whose URL value is the chosen person's id (`?author=author:…`), not the text typed.

Every other widget binds natively (`key=..., bind="query-params"`). Here `bind()`, called
before the widget, seeds it from `?param` (and follows the URL when a link changes it);
`publish()`, after it, writes the value back. A marker in session state remembers what
was last synced, so a value the user just typed is not overwritten by a stale URL and a
link followed inside the app wins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st


def _marker(key: str) -> str:
    return f"__url__{key}"


def bind(key: str, param: str, default: Any, parse: Callable[[str], Any] = str) -> None:
    raw = st.query_params.get(param)
    marker = _marker(key)
    # A missing parameter is no news: the browser can send a rerun before it has applied the URL the last
    # run wrote, and a value the user just typed must survive that. A present, different value is a link.
    stale = raw is None and st.session_state.get(marker) is not None and key in st.session_state
    # A missing widget value with the URL unchanged is Back to this page: Streamlit deleted the widget's state when
    # another page ran, so the box is seeded from the URL again (else it would come back empty and clear the URL).
    if not stale and (marker not in st.session_state or raw != st.session_state[marker] or key not in st.session_state):
        st.session_state[marker] = raw
        value = default
        if raw is not None:
            try:
                value = parse(raw)
            except (TypeError, ValueError):
                value = default
        st.session_state[key] = value
    elif key not in st.session_state:
        st.session_state[key] = default


def publish(key: str, param: str, value: str | None) -> None:
    marker = _marker(key)
    if value in (None, ""):
        if param in st.query_params:
            del st.query_params[param]
        st.session_state[marker] = None
    else:
        if st.query_params.get(param) != value:
            st.query_params[param] = value
        st.session_state[marker] = value


# The paper the Paper page showed in this session's last run (app.py clears it when another page runs):
# how the Paper page tells a link from one paper to another, which Streamlit leaves out of the address bar.
PAPER_SHOWN = "__paper_shown__"
# The same for the Person page: a co-author row or a network click opens another person on this page.
PERSON_SHOWN = "__person_shown__"
