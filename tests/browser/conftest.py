"""Fixtures for the browser tests: Debian's Chromium through Playwright, and the explorer
served by `streamlit run` on the small real build (and on the hostile XSS graph).

Never `playwright install`: the browser is the system's `chromium`; without it these
tests are skipped with the reason, and `.ci/run` installs it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))  # the hostile-graph fixture module
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "contract"))  # the Neo4j test server (neo4j_live)

from browserkit import ARTIFACTS, Server, chromium_path, launch, streamlit_server, warm  # noqa: E402
from hostile import build_hostile_store  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from graph.falkor_store import FalkorStore  # noqa: E402

# How long `expect(...)` waits for a condition to become true (Playwright's default is 5 s). `make test` runs two
# workers, so a page may render while the other worker builds a graph: a 5 s wait timed out under load although
# the page was right. A longer wait changes nothing when a test passes and does not weaken what it asserts.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test: no cookies, history or cache carried over."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def atlas_server(small_build: tuple[FalkorStore, object, Path], browser: Browser) -> Iterator[Server]:
    _store, _report, data_dir = small_build
    with streamlit_server(data_dir, ARTIFACTS / "logs") as server:
        warm(browser, server)
        yield server


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("atlas-hostile-browser")
    store = build_hostile_store(data_dir)
    try:
        with streamlit_server(data_dir, ARTIFACTS / "logs") as server:
            warm(browser, server)
            yield server
    finally:
        store.close()
