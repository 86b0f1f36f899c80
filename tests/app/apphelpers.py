"""Helpers for driving the real explorer with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60  # seconds per script run: generous for a loaded 2-core CI machine, not a performance check


def open_page(page: str | None = None, **query_params: str | list[str]) -> AppTest:
    """Run the real app (navigation, sidebar, error boundary) on `page` with these URL parameters."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page is not None:
        at.query_params = dict(query_params)
        at.switch_page(page)
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page wrote as markdown, captions, headings and link labels, joined."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [str(el.proto.label) for el in at.get("page_link")]
    return "\n".join(parts)


def assert_clean(at: AppTest) -> None:
    """No traceback and no error box: every page must answer with content or a helpful message."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
