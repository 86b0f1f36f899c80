"""The project's writers: CSV of any table, networks (GraphML, GEXF, Pajek), BibTeX, RIS, JSON lines.

Plain functions returning text/bytes, so the explorer's download buttons and `mlsys-atlas export`
write the same files and the formats are tested with real readers, without a browser. CSV cells
that a spreadsheet would run as a formula are defused, because titles and names come from outside.
This is the project's one CSV writer and one BibTeX writer: the CLI's `--csv`/`--out` files
(`graph.analytics.export`) go through `csv_text` too. Reading what to export from the store is
`graph.export_data`'s job.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from graph.explore import GraphView
from graph.ids import fold
from graph.tex import latex_escape, plain_text, tex_text
from graph.venues import venue_info

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")


def safe_cell(value: Any) -> Any:
    """A CSV cell that Excel/LibreOffice will show, not evaluate (OWASP CSV injection)."""
    if isinstance(value, list | tuple | set):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return "" if value is None else value


_cell = safe_cell  # the name the pages' tests know


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None, *,
             lineterminator: str = "\r\n") -> str:
    """Formula-safe CSV text of dict rows; columns in first-seen order across all rows unless given."""
    rows = list(rows)
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def rows_to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets pick the encoding) of dict rows."""
    return ("\ufeff" + csv_text(rows, columns)).encode("utf-8")


_SAFE_URL_SCHEMES = ("http://", "https://")


def safe_url(value: Any) -> str | None:
    """An http(s) URL fit for a link or a .bib file, or None (javascript:, data:, file: and the rest)."""
    text = "".join(ch for ch in str(value or "") if ch.isprintable()).strip()
    if not text.lower().startswith(_SAFE_URL_SCHEMES) or any(ch.isspace() for ch in text):
        return None
    return text


# ------------------------------------------------------------------ networks (GraphML, GEXF, Pajek)
# Relationship kinds that say the same thing from both ends: a view made only of these is written
# undirected, so Gephi, Cytoscape and VOSviewer draw lines, not arrows.
SYMMETRIC_RELS = frozenset({"CO_AUTHOR"})


def to_networkx(view: GraphView) -> nx.Graph | nx.MultiDiGraph:
    """The explorer's drawn graph: undirected when every edge is co-authorship, else directed (AUTHORED, ...)."""
    undirected = bool(view.edges) and all(rel in SYMMETRIC_RELS for _s, _t, rel in view.edges)
    graph: nx.Graph | nx.MultiDiGraph = nx.Graph() if undirected else nx.MultiDiGraph()
    for node_id, node in view.nodes.items():
        attrs = {k: _graphml_value(v) for k, v in node.items() if k != "id" and v is not None}
        graph.add_node(node_id, **{"label": attrs.get("name", node_id), **attrs})
    for (source, target, rel), edge in view.edges.items():
        attrs = {k: _graphml_value(v) for k, v in edge.items() if k not in {"source", "target"} and v is not None}
        if undirected:
            if graph.has_edge(source, target):  # (a, b) and (b, a): one undirected edge, weights added
                attrs["weight"] = graph.edges[source, target].get("weight", 0) + attrs.get("weight", 0)
            graph.add_edge(source, target, **attrs)
        else:
            graph.add_edge(source, target, key=rel, **attrs)
    return graph


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: Any) -> str:
    """Text an XML 1.0 reader accepts: control characters from outside data would make the whole file unreadable."""
    return _XML_ILLEGAL.sub(" ", str(text))


def _graphml_value(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set):
        return _xml_text("; ".join(map(str, value)))
    return _xml_text(value)


class _GraphMLWriter(GraphMLWriter):
    """networkx writes data with str(), so a boolean became "True"; GraphML (XML Schema) wants "true"."""

    def add_data(self, name: str, element_type: type, value: Any, scope: str = "all",
                 default: Any = None) -> Any:
        element = super().add_data(name, element_type, value, scope, default)
        if element_type is bool:  # networkx hands over str(value) already: "True" / "False"
            element.text = element.text.lower()
        return element

    def get_key(self, name: str, attr_type: str, scope: str, default: Any) -> str:
        if isinstance(default, bool):
            default = "true" if default else "false"
        return super().get_key(name, attr_type, scope, default)

    def __str__(self) -> str:  # UTF-8 text with its declaration, not ASCII with &#928; character references
        from xml.etree.ElementTree import tostring

        if self.prettyprint:
            self.indent(self.xml)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(self.xml, encoding="unicode") + "\n"


