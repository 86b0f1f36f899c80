"""A malformed setting stops the explorer with a message naming the variable, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from apphelpers import open_page


def test_a_bad_setting_is_named_on_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ATLAS_HTTP_ATTEMPTS", "abc")
    monkeypatch.setenv("NEO4J_PASSWORD", "hunter2-secret")
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(e.value) for e in at.error).replace("\\", "")  # markdown escapes
    assert "ATLAS_HTTP_ATTEMPTS" in shown and "whole number" in shown and "hunter2" not in shown
