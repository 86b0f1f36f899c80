"""Tables open their rows in the same browser tab, and every entity deep link takes a name.

Streamlit's LinkColumn always opens a new tab; the explorer's tables instead open the selected
row's page in place (ui/linked_table.py). Here a real click on a row of the person page's
papers table and of the institution page's people table must change the URL in the same tab
(no new page in the browser context), and Back must return in one press. The deep links
`person?author=NAME`, `graph?node=NAME`, `institution?institution=NAME`, `collaborators?author=NAME`
and `connect?from=NAME&to=NAME` must show that entity, not a "not found"; so must `data?node=NAME`,
`topics?topic=NAME` and `paper?paper=TITLE`. Back from a paper opened on a person's Papers tab shows that tab again, and
the person links on Connect's paths and Collaborators' header open in place with Back returning to
the same two people or the same person.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browserkit import Server, open_idle, wait_idle
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

PERSON = "Tianqi Chen"
HEADER_PX, ROW_PX = 35, 35  # st.dataframe's default header and row heights


def click_row(table: Locator, row: int) -> None:
    """Select a row the way a user does: a click on its row marker (the box at the row's left)."""
    table.scroll_into_view_if_needed()
    table.hover()
    box = table.bounding_box()
    assert box is not None
    table.page.mouse.click(box["x"] + 14, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)


def person_id(store: object, name: str) -> str:
    return max(store.search_authors(name), key=lambda r: r["papers"])["id"]  # type: ignore[attr-defined]


def test_a_table_row_opens_in_the_same_tab_and_back_returns(atlas_server: Server, page: Page,
                                                            small_build: tuple) -> None:
    author = person_id(small_build[0], PERSON)
    open_idle(page, atlas_server.url + f"person?author={author}&tab=Papers")
    main = page.get_by_test_id("stMain")
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)
    person_url = page.url
    table = main.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible(timeout=60_000)
    pages_before = len(page.context.pages)
    click_row(table, 0)
    expect(page).to_have_url(re.compile(r"/paper\?.*paper="), timeout=60_000)
    wait_idle(page)
    assert len(page.context.pages) == pages_before, "the row opened a new tab"
    expect(page.locator("h1").first).not_to_have_text(PERSON)
    page.go_back()
    expect(page).to_have_url(re.compile(re.escape(person_url.split("?")[0]) + r"\?.*author="), timeout=60_000)
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)
    wait_idle(page)
    assert "/paper" not in page.url  # the table's selection does not navigate again


def test_an_institution_people_row_opens_the_person(atlas_server: Server, page: Page, small_build: tuple) -> None:
    inst = small_build[0].search_institutions("berkeley")[0]
    open_idle(page, atlas_server.url + f"institution?institution={inst['id']}")
    table = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    expect(table).to_be_visible(timeout=60_000)
    click_row(table, 0)
    expect(page).to_have_url(re.compile(r"/person\?.*author="), timeout=60_000)
    wait_idle(page)
    assert len(page.context.pages) == 1
    page.go_back()
    expect(page).to_have_url(re.compile(r"/institution\?"), timeout=60_000)


def test_back_from_a_search_result_shows_the_search_again(atlas_server: Server, page: Page) -> None:
    """The search text is bound to its box, and Streamlit drops such parameters on a page change;
    the links carry it so one Back press shows the same results."""
    open_idle(page, atlas_server.url + "search?q=LLM%20serving")
    main = page.get_by_test_id("stMain")
    table = main.get_by_test_id("stDataFrame").first  # the people publishing on it
    expect(table).to_be_visible(timeout=60_000)
    click_row(table, 0)
    expect(page).to_have_url(re.compile(r"/person\?.*author="), timeout=60_000)
    wait_idle(page)
    assert len(page.context.pages) == 1
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search\?"), timeout=60_000)
    expect(main.get_by_role("textbox", name=re.compile("Search people")).first).to_have_value("LLM serving",
                                                                                          timeout=60_000)
    expect(main.get_by_text("Publishing on “LLM serving”")).to_be_visible(timeout=60_000)