def graphml_text(graph: nx.Graph) -> str:
    """GraphML of a networkx graph; `edgedefault` follows the graph (undirected for nx.Graph)."""
    writer = _GraphMLWriter(encoding="utf-8")
    writer.add_graph_element(graph)
    return str(writer)


def graphml(view: GraphView) -> bytes:
    """GraphML (opens in Gephi, Cytoscape, yEd) of the nodes and edges a page shows."""
    return graphml_text(to_networkx(view)).encode("utf-8")


def gexf_text(graph: nx.Graph) -> str:
    """GEXF 1.2 (Gephi's own format); node labels from the `label` attribute, weights on edges.

    networkx stamps today's date into `<meta lastmodifieddate=...>`; the attribute is optional in
    GEXF and dropped here, so the same view gives the same file on any day (diffable exports).
    """
    lines = list(nx.generate_gexf(graph))
    for i, line in enumerate(lines[:4]):
        if "<meta " in line:
            lines[i] = _GEXF_DATE.sub("", line)
            break
    return "\n".join(lines) + "\n"


_GEXF_DATE = re.compile(r'\s+lastmodifieddate="[^"]*"')


def _pajek_label(text: Any) -> str:
    # Pajek has no escape for a double quote inside a quoted label; readers split on whitespace outside quotes.
    return '"' + " ".join(str(text).replace('"', "'").split()) + '"'


def pajek_text(graph: nx.Graph) -> str:
    """A Pajek .net file as VOSviewer and Pajek read it: `*Vertices N` with quoted labels, then
    `*Edges` (undirected) with integer weights. Vertices are numbered 1..N in the graph's node order."""
    number = {node: i for i, node in enumerate(graph.nodes, start=1)}
    labels = {node: str(graph.nodes[node].get("label", node)) for node in number}
    shared = {label for label, n in Counter(labels.values()).items() if n > 1}
    # Namesakes would be indistinguishable vertices in VOSviewer: a shared label carries the id.
    lines = [f"*Vertices {len(number)}"]
    lines += [f"{i} {_pajek_label(labels[node] + (f' [{node}]' if labels[node] in shared else ''))}"
              for node, i in number.items()]
    lines.append("*Edges" if not graph.is_directed() else "*Arcs")
    lines += [f"{number[u]} {number[v]} {data.get('weight', 1)}" for u, v, data in graph.edges(data=True)]
    return "\r\n".join(lines) + "\r\n"


def coauthor_network(papers: Iterable[Mapping[str, Any]]) -> nx.Graph:
    """People of the papers, joined by an undirected edge weighted with their joint papers among them.

    Every author of a paper in the view is a node (a single author too), so the network holds
    exactly the people of the filtered view. Nodes and edges are added in id order: the same
    view gives the same file.
    """
    names: dict[str, str] = {}
    counts: Counter[str] = Counter()
    weights: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], int] = {}
    last: dict[tuple[str, str], int] = {}
    for paper in papers:
        people = sorted({a["id"] for a in paper.get("authors") or () if a.get("id")})
        for author in paper.get("authors") or ():
            if author.get("id"):
                names.setdefault(author["id"], author.get("name") or author["id"])
        counts.update(people)
        year = paper.get("year")
        for pair in combinations(people, 2):
            weights[pair] += 1
            if isinstance(year, int):
                first[pair] = min(first.get(pair, year), year)
                last[pair] = max(last.get(pair, year), year)
    graph = nx.Graph(name="co-authorship")
    for author in sorted(names):
        graph.add_node(author, label=_xml_text(names[author]), papers=counts[author])
    for (a, b), weight in sorted(weights.items()):
        years = {"first_year": first[(a, b)], "last_year": last[(a, b)]} if (a, b) in first else {}
        graph.add_edge(a, b, weight=weight, **years)
    return graph


