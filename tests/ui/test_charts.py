"""`ui.charts.altair_chart` sends what `st.altair_chart` sends, and every chart the pages draw is valid Vega-Lite.

The helper skips Altair's per-run JSON-schema validation (issue 16: 30-130 ms per chart on a first visit);
these tests are where that validation now happens: on the message itself, for the chart shapes the
explorer uses and for every chart the real pages draw on the session's small build.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import altair as alt
import pytest
from altair.utils.schemapi import validate_jsonschema
from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.falkor_store import FalkorStore  # noqa: E402

APP = ROOT / "app.py"
TIMEOUT = 60  # seconds per script run on a loaded CI machine, not a performance check


def chart_protos(at: AppTest) -> list[VegaLiteChart]:
    return [el.proto for el in at.get("vega_lite_chart")]


def both_ways() -> None:
    """Draws each chart shape of the explorer twice: through st.altair_chart, then through ui.charts."""
    import altair as alt
    import pandas as pd
    import streamlit as st

    from graph.explore import GraphView
    from ui import charts, graphview

    years = pd.DataFrame({"year": [2020, 2020, 2021, 2022], "community": ["ML", "Systems", "ML", "MLSys"],
                          "papers": [3, 1, 2, 5], "share": [0.75, 0.25, 1.0, 1.0]})
    stacked = alt.Chart(years).mark_bar().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", axis=alt.Axis(format="%"), stack="normalize"),
        color=alt.Color("community:N", scale=alt.Scale(domain=["ML", "Systems", "MLSys"],
                                                      range=["#f58518", "#4c78a8", "#54a24b"])),
        order=alt.Order("community:N"), tooltip=["year", alt.Tooltip("share:Q", format=".0%")])
    text = alt.Chart(years[years["share"] > 0.5]).mark_text(color="white").encode(
        x="year:O", y=alt.Y("share:Q", stack="normalize", bandPosition=0.5), text=alt.Text("share:Q", format=".0%"))
    heat = alt.Chart(years).mark_rect().encode(x="year:O", y="community:N", color=alt.Color("papers:Q", legend=None))
    grouped = alt.Chart(years).mark_bar().encode(x="year:O", y="papers:Q", color="community:N", xOffset="community:N")
    view = GraphView(nodes={"a": {"id": "a", "name": "Ada", "kind": "Author", "weight": 3},
                            "b": {"id": "b", "name": "Bo", "kind": "Author", "weight": 1},
                            "p": {"id": "p", "name": "A paper", "kind": "Paper", "weight": 1}},
                     edges={("a", "b", "COAUTHOR"): {"weight": 2}, ("a", "p", "AUTHORED"): {"weight": 1}})
    network = graphview.chart(view, "a", height=300)
    shapes: list[tuple[str, Any, dict[str, Any]]] = [
        ("stacked", (stacked + text).properties(height=320), {"width": "stretch", "alt": "Stacked shares"}),
        ("heat", (heat + heat.mark_text().encode(text="papers:Q")).properties(height=200), {"width": "stretch"}),
        ("grouped", grouped.properties(height=260), {"width": "stretch", "alt": "Grouped bars"}),
        ("network", network, {"on_select": "rerun", "selection_mode": graphview.SELECTION, "width": "stretch",
                              "alt": "Network"}),
    ]
    for name, chart, kwargs in shapes:
        st.altair_chart(chart, key=f"{name}-st" if "on_select" in kwargs else None, **kwargs)
        charts.altair_chart(chart, key=f"{name}-ui" if "on_select" in kwargs else None, **kwargs)


def test_the_message_is_byte_identical_to_st_altair_chart() -> None:
    at = AppTest.from_function(both_ways, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    protos = chart_protos(at)
    assert len(protos) == 8
    for through_streamlit, through_helper in zip(protos[::2], protos[1::2], strict=True):
        assert through_helper.datasets, "the data must travel as Arrow datasets, as with st.altair_chart"
        expected, got = VegaLiteChart(), VegaLiteChart()
        expected.CopyFrom(through_streamlit)
        got.CopyFrom(through_helper)
        assert (got.id != "") == (expected.id != "")  # a selection chart is a widget both ways (ids carry the key)
        expected.ClearField("id")
        got.ClearField("id")
        assert got.SerializeToString(deterministic=True) == expected.SerializeToString(deterministic=True)


def test_an_invalid_chart_is_caught_by_the_schema_check() -> None:
    """The check below would notice a chart Altair's own validation would have refused."""
    spec = alt.Chart().mark_bar().encode(x="a:Q").to_dict(validate=False)
    spec["mark"] = {"type": "not-a-mark"}
    with pytest.raises(Exception, match="not-a-mark"):
        validate_jsonschema(spec, alt.vegalite.v6.schema.core.load_schema())