@pytest.mark.parametrize(("path", "shows"), [
    (f"person?author={quote(PERSON)}", PERSON),
    (f"graph?node={quote(PERSON)}", PERSON),
    (f"collaborators?author={quote(PERSON)}", PERSON),
    (f"connect?from={quote(PERSON)}&to={quote('Luis Ceze')}", "hops"),
    ("institution?institution=" + quote("University of Washington"), "University of Washington"),
    ("data?node=" + quote("Luis Ceze"), "Luis Ceze"),
    ("topics?topic=" + quote("Software systems for ML"), "Papers tagged Software systems for ML"),
])
def test_every_name_deep_link(atlas_server: Server, page: Page, path: str, shows: str) -> None:
    open_idle(page, atlas_server.url + path)
    main = page.get_by_test_id("stMain")
    assert page.get_by_test_id("stException").count() == 0
    expect(main.get_by_text(re.compile(r"^No (person|institution|node)")).first).not_to_be_visible()
    expect(main.get_by_text(shows).first).to_be_visible(timeout=60_000)


def test_paper_title_deep_link(atlas_server: Server, page: Page, small_build: tuple) -> None:
    """`paper?paper=TITLE` opens that paper and puts its id in the address bar (a unique title in the graph)."""
    rows = small_build[0].read("MATCH (p:Paper) WHERE p.title IS NOT NULL RETURN p.id AS id, p.title AS title "
                               "ORDER BY p.id")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["title"].lower()] = counts.get(row["title"].lower(), 0) + 1
    paper = next(r for r in rows if counts[r["title"].lower()] == 1 and len(r["title"].split()) >= 4)
    open_idle(page, atlas_server.url + "paper?paper=" + quote(paper["title"].upper()))  # case does not matter
    assert page.get_by_test_id("stException").count() == 0
    expect(page.locator("h1").first).to_contain_text(paper["title"][:30], timeout=60_000)
    expect(page).to_have_url(re.compile(r"/paper\?paper=" + re.escape(quote(paper["id"], safe=""))), timeout=60_000)


def selected_tab(page: Page) -> str:
    return page.get_by_test_id("stMain").get_by_role("tab", selected=True).first.inner_text().strip()


def test_back_from_a_paper_shows_the_persons_tab_again(atlas_server: Server, page: Page, small_build: tuple) -> None:
    """The tab is bound to ?tab=, which Streamlit leaves out of the history entry a page link leaves behind;
    the links carry it as ptab= (ui/links.keep_person)."""
    author = person_id(small_build[0], PERSON)
    open_idle(page, atlas_server.url + f"person?author={author}")
    main = page.get_by_test_id("stMain")
    page.get_by_role("tab", name="Papers", exact=True).click()
    expect(page).to_have_url(re.compile(r"tab=Papers"), timeout=60_000)
    wait_idle(page)
    paper_link = main.get_by_test_id("stPageLink").filter(has_text="—").first
    expect(paper_link).to_be_visible(timeout=60_000)
    paper_link.click()
    expect(page).to_have_url(re.compile(r"/paper\?.*paper="), timeout=60_000)
    wait_idle(page)
    assert len(page.context.pages) == 1
    page.go_back()  # one press
    expect(page).to_have_url(re.compile(r"/person\?.*author="), timeout=60_000)
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)
    wait_idle(page)
    assert selected_tab(page) == "Papers"
    expect(main.get_by_test_id("stPageLink").filter(has_text="—").first).to_be_visible()


