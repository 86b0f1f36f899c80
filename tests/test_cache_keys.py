"""The build cache keys each stage on the code and data it depends on (ingest/cache.py STAGE_CODE).

A module a stage imports but its key leaves out makes a cached stage stale after an edit: the
snapshot readers consulted the institution table while the read stage's key did not list it.
These tests follow the imports of each stage's entry modules and fail on such a gap.
"""

from __future__ import annotations

import ast
from fnmatch import fnmatch
from pathlib import Path

import pytest

from graph.config import PROJECT_ROOT
from ingest.cache import STAGE_CODE

# Modules every stage imports that cannot change a stage's output: configuration, error types,
# package markers, HTTP plumbing of the live ingestors, and the explorer's proposal notes.
NO_OUTPUT = {
    "graph/__init__.py", "graph/config.py", "graph/errors.py", "graph/settings.py", "graph/proposals.py",
    "ingest/__init__.py", "ingest/live/__init__.py", "ingest/live/base.py", "ingest/live/settings.py",
    "ingest/live/sources/__init__.py", "ingest/institutions/__init__.py",
    "graph/forked.py",  # where a result is computed (a forked child or here), never what it is
}
DATA_SUFFIXES = {".tsv", ".json", ".toml", ".gz"}
ENTRY_MODULES = {
    "read": ("ingest/snapshot.py", "ingest/recordio.py"),
    "resolve": ("ingest/identity/resolver.py", "ingest/institutions/link.py"),
}


def module_file(dotted: str) -> Path | None:
    base = PROJECT_ROOT / dotted.replace(".", "/")
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_project_modules(entries: tuple[str, ...]) -> set[Path]:
    seen: set[Path] = set()
    todo = [PROJECT_ROOT / entry for entry in entries]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            for name in names:
                parts = name.split(".")
                todo += [found for i in range(1, len(parts) + 1) if (found := module_file(".".join(parts[:i])))]
    return seen


def covered(stage: str, relative: str) -> bool:
    return any(fnmatch(relative, pattern) for pattern in STAGE_CODE[stage])


@pytest.mark.parametrize("stage", sorted(ENTRY_MODULES))
def test_every_module_a_stage_imports_is_in_its_cache_key(stage: str) -> None:
    modules = {str(path.relative_to(PROJECT_ROOT)) for path in imported_project_modules(ENTRY_MODULES[stage])}
    missing = sorted(m for m in modules - NO_OUTPUT if not covered(stage, m))
    assert not missing, f"{stage} imports these modules but its cache key ignores them: {missing}"


@pytest.mark.parametrize("stage", sorted(ENTRY_MODULES))
def test_the_data_files_beside_a_stages_modules_are_in_its_cache_key(stage: str) -> None:
    folders = {path.parent for path in imported_project_modules(ENTRY_MODULES[stage])
               if str(path.relative_to(PROJECT_ROOT)) not in NO_OUTPUT}
    data = {str(path.relative_to(PROJECT_ROOT)) for folder in folders for path in folder.iterdir()
            if path.suffix in DATA_SUFFIXES}
    missing = sorted(d for d in data if not covered(stage, d))
    assert not missing, f"{stage} may read these files but its cache key ignores them: {missing}"


def test_the_check_finds_the_gap_it_was_written_for() -> None:
    """Without the institution table in the read stage's key, the first test must fail."""
    modules = {str(path.relative_to(PROJECT_ROOT)) for path in imported_project_modules(ENTRY_MODULES["read"])}
    assert "ingest/institutions/link.py" in modules
    assert not any(fnmatch("ingest/institutions/link.py", pattern)
                   for pattern in STAGE_CODE["read"] if "institutions" not in pattern)
