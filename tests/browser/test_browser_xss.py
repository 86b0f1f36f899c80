"""XSS in a real browser: a paper titled `<img src=x onerror=alert(1)>` (and an author,
an institution and topic evidence just as hostile) renders as text on every page and
in the graph view — including its tooltips — and no dialog is ever raised."""

from __future__ import annotations

import pytest
from browserkit import Server, open_idle, screenshot
from hostile import AUTHOR_ID, FRIEND_ID, HOSTILE_AUTHOR, HOSTILE_TITLE, INSTITUTION_ID, PAPER_ID, SECOND_PAPER_ID
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PAGES = [
    ("home", ""),
    ("search", "search?q=img"),
    ("search-people", "search?q=mallory"),
    ("person", f"person?author={AUTHOR_ID}"),
    ("person-by-name", "person?author=Mallory"),
    ("paper", f"paper?paper={PAPER_ID}"),
    ("paper-markdown", f"paper?paper={SECOND_PAPER_ID}"),
    ("institution", f"institution?institution={INSTITUTION_ID}"),
    ("graph", f"graph?node={PAPER_ID}"),
    ("graph-person", f"graph?node={AUTHOR_ID}&mode=Everything"),
    ("data", f"data?node={PAPER_ID}"),
    ("connect", f"connect?from={AUTHOR_ID}&to={FRIEND_ID}"),
    ("collaborators", f"collaborators?author={AUTHOR_ID}"),
    ("topics", "topics?topic=Software%20systems%20for%20ML"),
]
# text the hostile title must appear as, somewhere in the DOM, on these pages
SHOWS_TITLE = {"search", "paper", "data", "graph"}


def injected(page: Page) -> int:
    """Elements the hostile strings would create if they were parsed as HTML."""
    return page.evaluate("""() =>
        document.querySelectorAll('img[src="x"], svg[onload], b[onmouseover], [onerror]').length
        + [...document.scripts].filter(s => s.textContent.includes('alert(')).length""")


def hover_graph(page: Page) -> list[str]:
    """Hover every node symbol Vega drew (SVG paths) and return the tooltip texts it showed."""
    chart = page.locator("[data-testid=stVegaLiteChart] >> visible=true").first
    chart.scroll_into_view_if_needed()
    symbols = chart.locator("g.mark-symbol path")
    tooltip = page.locator("#vg-tooltip-element")
    seen: list[str] = []
    for i in range(min(symbols.count(), 40)):
        box = symbols.nth(i).bounding_box()
        if not box:
            continue
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(60)
        if tooltip.count() and tooltip.first.is_visible():
            seen.append(tooltip.first.inner_text())
    return seen


def test_hostile_text_renders_as_text_everywhere(hostile_server: Server, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for name, path in PAGES:
        open_idle(page, hostile_server.url + path)
        assert page.get_by_test_id("stException").count() == 0, name
        page.wait_for_timeout(300)
        if name in SHOWS_TITLE:
            assert page.get_by_text(HOSTILE_TITLE).count() > 0, f"{name}: the hostile title is not shown as text"
        if name == "person":
            assert page.get_by_role("heading", name=HOSTILE_AUTHOR).count() == 1
        if name.startswith("graph"):
            focus = HOSTILE_TITLE if name == "graph" else HOSTILE_AUTHOR
            tooltips = hover_graph(page)
            assert any(focus in text for text in tooltips), f"{name}: tooltip shows {tooltips[:3]}"
        assert injected(page) == 0, f"{name}: hostile markup was parsed as HTML"
        screenshot(page, f"xss-{name}")
    assert dialogs == [], f"dialogs raised: {dialogs}"


def test_hostile_title_is_the_literal_paper_heading(hostile_server: Server, page: Page) -> None:
    open_idle(page, hostile_server.url + f"paper?paper={PAPER_ID}")
    assert page.locator("h1").first.inner_text().strip() == HOSTILE_TITLE
    assert page.get_by_role("link", name="Publisher / source page").count() == 0  # javascript: URL dropped
