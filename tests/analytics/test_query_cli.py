"""`mlsys-atlas query`: read-only Cypher from the command line, against the tiny real store."""

from __future__ import annotations

import io
import json

import pytest

from atlas_cli import main as cli
from graph.console import check_read_only
from graph.errors import ReadOnlyQueryError
from graph.falkor_store import FalkorStore


@pytest.fixture(autouse=True)
def point_at_tiny_store(tiny_store: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tiny_store.server.data_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "tiny")
    monkeypatch.setenv("ATLAS_STORE", "embedded")


def test_rows_as_json_with_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["query", "MATCH (a:Author {name: $name}) RETURN a.id AS id", "--param", "name=Dana Bridge",
                     "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"id": "author:dana"}]


def test_limit_and_tab_separated_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["query", "MATCH (p:Paper) RETURN p.id AS id ORDER BY id", "--limit", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "id" and len(captured.out.splitlines()) == 3
    assert "--limit 2" in captured.err


def test_query_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("MATCH (v:Venue) RETURN count(v) AS venues"))
    assert cli.main(["query", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["venues"] >= 4


@pytest.mark.parametrize("cypher", ["MATCH (n) DETACH DELETE n", "CREATE (:Author {id: 'x'})",
                                    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row"])
def test_writes_are_refused(cypher: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["query", cypher]) != 0
    err = capsys.readouterr().err
    assert err.startswith("error:") and len(err.strip().splitlines()) == 1
    with pytest.raises(ReadOnlyQueryError):
        check_read_only(cypher)
    assert cli.main(["query", "MATCH (a:Author {id: 'x'}) RETURN count(a) AS n", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 0}]  # nothing was written


def test_bad_parameter_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["query", "RETURN 1", "--param", "no-equals"]) == 2
    assert "name=value" in capsys.readouterr().err
