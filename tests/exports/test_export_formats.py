"""Issue 19 (items 2 and 6): `mlsys-atlas export FORMAT`, every format read back by a real reader.

Networks by networkx's own GraphML, GEXF and Pajek readers (undirected, weighted, one node per
person of the view), BibTeX by bibtexparser, RIS by rispy, CSV by the csv module, JSON lines by
json. The files come from the real CLI writing to standard output (`--out -`, the default) in a
child process, from a small graph loaded into the embedded store.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache
from pathlib import Path

import bibtexparser
import networkx as nx
import pytest
import rispy

from .conftest import MATH_TITLES, PAPERS, PEOPLE, Result, run_cli, run_main

ALL_PEOPLE = len(PEOPLE)
ZAHARIA_PEOPLE = {"author:zaharia", "author:muller", "author:louridas", "author:oneil"}
JOINT = {("author:muller", "author:zaharia"): 2, ("author:louridas", "author:zaharia"): 2,
         ("author:louridas", "author:muller"): 1, ("author:oneil", "author:zaharia"): 1,
         ("author:formula", "author:solo"): 1}
DOIS = {f"paper:{pid}": doi.removeprefix("https://doi.org/") for pid, _t, _y, _v, _a, doi, _tp in PAPERS if doi}


@cache
def _stdout_export(data_dir: Path, *args: str) -> Result:
    result = run_cli(["export", *args], data_dir)
    assert result.code == 0, result.err
    return result


@pytest.fixture(scope="module")
def export(export_dir: Path):  # noqa: ANN201 - a small callable
    return lambda *args: _stdout_export(export_dir, *args).out


def _weights(graph: nx.Graph) -> dict[tuple[str, str], float]:
    return {tuple(sorted((u, v))): float(d["weight"]) for u, v, d in graph.edges(data=True)}


# ------------------------------------------------------------------ networks
def test_graphml_is_undirected_weighted_with_lowercase_booleans(export) -> None:  # noqa: ANN001
    text = export("graphml")
    assert 'edgedefault="undirected"' in text and ">True<" not in text and ">False<" not in text
    graph = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert not graph.is_directed()
    assert graph.number_of_nodes() == ALL_PEOPLE  # the single author of p6 too
    assert _weights(graph) == {k: float(v) for k, v in JOINT.items()}
    assert graph.nodes["author:louridas"]["label"] == "Πάνος Λουρίδας"
    assert graph.nodes["author:zaharia"]["papers"] == 4


def test_gexf_is_undirected_and_weighted(export) -> None:  # noqa: ANN001
    graph = nx.read_gexf(io.BytesIO(export("gexf").encode("utf-8")))
    assert not graph.is_directed()
    assert graph.number_of_nodes() == ALL_PEOPLE
    assert _weights(graph) == {k: float(v) for k, v in JOINT.items()}
    assert graph.nodes["author:muller"]["label"] == "Zoë Müller"


def test_pajek_as_vosviewer_reads_it(export, tmp_path: Path) -> None:  # noqa: ANN001
    text = export("pajek")
    lines = text.splitlines()
    assert lines[0] == f"*Vertices {ALL_PEOPLE}"
    assert all(re.fullmatch(r'\d+ "[^"]*"', line) for line in lines[1:1 + ALL_PEOPLE])  # quoted labels
    assert lines[1 + ALL_PEOPLE] == "*Edges"  # undirected: not *Arcs
    path = tmp_path / "coauthors.net"
    path.write_bytes(text.encode("utf-8"))
    graph = nx.read_pajek(path)
    assert not graph.is_directed()
    assert graph.number_of_nodes() == ALL_PEOPLE
    assert _weights(graph)[tuple(sorted(("Matei Zaharia", "Zoë Müller")))] == 2.0
    assert sum(_weights(graph).values()) == sum(JOINT.values())
    assert "Jane 'JJ' O'Neil" in graph  # a double quote cannot live inside a Pajek label


def test_gexf_is_the_same_file_on_any_day(export) -> None:  # noqa: ANN001
    # networkx stamps today's date into <meta>; an unchanged view must give an unchanged file.
    text = export("gexf")
    assert "lastmodifieddate" not in text
    assert "<meta" in text and nx.read_gexf(io.BytesIO(text.encode("utf-8"))).number_of_nodes() == ALL_PEOPLE


def test_pajek_keeps_namesakes_apart(tmp_path: Path) -> None:
    from graph.exports import pajek_text

    graph = nx.Graph()
    graph.add_node("author:song-han", label="Song Han")
    graph.add_node("author:song-han-2", label="Song Han")
    graph.add_node("author:mizell", label="Hanna Mizell")
    graph.add_edge("author:song-han", "author:mizell", weight=2)
    path = tmp_path / "namesakes.net"
    path.write_bytes(pajek_text(graph).encode("utf-8"))
    read = nx.read_pajek(path)
    # Pajek readers key vertices by label: two "Song Han" vertices would collapse into one.
    assert sorted(read.nodes) == ["Hanna Mizell", "Song Han [author:song-han-2]", "Song Han [author:song-han]"]
    assert read.number_of_edges() == 1


def test_paper_author_network_is_two_mode(export) -> None:  # noqa: ANN001
    graph = nx.read_graphml(io.BytesIO(export("graphml", "--network", "paper-author").encode("utf-8")))
    kinds = nx.get_node_attributes(graph, "kind")
    assert sorted(kinds.values()).count("paper") == len(PAPERS)
    assert sorted(kinds.values()).count("person") == ALL_PEOPLE
    assert graph.number_of_edges() == sum(len(authors) for _i, _t, _y, _v, authors, _d, _tp in PAPERS)
    assert not graph.is_directed()


# ------------------------------------------------------------------ bibliographies
def test_bibtex_parses_with_math_dois_and_readable_unique_keys(export) -> None:  # noqa: ANN001
    text = export("bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert len(library.entries) == len(PAPERS)
    keys = [e.key for e in library.entries]
    assert len(set(keys)) == len(keys)
    assert {"zaharia2019mlsys-ddm", "zaharia2020mlsys-faster", "zaharia2020mlsys-fastera",
            "lovelace2022arxiv-notes"} <= set(keys)
    assert all(re.fullmatch(r"[a-z0-9-]+", k) for k in keys)
    titles = {e.key: e.fields_dict["title"].value for e in library.entries}
    assert titles["zaharia2019mlsys-ddm"] == "{DDM$^2$: Self-Supervised Diffusion MRI Denoising}"
    for math in MATH_TITLES.values():
        assert sum(math in t for t in titles.values()) == 1
    assert "textasciicircum" not in text and r"\$" not in text
    assert titles["zaharia2020mlsys-faster"] == r"{50\% faster \{GPU\} kernels \& more\_stuff}"
    dois = {e.fields_dict["doi"].value for e in library.entries if "doi" in e.fields_dict}
    assert dois == set(DOIS.values())
    types = {e.key: e.entry_type for e in library.entries}
    assert types["lovelace2022arxiv-notes"] == "misc" and types["x2021vldb-journal"] == "article"
    authors = {e.key: e.fields_dict["author"].value for e in library.entries}
    assert authors["zaharia2020mlsys-faster"] == "Matei Zaharia and Zoë Müller and Πάνος Λουρίδας"


def test_ris_reads_back_with_rispy(export) -> None:  # noqa: ANN001
    records = rispy.loads(export("ris"))
    assert len(records) == len(PAPERS)
    by_id = {r["id"]: r for r in records}
    ddm = by_id["paper:p1"]
    assert ddm["type_of_reference"] == "CPAPER" and ddm["title"].startswith("DDM$^2$")
    assert ddm["authors"] == ["Zaharia, Matei", "Müller, Zoë"] and ddm["year"] == "2019"
    assert ddm["keywords"] == ["software"]
    assert {r["id"]: r["doi"] for r in records if "doi" in r} == DOIS
    assert by_id["paper:p5"]["type_of_reference"] == "JOUR" and by_id["paper:p6"]["type_of_reference"] == "UNPB"


# ------------------------------------------------------------------ tables
def test_csv_has_every_paper_empty_cells_and_no_formulas(export) -> None:  # noqa: ANN001
    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert len(rows) == len(PAPERS)
    assert list(rows[0]) == ["id", "title", "year", "venue", "venue_full_name", "authors", "author_ids", "doi", "url",
                             "arxiv_id", "topics"]
    cells = [c for row in rows for c in row.values()]
    assert not {"nan", "None", "null"} & set(cells)
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    by_id = {r["id"]: r for r in rows}
    assert by_id["paper:p2"]["doi"] == "" and by_id["paper:p2"]["topics"] == "hardware; software"
    assert by_id["paper:p5"]["authors"].startswith("'=HYPERLINK")
    assert by_id["paper:p1"]["title"] == "DDM$^2$: Self-Supervised Diffusion MRI Denoising"


def test_jsonl_one_paper_a_line(export) -> None:  # noqa: ANN001
    records = [json.loads(line) for line in export("jsonl").splitlines()]
    assert len(records) == len(PAPERS)
    by_id = {r["id"]: r for r in records}
    assert [a["name"] for a in by_id["paper:p2"]["authors"]] == ["Matei Zaharia", "Zoë Müller", "Πάνος Λουρίδας"]
    assert by_id["paper:p5"]["doi"] == "10.14778/J" and by_id["paper:p2"]["doi"] is None
    assert by_id["paper:p1"]["venue"] == "MLSys" and by_id["paper:p1"]["year"] == 2019
    assert by_id["paper:p3"]["topics"] == ["hardware"]


# ------------------------------------------------------------------ filtered views
def test_person_view_network_holds_exactly_their_papers_people(export) -> None:  # noqa: ANN001
    graph = nx.read_graphml(io.BytesIO(export("graphml", "--person", "Matei Zaharia").encode("utf-8")))
    assert set(graph.nodes) == ZAHARIA_PEOPLE
    assert graph.edges["author:muller", "author:zaharia"]["weight"] == 2
    library = bibtexparser.parse_string(export("bibtex", "--person", "author:zaharia"))
    assert len(library.entries) == 4


@pytest.mark.parametrize(("args", "papers"), [
    (["--years", "2020-2021"], {"paper:p2", "paper:p3", "paper:p5"}),
    (["--years", "2022"], {"paper:p6"}),
    (["--venue", "mlsys"], {"paper:p1", "paper:p2", "paper:p3"}),
    (["--venue", "OSDI", "--venue", "VLDB"], {"paper:p4", "paper:p5"}),
    (["--topic", "hardware"], {"paper:p2", "paper:p3"}),
    (["--topic", "software", "--person", "Ada Lovelace"], {"paper:p6"}),
])
def test_filters_combine(export_dir: Path, args: list[str], papers: set[str]) -> None:
    result = run_main(["export", "jsonl", *args], export_dir)
    assert result.code == 0, result.err
    assert {json.loads(line)["id"] for line in result.out.splitlines()} == papers


def test_json_summary_and_file_output(export_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "coauthors.gexf"
    result = run_main(["export", "gexf", "--person", "Zaharia", "--out", str(out), "--json"], export_dir)
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["papers"] == 4 and summary["people"] == summary["nodes"] == 4 and summary["edges"] == 4
    assert summary["filters"]["person"]["id"] == "author:zaharia"
    assert summary["bytes"] == len(out.read_bytes())
    assert nx.read_gexf(out).number_of_nodes() == 4


@pytest.mark.parametrize(("args", "message"), [
    (["jsonl", "--person", "Nobody Known"], "nobody of that name"),
    (["jsonl", "--venue", "NoSuchConf"], "no such venue"),
    (["jsonl", "--topic", "nonsense"], "no such topic"),
    (["jsonl", "--years", "2024-2019"], "first year is after"),
    (["jsonl", "--years", "recent"], "--years wants"),
    (["csv", "--json"], "--out PATH"),
])
def test_bad_filters_are_usage_errors(export_dir: Path, args: list[str], message: str) -> None:
    result = run_main(["export", *args], export_dir)
    assert result.code == 2 and message in result.err, result.err


def test_empty_view_writes_a_valid_empty_file(export_dir: Path) -> None:
    result = run_main(["export", "graphml", "--years", "1990"], export_dir)
    assert result.code == 0 and "no papers match" in result.err
    assert nx.read_graphml(io.BytesIO(result.out.encode("utf-8"))).number_of_nodes() == 0


def test_export_help_lists_every_format(export_dir: Path) -> None:
    result = run_main(["export", "--help"], export_dir)
    for fmt in ("graphml", "gexf", "pajek", "bibtex", "ris", "csv", "jsonl", "neo4j-admin"):
        assert fmt in result.out


# ------------------------------------------------------------------ the explorer's downloads use the same writer
def test_explorer_coauthor_graphml_is_undirected_with_xml_booleans() -> None:
    from graph.explore import GraphView
    from graph.exports import graphml

    view = GraphView()
    view.add_node("a", "Author", "Ego", ego=True)
    view.add_node("b", "Author", "Other", ego=False)
    view.add_node("c", "Author", "Third")
    view.add_edge("a", "b", "CO_AUTHOR", weight=3)
    view.add_edge("b", "c", "CO_AUTHOR")
    text = graphml(view).decode("utf-8")
    assert ">true<" in text and ">false<" in text and ">True<" not in text
    graph = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert not graph.is_directed()
    assert graph.nodes["a"]["ego"] is True and graph.nodes["b"]["ego"] is False
    assert graph.edges["a", "b"]["weight"] == 3 and graph.nodes["a"]["label"] == "Ego"
    view.add_node("p", "Paper", "A paper")
    view.add_edge("a", "p", "AUTHORED")
    assert nx.read_graphml(io.BytesIO(graphml(view))).is_directed()  # authorship has a direction


def test_bibtex_keeps_math_but_not_latex_that_reads_files() -> None:
    """Titles come from outside: `$\\input{/etc/passwd}$` must not run when the .bib is compiled."""
    from graph.exports import bibtex

    papers = [{"id": "p", "title": r"Leak $\input{/etc/passwd}$ and $\immediate\write18{x}$ but $k$-means",
               "year": 2024, "venue": "MLSys"}]
    entry = bibtexparser.parse_string(bibtex(papers, {"p": ["A B"]})).entries[0]
    title = entry.fields_dict["title"].value
    assert r"\input" not in title.replace(r"\textbackslash{}input", "") and r"\write18" not in title
    assert r"\textbackslash{}input\{/etc/passwd\}" in title and "$k$-means" in title


def test_page_downloads_get_the_same_entry_types_without_a_venue_kind() -> None:
    """The pages pass venue names only; the writer knows VLDB is a journal and arXiv a preprint."""
    from graph.exports import bibtex

    text = bibtex([{"id": "p", "title": "Voodoo", "venue": "VLDB", "year": 2016},
                   {"id": "q", "title": "Notes", "venue": "arXiv", "year": 2020}], {"p": ["Holger Pirk"], "q": ["A B"]})
    entries = {e.key: e for e in bibtexparser.parse_string(text).entries}
    assert entries["pirk2016vldb-voodoo"].entry_type == "article"
    assert entries["pirk2016vldb-voodoo"].fields_dict["journal"].value.startswith("Proceedings of the VLDB")
    assert entries["b2020arxiv-notes"].entry_type == "misc"


def test_control_characters_do_not_break_the_xml_formats() -> None:
    from graph.exports import coauthor_network, gexf_text, graphml_text

    papers = [{"id": "p", "year": 2020, "authors": [{"id": "a", "name": "Bad\x0bName\x00"}, {"id": "b", "name": "B"}]}]
    network = coauthor_network(papers)
    assert nx.read_graphml(io.BytesIO(graphml_text(network).encode("utf-8"))).nodes["a"]["label"] == "Bad Name "
    assert nx.read_gexf(io.BytesIO(gexf_text(network).encode("utf-8"))).number_of_edges() == 1


def test_progress_only_when_asked_or_on_a_terminal(export_dir: Path, tmp_path: Path) -> None:
    quiet = run_main(["export", "ris", "--out", str(tmp_path / "a.ris")], export_dir)
    assert quiet.code == 0 and quiet.err == ""  # stderr is not a terminal here
    shown = run_main(["export", "ris", "--out", str(tmp_path / "b.ris"), "--progress"], export_dir)
    assert shown.code == 0 and "reading papers" in shown.err and "writing ris of 6 papers" in shown.err
    assert (tmp_path / "a.ris").read_bytes() == (tmp_path / "b.ris").read_bytes()
