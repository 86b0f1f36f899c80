"""Issue 16's journeys in headless Chromium on the small real build: search -> person -> paper -> Back
in one press; "LLM serving" -> the people who publish on it; a PC audit whose ambiguous member's
conflict with an id-given author is reported; and Quick search used from the Search page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest
from browserkit import Server, open_idle, screenshot, wait_idle
from pc_case import pc_case
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PERSON = "Tianqi Chen"


def test_search_person_paper_related_paper_and_back(atlas_server: Server, page: Page) -> None:
    """search -> person -> paper -> related paper, then Back (one press each) to the paper and the person."""
    opened: list[Page] = []
    page.context.on("page", lambda new: opened.append(new))
    open_idle(page, atlas_server.url + "search?q=Tianqi%20Chen")
    main = page.get_by_test_id("stMain")
    main.get_by_role("link", name=f"{PERSON} —").first.click()
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)
    wait_idle(page)
    person_url = page.url
    page.get_by_role("tab", name="Papers", exact=True).click()
    paper_link = main.get_by_test_id("stPageLink").filter(has_text=" — ").first
    expect(paper_link).to_be_visible(timeout=60_000)
    title = paper_link.inner_text().split(" — ")[0].strip().splitlines()[-1]  # after the icon
    paper_link.click()
    expect(page).to_have_url(re.compile(r"/paper\?.*paper="), timeout=60_000)
    expect(page.locator("h1").first).to_contain_text(title[:30], timeout=60_000)
    wait_idle(page)
    paper_url = page.url

    expect(main.get_by_role("heading", name="Related papers")).to_be_visible()
    related = main.locator("xpath=//h3[contains(., 'Related papers')]/following::a[contains(@href, 'paper=')]").first
    expect(related).to_be_visible()
    related_title = related.inner_text().split(" — ")[0].strip().splitlines()[-1]
    related.click()
    expect(page).not_to_have_url(paper_url, timeout=60_000)
    expect(page.locator("h1").first).to_contain_text(related_title[:30], timeout=60_000)
    wait_idle(page)
    screenshot(page, "paper-related")
    assert not opened, "a link opened a new tab"
    assert len(page.context.pages) == 1

    page.go_back()  # one press: the first paper again
    expect(page.locator("h1").first).to_contain_text(title[:30], timeout=60_000)
    expect(page).to_have_url(re.compile(re.escape(paper_url.split("&")[0].split("?")[0])), timeout=60_000)
    wait_idle(page)
    page.go_back()  # one press: the person
    author = parse_qs(urlparse(person_url).query)["author"][0]
    expect(page).to_have_url(re.compile(r"/person\?.*author=" + re.escape(quote(author, safe=""))), timeout=60_000)
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible(timeout=60_000)


def test_llm_serving_finds_the_people_who_publish_on_it(atlas_server: Server, page: Page) -> None:
    open_idle(page, atlas_server.url + "search?q=LLM%20serving")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Publishing on “LLM serving”")).to_be_visible(timeout=60_000)
    people_tab = page.get_by_role("tab", name=re.compile(r"^People \(\d+\)"))
    count = int(re.search(r"\((\d+)\)", people_tab.inner_text()).group(1))
    assert count > 0
    expect(main.get_by_text(re.compile(rf"Found {count} (people|person)"))).to_be_visible()
    screenshot(page, "search-llm-serving-people")


def test_pc_audit_reports_an_ambiguous_members_conflict(atlas_server: Server, page: Page, small_build: tuple,
                                                        tmp_path: Path) -> None:
    case = pc_case(small_build[0])
    members, submissions = tmp_path / "pc.csv", tmp_path / "submissions.csv"
    members.write_text(case.members_csv())
    submissions.write_text(case.submissions_csv())
    open_idle(page, atlas_server.url + "program-committee")
    main = page.get_by_test_id("stMain")
    uploaders = main.get_by_test_id("stFileUploader")
    uploaders.filter(has_text="PC members").locator("input[type=file]").set_input_files(str(members))
    expect(main.get_by_test_id("stMetric").filter(has_text="Members")).to_contain_text("2", timeout=90_000)
    uploaders.filter(has_text="Submissions").locator("input[type=file]").set_input_files(str(submissions))
    expect(main.get_by_text(re.compile(r"1 PC member name fit several people"))).to_be_visible(timeout=90_000)
    expect(main.get_by_text(re.compile(r"1 PC member name not found"))).to_be_visible()
    wait_idle(page)  # the banners come first; under load the metrics of the run before stay a while longer
    expect(main.get_by_test_id("stMetric").filter(has_text="Conflicts")).to_contain_text("possible", timeout=60_000)
    page.get_by_role("tab", name="Conflicts", exact=True).click()  # lazy: drawn when opened, the count in its body
    expect(main.get_by_text(re.compile(r"[1-9]\d* conflicts?, [1-9]\d* of them marked \*?possible"))).to_be_visible(
        timeout=60_000)
    expect(page).to_have_url(re.compile(r"tab=Conflicts"))  # bound to the URL: the view is a deep link
    wait_idle(page)
    screenshot(page, "program-committee-possible-conflict")
    # The conflict itself, not only a count: the ambiguous member against the id-given author of S1.
    with page.expect_download(timeout=60_000) as download:
        main.get_by_role("button", name="Conflicts (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    found = [r for r in rows if r["member_name"] == case.member_name and r["submission"] == "S1"]
    assert found, rows
    assert any(case.coauthor_name in r["author_name"] for r in found), found
    assert all(r["certainty"] == "possible" for r in found), found


def test_quick_search_from_the_search_page(atlas_server: Server, page: Page) -> None:
    open_idle(page, atlas_server.url + "search?q=matei")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stTextInputField").fill(PERSON)
    sidebar.get_by_test_id("stBaseButton-secondaryFormSubmit").click()
    expect(page).to_have_url(re.compile(r"/search\?q=Tianqi(\+|%20)Chen"), timeout=60_000)
    wait_idle(page)
    assert page.get_by_test_id("stException").count() == 0
    expect(page.get_by_test_id("stMain").get_by_role("link", name=f"{PERSON} —").first).to_be_visible()
