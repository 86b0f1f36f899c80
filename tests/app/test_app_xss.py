"""Hostile text from the data never reaches a page as markup: every markdown string the
pages write carries it escaped. (The browser test checks what a real Chromium renders.)"""

from __future__ import annotations

import re

import pytest
from apphelpers import assert_clean, open_page, texts
from hostile import (
    AUTHOR_ID,
    FRIEND_ID,
    HOSTILE_AUTHOR,
    HOSTILE_INSTITUTION,
    HOSTILE_TITLE,
    INSTITUTION_ID,
    MARKDOWN_TITLE,
    PAPER_ID,
    SECOND_PAPER_ID,
)

from graph.falkor_store import FalkorStore
from ui.text import escape_markdown

PAGES = [
    ("pages/home.py", {}),
    ("pages/search.py", {"q": "img"}),
    ("pages/search.py", {"q": "click"}),
    ("pages/search.py", {"q": "mallory"}),
    ("pages/person.py", {"author": AUTHOR_ID}),
    ("pages/person.py", {"author": HOSTILE_AUTHOR}),
    ("pages/paper.py", {"paper": PAPER_ID}),
    ("pages/paper.py", {"paper": SECOND_PAPER_ID}),
    ("pages/institution.py", {"institution": INSTITUTION_ID}),
    ("pages/graph_explorer.py", {"node": PAPER_ID}),
    ("pages/graph_explorer.py", {"node": AUTHOR_ID}),
    ("pages/data.py", {"node": PAPER_ID}),
    ("pages/connect.py", {"from": AUTHOR_ID, "to": FRIEND_ID}),
    ("pages/collaborators.py", {"author": AUTHOR_ID}),
    ("pages/topics.py", {"topic": "Software systems for ML"}),
    ("pages/overlap.py", {"tab": "Bridges"}),
]
RAW = [HOSTILE_TITLE, MARKDOWN_TITLE, HOSTILE_AUTHOR, HOSTILE_INSTITUTION, "javascript:alert"]
# a markup-active character from the data that is not backslash-escaped
UNESCAPED_TAG = re.compile(r"(?<!\\)<(img|script|b |svg|i>)")


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[f"{p}-{'-'.join(q)}" for p, q in PAGES])
def test_hostile_text_is_escaped_on_every_page(hostile_env: FalkorStore, page: str, params: dict) -> None:
    at = open_page(page, **params)
    assert_clean(at)
    body = texts(at)
    for raw in RAW:
        assert raw not in body
    assert not UNESCAPED_TAG.search(body), UNESCAPED_TAG.search(body)


def test_hostile_paper_title_is_shown_as_text(hostile_env: FalkorStore) -> None:
    at = open_page("pages/paper.py", paper=PAPER_ID)
    assert at.title[0].value == escape_markdown(HOSTILE_TITLE)
    assert not at.get("link_button"), "a javascript: URL from the data must not become a link"


def test_identity_review_decisions_are_recorded(hostile_env: FalkorStore, hostile_build: tuple,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Decisions change the next build: hidden without an admin token, recorded once unlocked with it."""
    review = pytest.importorskip("ingest.identity.review")
    data_dir = hostile_build[1]
    side = {"names": [HOSTILE_AUTHOR], "person_id": AUTHOR_ID, "mentions": 1,
            "papers": [{"paper_id": PAPER_ID, "title": HOSTILE_TITLE, "year": 2023, "affiliation": None}]}
    review.write_queue([{"item_id": "rv-test", "action": "merged", "confidence": 0.6, "reasons": ["same venue"],
                         "left_mention": "m1", "right_mention": "m2", "left": side, "right": side}], data_dir)
    monkeypatch.delenv("ATLAS_ADMIN_TOKEN", raising=False)
    at = open_page("pages/data.py", tab="Identity review")
    assert_clean(at)
    assert HOSTILE_TITLE not in texts(at)  # the titles in the queue are escaped too
    assert not [b for b in at.button if b.key == "accept-rv-test"] and "no admin token" in texts(at)

    monkeypatch.setenv("ATLAS_ADMIN_TOKEN", "s3cret-token")
    at = open_page("pages/data.py", tab="Identity review")
    assert not [b for b in at.button if b.key == "accept-rv-test"]
    at.text_input(key="admin-token-review").input("wrong")
    at.button(key="admin-unlock-review").click().run()
    assert not [b for b in at.button if b.key == "accept-rv-test"]
    assert any("not the admin token" in w.value for w in at.warning)
    at.text_input(key="admin-token-review").input("s3cret-token")
    at.button(key="admin-unlock-review").click().run()
    at.button(key="accept-rv-test").click().run()
    assert_clean(at)
    assert [d.accept for d in review.load_decisions(data_dir)] == [True]
