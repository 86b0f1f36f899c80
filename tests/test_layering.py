"""The layering rule, checked on the source: `graph/` never imports `ingest/`; `ui/`, `pages/` and
`app.py` never import `ingest/` either. Only the command line (`atlas_cli/`, above both layers)
plugs ingest pieces in (`atlas_cli.wiring` -> `graph.providers`).

Every import counts: module-level, inside functions, `from ingest import x`, and
`importlib.import_module("ingest...")` / `__import__` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from graph.config import PROJECT_ROOT

FORBIDDEN = "ingest"
LAYERS = ("graph", "ui", "pages")


def _files() -> list[Path]:
    files = [p for layer in LAYERS for p in sorted((PROJECT_ROOT / layer).rglob("*.py"))]
    return [*files, PROJECT_ROOT / "app.py"]


def _is_forbidden(module: str | None) -> bool:
    return bool(module) and (module == FORBIDDEN or module.startswith(FORBIDDEN + "."))


def ingest_imports(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, module) of every import of the ingest package in `source`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if _is_forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_forbidden(node.module):
            found.append((node.lineno, str(node.module)))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"import_module", "__import__"} and _is_forbidden(str(node.args[0].value)):
                found.append((node.lineno, str(node.args[0].value)))
    return found


def test_the_checker_sees_every_kind_of_import() -> None:
    source = ("import ingest\nimport os, ingest.build as b\nfrom ingest.topics import tag_papers\n"
              "def f():\n    from ingest import cache\n    importlib.import_module('ingest.snapshot')\n"
              "from graph import ingested\nimport ingestion\nfrom . import ingest_like\n")
    assert [line for line, _ in ingest_imports(source)] == [1, 2, 3, 5, 6]


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_no_ingest_import_below_the_command_line(path: Path) -> None:
    found = ingest_imports(path.read_text(encoding="utf-8"), str(path))
    assert not found, (f"{path.relative_to(PROJECT_ROOT)} imports {found}: graph/, ui/, pages/ and app.py never "
                       "import ingest; pass the piece in from atlas_cli (see graph/providers.py)")


def test_the_walk_covers_the_layers() -> None:
    names = {str(p.relative_to(PROJECT_ROOT)) for p in _files()}
    assert {"app.py", "graph/config.py", "graph/analytics/pc_audit.py", "ui/data.py", "pages/person.py"} <= names
