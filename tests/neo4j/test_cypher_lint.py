"""Every Cypher statement in graph/queries.py, linted by Neo4j's own language support.

`@neo4j-cypher/language-support` (the parser and semantic analysis behind Neo4j's
editors) reads each statement as Cypher 5 and as Cypher 25 and reports syntax errors,
removed Neo4j 4 syntax, undefined variables and unknown functions or procedures
(checked against the Neo4j function/procedure catalog that ships with the package).
Any error fails the test; warnings (e.g. a property no loader writes) are printed.

The linter is deterministic but slow (~0.1 s a statement), so results are cached by the
exact input - package version, lint script, schema, Cypher version and statement text -
in node_modules (which `npm ci` wipes on any dependency change): an unchanged statement
is never linted twice, a changed or new one always is.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from typing import Any

import pytest
from tiny_graph import tiny_batch

from graph import config
from graph import queries as q
from graph.console import READ_PROCEDURES
from graph.loader import node_rows, rel_rows

LINT_DIR = config.PROJECT_ROOT / "tools" / "cypher-lint"
PACKAGE = "@neo4j-cypher/language-support"
VERSIONS = ("CYPHER 5", "CYPHER 25")
CACHE = LINT_DIR / "node_modules" / ".atlas-lint-cache.json"
CLAUSES = ("MATCH", "OPTIONAL", "UNWIND", "MERGE", "CREATE", "CALL", "RETURN", "WITH", "SHOW", "DROP")


def _lint_available() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the Cypher lint needs Node.js 20+")
    if not (LINT_DIR / "node_modules" / PACKAGE).is_dir():
        pytest.skip(f"{LINT_DIR / 'node_modules'} is missing: run `make tools` (npm ci in tools/cypher-lint)")


def run_lint(statements: list[tuple[str, str]], **request: Any) -> dict[str, Any]:
    _lint_available()
    payload = {"statements": [{"name": name, "query": text} for name, text in statements], **request}
    done = subprocess.run(["node", str(LINT_DIR / "lint.mjs")], input=json.dumps(payload), capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def collect_statements() -> list[tuple[str, str]]:
    """Every module-level string in graph.queries (also inside dicts and tuples) that is a statement.

    Strings that are not statements must be label or relationship-type names; anything
    else fails, so a new kind of constant cannot slip past the lint unnoticed.
    """
    names = set(q.NODE_LABELS) | set(q.REL_TYPES)
    found: list[tuple[str, str]] = []
    unclassified: list[str] = []

    def visit(where: str, value: Any) -> None:
        if isinstance(value, str):
            if value.split(maxsplit=1)[0].upper() in CLAUSES:
                found.append((where, value))
            elif value not in names:
                unclassified.append(f"{where} = {value!r:.60}")
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(f"{where}[{key!r}]", item)
        elif isinstance(value, tuple | list):
            for i, item in enumerate(value):
                visit(f"{where}[{i}]", item)

    for name, value in vars(q).items():
        if not name.startswith("_") and isinstance(value, str | dict | tuple | list):
            visit(name, value)
    assert not unclassified, f"strings in graph/queries.py that are neither statements nor names: {unclassified}"
    return found


def schema() -> dict[str, Any]:
    """Labels, types and property keys the project writes, so unknown ones show up as warnings."""
    batch = tiny_batch()
    keys = {"id", "graph", "status", "started_at", "built_at", "key", "kind", "rows"}
    for rows in (*node_rows(batch).values(), *rel_rows(batch).values()):
        for row in rows:
            keys |= set(row["props"]) | {k for k in row if k not in ("props",)}
    return {"labels": [*q.NODE_LABELS, "AtlasBuild", "AtlasCheckpoint"], "relationshipTypes": list(q.REL_TYPES),
            "propertyKeys": sorted(keys)}


def lint_cached(statements: list[tuple[str, str]], lint_schema: dict[str, Any]) -> dict[str, Any]:
    """`run_lint` for every statement and version, reusing results for byte-identical inputs."""
    _lint_available()
    installed = json.loads((LINT_DIR / "node_modules" / PACKAGE / "package.json").read_text())["version"]
    salt = hashlib.sha256(json.dumps([installed, (LINT_DIR / "lint.mjs").read_text(), lint_schema],
                                     sort_keys=True).encode()).hexdigest()

    def key(version: str, text: str) -> str:
        return hashlib.sha256(f"{salt}\0{version}\0{text}".encode()).hexdigest()

    try:
        cache: dict[str, Any] = json.loads(CACHE.read_text())
    except (OSError, ValueError):
        cache = {}
    package = f"{PACKAGE}@{installed}"
    for version in VERSIONS:
        missing = sorted({text for _, text in statements if key(version, text) not in cache})
        if missing:
            report = run_lint([(str(i), text) for i, text in enumerate(missing)], schema=lint_schema,
                              versions=[version])
            package = report["package"]
            for result in report["results"]:
                cache[key(version, missing[int(result["name"])])] = result["diagnostics"]
    CACHE.write_text(json.dumps(cache))
    results = [{"name": name, "version": version, "diagnostics": cache[key(version, text)]}
               for version in VERSIONS for name, text in statements]
    return {"package": package, "results": results}


@pytest.fixture(scope="module")
def lint_report() -> dict[str, Any]:
    return lint_cached(collect_statements(), schema())


def test_every_statement_is_collected() -> None:
    statements = dict(collect_statements())
    assert statements["MERGE_NODES['Paper']"] == q.MERGE_NODES["Paper"]
    assert statements["NEO4J_CONSTRAINTS[0]"].startswith("CREATE CONSTRAINT")
    assert statements["NEO4J_FULLTEXT_SEARCH['papers']"].startswith("CALL db.index.fulltext.queryNodes")
    assert len(statements) > 100


def test_no_statement_has_a_lint_error(lint_report: dict[str, Any]) -> None:
    assert lint_report["package"].startswith(f"{PACKAGE}@2.0.0-next.")
    assert {r["version"] for r in lint_report["results"]} == {"CYPHER 5", "CYPHER 25"}
    errors, warnings = [], []
    for result in lint_report["results"]:
        for d in result["diagnostics"]:
            line = f"{result['version']} {result['name']} {d['line']}:{d['column']}: {d['message']}"
            (errors if d["severity"] == "error" else warnings).append(line)
    for warning in warnings:
        print("cypher-lint warning:", warning)
    assert not errors, "Neo4j's Cypher linter reports errors:\n" + "\n".join(errors)


NEO4J_REJECTS = {
    "undefined variable": ("MATCH (p:Paper) RETURN q.id", "Variable `q` not defined"),
    "removed exists()": ("MATCH (p:Paper) WHERE exists(p.doi) RETURN p", "no longer supported"),
    "Neo4j 4 constraint": ("CREATE CONSTRAINT ON (p:Paper) ASSERT p.id IS UNIQUE", "ON and ASSERT"),
    "unknown function": ("MATCH (p:Paper) RETURN toLowr(p.title)", "Function toLowr is not present"),
    "removed procedure": ("CALL db.index.fulltext.createNodeIndex('x', ['Paper'], ['title'])", "is not present"),
    "syntax": ("MATCH (p:Paper) RETRN p", "Invalid input"),
}


def test_the_lint_catches_what_neo4j_would_reject() -> None:
    """The negative control: the same lint run, on statements Neo4j 5 rejects."""
    report = run_lint([(name, text) for name, (text, _) in NEO4J_REJECTS.items()], versions=["CYPHER 5"])
    for result in report["results"]:
        expected = NEO4J_REJECTS[result["name"]][1]
        messages = [d["message"] for d in result["diagnostics"] if d["severity"] == "error"]
        assert any(expected in m for m in messages), (result["name"], messages)


def test_console_allowlist_holds_only_reading_procedures() -> None:
    """The console's procedure allowlist, checked against the modes in Neo4j's own catalog."""
    _lint_available()
    done = subprocess.run(["node", str(LINT_DIR / "lint.mjs"), "--procedures"], capture_output=True, text=True,
                          check=True, timeout=120)
    modes = json.loads(done.stdout)["modes"]["CYPHER 5"]
    known = {name: modes[name] for name in READ_PROCEDURES if name in modes}
    assert "db.labels" in known and "db.index.fulltext.queryNodes" in known
    assert {name: mode for name, mode in known.items() if mode not in ("READ", "DBMS")} == {}
    assert modes["apoc.create.node"] == "WRITE" and "apoc.create.node" not in READ_PROCEDURES


def test_lockfile_pins_the_prerelease() -> None:
    lock = json.loads((LINT_DIR / "package-lock.json").read_text())
    version = lock["packages"][f"node_modules/{PACKAGE}"]["version"]
    assert version == json.loads((LINT_DIR / "package.json").read_text())["dependencies"][PACKAGE]
    assert version.startswith("2.0.0-next.") and int(version.rsplit(".", 1)[1]) >= 38
