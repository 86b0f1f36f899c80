"""Every `mlsys-atlas …` example in the README runs, on a real graph, and exits 0.

A newcomer copies these lines first; a README example that exits 2 ("fits several
people") is a broken promise. Examples are read from the README's ```bash blocks, so a
new example is tested the day it is written. Literal lines run as written (optional
`[--flag]` parts once without and once with each flag that takes no value, `a|b`
alternatives each); lines with placeholders (`ID`, `IN.jsonl`, `A B`) must have a runnable
form in `RUNNABLE` below — an example with neither fails the test. The live-API `ingest`
examples run with `--dry-run`, which requests nothing (tests/ingest_live covers the real
requests against recorded responses).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from atlas_cli.main import MODULE_OF_COMMAND
from graph import config

README = config.PROJECT_ROOT / "README.md"
SNAPSHOT = config.PROJECT_ROOT / "data" / "snapshot"
# The MLSys seed list and OSDI: Matei Zaharia, Tianqi Chen, Song Han and Ion Stoica are all in it.
DOCS_SUBSET = ("mlsys_seed_s2/ML_Seed_Papers.csv", "sysconf/osdi_base_data.json.gz")
CLI = [sys.executable, "-m", "atlas_cli"]

# README line (without its comment) -> the argument lists that stand for it.
RUNNABLE: dict[str, list[list[str]]] = {
    "mlsys-atlas review accept ID | reject ID": [["review"]],  # ids exist only once there are proposals
    "mlsys-atlas resolve --input MENTIONS.jsonl --output CLUSTERS.jsonl":
        [["resolve", "--input", "mentions.jsonl", "--output", "clusters.jsonl"]],
    'mlsys-atlas people merge A B --why "…"': [["people", "show", "Matei Zaharia"]],
    "mlsys-atlas people split A --papers …": [["people", "--help"]],
    "mlsys-atlas people undo N": [["people", "decisions"]],
    "mlsys-atlas institutions merge inst:some-slug ucb": [["institutions", "show", "ucb"]],
    "mlsys-atlas institutions resolve --input AFFS.jsonl --output OUT.jsonl":
        [["institutions", "resolve", "--input", "affs.jsonl", "--output", "affs.out.jsonl"]],
    "mlsys-atlas tag --input IN.jsonl --output OUT.jsonl": [["tag", "--input", "papers.jsonl", "--output",
                                                             "tags.jsonl"]],
    "mlsys-atlas pc-audit pc.csv --submissions subs.csv --out audit/":
        [["pc-audit", "pc.csv", "--submissions", "subs.csv", "--out", "audit"]],
    "mlsys-atlas export neo4j-admin DIR": [["export", "neo4j-admin", "neo4j-import"]],
}
PLACEHOLDER = re.compile(r"\b(ID|N|A|B|DIR|SOURCE|IN|OUT|MENTIONS|CLUSTERS|AFFS)\b|…")
NEEDS_NETWORK = ("ingest",)
# Examples that change the curated state are run last, in this order, on the docs graph.
MUTATING = ("institutions alias", "institutions split")


def readme_examples() -> list[str]:
    """`mlsys-atlas` lines of the README's bash blocks and inline code, without comments."""
    text = README.read_text(encoding="utf-8")
    lines: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("mlsys-atlas "):
                lines.append(re.sub(r"\s+#.*$", "", line).strip())
    return lines


SUBCOMMANDS = {"build", "stats", "server", *MODULE_OF_COMMAND}


def _is_shell(line: str) -> bool:
    """A redirection or a pipe into another program (not "bridges | communities": alternatives)."""
    pipes = [part.split()[0] for part in line.split(" | ")[1:] if part.split()]
    return " > " in line or any(word not in SUBCOMMANDS for word in pipes)


