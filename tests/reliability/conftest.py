"""Fixtures of the reliability suite (issue 17): a tiny real snapshot, a CLI runner, a built data dir.

The tiny snapshot is the bundled OSDI list (419 papers), the smallest real subset that
goes through every build step; builds of it take seconds, so fault injection (kills,
concurrent builds, a dying server) runs on real processes, not mocks.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph import config

SNAPSHOT = config.PROJECT_ROOT / "data" / "snapshot"
TINY_PAPERS = 419  # OSDI rows of the bundled sysconf list


def make_tiny_snapshot(root: Path) -> Path:
    snap = root / "snapshot"
    (snap / "sysconf").mkdir(parents=True, exist_ok=True)
    (snap / "MANIFEST.json").write_text((SNAPSHOT / "MANIFEST.json").read_text())
    (snap / "sysconf" / "osdi_base_data.json.gz").write_bytes((SNAPSHOT / "sysconf/osdi_base_data.json.gz")
                                                              .read_bytes())
    return snap


@pytest.fixture(scope="session")
def tiny_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_snapshot(tmp_path_factory.mktemp("tiny"))


def cli_env(data_dir: Path, snapshot: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "ATLAS_SNAPSHOT_DIR": str(snapshot),
           "PYTHONPATH": str(config.PROJECT_ROOT), **extra}
    env.pop("ATLAS_STORE", None)
    return env


def cli_process(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "atlas_cli", *args], env=env, text=True,  # noqa: S603
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(args: list[str], env: dict[str, str], timeout: float = 300) -> Result:
    proc = subprocess.run([sys.executable, "-m", "atlas_cli", *args], env=env, text=True,  # noqa: S603
                          capture_output=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_main(args: list[str], **env: str | None) -> Result:
    """`mlsys-atlas ARGS` in this process (fast: no interpreter start, spaCy loaded once)."""
    from atlas_cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with environment(**env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory, tiny_snapshot: Path) -> Iterator[Path]:
    """A data directory holding the built tiny graph, its server owned by this test session."""
    from graph.falkor_store import FalkorStore
    from ingest.build import build

    data_dir = tmp_path_factory.mktemp("tiny-built")
    store = FalkorStore(data_dir, "atlas")
    build(store, tiny_snapshot, data_dir, quiet=True)
    yield data_dir
    store.close()
