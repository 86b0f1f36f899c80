"""Issue 17, item 6: a corpus of bad inputs to the CLI. Each case: no traceback, one clear
error line on stderr, exit 2 for a usage problem (argument, setting, input file), 1 for a
runtime problem, 0 when the bad part is a record that is quarantined and the rest goes on.

All cases run `atlas_cli.main.main` in this process on tiny real inputs; the graph cases use
the tiny OSDI build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_main

MENTION = {"mention_id": "m1", "name": "Matei Zaharia", "paper_id": "p1", "title": "Spark", "coauthors": ["Ion"]}
GOOD_PAPER = {"id": "p1", "title": "Serving large language models with paged attention"}


def _files(d: Path) -> None:
    """The corpus: small files, each wrong in one way."""
    (d / "dir").mkdir()
    (d / "afile").write_text("x")
    (d / "good.jsonl").write_text(json.dumps(GOOD_PAPER) + "\n")
    (d / "garbage.bin").write_bytes(bytes(range(256)) * 4)
    (d / "notjson.jsonl").write_text("{not json\n[1, 2]\n\"string\"\n")
    (d / "latin1.jsonl").write_bytes(json.dumps({"id": "p", "title": "Caf\u00e9 scheduling"}).encode("latin-1")
                                     .replace(b"\\u00e9", b"\xe9") + b"\n")
    (d / "empty.jsonl").write_text("")
    (d / "badfields.jsonl").write_text("\n".join(json.dumps(r) for r in (
        {"id": ["x"], "title": "T"}, {"id": "a", "title": None}, {"id": "b", "title": "T", "abstract": 5},
        {"id": True, "title": "T"}, GOOD_PAPER)) + "\n")
    (d / "aff123.jsonl").write_text("\n".join(json.dumps(r) for r in (
        {**MENTION, "affiliation": 123}, {**MENTION, "mention_id": "m2", "affiliation": ["MIT"]},
        {**MENTION, "mention_id": "m3"})) + "\n")
    (d / "coauthors.jsonl").write_text("\n".join(json.dumps(r) for r in (
        {**MENTION, "coauthors": "Ion Stoica"}, [1], {**MENTION, "mention_id": "m4"})) + "\n")
    (d / "onlybad.jsonl").write_text("nope\n")
    (d / "members.csv").write_text("name,affiliation\nAna Lopez,MIT\n")
    (d / "latin1.csv").write_bytes("name,affiliation\nJos\u00e9 Garc\u00eda,Universit\u00e9 Paris\n".encode("latin-1"))
    (d / "utf16.csv").write_bytes("name,affiliation\nJos\u00e9 Garc\u00eda,ETH Z\u00fcrich\n".encode("utf-16"))
    (d / "unbalanced.csv").write_text('name,affiliation\n"Ana Lopez,MIT\nBen Okafor,CMU\n')
    (d / "empty.csv").write_text("")
    (d / "header.csv").write_text("name,affiliation\n")
    (d / "noname.csv").write_text("person,org\nAna,MIT\n")
    (d / "subs_bad.csv").write_text("title\nA paper\n")
    (d / "nul.csv").write_bytes(b"name\x00,aff\nA\x00,B\n")


# (id, argv with {d} for the corpus dir and {o} for an empty output dir, env, exit code, text in stderr)
CASES: list[tuple[str, list[str], dict[str, str], int, str]] = [
    # usage errors caught by argparse
    ("no-command", [], {}, 2, "usage"),
    ("unknown-command", ["frobnicate"], {}, 2, "invalid choice"),
    ("build-bad-store", ["build", "--store", "mongo"], {}, 2, "invalid choice"),
    ("path-missing-target", ["path", "a"], {}, 2, "required"),
    ("path-k-not-int", ["path", "a", "b", "-k", "abc"], {}, 2, "invalid int"),
    ("suggest-bad-hops", ["suggest", "x", "--max-hops", "5"], {}, 2, "invalid choice"),
    ("trends-bad-view", ["trends", "nope"], {}, 2, "invalid choice"),
    ("tag-no-args", ["tag"], {}, 2, "required"),
    ("tag-no-output", ["tag", "--input", "{d}/good.jsonl"], {}, 2, "required"),
    ("resolve-no-output", ["resolve", "--input", "x"], {}, 2, "required"),
    ("ingest-bad-source", ["ingest", "nosuch"], {}, 2, "invalid choice"),
    ("communities-bad-float", ["communities", "--resolution", "x"], {}, 2, "invalid float"),
    ("stats-bad-flag", ["stats", "--bogus"], {}, 2, "unrecognized"),
    ("server-bad-action", ["server", "restart"], {}, 2, "invalid choice"),
    # tag: files
    ("tag-missing-input", ["tag", "--input", "{d}/nope.jsonl", "--output", "{o}/o.jsonl"], {}, 2, "not found"),
    ("tag-input-dir", ["tag", "--input", "{d}/dir", "--output", "{o}/o.jsonl"], {}, 2, "not found"),
    ("tag-output-dir", ["tag", "--input", "{d}/good.jsonl", "--output", "{d}/dir"], {}, 2, "is a directory"),
    ("tag-same-file", ["tag", "--input", "{d}/good.jsonl", "--output", "{d}/good.jsonl"], {}, 2, "is the input"),
    ("tag-output-under-file", ["tag", "--input", "{d}/good.jsonl", "--output", "{d}/afile/o.jsonl"], {}, 2,
     "not a directory"),
    # tag: records (quarantined, the run goes on)
    ("tag-garbage-bytes", ["tag", "--input", "{d}/garbage.bin", "--output", "{o}/o.jsonl"], {}, 0, "quarantined"),
    ("tag-not-json", ["tag", "--input", "{d}/notjson.jsonl", "--output", "{o}/o.jsonl"], {}, 0, "quarantined"),
    ("tag-latin1", ["tag", "--input", "{d}/latin1.jsonl", "--output", "{o}/o.jsonl"], {}, 0, ""),
    ("tag-empty", ["tag", "--input", "{d}/empty.jsonl", "--output", "{o}/o.jsonl"], {}, 0, ""),
    ("tag-bad-fields", ["tag", "--input", "{d}/badfields.jsonl", "--output", "{o}/o.jsonl"], {}, 0, "line 4"),
    # resolve
    ("resolve-missing-input", ["resolve", "--input", "{d}/nope.jsonl", "--output", "{o}/c.jsonl"], {}, 2,
     "no such file"),
    ("resolve-affiliation-123", ["resolve", "--input", "{d}/aff123.jsonl", "--output", "{o}/c.jsonl"], {}, 0,
     "'affiliation' must be a string"),
    ("resolve-coauthors-string", ["resolve", "--input", "{d}/coauthors.jsonl", "--output", "{o}/c.jsonl"], {}, 0,
     "'coauthors' must be a list"),
    ("resolve-only-bad", ["resolve", "--input", "{d}/onlybad.jsonl", "--output", "{o}/c.jsonl"], {}, 2,
     "no readable mentions"),
    ("resolve-output-dir", ["resolve", "--input", "{d}/aff123.jsonl", "--output", "{d}/dir"], {}, 2,
     "is a directory"),
    ("resolve-same-file", ["resolve", "--input", "{d}/aff123.jsonl", "--output", "{d}/aff123.jsonl"], {}, 2,
     "is the input"),
    # pc-audit: inputs are read and checked before the graph
    ("pc-missing-file", ["pc-audit", "{d}/nope.csv"], {}, 2, "no such file"),
    ("pc-directory", ["pc-audit", "{d}/dir"], {}, 2, "no such file"),
    ("pc-unbalanced-quote", ["pc-audit", "{d}/unbalanced.csv"], {}, 2, "unbalanced quote"),
    ("pc-empty", ["pc-audit", "{d}/empty.csv"], {}, 2, "no rows"),
    ("pc-header-only", ["pc-audit", "{d}/header.csv"], {}, 2, "no rows"),
    ("pc-no-name-column", ["pc-audit", "{d}/noname.csv"], {}, 2, "no `name` column"),
    ("pc-submissions-columns", ["pc-audit", "{d}/members.csv", "--submissions", "{d}/subs_bad.csv"], {}, 2,
     "needs `title` and `authors`"),
    ("pc-out-is-file", ["pc-audit", "{d}/members.csv", "--out", "{d}/afile"], {}, 2, "is a file"),
    ("pc-nul-bytes", ["pc-audit", "{d}/nul.csv"], {}, 2, "NUL"),
    ("pc-latin1", ["pc-audit", "{d}/latin1.csv"], {"GRAPH": "1"}, 0, ""),
    ("pc-utf16", ["pc-audit", "{d}/utf16.csv"], {"GRAPH": "1"}, 0, ""),
    # settings from the environment
    ("env-attempts-abc", ["ingest", "openalex", "--dry-run"], {"ATLAS_HTTP_ATTEMPTS": "abc"}, 2,
     "ATLAS_HTTP_ATTEMPTS='abc' is not a whole number"),
    ("env-attempts-zero", ["ingest", "openalex", "--dry-run"], {"ATLAS_HTTP_ATTEMPTS": "0"}, 2, "at least 1"),
    ("env-backoff-negative", ["ingest", "openalex", "--dry-run"], {"ATLAS_HTTP_BACKOFF": "-1"}, 2,
     "ATLAS_HTTP_BACKOFF"),
    ("env-timeout-nan", ["ingest", "openalex", "--dry-run"], {"ATLAS_HTTP_READ_TIMEOUT": "nan"}, 2,
     "ATLAS_HTTP_READ_TIMEOUT"),
    ("env-deadline-zero", ["ingest", "arxiv", "--ids", "1707.08567", "--dry-run"], {"ATLAS_HTTP_DEADLINE": "0"},
     2, "ATLAS_HTTP_DEADLINE"),
    ("env-interval-text", ["ingest", "dblp", "--dry-run"], {"ATLAS_DBLP_MIN_INTERVAL": "fast"}, 2,
     "ATLAS_DBLP_MIN_INTERVAL"),
    ("env-query-timeout", ["stats"], {"ATLAS_QUERY_TIMEOUT_MAX_MS": "abc", "GRAPH": "1"}, 2,
     "ATLAS_QUERY_TIMEOUT_MAX_MS"),
    ("env-query-memory", ["stats"], {"ATLAS_QUERY_MEMORY_MB": "1", "GRAPH": "1"}, 2, "ATLAS_QUERY_MEMORY_MB"),
    ("env-store-unknown", ["stats"], {"ATLAS_STORE": "mongo"}, 2, "ATLAS_STORE"),
    ("env-data-dir-is-file", ["stats"], {"ATLAS_DATA_DIR": "{d}/afile"}, 2, "not a directory"),
    # ingest arguments
    ("ingest-years-text", ["ingest", "openalex", "--years", "2020-abc", "--dry-run"], {}, 2, "--years"),
    ("ingest-years-reversed", ["ingest", "openalex", "--years", "2025-2020", "--dry-run"], {}, 2, "--years"),
    ("ingest-all-base-url", ["ingest", "all", "--base-url", "http://127.0.0.1:9", "--dry-run"], {}, 2,
     "--base-url"),
    ("ingest-ids-dblp", ["ingest", "dblp", "--ids", "x", "--dry-run"], {}, 2, "--ids"),
    ("ingest-dump-missing", ["ingest", "dblp", "--dump", "{d}/nope.xml.gz"], {}, 2, "no such file"),
    ("ingest-jsonl-dir", ["ingest", "openalex", "--to-jsonl", "{d}/dir"], {}, 2, "is a directory"),
    # the graph
    ("stats-not-built", ["stats"], {}, 1, "mlsys-atlas build"),
    ("path-csv-dir", ["path", "a", "b", "--csv", "{d}/dir"], {"GRAPH": "1"}, 2, "is a directory"),
    ("path-unknown-person", ["path", "Nobody Atall Zzyzx", "Another Nobody Qqq"], {"GRAPH": "1"}, 2, "Nobody"),
    ("review-unknown-item", ["review", "accept", "no-such-item"], {}, 1, "no-such-item"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    _files(d)
    return d


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 50 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("argv", "env", "code", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(argv: list[str], env: dict[str, str], code: int, text: str, corpus: Path, tmp_path: Path,
                   tiny_built: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    args = [a.format(d=corpus, o=out_dir) for a in argv]
    env = {k: v.format(d=corpus) for k, v in env.items()}
    data_dir = str(tiny_built) if env.pop("GRAPH", None) else str(tmp_path / "data")
    result = run_main(args, ATLAS_DATA_DIR=env.pop("ATLAS_DATA_DIR", data_dir), ATLAS_GRAPH="atlas",
                      ATLAS_STORE=env.pop("ATLAS_STORE", "embedded"), **env)
    assert "Traceback" not in result.err + result.out
    assert result.code == code, (result.code, result.err, result.out)
    assert text in result.err, result.err
    if code:
        errors = [line for line in result.err.splitlines() if line.startswith("error:")]
        assert len(errors) <= 1, result.err


def test_verbose_adds_the_traceback(corpus: Path, tmp_path: Path) -> None:
    quiet = run_main(["pc-audit", str(corpus / "unbalanced.csv")], ATLAS_DATA_DIR=str(tmp_path))
    loud = run_main(["-v", "pc-audit", str(corpus / "unbalanced.csv")], ATLAS_DATA_DIR=str(tmp_path))
    assert quiet.code == loud.code == 2
    assert "Traceback" not in quiet.err and "Traceback" in loud.err
    assert quiet.err.strip().splitlines()[-1] == loud.err.strip().splitlines()[-1]
