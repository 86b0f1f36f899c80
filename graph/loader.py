"""Turn canonical records into node and relationship rows and MERGE them into a store.

Every node and relationship carries `sources` and `retrieved_at`. Rows are built
deterministically (sorted by id) so two builds write the identical graph.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from graph import queries as q
from graph.ids import fold, is_empty_id
from graph.records import Author, Institution, Paper, Topic, Venue
from graph.store import GraphStore, Row

ABSTRACT_KEY_CHARS = 2000  # folded abstract prefix kept for substring search


@dataclass
class GraphBatch:
    """Everything one build or ingest writes, already deduplicated by id."""

    papers: list[Paper] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    topic_parents: list[tuple[str, str]] = field(default_factory=list)  # (topic id, pillar id)


def _prov(sources: Iterable[str], retrieved_at: str) -> dict[str, Any]:
    return {"sources": sorted(set(sources)), "retrieved_at": retrieved_at}


_NO_LATEST: dict[str, Any] = {"latest_institution_id": None, "latest_institution": None, "latest_year": None}


def latest_affiliations(batch: GraphBatch, authors: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """Each author's latest affiliation, from their own papers: the organisation on most of their papers
    of the latest year that has one (ties: most papers overall, then name), never the first one seen.
    With `authors` (ids), those authors' only: an incremental ingest needs the rows of the people it
    touched, and counting every author's papers was a third of its Author rows."""
    per_year: dict[str, Counter] = defaultdict(Counter)
    overall: dict[str, Counter] = defaultdict(Counter)
    for paper in batch.papers:
        if paper.year is None:
            continue
        for a in paper.authorships:
            if a.institution_id and a.author_id and (authors is None or a.author_id in authors):
                per_year[a.author_id][(paper.year, a.institution_id)] += 1
                overall[a.author_id][a.institution_id] += 1
    names = {i.id: i.name for i in batch.institutions}
    result: dict[str, dict[str, Any]] = {}
    for author, counts in per_year.items():
        year = max(y for y, _ in counts)
        best = min((i for y, i in counts if y == year),
                   key=lambda i: (-counts[(year, i)], -overall[author][i], names.get(i, i)))
        result[author] = {"latest_institution_id": best, "latest_institution": names.get(best, best),
                          "latest_year": year}
    return result


