"""ui.widgets.plain_table: small tables as `st.table` (not the data grid) that still show each number as meant.

`st.table` has no column formats and silently drops a pandas Styler's, so the formatting is done on the
frame; these tests read what the browser is sent (the element's Arrow data), not the frame we started from."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.widgets import display_frame


def test_display_frame_writes_formats_and_leaves_missing_cells_empty() -> None:
    frame = pd.DataFrame({"name": ["Meta", None], "share": [1 / 6, float("nan")], "also": [["a", "b"], []],
                          "members": [2, 1]})
    shown = display_frame(frame, {"share": "{:.1%}", "also": ", ".join})
    assert shown.to_dict("list") == {"name": ["Meta", ""], "share": ["16.7%", ""], "also": ["a, b", ""],
                                     "members": [2, 1]}
    assert frame["share"].iloc[0] == 1 / 6  # the caller's frame is not changed


def test_plain_table_sends_the_formatted_cells_as_a_plain_table() -> None:
    def page() -> None:
        import pandas as pd

        from ui.widgets import plain_table

        plain_table(pd.DataFrame({"country": ["US", "CA"], "members": [9, 2], "share": [0.75, 2 / 12]}),
                    formats={"share": "{:.1%}"})

    at = AppTest.from_function(page)
    at.run()
    assert not at.exception and not at.dataframe  # no data grid
    sent = at.table[0].value
    assert sent.to_dict("list") == {"Country": ["US", "CA"], "Members": [9, 2], "Share": ["75.0%", "16.7%"]}
    assert at.table[0].proto.hide_index
