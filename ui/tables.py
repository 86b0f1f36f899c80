"""The explorer's data grids (`st.dataframe`): headers in words and a dash for an empty cell, on every page.

Why: each page named its columns by hand, and the ones it forgot reached people as field names
("shared_coauthors", "retrieved_at", "first_ml_year") or in lower case beside capitalised ones, and a missing
value read "None". Here a column without a label gets one made from its name (`header`), and an empty cell shows
`MISSING`. The query console keeps plain `st.dataframe`: its headers are the names the user's query gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

# what an empty cell shows: Streamlit writes "None" by default, which read as a value ("first ML paper: None")
MISSING = "—"
_ACRONYMS = {"ml": "ML", "mlsys": "MLSys", "id": "ID", "ids": "IDs", "orcid": "ORCID", "dblp": "DBLP", "pc": "PC",
             "doi": "DOI", "url": "URL", "s2": "S2"}


def header(column: object) -> str:
    """A column name as a header people read: "shared_coauthors" -> "Shared coauthors", "ml_papers" -> "ML papers"."""
    words = [_ACRONYMS.get(word.lower(), word) for word in str(column).replace("_", " ").split(" ")]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def labelled(columns: Any, column_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`column_config` with a header for every column it leaves without a label (its explicit labels kept)."""
    config: dict[str, Any] = dict(column_config or {})
    for column in map(str, columns):
        if column not in config:
            config[column] = header(column)
        elif isinstance(config[column], dict) and not config[column].get("label"):
            config[column] = {**config[column], "label": header(column)}
    return config  # a column the caller set to None stays hidden, as st.dataframe hides it


def data_table(frame: pd.DataFrame, **dataframe_kwargs: Any) -> Any:
    """`st.dataframe(frame, ...)` with readable headers, a dash for missing values, full width, no index."""
    dataframe_kwargs["column_config"] = labelled(frame.columns, dataframe_kwargs.get("column_config"))
    dataframe_kwargs.setdefault("placeholder", MISSING)
    dataframe_kwargs.setdefault("hide_index", True)
    dataframe_kwargs.setdefault("width", "stretch")
    return st.dataframe(frame, **dataframe_kwargs)
