"""The explorer on the real Neo4j (ATLAS_STORE=neo4j, as `make run STORE=neo4j` starts it):
search a real author, read the profile and a paper page, with no error and nothing fetched
from outside the server. The graph is the small snapshot built into Neo4j by the same
build path as the embedded one (tests/conftest.py); this runs last, with the other
small-snapshot Neo4j tests, so that graph is loaded once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browserkit import ARTIFACTS, Server, open_idle, screenshot, streamlit_server, wait_idle, warm
from neo4j_live import server_environ
from playwright.sync_api import Browser, Page, expect

from graph.neo4j_store import Neo4jStore

pytestmark = pytest.mark.browser

PERSON = "Tianqi Chen"  # MLSys seed + OSDI in the small build


@pytest.fixture(scope="session")
def neo4j_atlas_server(neo4j_small_build: tuple[Neo4jStore, Path], browser: Browser) -> Iterator[Server]:
    store, data_dir = neo4j_small_build
    environ = server_environ()
    assert environ is not None  # neo4j_small_build has already failed or skipped otherwise
    with streamlit_server(data_dir, ARTIFACTS / "logs", ATLAS_STORE="neo4j", ATLAS_GRAPH=store.graph_name,
                          **{k: v for k, v in environ.items() if v}) as server:
        warm(browser, server)
        yield server


def test_the_explorer_on_neo4j(neo4j_atlas_server: Server, neo4j_small: Neo4jStore, page: Page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    external: list[str] = []
    page.on("request", lambda req: external.append(req.url)
            if not req.url.startswith((neo4j_atlas_server.url, "data:", "blob:")) else None)

    open_idle(page, neo4j_atlas_server.url)
    expect(page.get_by_role("heading", name="MLSys Atlas")).to_be_visible()
    main = page.get_by_test_id("stMain")
    box = main.get_by_role("textbox", name="Search people, papers and institutions")
    box.fill(PERSON)
    box.press("Enter")
    person_link = main.get_by_role("link", name=f"{PERSON} —").first
    expect(person_link).to_be_visible(timeout=60_000)
    wait_idle(page)
    screenshot(page, "neo4j-search")

    person_link.click()
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)
    expect(main.get_by_text("Papers by year")).to_be_visible()
    person = max(neo4j_small.search_authors(PERSON), key=lambda r: r["papers"])
    papers_metric = main.get_by_test_id("stMetric").filter(has_text="Papers").first
    expect(papers_metric).to_contain_text(str(person["papers"]))  # the number Neo4j holds
    wait_idle(page)
    screenshot(page, "neo4j-person")

    paper = neo4j_small.author_papers(person["id"])[0]
    open_idle(page, neo4j_atlas_server.url + f"paper?paper={paper['id']}")
    assert page.get_by_test_id("stException").count() == 0
    expect(page.locator("h1").first).to_contain_text(re.compile(re.escape(paper["title"][:30])))
    screenshot(page, "neo4j-paper")

    assert page.get_by_test_id("stException").count() == 0
    assert not errors, errors
    assert not external, f"the explorer fetched from outside the server: {external[:5]}"
