"""Exports of the small real snapshot (tests/conftest.py): every format of the whole graph parses with a
real reader, and both stores (embedded FalkorDB and the real Neo4j) export the same views.

Real titles carry LaTeX math and real names every script, so this is where a writer that works on
hand-made rows but not on the data would show.
"""

from __future__ import annotations

import io
import json

import bibtexparser
import networkx as nx
import rispy

from graph import exports
from graph.export_data import ExportFilter, export_view
from graph.falkor_store import FalkorStore
from graph.neo4j_store import Neo4jStore


def test_every_format_of_the_small_graph_reads_back(small_store: FalkorStore) -> None:
    view = export_view(small_store, ExportFilter())
    papers = view.papers
    assert len(papers) == small_store.counts()["nodes"]["Paper"]
    library = bibtexparser.parse_string(exports.bibtex(papers))
    assert not library.failed_blocks and len(library.entries) == len(papers)
    assert len({e.key for e in library.entries}) == len(papers)
    math = [p for p in papers if "$" in (p.get("title") or "")]
    bib_titles = "\n".join(e.fields_dict["title"].value for e in library.entries)
    kept = [p for p in math if p["title"].split("$")[1] in bib_titles]
    assert len(kept) >= 0.9 * len(math)  # math pieces kept verbatim (unsafe or unbalanced ones are escaped)
    with_doi = sum(1 for p in papers if exports.clean_doi(p.get("doi")))
    assert sum(1 for e in library.entries if "doi" in e.fields_dict) == with_doi
    assert len(rispy.loads(exports.ris(papers))) == len(papers)
    assert len(exports.papers_jsonl(papers).splitlines()) == len(papers)
    network = exports.coauthor_network(papers)
    assert network.number_of_nodes() == view.people
    for text, reader in ((exports.graphml_text(network), nx.read_graphml), (exports.gexf_text(network), nx.read_gexf)):
        back = reader(io.BytesIO(text.encode("utf-8")))
        assert not back.is_directed()
        assert back.number_of_nodes() == network.number_of_nodes()
        assert back.number_of_edges() == network.number_of_edges()


def test_both_stores_export_the_same_views(small_store: FalkorStore, neo4j_small: Neo4jStore) -> None:
    person = max(small_store.author_names(), key=lambda r: (r["papers"], r["id"]))["id"]
    for wanted in (ExportFilter(), ExportFilter(person=person), ExportFilter(venues=("OSDI",), year_from=2020),
                   ExportFilter(topic="software")):
        embedded, neo4j = export_view(small_store, wanted), export_view(neo4j_small, wanted)
        assert json.dumps(neo4j.papers, sort_keys=True) == json.dumps(embedded.papers, sort_keys=True)
        assert neo4j.filters == embedded.filters
