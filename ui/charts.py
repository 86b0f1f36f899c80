"""Draw an Altair chart without validating its spec against the Vega-Lite JSON schema on every run.

Why: `st.altair_chart` converts the chart with `chart.to_dict()`, which validates the whole
spec with jsonschema in Python (Altair 6.3 also rebuilds its schema-class table each time):
30-130 ms per chart on the full snapshot, on every run of a chart page, for specs this code
builds the same way every time. The charts are built from typed Altair classes and drawn by
the tests (tests/app, tests/browser), and `tests/ui/test_charts.py` checks that what this
sends to the browser is byte-identical to `st.altair_chart`'s message for the explorer's chart
shapes (layers, selections, stacked bars, heat maps). Everything else — the Arrow datasets
named by the hash of their bytes, the "none" theme during conversion, selections, widths — is
Streamlit's own `st.vega_lite_chart` path, the one `st.altair_chart` ends in.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

# Streamlit's own transformer and lock (streamlit/elements/vega_charts.py, pinned in constraints.txt): the
# datasets get the same names and Arrow bytes as through st.altair_chart, and Altair's global theme and
# data-transformer switches stay serialised with any other thread drawing a chart.
from streamlit.elements.vega_charts import _altair_globals_lock, _to_arrow_dataset

_TRANSFORMER = "to_arrow_dataset"  # the name st.altair_chart registers it under


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec `st.altair_chart` would send, datasets as Arrow bytes, converted without validation."""
    datasets: dict[str, Any] = {}
    alt.data_transformers.register(_TRANSFORMER, _to_arrow_dataset)
    with _altair_globals_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets):  # type: ignore[attr-defined]
            chart_dict = chart.to_dict(validate=False)
    existing = chart_dict.get("datasets")
    chart_dict["datasets"] = {**existing, **datasets} if isinstance(existing, dict) else datasets
    return chart_dict


def altair_chart(chart: alt.TopLevelMixin, **kwargs: Any) -> Any:
    """`st.altair_chart(chart, **kwargs)` without the per-run schema validation (same element, same events)."""
    return st.vega_lite_chart(spec(chart), **kwargs)


def tips(*fields: str | alt.Tooltip) -> list[alt.Tooltip]:
    """Tooltip channels from shorthands ("year", "papers:Q") or ready `alt.Tooltip`s.

    Why typed channels everywhere (`alt.Text("n:Q")`, not `text="n:Q"`): Altair turns every plain
    string given to `encode` into its channel class with `from_dict`, which first hashes the ~570
    schema classes (one `json.dumps` each): 10-25 ms per string channel on the 2-core machine, the
    larger part of building a chart. The spec is the same either way (tests/ui/test_charts.py).
    """
    return [alt.Tooltip(f) if isinstance(f, str) else f for f in fields]


def named_rows(**axis: Any) -> alt.Axis:
    """The axis of a chart whose rows are named things (topics, venues, people's institutions): every name shown.

    Why: Vega's default `labelOverlap` drops every other label of an axis it finds crowded, so a heat map or a bar
    chart showed half its row names and nobody could tell which row was which (the Topics page did)."""
    return alt.Axis(labelOverlap=False, **axis)


def year_axis(years: Iterable[Any]) -> alt.X:
    """The x channel of a chart over years, with a place for every year from the first to the last.

    Why: an ordinal axis has a place only for the years in the data, so a year without papers (or one a chart
    leaves out for having too few) vanished and its neighbours stood side by side: 2022 next to 2024 read as
    two consecutive years on the Topics trend."""
    present = [int(year) for year in years if year is not None and year == year]  # year == year: not NaN
    scale = alt.Scale(domain=list(range(min(present), max(present) + 1))) if present else alt.Undefined
    return alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0), scale=scale)


def stretches(years: Iterable[int], left_out: Iterable[int]) -> list[int]:
    """Per year, the stretch of a trend line it is drawn in (a chart's `detail`): a line stops at a year the chart
    leaves out and starts again after it. Why: drawn straight through that year, it read as the year's share."""
    gaps = sorted(left_out)
    return [bisect_left(gaps, year) for year in years]  # how many years left out come before it


def zero_years(frame: pd.DataFrame, years: Iterable[int], by: str = "label") -> pd.DataFrame:
    """`frame` (one row per `by` and year) with a row of 0 papers and a 0 share for each year of `years` a group
    has no row for, from the group's first year on.

    Why: a topic without a paper in a year has a share of 0 % there; without that row its line was drawn straight
    across the year, as if the topic had kept its share. Years before a topic's first paper stay empty, so a
    topic's line starts where it does."""
    wanted = sorted(set(years))
    pieces, filled = [], False
    for _, group in frame.groupby(by, sort=False):  # groups in the order they come, as the page lists them
        have, first = set(group["year"]), group["year"].min()
        zeros = [{**group.iloc[0].to_dict(), "year": year, "papers": 0, "share": 0.0}
                 for year in wanted if year > first and year not in have]
        filled = filled or bool(zeros)
        pieces.append(pd.concat([group, pd.DataFrame(zeros, columns=frame.columns)]).sort_values("year", kind="stable")
                      if zeros else group)
    if not filled:
        return frame
    return pd.concat(pieces, ignore_index=True).astype(frame.dtypes.to_dict())


LEGEND_COLUMNS = 3  # three names of ~200 px fit under the chart in the explorer's main column
LEGEND_ROW_HEIGHT = 30  # px a wrapped legend's row takes (with its padding): added to the chart's height


def wrapped_legend(columns: int = LEGEND_COLUMNS, **legend: Any) -> alt.Legend:
    """A legend under the chart that wraps into rows: every entry shown.

    Why: a legend under the chart is one row by default; with the sixteen topics it ran past the chart's width,
    and the browser showed five entries, cut mid-name."""
    return alt.Legend(orient="bottom", columns=columns, labelLimit=200, **legend)


# One colour per venue type on every page (Systems blue and ML orange, as the Systems ∩ ML page's classes):
# the Person and Institution pages had drawn the same types in different colours.
VENUE_TYPES = ["Systems", "Architecture", "Data", "ML", "MLSys", "Other"]
VENUE_TYPE_COLOURS = ["#4c78a8", "#72b7b2", "#b279a2", "#f58518", "#54a24b", "#9d9da1"]


def venue_type_colour(field: str = "community:N", title: str = "Venue type") -> alt.Color:
    """The colour channel of a chart split by venue type (values as `graph.explore.community_name` writes them)."""
    return alt.Color(field, title=title, scale=alt.Scale(domain=VENUE_TYPES, range=VENUE_TYPE_COLOURS))
