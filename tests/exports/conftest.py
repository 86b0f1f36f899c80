"""Fixtures of the export tests: a small real graph in the embedded store, and CLI runners.

The graph is hand-made (loaded through the real loader into FalkorDB) so that it holds what
the writers must survive: LaTeX math in titles, names with accents, Greek, quotes and
spreadsheet formulas, citation-key clashes, a journal, a preprint and a single-author paper.
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
from graph.falkor_store import FalkorStore
from graph.loader import GraphBatch, load
from graph.records import Author, Authorship, Paper, Provenance, Topic, TopicTag
from graph.venues import venue_record

PROV = Provenance(["test"], "2024-01-01")
PEOPLE = {
    "zaharia": "Matei Zaharia", "muller": "Zoë Müller", "louridas": "Πάνος Λουρίδας",
    "oneil": 'Jane "JJ" O\'Neil', "formula": '=HYPERLINK("http://evil.example","x")', "solo": "Ada Lovelace",
}
# id, title, year, venue, authors, doi, topics
PAPERS = [
    ("p1", "DDM$^2$: Self-Supervised Diffusion MRI Denoising", 2019, "MLSys", ["zaharia", "muller"],
     "10.5555/ddm_2", ["software"]),
    ("p2", "50% faster {GPU} kernels & more_stuff", 2020, "MLSys", ["zaharia", "muller", "louridas"], None,
     ["hardware", "software"]),
    ("p3", "Faster kernels, again", 2020, "MLSys", ["zaharia", "louridas"], "10.1/again", ["hardware"]),
    ("p4", r"Bridging \emph{De Novo} Sequencing with $\mathbb{D}^2$", 2018, "OSDI", ["zaharia", "oneil"], None, []),
    ("p5", "A journal paper on data", 2021, "VLDB", ["formula", "solo"], "https://doi.org/10.14778/J", []),
    ("p6", "Notes on the analytical engine", 2022, "arXiv", ["solo"], None, ["software"]),
]
MATH_TITLES = {"p1": "DDM$^2$", "p4": r"$\mathbb{D}^2$"}


def _batch() -> GraphBatch:
    papers = [Paper(id=f"paper:{pid}", title=title, year=year, venue_id=venue_record(venue).id, venue_name=venue,
                    doi=doi, url=f"https://example.org/{pid}", provenance=PROV,
                    authorships=[Authorship(f"paper:{pid}", i, PEOPLE[a], author_id=f"author:{a}")
                                 for i, a in enumerate(authors)],
                    topics=[TopicTag(t, 0.9) for t in topics])
              for pid, title, year, venue, authors, doi, topics in PAPERS]
    return GraphBatch(
        papers=papers, authors=[Author(f"author:{k}", name, provenance=PROV) for k, name in PEOPLE.items()],
        venues=[venue_record(v, PROV) for v in ("MLSys", "OSDI", "VLDB", "arXiv")],
        topics=[Topic("topic:hardware", "hardware", "Hardware systems for ML", "pillar"),
                Topic("topic:software", "software", "Software systems for ML", "pillar")])


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data_dir = tmp_path_factory.mktemp("export-graph")
    store = FalkorStore(data_dir, "atlas")
    with store.building() as target:
        load(target, _batch())
    yield data_dir
    store.close()


@dataclass
class Result:
    code: int
    out: str
    err: str


def env_for(data_dir: Path) -> dict[str, str]:
    return {"ATLAS_DATA_DIR": str(data_dir), "ATLAS_GRAPH": "atlas", "ATLAS_STORE": "embedded"}


def run_main(args: list[str], data_dir: Path) -> Result:
    """`mlsys-atlas ARGS` in this process (no interpreter start per call)."""
    from atlas_cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in env_for(data_dir)}
    os.environ.update(env_for(data_dir))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:  # argparse usage errors
                code = int(exc.code or 0)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(code, out.getvalue(), err.getvalue())


def run_cli(args: list[str], data_dir: Path) -> Result:
    """The real `mlsys-atlas` in a child process, its standard output captured as bytes decoded as UTF-8."""
    env = {**os.environ, **env_for(data_dir), "PYTHONPATH": str(config.PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-m", "atlas_cli", *args], env=env, capture_output=True,  # noqa: S603
                          timeout=300)
    return Result(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))
