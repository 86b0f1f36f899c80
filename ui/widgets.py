"""Widgets several pages share: pick a person, list people, offer downloads, say what is missing.

Each one handles the unhappy paths in one place — no such person, several people with
that name, a typo, a feature whose analytics have not landed — so every page answers
with a helpful sentence and never a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import pandas as pd
import streamlit as st

from graph import profiles
from graph.explore import node_label
from graph.ids import fold
from graph.search import Match
from ui import data, links, state
from ui.tables import header
from ui.text import escape_markdown, plural


def optional_module(name: str) -> ModuleType | None:
    """Import a module another engineer is still building; None while it does not exist yet.

    Only the absence of that module (or its package) counts as "not there yet": an
    import error inside it is a real bug and is raised.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            return None
        raise


def lands_with(what: str, issue: int) -> None:
    st.info(f"{what} lands with issue {issue}. This page fills in automatically once that work is merged.",
            icon=":material/construction:")


def match_label(match: Match) -> str:
    how = "" if match.exact else " · similar spelling"
    return f"{match.name} — {plural(match.weight, 'paper')}{how}"


def person_context(author_id: str) -> str:
    """Years, main affiliation, top venues and DBLP / ORCID ids in one line (`graph.profiles.one_line`): what tells
    two people of one name apart (MIT's Song Han from another Song Han) before either profile is opened."""
    key_ = data.store_key()
    return profiles.one_line(profiles.summarise(data.author(key_, author_id) or {}, data.author_papers(key_, author_id),
                                                data.author_institutions(key_, author_id)))


def person_links(matches: Sequence[Match], *, limit: int = 12, keep: dict[str, str] | None = None) -> None:
    """One link per person (same tab), with paper counts and `person_context` so namesakes can be told apart.

    `keep`: the current view's parameters (links.keep_here), so Back returns here in one press."""
    for match in matches[:limit]:
        st.page_link(links.PERSON, label=escape_markdown(match_label(match)),
                     query_params={**(keep or {}), "author": match.id}, icon=":material/person:")
        context = person_context(match.id)
        if context:
            st.caption(escape_markdown(context))


def suggestions_line(text: str, suggestions: Sequence[Match], *, keep: dict[str, str] | None = None) -> None:
    """"Did you mean" with one same-tab link per person (a markdown link would open a new tab).

    `keep`: the current view's parameters (links.keep_here), so Back returns here in one press."""
    if not suggestions:
        st.caption("Check the spelling, try fewer words, or search by surname only.")
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown("Did you mean:")
        for match in suggestions:
            st.page_link(links.PERSON, label=escape_markdown(match.name), icon=":material/person:",
                         query_params={**(keep or {}), "author": match.id})


def person_picker(label: str, *, key: str, param: str, placeholder: str = "e.g. Matei Zaharia",
                  help: str | None = None) -> str | None:
    """A name box that resolves to one author id, with a choice for namesakes and "did you mean" for typos.

    The URL keeps the chosen id (`?param=author:...`), so the view can be shared.
    """
    key_ = data.store_key()
    index = data.author_index(key_)
    state.bind(key, param, "", parse=lambda raw: index.name_of(raw) or raw)
    url_value = st.query_params.get(param)
    text = st.text_input(label, key=key, placeholder=placeholder, help=help)
    if not text.strip():
        state.publish(key, param, None)
        return None
    matches = index.search(text, limit=12)
    if not matches:
        st.warning(f"No person named “{escape_markdown(text)}” in the graph.", icon=":material/person_off:")
        suggestions_line(text, index.suggest(text, 5))
        state.publish(key, param, text.strip())
        return None
    exact = [m for m in matches if fold(m.name) == fold(text)]
    if len(exact) == 1:
        chosen = exact[0].id
    else:
        options = [m.id for m in matches]
        by_id = {m.id: m for m in matches}
        default = options.index(url_value) if url_value in by_id else 0
        shown = escape_markdown(text, max_len=60)
        if exact:
            note = f"{len(exact)} people are called “{shown}”; years, affiliation and venues tell them apart."
        elif all(not m.exact for m in matches):
            note = f"No exact match for “{shown}”; the closest names are listed."
        else:
            note = f"{plural(len(matches), 'person', 'people')} match “{shown}”."
        labels = {m.id: " · ".join(filter(None, (match_label(m), person_context(m.id)))) for m in matches}
        chosen = st.selectbox(f"Which person for “{shown}”?", options, index=default,
                              format_func=labels.__getitem__, key=f"{key}__choice", help=note)
        st.caption(note)
    state.publish(key, param, chosen)
    return chosen


def resolve_person_param(raw: str) -> tuple[str | None, list[Match], str]:
    """What `?author=` points to: (author id or None, candidates, message for the page)."""
    key_ = data.store_key()
    raw = raw.strip()
    if node_label(raw) == "Author":
        person = data.author(key_, raw)
        if person is not None:
            return person.get("id") or raw, [], ""  # an id of an earlier id scheme gives the current id
        return None, [], f"No person with id “{raw}” in this graph (it may come from another build)."
    index = data.author_index(key_)
    exact = index.exact_name(raw)
    if len(exact) == 1:
        return exact[0].id, exact, ""
    if len(exact) > 1:
        return None, exact, f"{len(exact)} people are called “{raw}”. Pick one:"
    matches = index.search(raw, limit=10)
    if matches:
        return None, matches, f"No person named exactly “{raw}”. Closest matches:"
    return None, index.suggest(raw, 5), f"No person named “{raw}” in the graph."


def download_row(items: Sequence[tuple[str, bytes | str, str, str]], *, key: str) -> None:
    """Download buttons side by side: (label, data, file name, mime)."""
    columns = st.columns(max(len(items), 1))
    for i, (label, payload, file_name, mime) in enumerate(items):
        with columns[i]:
            st.download_button(label, payload, file_name=file_name, mime=mime, key=f"{key}-{i}", on_click="ignore",
                               icon=":material/download:", width="stretch")


def plain_table(frame: pd.DataFrame, *, formats: dict[str, str | Callable[[Any], str]] | None = None,
                index: bool = False) -> None:
    """A small, fixed table drawn as a plain table (`st.table`), not as the interactive data grid.

    Why: `st.dataframe`'s grid is the costliest element a page sends to the browser (two small grids added
    0.22 s to a one-line page's first visit, the same rows as two plain tables 0.10 s; BENCHMARKS.md, issue 16),
    and for a dozen rows its scrolling and sorting add nothing. `st.table` has no column formats (and drops a
    pandas Styler's), so `formats` (column -> format string or function) writes each number as the page means
    it, e.g. a share as a percentage (`display_frame`). Its headers are made words as every data grid's are
    (`ui.tables.header`).
    """
    shown = display_frame(frame, formats)
    st.table(shown.rename(columns=header), hide_index=not index)  # headers in words, as in every data grid


def display_frame(frame: pd.DataFrame, formats: dict[str, str | Callable[[Any], str]] | None = None) -> pd.DataFrame:
    """`frame` with the `formats` columns written as text and missing text as empty cells (not "None"/"nan")."""
    shown = frame.copy()
    for column, how in (formats or {}).items():
        write = how.format if isinstance(how, str) else how
        shown[column] = ["" if _missing(value) else write(value) for value in shown[column]]
    for column in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = ["" if _missing(value) else value for value in shown[column]]
    return shown


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # NaN is the only float unequal to itself
