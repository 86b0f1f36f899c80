"""The store interface: the questions the explorer and analytics ask, as methods.

Backends (embedded FalkorDB, Neo4j) implement only three primitives - a read, a write
and schema set-up - and inherit every question from here, so the same Cypher from
`graph.queries` runs on both and a contract test can hold them to the same answers.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from graph import queries as q
from graph.ids import fold

Row = dict[str, Any]
T = TypeVar("T")

# MERGE inside UNWIND grows super-linearly with the batch on FalkorDB (measured:
# 50k rows take 0.5 s in batches of 500 and 27 s in batches of 5,000).
WRITE_BATCH = 500


def batched(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


class GraphStore(abc.ABC):
    """One graph, read through named questions and written through idempotent MERGEs."""

    backend: str = "abstract"

    # ------------------------------------------------------------ primitives
    @abc.abstractmethod
    def read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run a read-only statement and return rows as dicts keyed by column name."""

    @abc.abstractmethod
    def write(self, query: str, params: dict[str, Any] | None = None) -> None:
        """Run a write statement (idempotent MERGE; may be retried by the backend)."""

    @abc.abstractmethod
    def ensure_schema(self) -> None:
        """Create indexes/constraints if they are missing."""

    @abc.abstractmethod
    def run_read_only(self, query: str, params: dict[str, Any] | None = None, *, limit: int = 500,
                      timeout_ms: int = 5000) -> list[Row]:
        """Free-form console query, enforced read-only by the database itself."""

    @abc.abstractmethod
    def exists(self) -> bool:
        """Whether the graph has been built."""

    def build_id(self) -> str | None:
        """An id of the last completed build kept in the store itself, for cache keys; None if the store keeps none
        (then the explorer keys on the local build report)."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections (and stop an owned server)."""

    @contextlib.contextmanager
    def building(self) -> Iterator[GraphStore]:
        """Write a whole new graph; readers see the old one until the block succeeds.

        Backends without an atomic swap write in place (MERGE keeps that idempotent).
        """
        yield self

    def set_build_report(self, report_json: str) -> None:  # noqa: B027 - optional hook
        """Hand the build's report to the store, to be made live together with the graph (if it can)."""

    def stored_report(self) -> str | None:
        """The report of the live graph's build, if the store keeps it (JSON text)."""
        return None

    def record_update(self, report_json: str, version: str | None) -> None:  # noqa: B027 - optional hook
        """After an in-place change of the live graph (an incremental ingest): keep its report and give the
        graph the new version id (None: the store keeps none), so readers' caches keyed on it see the change.
        On disk once a `persisting()` block after it ends."""

    @contextlib.contextmanager
    def persisting(self) -> Iterator[None]:
        """The block runs while the store makes its latest changes durable; leaving it waits for that.

        Why: FalkorDB writes its whole graph to disk after an incremental ingest (~0.5 s of the server's
        time, on the other core), and the ingest's own state save (~0.4 s here) can run meanwhile. A store
        whose writes are durable once committed (Neo4j) has nothing to wait for."""
        yield

    def graph_version(self) -> str | None:
        """An id that changes whenever a build is swapped in (None: the backend cannot tell)."""
        return None

    def consistent(self, ask: Callable[[], T], attempts: int = 5) -> T:
        """Run several reads that must describe one version of the graph, retrying across a swap."""
        for _ in range(attempts - 1):
            before = self.graph_version()
            answer = ask()
            if self.graph_version() == before:
                return answer
        return ask()

    # ------------------------------------------------------------ writes
    def write_batches(self, query: str, rows: Sequence[Row], batch_size: int = WRITE_BATCH) -> int:
        """Send `rows` in batches as `$rows`; backends may overlap batches (they are independent MERGEs)."""
        for chunk in batched(rows, batch_size):
            self.write(query, {"rows": list(chunk)})
        return len(rows)

    def merge_nodes(self, label: str, rows: Sequence[Row], batch_size: int = WRITE_BATCH) -> int:
        return self.write_batches(q.MERGE_NODES[label], rows, batch_size)

    def merge_rels(self, rel_type: str, rows: Sequence[Row], batch_size: int = WRITE_BATCH) -> int:
        return self.write_batches(q.MERGE_RELS[rel_type], rows, batch_size)

    # ------------------------------------------------------------ stats
    def counts(self) -> dict[str, Any]:
        """Every count from one version of the graph: 12 queries, re-asked if a build swapped in between."""
        return self.consistent(self._counts)

    def _counts(self) -> dict[str, Any]:
        nodes = {label: self._scalar(q.COUNT_LABEL[label]) for label in q.NODE_LABELS}
        rels = {rel: self._scalar(q.COUNT_REL[rel]) for rel in q.REL_TYPES}
        per_venue_year = self.read(q.PAPERS_PER_VENUE_YEAR)
        return {"nodes": nodes, "relationships": rels, "papers_per_venue_year": per_venue_year}

    def source_freshness(self) -> list[Row]:
        return self.read(q.SOURCE_FRESHNESS)

    def _scalar(self, query: str, params: dict[str, Any] | None = None) -> Any:
        rows = self.read(query, params)
        return next(iter(rows[0].values())) if rows else None

    # ------------------------------------------------------------ search
    def search_authors(self, text: str, limit: int = 20) -> list[Row]:
        key = fold(text)
        return self.read(q.SEARCH_AUTHORS, {"q": key, "limit": limit}) if key else []

    def search_people(self, text: str, limit: int = 20) -> list[Row]:
        """People whose name or an alias has every query word as a word prefix, most papers first.

        Unlike `search_authors` (a substring scan: "ana" also finds "Dana"), this goes through
        the store's full-text index, so it stays fast at millions of people; stores without
        one answer with the scan.
        """
        return self.search_authors(text, limit)

    def index_people(self, rows: Sequence[Row]) -> None:  # noqa: B027 - optional hook
        """Called by the loader with every person it is about to write (`id`, `name`, `key`: the
        search key, `papers`), so a store can precompute what makes `search_people` fast (the
        embedded store: top people per common name prefix, graph/name_tops.py)."""

    def search_papers(self, text: str, limit: int = 50, *, year_from: int | None = None,
                      year_to: int | None = None, venue: str | None = None,
                      include_abstracts: bool = False) -> list[Row]:
        key = fold(text)
        if not key:
            return []
        query = q.SEARCH_PAPERS_FULLTEXT if include_abstracts else q.SEARCH_PAPERS
        params = {"q": key, "limit": limit, "year_from": year_from, "year_to": year_to, "venue": venue}
        return self.read(query, params)

    def search_institutions(self, text: str, limit: int = 20) -> list[Row]:
        key = fold(text)
        return self.read(q.SEARCH_INSTITUTIONS, {"q": key, "limit": limit}) if key else []

    def author_names(self) -> list[Row]:
        return self.read(q.ALL_AUTHOR_NAMES)

    # ------------------------------------------------------------ entities
    def current_id(self, node_id: str) -> str | None:
        """The id, in this graph, of the node `node_id` names: itself, or the node that keeps it in
        `id_aliases` because an earlier id scheme gave it (graph/ids.py, ID_SCHEME); None if neither.

        Deep links, saved ids and CLI arguments go through this, so ids of older builds keep working."""
        label = q.ALIAS_LABELS.get((node_id or "").split(":", 1)[0])
        if label is None:
            return node_id if self.read(q.GET_NODE, {"id": node_id}) else None
        if self.read(q.ID_EXISTS[label], {"id": node_id}):
            return node_id
        rows = self.read(q.ID_BY_ALIAS[label], {"id": node_id})
        return rows[0]["id"] if rows else None

    def _alias_of(self, node_id: str) -> str | None:
        """The current id for an id that matched nothing, if it is an old id of some node."""
        current = self.current_id(node_id)
        return current if current is not None and current != node_id else None

    def node(self, node_id: str) -> Row | None:
        rows = self.read(q.GET_NODE, {"id": node_id})
        if not rows and (alias := self._alias_of(node_id)):
            rows = self.read(q.GET_NODE, {"id": alias})
        return rows[0] if rows else None

    def author(self, author_id: str) -> Row | None:
        rows = self.read(q.GET_AUTHOR, {"id": author_id})
        if not rows and (alias := self._alias_of(author_id)):
            rows = self.read(q.GET_AUTHOR, {"id": alias})
        return rows[0]["props"] if rows else None

    def paper(self, paper_id: str) -> Row | None:
        rows = self.read(q.GET_PAPER, {"id": paper_id})
        if not rows and (alias := self._alias_of(paper_id)):
            paper_id = alias
            rows = self.read(q.GET_PAPER, {"id": paper_id})
        if not rows:
            return None
        paper = dict(rows[0]["props"])
        paper["venue"], paper["community"] = rows[0]["venue"], rows[0]["community"]
        paper["authors"] = self.read(q.PAPER_AUTHORS, {"id": paper_id})
        paper["topics"] = self.read(q.PAPER_TOPICS, {"id": paper_id})
        return paper

    def author_papers(self, author_id: str) -> list[Row]:
        return self.read(q.AUTHOR_PAPERS, {"id": author_id})

    def author_topics(self, author_id: str) -> list[Row]:
        return self.read(q.AUTHOR_TOPICS, {"id": author_id})

    def coauthors(self, author_id: str, limit: int = 200) -> list[Row]:
        return self.read(q.AUTHOR_COAUTHORS, {"id": author_id, "limit": limit})

    def author_institutions(self, author_id: str) -> list[Row]:
        return self.read(q.AUTHOR_INSTITUTIONS, {"id": author_id})

    def ego_network(self, author_id: str, limit: int = 30) -> list[Row]:
        return self.read(q.EGO_EDGES, {"id": author_id, "limit": limit})

    # ------------------------------------------------------------ related papers (graph/related.py)
    def related_by_authors(self, paper_id: str, limit: int = 50) -> list[Row]:
        """Other papers by this paper's authors, most shared authors first (names in no set order)."""
        return self.read(q.RELATED_BY_AUTHORS, {"id": paper_id, "limit": limit})

    def related_topic_frequencies(self, paper_id: str) -> list[Row]:
        """This paper's topics, each with how many other papers carry it."""
        return self.read(q.RELATED_TOPIC_FREQUENCIES, {"id": paper_id})

    def related_by_topics(self, paper_id: str, weights: Sequence[Row], limit: int = 50) -> list[Row]:
        """Other papers sharing any of `weights` ({id, label, weight: int}), heaviest total first."""
        if not weights:
            return []
        topics = [{"id": w["id"], "label": w["label"], "weight": int(w["weight"])} for w in weights]
        return self.read(q.RELATED_BY_TOPICS, {"id": paper_id, "topics": topics, "limit": limit})

    def paper_topic_labels(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Topic labels of each paper (papers without topics are left out; labels in no set order)."""
        return {r["id"]: r["topics"] for r in self.read(q.EXPLORE_PAPER_TOPICS_BY_ID, {"ids": list(ids)})}

    def paper_count(self) -> int:
        return int(self._scalar(q.COUNT_LABEL["Paper"]) or 0)

    # ------------------------------------------------------------ projections
    def coauthor_papers(self, year_from: int | None = None, year_to: int | None = None) -> list[Row]:
        """One row per paper with its author ids: the raw material of the co-author graph."""
        return self.read(q.COAUTHOR_PAPERS, {"year_from": year_from, "year_to": year_to})

    def paper_topic_rows(self) -> list[Row]:
        return self.read(q.PAPER_TOPIC_ROWS)

    def author_institution_rows(self) -> list[Row]:
        return self.read(q.AUTHOR_INSTITUTION_ROWS)

    def author_names_by_id(self, ids: Iterable[str]) -> dict[str, str]:
        return {r["id"]: r["name"] for r in self.read(q.AUTHOR_NAMES_BY_ID, {"ids": list(ids)})}

    def papers_by_id(self, ids: Iterable[str]) -> list[Row]:
        return self.read(q.PAPERS_BY_ID, {"ids": list(ids)})