def person_id(store: FalkorStore) -> str:
    return str(store.read("MATCH (a:Author)-[:AUTHORED]->(p:Paper) RETURN a.id AS id, count(p) AS n "
                          "ORDER BY n DESC, id LIMIT 1")[0]["id"])


def page_charts(store: FalkorStore, page: str, params: dict[str, str]) -> list[VegaLiteChart]:
    """The charts the real app draws on `page` with these URL parameters ("PERSON": the busiest author's id)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.query_params = {k: person_id(store) if v == "PERSON" else v for k, v in params.items()}
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return chart_protos(at)


CHART_PAGES = [  # (page file, query parameters) of every page and tab that draws a chart
    ("pages/home.py", {}),
    ("pages/topics.py", {}),
    ("pages/overlap.py", {}),
    ("pages/overlap.py", {"tab": "Institutions"}),
    ("pages/program_committee.py", {"example": "true"}),
]


@pytest.mark.parametrize(("page", "params"), CHART_PAGES + [("pages/person.py", {"author": "PERSON"}),
                                                            ("pages/person.py", {"author": "PERSON", "tab": "Network"}),
                                                            ("pages/person.py", {"author": "PERSON",
                                                                                 "tab": "Institutions"}),
                                                            ("pages/graph_explorer.py", {"node": "PERSON"})])
def test_every_chart_a_page_draws_is_valid_vega_lite(atlas_env: FalkorStore, page: str,
                                                     params: dict[str, str]) -> None:
    schema = alt.vegalite.v6.schema.core.load_schema()
    protos = page_charts(atlas_env, page, params)
    if page != "pages/person.py" or params.get("tab") != "Institutions":  # a person may have no dated affiliation
        assert protos, f"{page} {params} drew no chart"
    for proto in protos:
        validate_jsonschema(json.loads(proto.spec), schema)


def test_typed_channels_give_the_same_spec_as_shorthand_strings() -> None:
    """The pages pass `alt.Text(...)`, `charts.tips(...)` etc. instead of strings (cheaper to build): same chart."""
    import pandas as pd

    from ui import charts

    frame = pd.DataFrame({"year": [2021, 2022], "sector": ["academia", "industry"], "papers": [3, 4],
                          "share": [0.4, 0.6], "last": [2023, 2024]})
    shorthand = alt.Chart(frame).mark_bar().encode(
        x="year:O", x2="last:O", y="share:Q", xOffset="sector:N", detail="sector:N", text="papers:Q",
        tooltip=["year", "sector", alt.Tooltip("share:Q", format=".0%")])
    typed = alt.Chart(frame).mark_bar().encode(
        x=alt.X("year:O"), x2=alt.X2("last:O"), y=alt.Y("share:Q"), xOffset=alt.XOffset("sector:N"),
        detail=alt.Detail("sector:N"), text=alt.Text("papers:Q"),
        tooltip=charts.tips("year", "sector", alt.Tooltip("share:Q", format=".0%")))
    assert charts.spec(typed) == charts.spec(shorthand)


def nominal_y_axes(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The y encodings of a nominal field in a chart spec and its layers (each row's name is on such an axis)."""
    found = []
    for part in [spec, *spec.get("layer", [])]:
        y = part.get("encoding", {}).get("y")
        if isinstance(y, dict) and y.get("type") == "nominal" and not ("axis" in y and y["axis"] is None):  # shown
            found.append(y)
    return found


@pytest.mark.parametrize(("page", "params"), CHART_PAGES + [("pages/topics.py", {"kind": "Topics"}),
                                                            ("pages/person.py", {"author": "PERSON"}),
                                                            ("pages/person.py", {"author": "PERSON",
                                                                                 "tab": "Institutions"})])
def test_every_row_of_a_chart_keeps_its_name(atlas_env: FalkorStore, page: str, params: dict[str, str]) -> None:
    """Vega drops every other label of an axis it thinks too crowded (the default `labelOverlap`): a heatmap or bar
    chart of named rows then shows half its names, and nobody can tell which row is which (the Topics page did)."""
    for proto in page_charts(atlas_env, page, params):
        for y in nominal_y_axes(json.loads(proto.spec)):
            assert (y.get("axis") or {}).get("labelOverlap") is False, (page, params, y)