def paper_author_network(papers: Iterable[Mapping[str, Any]]) -> nx.Graph:
    """The two-mode network: people and papers, an undirected edge for each authorship."""
    graph = nx.Graph(name="paper-author")
    people: dict[str, str] = {}
    for paper in sorted(papers, key=lambda p: p["id"]):
        graph.add_node(paper["id"], label=_xml_text(paper.get("title") or paper["id"]), kind="paper",
                       **({"year": paper["year"]} if isinstance(paper.get("year"), int) else {}),
                       venue=_xml_text(paper.get("venue") or ""))
        for author in paper.get("authors") or ():
            if author.get("id"):
                people.setdefault(author["id"], author.get("name") or author["id"])
    for author, name in sorted(people.items()):
        graph.add_node(author, label=_xml_text(name), kind="person")
    for paper in papers:
        for author in paper.get("authors") or ():
            if author.get("id"):
                graph.add_edge(author["id"], paper["id"], weight=1)
    return graph


# ------------------------------------------------------------------ BibTeX
ARXIV_VENUES = {"arxiv", "corr"}
_KEY_STOPWORDS = frozenset("a an the on of for in to and with towards toward via from is are at by do does can "
                           "what when how why we our your".split())


def bibtex_key(authors: Sequence[str], year: int | None, title: str, venue: str | None = None) -> str:
    """A readable citation key, `zaharia2018mlsys-spark`: first author's surname, year, venue, first title word.

    ASCII through `graph.ids.fold` (the project's one fold), so it is a valid key for BibTeX and biber.
    """
    surname = next(iter(fold(authors[0]).split()[-1:]), "") if authors else ""
    words = [w for w in fold(plain_text(title)).split()
             if len(w) > 1 and w[0].isalpha() and w not in _KEY_STOPWORDS]
    venue_part = fold(venue or "").replace(" ", "")[:16]
    return f"{surname or 'anon'}{year or ''}{venue_part}-{(words[0] if words else 'paper')[:24]}"


def _entry_type(paper: Mapping[str, Any]) -> str:
    venue = str(paper.get("venue") or "")
    kind = paper.get("venue_kind") or (venue_info(venue).kind if venue else None)  # pages pass no kind
    if not venue or venue.lower() in ARXIV_VENUES or kind == "preprint":
        return "misc"
    return "article" if kind == "journal" else "inproceedings"


def _bib_name(name: str) -> str:
    text = tex_text(name)
    return "{" + text + "}" if " and " in f" {name.lower()} " else text  # "and" would split the name


def _bib_verbatim(value: str) -> str:
    """DOIs and URLs are verbatim fields in biblatex: no LaTeX escapes, only braces made harmless."""
    return value.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def clean_doi(value: Any) -> str | None:
    text = str(value or "").strip()
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", text, flags=re.IGNORECASE)
    return text if text.startswith("10.") and not any(ch.isspace() for ch in text) else None


def bibtex_entry(paper: Mapping[str, Any], authors: Sequence[str], key: str) -> str:
    kind = _entry_type(paper)
    venue = str(paper.get("venue") or "")
    full_name = str(paper.get("venue_full_name") or (venue_info(venue).full_name if venue else ""))
    fields: list[tuple[str, str]] = [
        ("title", "{" + tex_text(paper.get("title") or "") + "}"),  # inner braces keep the title's case
        ("author", " and ".join(_bib_name(a) for a in authors)),
    ]
    if kind == "inproceedings":
        fields.append(("booktitle", latex_escape(full_name)))
    elif kind == "article":
        fields.append(("journal", latex_escape(full_name)))
    else:
        fields.append(("howpublished", latex_escape(full_name or "unknown venue")))
    if paper.get("year"):
        fields.append(("year", str(paper["year"])))
    doi = clean_doi(paper.get("doi"))
    if doi:
        fields.append(("doi", _bib_verbatim(doi)))
    url = safe_url(paper.get("url"))
    if url:
        fields.append(("url", _bib_verbatim(url)))
    if paper.get("arxiv_id"):
        fields += [("eprint", _bib_verbatim(str(paper["arxiv_id"]))), ("archiveprefix", "arXiv")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{key},\n{body}\n}}"


def _author_names(paper: Mapping[str, Any], authors_by_paper: Mapping[str, Sequence[str]] | None) -> list[str]:
    if authors_by_paper is not None:
        return list(authors_by_paper.get(paper["id"], ()))
    return [a.get("name") or "" for a in paper.get("authors") or ()]


