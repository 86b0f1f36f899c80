"""Shared fixtures: real stores built from real snapshot rows.

`small_store` is a session-wide embedded FalkorDB graph built through the real build
path from a subset of the bundled snapshot: the MLSys seed list, OSDI and NSDI, ICML
2023 and ICLR 2022 (both lists), about 5k papers. Tests that only read share it;
tests that write make their own store in `tmp_path`.
"""

from __future__ import annotations

import atexit
import getpass
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from atlas_cli import wiring
from graph import config
from graph.falkor_store import FalkorStore
from ingest.build import BuildReport, build

# What `mlsys-atlas` and the explorer plug into the graph layer at start-up (topic tagger, organisation
# table): tests that call the analytics directly get the same parts.
wiring.install()

sys.path.insert(0, str(Path(__file__).resolve().parent / "contract"))  # the shared Neo4j test server
from neo4j_live import LIVE, SMALL_GRAPH, require_configured  # noqa: E402

from graph.neo4j_store import Neo4jStore  # noqa: E402

# No command of the test graphs takes minutes: a server that answers nothing for 3 minutes is hung
# (FalkorDB issue #2129) and is restarted; its test fails with StoreHungError and runs once more
# (`--only-rerun StoreHungError` in pyproject.toml) instead of waiting for the 15-minute test timeout.
os.environ.setdefault("ATLAS_STORE_REPLY_TIMEOUT", "180")

# Tests never touch the checkout's data directory (`.atlas/`, or the shell's ATLAS_DATA_DIR): a test that reached the
# default without a fixture's directory would write the developer's store and review queue. One did: after `make
# test`, `.atlas/` held an empty identity/review_queue.jsonl and a FalkorDB server left running (session 50). Each
# pytest process gets a directory of its own; tests that need a particular one set ATLAS_DATA_DIR themselves. Made
# once per process: test modules import this file again as `tests.conftest`, and a second directory replaced the
# first in the environment, where the check at the end of the session (below) did not look (session 51). A process
# a test started keeps the environment it was given (pytest sets PYTEST_CURRENT_TEST while a test runs).
if os.environ.get("ATLAS_TEST_DATA_DIR_OF") != str(os.getpid()) and "PYTEST_CURRENT_TEST" not in os.environ:
    os.environ["ATLAS_DATA_DIR"] = tempfile.mkdtemp(prefix="atlas-test-data-")
    os.environ["ATLAS_TEST_DATA_DIR_OF"] = str(os.getpid())
    atexit.register(lambda: _remove_default_data_dir())  # (defined below)
_DEFAULT_DATA_DIR = os.environ["ATLAS_DATA_DIR"]
_MAIN_MODULE = sys.modules["__main__"]

SNAPSHOT = config.PROJECT_ROOT / "data" / "snapshot"
SMALL_SUBSET = ("ML_Seed_Papers.csv", "osdi_base_data.json.gz", "nsdi_base_data.json.gz", "icml2023.json.gz",
                "iclr2022.json.gz")


def in_small_subset(path: Path) -> bool:
    return path.name in SMALL_SUBSET


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    return SNAPSHOT


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FalkorStore, BuildReport, Path]]:
    data_dir = tmp_path_factory.mktemp("atlas-small")
    store = FalkorStore(data_dir, "atlas")
    report = build(store, SNAPSHOT, data_dir, quiet=True, only_files=in_small_subset)
    yield store, report, data_dir
    store.close()


@pytest.fixture
def atlas_env(small_build: tuple[FalkorStore, BuildReport, Path], monkeypatch: pytest.MonkeyPatch) -> FalkorStore:
    """The explorer's settings pointed at the small build, through the environment as `streamlit run` sees them
    (tests/app and tests/ui)."""
    store, _report, data_dir = small_build
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "atlas")
    monkeypatch.setenv("ATLAS_STORE", "embedded")
    monkeypatch.delenv("ATLAS_QUERY_CONSOLE", raising=False)
    return store


@pytest.fixture(scope="session")
def small_store(small_build: tuple[FalkorStore, BuildReport, Path]) -> FalkorStore:
    return small_build[0]