@pytest.mark.parametrize(("page", "params"), [("pages/topics.py", {"kind": "Topics"}), ("pages/topics.py", {})])
def test_a_legend_under_a_chart_wraps_so_every_entry_shows(atlas_env: FalkorStore, page: str,
                                                          params: dict[str, str]) -> None:
    """A legend under the chart is one row by default: with the sixteen topics it ran past the chart's width and
    the browser showed five of them."""
    legends = [enc["legend"] for proto in page_charts(atlas_env, page, params)
               for part in [json.loads(proto.spec), *json.loads(proto.spec).get("layer", [])]
               for enc in part.get("encoding", {}).values()
               if isinstance(enc, dict) and (enc.get("legend") or {}).get("orient") == "bottom"]
    assert legends, (page, params)
    assert all(legend.get("columns") for legend in legends), legends


def busiest_institution(store: FalkorStore) -> str:
    return str(store.read("MATCH (a:Author)-[:AFFILIATED_WITH]->(i:Institution) RETURN i.id AS id, count(a) AS n "
                          "ORDER BY n DESC, id LIMIT 1")[0]["id"])


def test_a_venue_type_has_one_colour_on_every_page(atlas_env: FalkorStore) -> None:
    """The Person and Institution pages drew Systems, ML, … in different colours: a reader moving between them
    read the same colour as two different venue types."""
    from ui.charts import VENUE_TYPE_COLOURS, VENUE_TYPES

    scales = []
    for page, params in [("pages/person.py", {"author": "PERSON"}),
                         ("pages/institution.py", {"institution": busiest_institution(atlas_env)})]:
        for proto in page_charts(atlas_env, page, params):
            spec = json.loads(proto.spec)
            for part in [spec, *spec.get("layer", [])]:
                colour = part.get("encoding", {}).get("color") or {}
                if colour.get("field") == "community":
                    scales.append((page, colour.get("scale")))
    assert {page for page, _ in scales} == {"pages/person.py", "pages/institution.py"}, scales
    for page, scale in scales:
        assert scale == {"domain": VENUE_TYPES, "range": VENUE_TYPE_COLOURS}, (page, scale)


def dataset_years(proto: VegaLiteChart) -> set[int]:
    """Every year in a chart's data (the Arrow datasets sent with its spec)."""
    import pyarrow as pa

    frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in proto.datasets]
    return {int(year) for frame in frames if "year" in frame.columns for year in frame["year"].dropna()}


@pytest.mark.parametrize(("page", "params"), [("pages/home.py", {}), ("pages/topics.py", {}),
                                              ("pages/topics.py", {"venues": "MLSys"}), ("pages/overlap.py", {}),
                                              ("pages/person.py", {"author": "PERSON"}),
                                              ("pages/institution.py", {"institution": "BUSIEST"})])
def test_a_year_axis_has_a_place_for_every_year(atlas_env: FalkorStore, page: str, params: dict[str, str]) -> None:
    """An ordinal axis places only the years in the data: the Topics trend left out MLSys 2023 (too few papers)
    and drew 2022 next to 2024 as if they were consecutive years. Every year axis runs from the first year to the
    last without a gap."""
    if params.get("institution") == "BUSIEST":
        params = {"institution": busiest_institution(atlas_env)}
    axes = 0
    for proto in page_charts(atlas_env, page, params):
        spec = json.loads(proto.spec)
        for part in [spec, *spec.get("layer", [])]:
            x = part.get("encoding", {}).get("x") or {}
            if x.get("field") != "year":
                continue
            axes += 1
            domain = (x.get("scale") or {}).get("domain")
            assert domain, (page, params, x)
            assert domain == list(range(domain[0], domain[-1] + 1)), (page, params, domain)
            assert dataset_years(proto) <= set(domain), (page, params, domain)
    assert axes, f"{page} {params} drew no year axis"


def test_a_year_axis_spans_the_years_given_and_none_else() -> None:
    from ui import charts

    x = charts.year_axis([2024, 2022, None, float("nan"), 2022])
    assert x.to_dict()["scale"]["domain"] == [2022, 2023, 2024]
    assert "scale" not in charts.year_axis([]).to_dict()