def expand(line: str) -> list[list[str] | str]:
    """The argument lists a README line stands for; a shell line (redirection, pipe) stays a string."""
    if line in RUNNABLE:
        return list(RUNNABLE[line])
    if PLACEHOLDER.search(line.replace("mlsys-atlas", "")):
        raise AssertionError(f"README example with placeholders needs a runnable form in RUNNABLE: {line!r}")
    if _is_shell(line):
        return [line.replace("mlsys-atlas", shlex.join(CLI), 1)]
    body = line.removeprefix("mlsys-atlas").strip()
    runs: list[list[str] | str] = []
    for command in (part.strip() for part in body.split(" | ")):  # "bridges | communities | trends"
        optional = re.findall(r"\[([^\]]*)\]", command)
        base = shlex.split(re.sub(r"\s*\[[^\]]*\]", "", command))
        variants = [base]
        for option in optional:
            words = shlex.split(option)
            if len(words) == 1 and words[0].startswith("--"):
                variants.append([*base, words[0]])
            elif len(words) == 2 and "|" in words[1]:  # [--store embedded|neo4j] -> the default
                variants.append([*base, words[0], words[1].split("|")[0]])
        for args in variants:
            alternatives = [i for i, word in enumerate(args) if re.fullmatch(r"[a-z]+(\|[a-z]+)+", word)]
            if alternatives:
                i = alternatives[0]
                runs.extend([*args[:i], choice, *args[i + 1:]] for choice in args[i].split("|"))
            else:
                runs.append(args)
    if runs and runs[0] and runs[0][0] in NEEDS_NETWORK:
        runs = [[*args, "--dry-run"] for args in runs if isinstance(args, list)]
    return runs


@pytest.fixture(scope="module")
def docs_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    root = tmp_path_factory.mktemp("readme")
    snapshot = root / "snapshot"
    for relative in DOCS_SUBSET:
        (snapshot / relative).parent.mkdir(parents=True, exist_ok=True)
        (snapshot / relative).write_bytes((SNAPSHOT / relative).read_bytes())
    (snapshot / "MANIFEST.json").write_text((SNAPSHOT / "MANIFEST.json").read_text())
    env = {**os.environ, "ATLAS_DATA_DIR": str(root / "data"), "ATLAS_SNAPSHOT_DIR": str(snapshot),
           "PYTHONPATH": str(config.PROJECT_ROOT)}
    env.pop("ATLAS_STORE", None)
    work = root / "work"
    work.mkdir()
    _inputs(work)
    subprocess.run([*CLI, "build", "--quiet"], env=env, cwd=work, check=True, capture_output=True,
                   timeout=900)
    yield env, work
    subprocess.run([*CLI, "server", "stop"], env=env, cwd=work, capture_output=True, timeout=120)


def _inputs(work: Path) -> None:
    (work / "mentions.jsonl").write_text(
        json.dumps({"mention_id": "m1", "name": "Matei Zaharia", "paper_id": "p1", "coauthors": ["Ion Stoica"]})
        + "\n" + json.dumps({"mention_id": "m2", "name": "M. Zaharia", "paper_id": "p2",
                             "coauthors": ["Ion Stoica"]}) + "\n")
    (work / "affs.jsonl").write_text(json.dumps({"mention_id": "a1", "affiliation": "Dept. of EECS, UC Berkeley"})
                                     + "\n")
    (work / "papers.jsonl").write_text(json.dumps({"id": "x1", "title": "Serving large language models "
                                                   "with paged attention on GPUs"}) + "\n")
    (work / "pc.csv").write_text("name\nIon Stoica, UC Berkeley\nMatei Zaharia\nTianqi Chen\n")
    (work / "subs.csv").write_text("title,authors\nA serving system,Joseph E. Gonzalez; Hao Zhang\n")


def _ordered(lines: list[str]) -> list[str]:
    return sorted(lines, key=lambda line: any(m in line for m in MUTATING))


def test_readme_has_examples() -> None:
    examples = readme_examples()
    assert len(examples) >= 20
    assert 'mlsys-atlas path "Matei Zaharia" "Tianqi Chen"' in examples


def test_every_readme_example_runs(docs_env: tuple[dict[str, str], Path]) -> None:
    env, work = docs_env
    failures: list[str] = []
    for line in _ordered(readme_examples()):
        for args in expand(line):
            if isinstance(args, str):  # a shell line: run by bash, a failing stage fails it
                proc = subprocess.run(["bash", "-o", "pipefail", "-c", args], env=env, cwd=work,  # noqa: S603, S607
                                      capture_output=True, text=True, timeout=600)
                shown = args
            else:
                proc = subprocess.run([*CLI, *args], env=env, cwd=work, capture_output=True, text=True,
                                      timeout=600)
                shown = shlex.join(args)
            if proc.returncode != 0:
                failures.append(f"{shown} -> exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
            elif isinstance(args, list) and "--json" in args and "--out" not in args:
                json.loads(proc.stdout)
    assert not failures, "README examples that fail:\n" + "\n".join(failures)
