"""Text from the data, made safe for Streamlit's markdown.

Streamlit does not render raw HTML in markdown, but its markdown still interprets
`*`, `_`, `[..](..)`, `$..$` (LaTeX), `:red[..]` directives and `:emoji:` shortcodes.
A title like "Hao Liu*" or "$O(n)$ attention" would be reformatted and a crafted one
could add links or images, so every string from the data passes through
`escape_markdown` before it reaches `st.markdown`, a heading, a label or a link.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from graph.tex import plain_text
from graph.words import plural as plural  # the pages import it from here

if TYPE_CHECKING:
    import pandas as pd

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=&\"'^])")
_SPACE = re.compile(r"\s+")


def escape_markdown(text: object, max_len: int | None = None) -> str:
    """Backslash-escape every markdown-active character; collapse newlines so a value stays inline."""
    value = _SPACE.sub(" ", "" if text is None else str(text)).strip()
    if max_len is not None and len(value) > max_len:
        value = value[: max_len - 1].rstrip() + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", value)


def truncate(text: object, max_len: int) -> str:
    value = _SPACE.sub(" ", "" if text is None else str(text)).strip()
    return value if len(value) <= max_len else value[: max_len - 1].rstrip() + "…"


def csv_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """A frame's rows for a CSV download, with empty cells where pandas holds NaN/NaT/None.

    Why: `DataFrame.to_dict` keeps float NaN, which CSV writers print as a literal "nan".
    """
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _missing(value: object) -> bool:
    try:
        return bool(value != value) or value is None  # NaN and NaT are the values unequal to themselves
    except (TypeError, ValueError):  # arrays and other values without a plain truth value
        return False


def readable_titles(frame: pd.DataFrame, column: str = "title") -> pd.DataFrame:
    """The frame with its titles as a reader sees them ("$D^\\alpha$ seeding" shows "D^α seeding").

    Only for the table on screen: a CSV download keeps the title as the source wrote it."""
    if column not in frame.columns:
        return frame
    return frame.assign(**{column: frame[column].map(lambda title: plain_text(title) if isinstance(title, str)
                                                     else title)})


def years_text(years: list[int]) -> str:
    """Years as a reader says them: runs of consecutive years as a span ("2019, 2023–2025")."""
    spans: list[list[int]] = []
    for year in sorted(set(years)):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def by_note(notes: dict[int, str]) -> str:
    """Per-year notes with the years that share a note said once: "2023–2025: the list is partial"."""
    years: dict[str, list[int]] = {}
    for year, note in notes.items():
        years.setdefault(note, []).append(year)
    return "; ".join(f"{years_text(held)}: {note}" for note, held in years.items())