def test_connect_path_names_open_in_the_same_tab_and_back_keeps_both_people(
        atlas_server: Server, page: Page, small_build: tuple) -> None:
    store = small_build[0]
    source, target = person_id(store, PERSON), person_id(store, "Luis Ceze")
    open_idle(page, atlas_server.url + f"connect?from={source}&to={target}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Path 1", exact=False).first).to_be_visible(timeout=60_000)
    name_link = main.locator("a[href*='person']").filter(has_text="Luis Ceze").first
    expect(name_link).to_be_visible()
    assert name_link.get_attribute("target") != "_blank"
    name_link.click()
    expect(page).to_have_url(re.compile(r"/person\?.*author="), timeout=60_000)
    expect(page.get_by_role("heading", name="Luis Ceze", exact=True)).to_be_visible(timeout=60_000)
    wait_idle(page)
    assert len(page.context.pages) == 1, "a path's name opened a new tab"
    page.go_back()
    expect(page).to_have_url(re.compile(r"/connect\?.*from=.*to="), timeout=60_000)
    expect(main.get_by_text(re.compile(r"are \d+ hops? apart"))).to_be_visible(timeout=60_000)


def test_collaborators_header_opens_the_person_here_and_back_returns(
        atlas_server: Server, page: Page, small_build: tuple) -> None:
    author = person_id(small_build[0], PERSON)
    open_idle(page, atlas_server.url + f"collaborators?author={author}")
    main = page.get_by_test_id("stMain")
    header = main.get_by_test_id("stPageLink").filter(has_text=PERSON).first
    expect(header).to_be_visible(timeout=60_000)
    header.click()
    expect(page).to_have_url(re.compile(r"/person\?.*author="), timeout=60_000)
    wait_idle(page)
    assert len(page.context.pages) == 1
    page.go_back()
    author_in_url = re.escape(author).replace(":", "(:|%3A)")  # the browser may show the colon encoded or not
    expect(page).to_have_url(re.compile(r"/collaborators\?.*author=" + author_in_url), timeout=60_000)
    expect(main.get_by_text(re.compile(r"\d+ suggestions?")).first).to_be_visible(timeout=60_000)


def test_no_internal_link_opens_a_new_tab(atlas_server: Server, page: Page, small_build: tuple) -> None:
    """Streamlit gives every markdown link target=_blank: no page may draw one to another explorer page."""
    store = small_build[0]
    author, other = person_id(store, PERSON), person_id(store, "Luis Ceze")
    paths = [f"person?author={author}", f"connect?from={author}&to={other}", f"collaborators?author={author}",
             f"graph?node={author}", "search?q=" + quote("Tianqi Chenn"), "person?author=" + quote("Tianqi Chenn"),
             "systems-ml?tab=Bridges", "topics?topic=" + quote("Software systems for ML")]
    for path in paths:
        open_idle(page, atlas_server.url + path)
        blank = page.locator("[data-testid=stMain] a[target=_blank]")
        internal = [href for href in (blank.nth(i).get_attribute("href") for i in range(blank.count()))
                    if href and not href.startswith(("http://", "https://", "mailto:"))
                    or (href or "").startswith(atlas_server.url)]
        assert not internal, (path, internal)


def test_a_coauthor_row_opens_that_person_with_their_address_and_back_returns(
        atlas_server: Server, page: Page, small_build: tuple) -> None:
    """Person to person stays on one page: the address bar must follow (pages/person.py), so Back works."""
    author = person_id(small_build[0], PERSON)
    open_idle(page, atlas_server.url + f"person?author={author}&tab=Co-authors")
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)
    table = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    expect(table).to_be_visible(timeout=60_000)
    click_row(table, 0)
    expect(page.get_by_role("heading", name=PERSON, exact=True)).not_to_be_visible(timeout=60_000)
    wait_idle(page)
    author_in_url = re.escape(author).replace(":", "(:|%3A)")
    expect(page).not_to_have_url(re.compile(r"author=" + author_in_url), timeout=60_000)
    assert len(page.context.pages) == 1
    page.go_back()  # one press
    expect(page).to_have_url(re.compile(r"/person\?.*author=" + author_in_url), timeout=60_000)
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)
    wait_idle(page)
    assert selected_tab(page) == "Co-authors"