def node_rows(batch: GraphBatch, *, papers: Collection[str] | None = None,
              authors: Collection[str] | None = None) -> dict[str, list[Row]]:
    """Node rows of the batch; with `papers` / `authors` (ids), the Paper / Author rows of those only (an
    incremental ingest recomputes the rows of what it touched, ingest/incremental.py): every other label,
    and each author's counts and latest affiliation, still come from the whole batch."""
    paper_counts: dict[str, int] = defaultdict(int)
    inst_authors: dict[str, set[str]] = defaultdict(set)
    venue_names = {v.id: v.name for v in batch.venues}
    for paper in batch.papers:
        for a in paper.authorships:
            paper_counts[a.author_id] += 1
            if a.institution_id:
                inst_authors[a.institution_id].add(a.author_id)
    rows: dict[str, list[Row]] = {}
    rows["Venue"] = [
        {"id": v.id, "props": {"name": v.name, "full_name": v.full_name, "community": v.community, "kind": v.kind,
                               "communities": [v.community, *v.also_communities],
                               **_prov(v.provenance.sources, v.provenance.retrieved_at)}}
        for v in sorted(batch.venues, key=lambda v: v.id)
    ]
    rows["Institution"] = [
        {"id": i.id, "props": {"name": i.name, "name_key": fold(i.name), "country": i.country, "ror": i.ror,
                               "type": i.type, "parent_id": i.parent_id, "aliases": i.aliases,
                               "search_key": " | ".join(sorted({fold(n) for n in [i.name, *i.aliases]})),
                               "openalex_id": i.openalex_id, "curated": i.curated, "id_aliases": i.id_aliases,
                               "country_source": i.country_source, "type_source": i.type_source,
                               "author_count": len(inst_authors.get(i.id, ())),
                               **_prov(i.provenance.sources, i.provenance.retrieved_at)}}
        for i in sorted(batch.institutions, key=lambda i: i.id)
    ]
    rows["Topic"] = [
        {"id": t.id, "props": {"label": t.label, "name": t.name, "kind": t.kind, "pillars": t.pillars,
                               **_prov(["taxonomy"], "")}}
        for t in sorted(batch.topics, key=lambda t: t.id)
    ]
    latest = latest_affiliations(batch, authors)
    rows["Author"] = [
        {"id": a.id, "props": {
            **latest.get(a.id, _NO_LATEST),
            "name": a.name, "aliases": sorted(set(a.aliases) - {a.name}),
            "search_key": " | ".join(sorted({fold(n) for n in {a.name, *a.aliases}})),  # aliases hold the name
            "s2_id": a.s2_id, "openreview_id": a.openreview_id, "openalex_id": a.openalex_id, "orcid": a.orcid,
            "dblp_pid": a.dblp_pid, "merge_confidence": a.merge_confidence,
            "merge_reasons": a.merge_reasons, "paper_count": paper_counts[a.id], "id_aliases": a.id_aliases,
            **_prov(a.provenance.sources, a.provenance.retrieved_at)}}
        for a in sorted(batch.authors, key=lambda a: a.id) if authors is None or a.id in authors
    ]
    rows["Paper"] = [
        {"id": p.id, "props": {
            "title": p.title, "title_key": fold(p.title), "year": p.year, "venue": venue_names.get(p.venue_id),
            "abstract": p.abstract, "abstract_key": fold(p.abstract or "")[:ABSTRACT_KEY_CHARS] or None,
            "tag_input": tag_input(p),
            "doi": p.doi, "arxiv_id": p.arxiv_id, "s2_id": p.s2_id, "openreview_id": p.openreview_id,
            "openalex_id": p.openalex_id, "dblp_key": p.dblp_key, "url": p.url, "id_aliases": p.id_aliases,
            **_prov(p.provenance.sources, p.provenance.retrieved_at)}}
        for p in sorted(batch.papers, key=lambda p: p.id) if papers is None or p.id in papers
    ]
    return rows


def tag_input(paper: Paper) -> str:
    """Which text the tagger read: an abstract wins over derived terms, which win over the title alone."""
    return "abstract" if paper.abstract else "derived_terms" if paper.derived_terms else "title_only"


