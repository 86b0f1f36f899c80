"""The first visit after `make run` may be a deep link: it gets the explorer, not Streamlit's file list.

With a `pages/` folder beside app.py, Streamlit ran a deep link such as `/topics` as `pages/topics.py` alone
until some visit had opened `/`: a sidebar of file names (app, collaborators, …), no quick search, no error
boundary. `ui.serve` (what `make run` starts) now starts in app.py's navigation. The server here is fresh and
nobody opens `/` before the deep link, which is why this test does not use the shared server, which is warmed
on `/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browserkit import ARTIFACTS, Server, open_idle, streamlit_server
from playwright.sync_api import Page, expect

from graph.falkor_store import FalkorStore

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_server(small_build: tuple[FalkorStore, object, Path]) -> Iterator[Server]:
    _store, _report, data_dir = small_build
    with streamlit_server(data_dir, ARTIFACTS / "logs", serve=True) as server:
        yield server


def test_a_deep_link_as_the_first_visit_gets_the_explorers_navigation(fresh_server: Server, page: Page) -> None:
    open_idle(page, fresh_server.url + "topics")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Systems ∩ ML", exact=True)).to_be_visible()  # app.py's page titles, not file names
    expect(nav.get_by_text("collaborators", exact=True)).to_have_count(0)
    expect(page.get_by_text("Quick search")).to_be_visible()  # app.py's own sidebar
    expect(page.get_by_role("heading", name="Topics")).to_be_visible()
