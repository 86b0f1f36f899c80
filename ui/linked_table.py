"""Tables whose rows open their person, paper or institution page in the same browser tab.

Why not `st.column_config.LinkColumn`: Streamlit 1.67 opens its links in a new tab and has no
option to change that (streamlit/streamlit#9343, #7464). Instead the table is an
`st.dataframe` with single-row selection. Selecting a row reruns the script, which draws an
`st.page_link` to the row's page and follows it at once (a few lines of JavaScript click it;
if scripts are blocked, the link is there to click). A page link, not `st.switch_page`:
`switch_page` refuses to carry URL parameters bound to widgets (the search text, the tab),
so Back would land on an empty search; a page link carries this view's parameters
(`links.keep_here`) and Back returns to it in one press, as everywhere else.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import streamlit as st

from ui import links
from ui.tables import data_table
from ui.text import escape_markdown

HINT = "Select a row (the box at its left) to open it here."
FOLLOW_JS = """<script>
(function () {{
  let tries = 0;
  const follow = () => {{
    const link = window.parent.document.querySelector({selector}) || document.querySelector({selector});
    if (link) {{ link.click(); return; }}
    if (++tries < 50) setTimeout(follow, 100);
  }};
  follow();
}})();
</script>"""


def linked_table(frame: pd.DataFrame, *, key: str, link: str = "link", carry: dict[str, Any] | None = None,
                 label: str | None = None, hint: bool = True, **dataframe_kwargs: Any) -> None:
    """Show `frame` without its `link` column (relative hrefs from `links.*_href`); a selected row opens its page.

    `carry`: this view's parameters to keep for Back (default: the current URL's parameters).
    `label`: the column naming a row in the "Opening …" link (default: name, else title, else the first column).
    """
    shown = frame.drop(columns=[link])
    event = data_table(shown, key=key, on_select="rerun", selection_mode="single-row", **dataframe_kwargs)
    rows = list(getattr(getattr(event, "selection", None), "rows", None) or [])
    target = None
    if rows and rows[0] < len(frame):
        href = frame.iloc[rows[0]][link]
        target = links.target_of(href) if isinstance(href, str) and href else None
    if target is None:
        if hint:
            st.caption(HINT)
        return
    page, params = target
    here = carry if carry is not None else st.query_params.to_dict()
    label = label or next((c for c in ("name", "title") if c in shown.columns), shown.columns[0])
    name = str(frame.iloc[rows[0]][label])
    box = f"open-row-{re.sub(r'[^A-Za-z0-9_-]', '-', key)}"
    with st.container(key=box):
        st.page_link(page, label=escape_markdown(f"Opening {name} …", 120), icon=":material/open_in_browser:",
                     query_params={**links.keep_here(**here), **params})
    st.html(FOLLOW_JS.format(selector=json.dumps(f".st-key-{box} a")), unsafe_allow_javascript=True)