def rel_rows(batch: GraphBatch, *, papers: Collection[str] | None = None,
             authors: Collection[str] | None = None) -> dict[str, list[Row]]:
    """Relationship rows of the batch; with `papers` / `authors` (ids), PUBLISHED_IN, AUTHORED and HAS_TOPIC
    of those papers only and AFFILIATED_WITH of those authors only (CITES and PART_OF: always all).

    AFFILIATED_WITH's `main`: the institution's organisation is one the author printed on the most papers of
    that year. A paper on which the author printed nothing is credited to those only (`graph.credit`): imputing
    every affiliation of the year spread a single misprinted affiliation over all of the year's papers, and
    left out of one paper, an affiliation is better predicted by the most printed ones (BENCHMARKS.md,
    "Institutions", session 63). A tie of the year goes to the tied organisations the author printed most in
    all years: three one-off affiliations in one year made all three main (session 64)."""
    rows: dict[str, list[Row]] = defaultdict(list)
    by_external = {f"{kind}:{value.lower()}": p.id for p in batch.papers for kind, value in p.external_ids().items()}
    affiliated: dict[tuple[str, str, int | None], set[str]] = defaultdict(set)
    affiliated_at: dict[tuple[str, str, int | None], str] = {}
    org_of = {i.id: i.parent_id for i in batch.institutions if i.parent_id}  # units count at their organisation
    printed: dict[tuple[str, int | None], dict[str, int]] = {}  # (author, year) -> organisation -> papers printing it
    printed_ever: dict[str, dict[str, int]] = defaultdict(dict)  # author -> organisation -> papers, every year
    for p in sorted(batch.papers, key=lambda p: p.id):
        prov = _prov(p.provenance.sources, p.provenance.retrieved_at)
        own = papers is None or p.id in papers
        if own:
            rows["PUBLISHED_IN"].append({"paper_id": p.id, "venue_id": p.venue_id,
                                         "props": {"year": p.year, **prov}})
        for a in p.authorships:
            if own:
                rows["AUTHORED"].append({"author_id": a.author_id, "paper_id": p.id, "props": {
                    "position": a.position, "affiliation": a.affiliation, "institution_id": a.institution_id,
                    "name_as_printed": a.name, **prov}})
            if a.institution_id and p.year is not None and (authors is None or a.author_id in authors):
                key = (a.author_id, a.institution_id, p.year)  # MERGE cannot key on a null year
                affiliated[key].update(p.provenance.sources)
                affiliated_at[key] = max(affiliated_at.get(key, ""), p.provenance.retrieved_at)
                orgs = printed.setdefault((a.author_id, p.year), {})
                org = org_of.get(a.institution_id, a.institution_id)
                orgs[org] = orgs.get(org, 0) + 1  # papers: a person is listed once on a paper
                ever = printed_ever[a.author_id]
                ever[org] = ever.get(org, 0) + 1
        for tag in p.topics if own else ():
            tag_prov = _prov(["tagger"], p.provenance.retrieved_at)
            rows["HAS_TOPIC"].append({"paper_id": p.id, "topic_id": f"topic:{tag.topic}",
                                      "props": {"score": round(tag.score, 4), "evidence": tag.evidence, **tag_prov}})
        for ref in sorted(set(p.references)):
            cited = by_external.get(ref.lower())
            if cited and cited != p.id:
                rows["CITES"].append({"paper_id": p.id, "cited_id": cited, "props": prov})
    main_of: dict[tuple[str, int | None], set[str]] = {}
    for (author_id, inst_id, year), sources in sorted(affiliated.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                                           kv[0][2] or 0)):
        props = _prov(sources, affiliated_at[(author_id, inst_id, year)])
        main = main_of.get((author_id, year))
        if main is None:
            main = main_of[(author_id, year)] = main_organisations(printed[(author_id, year)],
                                                                   printed_ever[author_id])
        props["main"] = org_of.get(inst_id, inst_id) in main
        rows["AFFILIATED_WITH"].append({"author_id": author_id, "institution_id": inst_id, "year": year,
                                        "props": props})
    rows["PART_OF"] = [{"topic_id": t, "pillar_id": p, "props": _prov(["taxonomy"], "")}
                       for t, p in sorted(batch.topic_parents)]
    # Units (MIT CSAIL, Google DeepMind) are PART_OF their organisation; same row shape: child, parent.
    rows["PART_OF"] += [{"topic_id": i.id, "pillar_id": i.parent_id,
                         "props": _prov(["institutions-table"], i.provenance.retrieved_at)}
                        for i in sorted(batch.institutions, key=lambda i: i.id) if i.parent_id]
    return rows


def main_organisations(year: dict[str, int], every_year: dict[str, int]) -> set[str]:
    """The organisations printed on the most of an author's papers of a year; of several, the ones the author
    printed on the most papers in all years (still tied: all of them).

    Why the second count: a year of one-off affiliations (one paper each at three employers) is a tie that says
    nothing, while the author's other years usually do. Left out of one paper, the affiliation it printed is
    predicted better with the tie broken so (held-out F1 0.855 -> 0.862; BENCHMARKS.md, "Institutions",
    session 64)."""
    if len(year) == 1:
        return set(year)
    top = max(year.values())
    tied = [org for org, papers in year.items() if papers == top]
    if len(tied) > 1:
        best = max(every_year[org] for org in tied)
        tied = [org for org in tied if every_year[org] == best]
    return set(tied)


