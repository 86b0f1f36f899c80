"""The explorer runs with Streamlit's "magic" off (.streamlit/config.toml): no page may depend on it.

Why off: Streamlit rewrites each script's syntax tree for magic the first time it runs it after a
server start (0.03-0.2 s per page on the 2-core machine, measured for issue 16). With magic off, a bare
expression in a page would silently show nothing, so this checks, with Streamlit's own rewrite, that no
page or app.py has a statement magic would have turned into `st.write`.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import magic

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def test_magic_is_off_in_the_explorers_config() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["magicEnabled"] is False


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_page_has_a_statement_magic_would_write(script: Path) -> None:
    tree = magic.add_magic(script.read_text(), str(script))
    written = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
               and isinstance(node.func, ast.Attribute) and node.func.attr == "transparent_write"]
    assert written == [], f"{script.name}: bare expressions at lines {written} (use st.write explicitly)"


def test_the_check_notices_a_bare_expression() -> None:
    tree = magic.add_magic('import streamlit as st\n"shown by magic"\nx = 1\nx\n', "page.py")
    assert sum(isinstance(n, ast.Attribute) and n.attr == "transparent_write" for n in ast.walk(tree)) == 2