def bibtex(papers: Iterable[Mapping[str, Any]], authors_by_paper: Mapping[str, Sequence[str]] | None = None) -> str:
    """A .bib file of the papers, with unique citation keys in the given order.

    Authors come from `authors_by_paper` (the pages) or from each paper's own `authors` list.
    """
    entries: list[str] = []
    used: set[str] = set()
    for paper in papers:
        authors = _author_names(paper, authors_by_paper)
        base = bibtex_key(authors, paper.get("year"), paper.get("title") or "", paper.get("venue"))
        key, n = base, 0
        while key in used:  # ...-deep, ...-deepa, ...-deepb, ...
            key = f"{base}{chr(ord('a') + n)}" if n < 26 else f"{base}{n}"
            n += 1
        used.add(key)
        entries.append(bibtex_entry(paper, authors, key))
    return "\n\n".join(entries) + ("\n" if entries else "")


# ------------------------------------------------------------------ RIS
_RIS_TYPE = {"inproceedings": "CPAPER", "article": "JOUR", "misc": "UNPB"}
_SURNAME_PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "del", "della", "la", "le", "du", "dos"})


def ris_name(name: str) -> str:
    """"Matei Zaharia" -> "Zaharia, Matei" (RIS wants family name first); particles stay with the surname."""
    words = name.split()
    if len(words) < 2 or "," in name:
        return name.strip()
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _SURNAME_PARTICLES:
        cut -= 1
    return f"{' '.join(words[cut:])}, {' '.join(words[:cut])}"


def _ris_value(value: Any) -> str:
    return " ".join(str(value).split())  # one line per tag


def ris(papers: Iterable[Mapping[str, Any]]) -> str:
    """RIS records (Zotero, EndNote, Mendeley): type, title, authors, year, venue, DOI, URL, topics as keywords."""
    lines: list[str] = []
    for paper in papers:
        tags: list[tuple[str, Any]] = [("TY", _RIS_TYPE[_entry_type(paper)]), ("TI", paper.get("title") or "")]
        tags += [("AU", ris_name(a.get("name") or "")) for a in paper.get("authors") or () if a.get("name")]
        if paper.get("year"):
            tags.append(("PY", paper["year"]))
        if paper.get("venue_full_name") or paper.get("venue"):
            tags.append(("T2", paper.get("venue_full_name") or paper.get("venue")))
        if clean_doi(paper.get("doi")):
            tags.append(("DO", clean_doi(paper.get("doi"))))
        if safe_url(paper.get("url")):
            tags.append(("UR", safe_url(paper.get("url"))))
        tags += [("KW", topic) for topic in paper.get("topics") or ()]
        tags.append(("ID", paper["id"]))
        lines += [f"{tag}  - {_ris_value(value)}" for tag, value in tags if _ris_value(value)]
        lines += ["ER  - ", ""]
    return "\r\n".join(lines)


# ------------------------------------------------------------------ paper tables (CSV, JSON lines)
PAPER_COLUMNS: tuple[str, ...] = ("id", "title", "year", "venue", "venue_full_name", "authors", "author_ids", "doi",
                                  "url", "arxiv_id", "topics")


def paper_record(paper: Mapping[str, Any]) -> dict[str, Any]:
    """One paper as the JSON-lines export writes it: authors as {id, name} in order, topics as labels."""
    return {"id": paper["id"], "title": paper.get("title"), "year": paper.get("year"), "venue": paper.get("venue"),
            "venue_full_name": paper.get("venue_full_name"), "doi": clean_doi(paper.get("doi")),
            "url": safe_url(paper.get("url")), "arxiv_id": paper.get("arxiv_id"),
            "authors": [{"id": a.get("id"), "name": a.get("name")} for a in paper.get("authors") or ()],
            "topics": list(paper.get("topics") or ())}


def papers_csv(papers: Iterable[Mapping[str, Any]]) -> str:
    """Formula-safe CSV, one paper a row; lists joined with "; " and missing values as empty cells."""
    rows = []
    for paper in papers:
        record = paper_record(paper)
        rows.append({**record, "authors": [a["name"] or "" for a in record["authors"]],
                     "author_ids": [a["id"] or "" for a in record["authors"]]})
    return csv_text(rows, PAPER_COLUMNS, lineterminator="\n")


def papers_jsonl(papers: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(paper_record(p), ensure_ascii=False) + "\n" for p in papers)