# progress(kind, rows just written, total rows announced once before the first write)
ProgressFn = Callable[[str, int, int | None], None]


def load(store: GraphStore, batch: GraphBatch, progress: ProgressFn | None = None) -> dict[str, int]:
    """Write the batch into the store: nodes first, then relationships. Returns rows written per kind."""
    return load_rows(store, node_rows(batch), rel_rows(batch), progress)


class EmptyIdError(ValueError):
    """A row keyed on an id that folded to nothing reached the loader (ingest/id_guard.py quarantines them)."""


def check_ids(nodes: dict[str, list[Row]], rels: dict[str, list[Row]]) -> None:
    """Refuse rows keyed on an empty id ('', 'inst:'): MERGE would drop the edge without a word, or
    join unrelated records on one node. The build quarantines them first; this is the last guard."""
    bad: list[str] = []
    for kind, rows in [*nodes.items(), *rels.items()]:
        for key in [k for k in (rows[0] if rows else ()) if k == "id" or k.endswith("_id")]:
            values = [row.get(key) for row in rows]  # one pass per id column: ~0.1 s for a full build
            if not all(values) or any(v.endswith(":") for v in values):
                bad += [f"{kind} {key}={v!r}" for v in values if not isinstance(v, str) or is_empty_id(v)][:5]
    if bad:
        raise EmptyIdError(f"{len(bad)} row(s) with an empty id, e.g. {', '.join(bad[:5])}; "
                           "quarantine them before loading (ingest/id_guard.py)")


def load_rows(store: GraphStore, nodes: dict[str, list[Row]], rels: dict[str, list[Row]],
              progress: ProgressFn | None = None) -> dict[str, int]:
    """Bulk-create when the store can (an empty FalkorDB staging graph), else MERGE row batches."""
    check_ids(nodes, rels)
    store.index_people([{"id": r["id"], "name": r["props"].get("name"), "key": r["props"].get("search_key"),
                         "papers": r["props"].get("paper_count")} for r in nodes.get("Author", ())])
    bulk = getattr(store, "bulk_load", None)
    written = bulk(nodes, rels, progress) if bulk is not None else None
    if written is not None:
        return written
    return merge_rows(store, nodes, rels, progress)


def merge_rows(store: GraphStore, nodes: dict[str, list[Row]], rels: dict[str, list[Row]],
               progress: ProgressFn | None = None) -> dict[str, int]:
    """MERGE (idempotent): the path for incremental updates, for Neo4j, and the bulk path's reference."""
    if progress:
        progress("", 0, sum(map(len, nodes.values())) + sum(map(len, rels.values())))
    written: dict[str, int] = {}
    for label, rows in nodes.items():
        written[label] = store.merge_nodes(label, rows)
        if progress:
            progress(label, len(rows), None)
    for rel, rows in rels.items():
        written[rel] = store.merge_rels(rel, rows)
        if progress:
            progress(rel, len(rows), None)
    return written


def apply_delta(store: GraphStore, merge_nodes: dict[str, list[Row]], merge_rels: dict[str, list[Row]],
                delete_nodes: dict[str, list[str]], delete_rels: dict[str, list[Row]]) -> dict[str, int]:
    """Write an incremental ingest's delta into the live graph (ingest/incremental.py): relationships that
    are gone first, then nodes that are gone, then MERGE of the new and changed rows. Every statement is
    idempotent, so applying one delta twice leaves the graph as applying it once."""
    check_ids(merge_nodes, merge_rels)
    written: dict[str, int] = {}
    for rel, rows in delete_rels.items():
        written[f"-{rel}"] = store.write_batches(q.DELETE_RELS[rel], rows)
    for label, ids in delete_nodes.items():
        written[f"-{label}"] = store.write_batches(q.DELETE_NODES[label], [{"id": i} for i in ids])
    for kind, count in merge_rows(store, merge_nodes, merge_rels).items():
        written[kind] = count
    return written
