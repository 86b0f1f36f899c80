"""Property-based: arbitrary and mutated records fed to every parser never crash it.

Every record in a page comes out as exactly one paper, one quarantined record, or (DBLP)
one skipped non-paper; a body that is unusable as a whole is a BadPage (which the HTTP
layer retries). Nothing else may escape a parser, whatever the API sends.
"""

from __future__ import annotations

import copy
import gzip
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from graph.records import Paper, Quarantined
from ingest.live.base import BadPage, Job, LiveSource, PageContext, PageRequest, PageResult
from ingest.live.settings import HttpPolicy
from ingest.live.sources.arxiv import ArXiv
from ingest.live.sources.dblp import Dblp, read_dump
from ingest.live.sources.openalex import OpenAlex
from ingest.live.sources.openreview import OpenReview
from ingest.live.sources.semantic_scholar import BATCH_PATH, SemanticScholar

from .replay import FIXTURES, handmade, recorded_openalex_works

POLICY = HttpPolicy(min_interval=0)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)

OPENALEX = recorded_openalex_works()
S2 = json.loads(gzip.open(FIXTURES / "s2" / "Paper.json.gz").read())["citations"][:20]
NOTES = handmade("openreview/notes_mlsys_2025.json")["notes"]
HITS = handmade("dblp/search_mlsys_2024.json")["result"]["hits"]["hit"]


def mutate(record: Any, draw: st.DrawFn) -> Any:
    """Delete a key, replace a value with arbitrary JSON, or recurse into a nested value."""
    record = copy.deepcopy(record)
    target = record
    for _ in range(draw(st.integers(0, 3))):
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target, key=str)))
            action = draw(st.sampled_from(["delete", "replace", "descend"]))
            if action == "delete":
                del target[key]
            elif action == "replace":
                target[key] = draw(json_values)
            else:
                target = target[key]
        elif isinstance(target, list) and target:
            index = draw(st.integers(0, len(target) - 1))
            if draw(st.booleans()):
                target[index] = draw(json_values)
            else:
                target = target[index]
    return record


@st.composite
def records_from(draw: st.DrawFn, real: list[Any]) -> list[Any]:
    chosen = draw(st.lists(st.sampled_from(real), min_size=0, max_size=4))
    return [mutate(r, draw) for r in chosen] + draw(st.lists(json_values, max_size=3))


def check(source: LiveSource, body: bytes, job: Job, request: PageRequest, expected: int | None) -> None:
    context = PageContext(job, request, "http://replay/x", "2026-04-14", {})
    try:
        result = source.parse(body, context)
    except BadPage:
        return
    assert isinstance(result, PageResult)
    assert all(isinstance(p, Paper) and p.title and p.id for p in result.papers)
    assert all(isinstance(q, Quarantined) and q.reason for q in result.quarantined)
    if expected is not None:
        assert len(result.papers) + len(result.quarantined) + result.skipped == expected


@SETTINGS
@given(records_from(OPENALEX))
def test_openalex_records(records: list[Any]) -> None:
    body = json.dumps({"meta": {"count": len(records)}, "results": records}).encode()
    check(OpenAlex("http://replay", POLICY), body, Job("v", "v", {"venue": "MLSys"}),
          PageRequest("/works", (("filter", "locations.source.id:S1"),)), len(records))


@SETTINGS
@given(records_from(S2))
def test_semantic_scholar_records(records: list[Any]) -> None:
    check(SemanticScholar("http://replay", POLICY), json.dumps(records).encode(), Job("ids", "ids", {"ids": []}),
          PageRequest.post_json(BATCH_PATH, (), {"ids": ["x"] * len(records)}), len(records))


@SETTINGS
@given(records_from(NOTES))
def test_openreview_records(records: list[Any]) -> None:
    body = json.dumps({"notes": records, "count": len(records)}).encode()
    check(OpenReview("http://replay", POLICY), body, OpenReview.venue_job("MLSys", 2025), PageRequest("/notes"),
          len(records))


@SETTINGS
@given(records_from(HITS))
def test_dblp_search_records(records: list[Any]) -> None:
    body = json.dumps({"result": {"hits": {"@total": str(len(records)), "hit": records}}}).encode()
    check(Dblp("http://replay", POLICY), body, Dblp.venue_job("MLSys", 2024), PageRequest("/search/publ/api"),
          len(records))


@SETTINGS
@given(st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_every_json_parser_on_arbitrary_bodies(body: bytes) -> None:
    for source, job, request in (
        (OpenAlex("http://r", POLICY), Job("ids", "ids", {"groups": []}), PageRequest("/works")),
        (SemanticScholar("http://r", POLICY), Job("ids", "ids", {"ids": []}), PageRequest(BATCH_PATH)),
        (SemanticScholar("http://r", POLICY), Job("v", "v", {"venue": "MLSys"}), PageRequest("/search")),
        (OpenReview("http://r", POLICY), OpenReview.venue_job("MLSys", 2025), PageRequest("/notes")),
        (Dblp("http://r", POLICY), Dblp.venue_job("MLSys", 2024), PageRequest("/search/publ/api")),
        (ArXiv("http://r", POLICY), Job("ids", "ids", {"ids": []}), PageRequest("/api/query")),
    ):
        check(source, body, job, request, None)


ATOM_ENTRY_PARTS = ["id", "title", "summary", "published", "author", "category"]
FEED = (FIXTURES / "arxiv" / "q_testing_s0_m10_bc5a6c384fe9.atom.xml").read_bytes()


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(ATOM_ENTRY_PARTS), st.sampled_from(["drop", "text"]),
                          st.text(max_size=40)), max_size=6), st.integers(0, 9))
def test_arxiv_mutated_entries(mutations: list[tuple[str, str, str]], which: int) -> None:
    root = etree.fromstring(FEED)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    entry = entries[which % len(entries)]
    for part, action, value in mutations:
        node = entry.find(f"{{http://www.w3.org/2005/Atom}}{part}")
        if node is None:
            continue
        if action == "drop":
            entry.remove(node)
        else:
            node.text = "".join(ch for ch in value if ch.isprintable())
    check(ArXiv("http://replay", POLICY), etree.tostring(root), Job("ids", "ids", {"ids": []}),
          PageRequest("/api/query"), None)


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=200).map(
    lambda t: f"<dblp><inproceedings key='conf/mlsys/X'>{t}</inproceedings></dblp>".encode("utf-8", "replace")))
def test_dblp_dump_on_arbitrary_bytes(tmp_path_factory: Any, body: bytes) -> None:
    path = tmp_path_factory.mktemp("dump") / "dblp.xml"
    path.write_bytes(body)
    for item in read_dump(path, ["MLSys"], None, "2026-04-14"):
        assert isinstance(item, Paper | Quarantined)
