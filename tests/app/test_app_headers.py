"""Every table the explorer shows has headers in words: no field names ("shared_coauthors", "retrieved_at"), no
lower-case header beside capitalised ones, and a dash for an empty cell instead of "None" (ui/tables.py)."""

from __future__ import annotations

import json

import pytest
from apphelpers import assert_clean, open_page
from streamlit.testing.v1 import AppTest

from graph.falkor_store import FalkorStore
from ui.tables import MISSING, header


def top_id(store: FalkorStore, name: str) -> str:
    return max(store.search_authors(name), key=lambda r: r["papers"])["id"]


def headers(at: AppTest) -> list[str]:
    """The headers people see: each data grid's column labels (its column names where it gives none) and each
    plain table's column names."""
    shown = []
    for grid in at.dataframe:
        config = json.loads(grid.proto.columns) if grid.proto.columns else {}
        shown += [(config.get(str(column)) or {}).get("label") or str(column) for column in grid.value.columns]
        assert grid.proto.placeholder == MISSING, "an empty cell shows a dash"
    for table in at.table:
        shown += [str(column) for column in table.value.columns]
    return shown


def readable(label: str) -> bool:
    return "_" not in label and not label[:1].islower()


PERSON_TABS = ["Papers", "Co-authors", "Institutions", "Identity"]
OVERLAP_TABS = ["Backgrounds", "Bridges", "Institutions", "Communities"]
PC_TABS = ["Balance", "Conflicts", "Topic coverage", "Members", "To resolve"]


@pytest.mark.parametrize(("page", "params"), [
    ("pages/home.py", {}), ("pages/search.py", {"q": "serving"}), ("pages/data.py", {}),
    ("pages/topics.py", {"topic": "Software systems for ML"}),
    *[("pages/person.py", {"author": "Ion Stoica", "tab": tab}) for tab in PERSON_TABS],
    *[("pages/overlap.py", {"tab": tab}) for tab in OVERLAP_TABS],
    ("pages/connect.py", {"from": "Ion Stoica", "to": "Matei Zaharia"}),
    ("pages/collaborators.py", {"author": "Ion Stoica"}),
    *[("pages/program_committee.py", {"example": "true", "tab": tab}) for tab in PC_TABS]])
def test_every_table_header_is_words(atlas_env: FalkorStore, page: str, params: dict[str, str]) -> None:
    params = {k: top_id(atlas_env, v) if k in ("author", "from", "to") else v for k, v in params.items()}
    at = open_page(page, **params)
    if page == "pages/collaborators.py":
        at.session_state["as-table"] = True  # the suggestions' table is sent once its expander is open
        at.run()
    assert_clean(at)
    shown = headers(at)
    assert shown, f"{page} {params} shows no table"
    assert [label for label in shown if not readable(label)] == [], shown


def test_header_makes_words_of_a_field_name() -> None:
    assert header("shared_coauthors") == "Shared coauthors"
    assert header("ml_papers") == "ML papers"
    assert header("retrieved_at") == "Retrieved at"
    assert header("matching papers") == "Matching papers"
    assert header("Author #") == "Author #"


def test_labelled_keeps_given_labels_and_hidden_columns() -> None:
    import streamlit as st

    from ui.tables import labelled

    given = {"papers": st.column_config.NumberColumn(format="%d"), "title": "Title", "id": None}
    config = labelled(["title", "papers", "last_active", "id"], given)
    assert config["title"] == "Title" and config["id"] is None and config["last_active"] == "Last active"
    assert config["papers"]["label"] == "Papers" and config["papers"]["type_config"]["format"] == "%d"