# ------------------------------------------------------------------ the real Neo4j server
def pytest_configure(config: pytest.Config) -> None:
    require_configured()  # CI=true without NEO4J_TEST_URI is a broken set-up: fail, never skip
    if not hasattr(config, "workerinput"):  # once per session, before any worker starts a server
        # imported here: a plain interpreter that imports `tests.conftest` (tests/scale) has no tests/ on its path
        from orphans import stop_left_behind

        temp = Path(tempfile.gettempdir())
        left = stop_left_behind([temp / f"pytest-of-{getpass.getuser()}", *temp.glob("atlas-test-data-*")])
        if left:
            print(f"stopped {len(left)} FalkorDB server(s) a killed test session left running: pids {left}",
                  file=sys.stderr)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the small snapshot in Neo4j run last, so the one Neo4j database loads it once
    (the tiny contract graph needs the same database; see tests/contract/neo4j_live.py)."""
    items.sort(key=lambda item: any(name.startswith("neo4j_small") for name in getattr(item, "fixturenames", ())))


def _neo4j_files(root: Path) -> frozenset[str]:
    """Test files that may touch the one shared Neo4j database: every file that mentions it."""
    return frozenset(str(path.relative_to(root)) for path in (root / "tests").rglob("test_*.py")
                     if "neo4j" in path.read_text(encoding="utf-8").lower())


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`make test` runs two pytest-xdist workers. Each test file runs whole and in order on one
    worker, as without xdist (module fixtures are built once; a few tests build on the ones
    before them), and every file that may touch Neo4j runs on the same worker, so one worker
    holds the database's lease and the order above still holds there.

    (xdist's own `--dist loadgroup` cannot express this with pytest 9, whose node ids ignore the
    group suffix xdist 3.8 appends, so the grouping is a scheduler of our own.)
    """
    from xdist.scheduler import LoadScopeScheduling

    neo4j_files = _neo4j_files(config.rootpath)

    class FileOrNeo4jScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "neo4j" if path in neo4j_files else path

    return FileOrNeo4jScheduling(config, log)


def _load_small(store: Neo4jStore, data_dir: Path) -> None:
    build(store, SNAPSHOT, data_dir, quiet=True, only_files=in_small_subset)  # as `build --store neo4j` does


@pytest.fixture(scope="session")
def neo4j_small_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Neo4jStore, Path]:
    """The small snapshot built into the real Neo4j, and the data directory holding its build report."""
    data_dir = tmp_path_factory.mktemp("atlas-small-neo4j")
    return LIVE.load(SMALL_GRAPH, _load_small, data_dir), data_dir


@pytest.fixture
def neo4j_small(neo4j_small_build: tuple[Neo4jStore, Path]) -> Neo4jStore:
    """Re-checks the lease before each test, so a tiny-graph test run in between reloads it."""
    store, data_dir = neo4j_small_build
    return LIVE.load(SMALL_GRAPH, _load_small, data_dir)


@pytest.fixture(autouse=True)
def _main_module_restored() -> Iterator[None]:
    """Streamlit's AppTest leaves the app script as `__main__`, and every process `multiprocessing` spawns later
    runs the `__main__` file first: each Dask worker of a later test ran the whole explorer, which opened a FalkorDB
    server on the default data directory and, as the last worker to use it, left it running (session 51). Tests get
    the `__main__` of the pytest process back."""
    yield
    sys.modules["__main__"] = _MAIN_MODULE


@pytest.fixture(scope="session", autouse=True)
def _no_server_left_on_the_default_data_directory() -> Iterator[None]:
    """A FalkorDB server still answering on this process's default data directory when its tests end was started
    by a test that never said where its store lives, and nobody stops it: an error on the last test, and stopped
    (the directory is then kept for a look)."""
    yield
    from graph.falkor_server import stop_server

    if stop_server(Path(_DEFAULT_DATA_DIR)):
        os.environ["ATLAS_TEST_KEEP_DATA_DIR"] = "1"
        pytest.fail(f"a FalkorDB server was left running on the default data directory {_DEFAULT_DATA_DIR}: a test "
                    "opened the default store (or ran a process that did) and did not stop it", pytrace=False)


def _remove_default_data_dir() -> None:
    """The default data directory this process made goes when it ends (tests of the defaults write a review queue
    there; runs had left ~80 in /tmp), unless a server was found left on it. At exit, not at pytest's unconfigure:
    a script that imports a test module (benchmarks do) and a pytest run stopped by a usage error left theirs."""
    if os.environ.get("ATLAS_TEST_DATA_DIR_OF") == str(os.getpid()) and "ATLAS_TEST_KEEP_DATA_DIR" not in os.environ:
        shutil.rmtree(_DEFAULT_DATA_DIR, ignore_errors=True)
