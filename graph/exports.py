"""Downloads the explorer offers: CSV of any table, GraphML of any drawn graph, BibTeX of papers.

Plain functions returning bytes/str so the pages only attach them to a download
button and the formats are tested without a browser. CSV cells that a spreadsheet
would run as a formula are defused, because titles and names come from outside.
This is the project's one CSV writer and one BibTeX writer: the CLI's `--csv`/`--out`
files (`graph.analytics.export`) go through `csv_text` too.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from graph.explore import GraphView

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


def to_networkx(view: GraphView) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node_id, node in view.nodes.items():
        graph.add_node(node_id, **{k: _graphml_value(v) for k, v in node.items() if k != "id" and v is not None})
    for (source, target, rel), edge in view.edges.items():
        attrs = {k: _graphml_value(v) for k, v in edge.items() if k not in {"source", "target"} and v is not None}
        graph.add_edge(source, target, key=rel, **attrs)
    return graph


def _graphml_value(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return "; ".join(map(str, value))
    return str(value)


def graphml(view: GraphView) -> bytes:
    """GraphML (opens in Gephi, Cytoscape, yEd) of the nodes and edges a page shows."""
    return "\n".join(nx.generate_graphml(to_networkx(view))).encode("utf-8")


# ------------------------------------------------------------------ BibTeX
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
ARXIV_VENUES = {"arxiv"}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^A-Za-z0-9]", "", folded.encode("ascii", "ignore").decode())


def bibtex_key(authors: Sequence[str], year: int | None, title: str) -> str:
    surname = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else "anon"
    words = [w for w in (_ascii_word(w) for w in title.split()) if len(w) > 3] or ["paper"]
    return f"{surname.lower() or 'anon'}{year or ''}{words[0].lower()}"


def bibtex_entry(paper: Mapping[str, Any], authors: Sequence[str], key: str) -> str:
    venue = paper.get("venue") or ""
    kind = "misc" if venue.lower() in ARXIV_VENUES or not venue else "inproceedings"
    fields: list[tuple[str, str]] = [
        ("title", "{" + latex_escape(paper.get("title") or "") + "}"),
        ("author", " and ".join(latex_escape(a) for a in authors)),
    ]
    if kind == "inproceedings":
        fields.append(("booktitle", latex_escape(paper.get("venue_full_name") or venue)))
    else:
        fields.append(("howpublished", latex_escape(venue or "unknown venue")))
    if paper.get("year"):
        fields.append(("year", str(paper["year"])))
    if paper.get("doi"):
        fields.append(("doi", latex_escape(str(paper["doi"]))))
    url = safe_url(paper.get("url"))
    if url:
        fields.append(("url", url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")))
    if paper.get("arxiv_id"):
        fields += [("eprint", str(paper["arxiv_id"])), ("archiveprefix", "arXiv")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{key},\n{body}\n}}"


def bibtex(papers: Iterable[Mapping[str, Any]], authors_by_paper: Mapping[str, Sequence[str]]) -> str:
    """A .bib file of the papers, with unique citation keys in the given order."""
    entries: list[str] = []
    used: set[str] = set()
    for paper in papers:
        authors = list(authors_by_paper.get(paper["id"], ()))
        base = bibtex_key(authors, paper.get("year"), paper.get("title") or "")
        key, n = base, 0
        while key in used:  # smith2020deep, smith2020deepa, smith2020deepb, ...
            key = f"{base}{chr(ord('a') + n)}" if n < 26 else f"{base}{n}"
            n += 1
        used.add(key)
        entries.append(bibtex_entry(paper, authors, key))
    return "\n\n".join(entries) + ("\n" if entries else "")
