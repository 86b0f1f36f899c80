"""A real member's journey in headless Chromium: search a real MLSys author from the home
page, open the profile, look at the network, download the papers as CSV and parse it,
and visit every page, keeping a screenshot of each as a test artefact."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from browserkit import Server, open_idle, screenshot, wait_idle
from playwright.sync_api import Browser, Page, expect

from graph.ids import fold

pytestmark = pytest.mark.browser

PERSON = "Tianqi Chen"  # MLSys seed + OSDI in the small build


@pytest.fixture
def page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def test_search_a_real_author_and_read_the_profile(atlas_server: Server, page: Page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    external: list[str] = []
    page.on("request", lambda req: external.append(req.url)
            if not req.url.startswith((atlas_server.url, "data:", "blob:")) else None)

    open_idle(page, atlas_server.url)
    expect(page.get_by_role("heading", name="MLSys Atlas")).to_be_visible()
    screenshot(page, "home")

    main = page.get_by_test_id("stMain")
    box = main.get_by_role("textbox", name="Search people, papers and institutions")
    box.fill(PERSON)
    box.press("Enter")  # submits the form, as a user would
    expect(page).to_have_url(re.compile(r"/search\?.*q=Tianqi"))
    person_link = main.get_by_role("link", name=f"{PERSON} —").first
    expect(person_link).to_be_visible(timeout=60_000)
    wait_idle(page)
    screenshot(page, "search")

    person_link.click()
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)
    expect(main.get_by_text("Papers by year")).to_be_visible()
    expect(main.get_by_text("Venue mix")).to_be_visible()
    wait_idle(page)
    screenshot(page, "person")

    page.get_by_role("tab", name="Network", exact=True).click()
    expect(main.get_by_text("Click a person to open their profile")).to_be_visible()
    page.wait_for_selector("[data-testid=stVegaLiteChart] svg >> visible=true")
    screenshot(page, "person-network")

    page.get_by_role("tab", name="Papers", exact=True).click()
    with page.expect_download() as download_info:
        main.get_by_role("button", name="Papers (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows and {"year", "title", "venue", "community"} <= set(rows[0])
    papers_metric = main.get_by_test_id("stMetric").filter(has_text="Papers").first
    assert str(len(rows)) in papers_metric.inner_text()

    assert not errors, errors
    assert not external, f"the explorer fetched from outside the server: {external[:5]}"


def test_connect_two_real_authors(atlas_server: Server, page: Page) -> None:
    open_idle(page, atlas_server.url + "connect")
    main = page.get_by_test_id("stMain")
    for label, name, param in (("From", PERSON, "from"), ("To", "Luis Ceze", "to")):
        box = main.get_by_role("textbox", name=label, exact=True)
        box.fill(name)
        box.press("Enter")
        expect(page).to_have_url(re.compile(rf"[?&]{param}=author"), timeout=60_000)  # the choice is in the URL
    expect(main.get_by_text(re.compile(r"are \d+ hops? apart"))).to_be_visible(timeout=60_000)
    expect(main.get_by_text("Path 1", exact=True)).to_be_visible()
    expect(main.get_by_text(re.compile(r"joint papers? \(")).first).to_be_visible()
    page.wait_for_selector("[data-testid=stVegaLiteChart] svg >> visible=true")
    screenshot(page, "connect")


def test_program_committee_upload_shows_conflicts(atlas_server: Server, page: Page, small_build: tuple,
                                                   tmp_path: Path) -> None:
    store = small_build[0]
    member = max(store.search_authors("Ion Stoica"), key=lambda r: r["papers"])
    last_year = max(r["year"] for r in store.counts()["papers_per_venue_year"] if r["year"])
    coauthor = next(c["name"] for c in store.coauthors(member["id"])
                    if (c["last_year"] or 0) >= last_year - 3
                    and sum(fold(r["name"]) == fold(c["name"]) for r in store.search_authors(c["name"])) == 1)
    members = tmp_path / "pc.csv"
    members.write_text(f"name,affiliation,author_id\nIon Stoica,,{member['id']}\nNobody Inparticular,,\n")
    submissions = tmp_path / "submissions.csv"
    submissions.write_text(f"id,title,authors\nS1,Serving many models,{coauthor}\n")

    open_idle(page, atlas_server.url + "program-committee")
    main = page.get_by_test_id("stMain")
    uploaders = main.get_by_test_id("stFileUploader")
    uploaders.filter(has_text="PC members").locator("input[type=file]").set_input_files(str(members))
    expect(main.get_by_test_id("stMetric").filter(has_text="Members")).to_contain_text("2", timeout=90_000)
    uploaders.filter(has_text="Submissions").locator("input[type=file]").set_input_files(str(submissions))
    conflicts_metric = main.get_by_test_id("stMetric").filter(has_text="Conflicts")
    expect(conflicts_metric).to_contain_text(re.compile(r"Conflicts\D*[1-9]"), timeout=90_000)
    page.get_by_role("tab", name=re.compile(r"^Conflicts")).click()
    wait_idle(page)
    screenshot(page, "program-committee")


def test_graph_explorer_expands_a_clicked_node(atlas_server: Server, page: Page, small_build: tuple) -> None:
    store = small_build[0]
    person_id = max(store.search_authors(PERSON), key=lambda r: r["papers"])["id"]
    open_idle(page, atlas_server.url + f"graph?node={person_id}")
    summary = page.get_by_test_id("stMain").get_by_text(re.compile(r"\d+ nodes, \d+ edges"))
    before = int(re.search(r"(\d+) nodes", summary.inner_text()).group(1))
    symbols = page.locator("[data-testid=stVegaLiteChart] g.mark-symbol path")
    expect(symbols.first).to_be_visible()
    boxes = [box for box in (symbols.nth(i).bounding_box() for i in range(symbols.count())) if box]
    focus = max(boxes, key=lambda box: box["width"] * box["height"])  # the focus is drawn largest
    target = next(box for box in boxes if box != focus)
    page.mouse.click(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
    expect(page).to_have_url(re.compile(r"expand=author"), timeout=60_000)  # the expanded node is in the URL
    wait_idle(page)
    after = int(re.search(r"(\d+) nodes", summary.inner_text()).group(1))
    assert after >= before


PAGES = [
    ("graph", "graph?node=__PERSON__"),
    ("graph-everything", "graph?node=__PERSON__&mode=Everything"),
    ("data", "data"),
    ("data-provenance", "data?node=__PERSON__"),
    ("collaborators", "collaborators?author=__PERSON__"),
    ("topics", "topics?topic=Software%20systems%20for%20ML"),
    ("systems-ml", "systems-ml"),
    ("systems-ml-bridges", "systems-ml?tab=Bridges"),
    ("program-committee-example", "program-committee?example=true"),
    ("program-committee-example-members", "program-committee?example=true&tab=Members"),  # a deep link to a tab
]


def test_every_page_renders_in_the_browser(atlas_server: Server, page: Page, small_build: tuple) -> None:
    store = small_build[0]
    person_id = max(store.search_authors(PERSON), key=lambda r: r["papers"])["id"]
    paper = store.read("MATCH (p:Paper)-[:HAS_TOPIC]->(:Topic) WHERE p.venue = 'MLSys' RETURN p.id AS id LIMIT 1")
    pages = [*PAGES, ("paper", f"paper?paper={paper[0]['id']}")]
    for name, path in pages:
        open_idle(page, atlas_server.url + path.replace("__PERSON__", person_id))
        assert page.get_by_test_id("stException").count() == 0, name
        expect(page.get_by_test_id("stSidebarNav").get_by_text("Home", exact=True)).to_be_visible()
        expect(page.locator("h1").first).to_be_visible()
        page.wait_for_timeout(300)  # let charts paint before the screenshot
        screenshot(page, name)


def test_a_lazy_expander_draws_its_table_when_opened(atlas_server: Server, page: Page, small_build: tuple) -> None:
    """Collaborators' "As a table" sends its data grid only once opened (st.expander on_change="rerun")."""
    person_id = max(small_build[0].search_authors(PERSON), key=lambda r: r["papers"])["id"]
    open_idle(page, atlas_server.url + f"collaborators?author={person_id}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stExpander")).to_have_count(1)
    expect(main.get_by_test_id("stDataFrame")).to_have_count(0)
    main.get_by_test_id("stExpander").get_by_text("As a table").click()
    expect(main.get_by_test_id("stDataFrame")).to_have_count(1, timeout=60_000)
