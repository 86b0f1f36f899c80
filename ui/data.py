"""The pages' only door to the graph: one cached store per configuration, cached answers per build.

`st.cache_resource` holds the store connection (and the in-memory name indexes) so a
rerun never reconnects; `st.cache_data` holds query answers. Every cached answer is
keyed by `StoreKey` — backend, data directory, graph name and the build's timestamp —
so two data directories (tests, several apps) never share answers and a rebuild
invalidates them all without a restart.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import streamlit as st

from graph import config, explore
from graph.build_report import last_report, quarantined_records
from graph.errors import AtlasError
from graph.explore import GraphView
from graph.open import open_store
from graph.search import NameIndex, TitleVocabulary
from graph.store import GraphStore, Row

StoreKey = tuple[str, str, str, str]  # backend, data dir, graph name, id of the last build


def store_key() -> StoreKey:
    """The cache key of the graph now being served.

    The build id comes from the graph itself where the store keeps one (Neo4j: a rebuild from
    another machine invalidates every explorer's caches); else from the build's report as the
    store holds it (swapped in with the graph), so a build killed before it re-wrote
    `build_report.json` still invalidates every cached answer.
    """
    data_dir = config.data_dir()
    backend, graph_name = config.settings().store, config.graph_name()
    try:
        store = _open_store(backend, str(data_dir), graph_name)
        build = store.build_id()
        if build is None:
            build = str((last_report(data_dir, store) or {}).get("built_at", ""))
    except AtlasError:
        build = str((last_report(data_dir) or {}).get("built_at", ""))  # the page itself explains an unreachable store
    return backend, str(data_dir), graph_name, build


def _alive(store: GraphStore) -> bool:
    """Validate a cached store: a dead connection (server restarted, crashed) is reopened."""
    try:
        store.exists()
    except Exception:  # noqa: BLE001 - any failure means "reconnect"
        return False
    return True


def _close(store: GraphStore) -> None:
    with contextlib.suppress(Exception):
        store.close()


@st.cache_resource(show_spinner="Connecting to the graph store…", validate=_alive, on_release=_close)
def _open_store(backend: str, data_dir: str, graph_name: str) -> GraphStore:
    """The embedded store opens the key's own directory, never the environment's: the analytics warm-up thread
    opens its store after the page run that made the key, and a server there read a later environment. In
    `make test` a test's warm-up outlived its `ATLAS_DATA_DIR` and started a server on the test process's default
    directory that nobody stopped (a red clean-clone CI, session 56)."""
    return open_store(backend, data_dir=Path(data_dir), graph_name=graph_name)


def store_for(key: StoreKey) -> GraphStore:
    return _open_store(key[0], key[1], key[2])


def get_store() -> GraphStore:
    return store_for(store_key())


# ------------------------------------------------------------------ in-memory indexes
@st.cache_resource(show_spinner="Indexing names for typo-tolerant search…", max_entries=4)
def author_index(key: StoreKey) -> NameIndex:
    return NameIndex(explore.author_index_rows(store_for(key)), weight_field="papers")


@st.cache_resource(show_spinner=False, max_entries=4)
def institution_index(key: StoreKey) -> NameIndex:
    return NameIndex(explore.institution_index_rows(store_for(key)), weight_field="authors",
                     extra_fields=("country",))


@st.cache_resource(show_spinner=False, max_entries=4)
def title_vocabulary(key: StoreKey) -> TitleVocabulary:
    return TitleVocabulary(explore.title_keys(store_for(key)))


# ------------------------------------------------------------------ build report and files
@st.cache_data(show_spinner=False, max_entries=8)
def build_report(key: StoreKey) -> dict[str, Any] | None:
    return last_report(Path(key[1]))


@st.cache_data(show_spinner=False, max_entries=8)
def quarantined(key: StoreKey, limit: int = 5000) -> list[dict[str, Any]]:
    return quarantined_records(Path(key[1]), limit=limit)


# ------------------------------------------------------------------ graph-wide answers
@st.cache_data(show_spinner=False, max_entries=8)
def counts(key: StoreKey) -> dict[str, Any]:
    return store_for(key).counts()


@st.cache_data(show_spinner=False, max_entries=8)
def coverage(key: StoreKey) -> list[dict[str, Any]]:
    """Per venue-year coverage (graph.coverage): papers held, accepted where known, and a status."""
    from graph import coverage as cov

    rows = counts(key)["papers_per_venue_year"]
    return [row.as_dict() for row in cov.coverage_table(rows, cov.read_facts(config.snapshot_dir()))]


def coverage_status(key: StoreKey, venue: str, year: int | None) -> str:
    for row in coverage(key):
        if row["venue"] == venue and row["year"] == year:
            return str(row["status"])
    return "missing"


@st.cache_data(show_spinner=False, max_entries=8)
def tag_inputs(key: StoreKey) -> list[Row]:
    from graph.queries import TAG_INPUTS_BY_COMMUNITY

    return store_for(key).read(TAG_INPUTS_BY_COMMUNITY)


@st.cache_data(show_spinner=False, max_entries=8)
def source_freshness(key: StoreKey) -> list[Row]:
    return store_for(key).source_freshness()


@st.cache_data(show_spinner=False, max_entries=8)
def venues(key: StoreKey) -> list[Row]:
    return explore.venues(store_for(key))


@st.cache_data(show_spinner=False, max_entries=8)
def topics(key: StoreKey) -> list[Row]:
    return explore.topics(store_for(key))


def topic_names(key: StoreKey) -> dict[str, str]:
    """label -> human name ("metrics" -> "ML beyond accuracy"), for every page that shows a topic."""
    return {t["label"]: t.get("name") or str(t["label"]).replace("_", " ") for t in topics(key)}


@st.cache_data(show_spinner=False, max_entries=32)
def top_authors(key: StoreKey, community: str, limit: int = 8) -> list[Row]:
    return explore.top_authors(store_for(key), community, limit)


# ------------------------------------------------------------------ search
@st.cache_data(show_spinner=False, max_entries=256)
def search_papers(key: StoreKey, text: str, year_from: int | None, year_to: int | None,
                  venue_names: tuple[str, ...], pillar: str | None, include_abstracts: bool,
                  limit: int = 200) -> list[Row]:
    return explore.search_papers(store_for(key), text, year_from=year_from, year_to=year_to, venues=venue_names,
                                 pillar=pillar, include_abstracts=include_abstracts, limit=limit)


@st.cache_data(show_spinner=False, max_entries=256)
def people_named(key: StoreKey, text: str, limit: int = 100) -> list[Row]:
    """People whose name has every typed word as a word prefix, most papers first: the store's full-text
    index (and its build-time lists for common names), fast at any size, unlike the in-memory NameIndex."""
    return store_for(key).search_people(text, limit)


@st.cache_data(show_spinner=False, max_entries=64)
def people_by_external_id(key: StoreKey, external_id: str) -> list[Row]:
    """People with this ORCID, DBLP pid, OpenReview or Semantic Scholar id."""
    from graph import queries as q

    return store_for(key).read(q.AUTHOR_BY_EXTERNAL_ID, {"id": external_id})


# ------------------------------------------------------------------ people
@st.cache_data(show_spinner=False, max_entries=512)
def author(key: StoreKey, author_id: str) -> Row | None:
    return store_for(key).author(author_id)


@st.cache_data(show_spinner=False, max_entries=256)
def author_papers(key: StoreKey, author_id: str) -> list[Row]:
    return store_for(key).author_papers(author_id)


@st.cache_data(show_spinner=False, max_entries=256)
def author_topics(key: StoreKey, author_id: str) -> list[Row]:
    return store_for(key).author_topics(author_id)


@st.cache_data(show_spinner=False, max_entries=256)
def coauthors(key: StoreKey, author_id: str, limit: int = 200) -> list[Row]:
    return store_for(key).coauthors(author_id, limit)


@st.cache_data(show_spinner=False, max_entries=256)
def author_institutions(key: StoreKey, author_id: str) -> list[Row]:
    return store_for(key).author_institutions(author_id)


@st.cache_data(show_spinner=False, max_entries=128)
def ego_network(key: StoreKey, author_id: str, limit: int = 30) -> GraphView:
    return explore.ego_network(store_for(key), author_id, limit)


# ------------------------------------------------------------------ papers and institutions
@st.cache_data(show_spinner=False, max_entries=512)
def paper(key: StoreKey, paper_id: str) -> Row | None:
    return store_for(key).paper(paper_id)


@st.cache_data(show_spinner=False, max_entries=256)
def paper_citations(key: StoreKey, paper_id: str) -> tuple[list[Row], list[Row]]:
    return explore.paper_citations(store_for(key), paper_id)


@st.cache_data(show_spinner=False, max_entries=256)
def related_papers(key: StoreKey, paper_id: str, limit: int = 10) -> list[Row]:
    """Ranked related papers with a one-line reason each (graph/related.py): from the in-memory index once the
    preload has it (ui/serve.py), else from the store's queries (same answer, 1-1.6 s on the full snapshot)."""
    from graph import related_index
    from graph.related import related_papers as rank

    store = store_for(key)
    return [{"id": r.id, "title": r.title, "year": r.year, "venue": r.venue, "score": round(r.score, 2),
             "reason": r.reason()} for r in rank(store, paper_id, limit, citations=paper_citations(key, paper_id),
                                                   index=related_index.loaded(store))]


@st.cache_data(show_spinner=False, max_entries=128)
def paper_author_lists(key: StoreKey, paper_ids: tuple[str, ...]) -> dict[str, list[str]]:
    return explore.paper_author_lists(store_for(key), paper_ids)


@st.cache_data(show_spinner=False, max_entries=128)
def paper_topics_by_id(key: StoreKey, paper_ids: tuple[str, ...]) -> dict[str, list[str]]:
    return explore.paper_topics_by_id(store_for(key), paper_ids)


@st.cache_data(show_spinner=False, max_entries=256)
def institution(key: StoreKey, inst_id: str) -> Row | None:
    return explore.institution(store_for(key), inst_id)


@st.cache_data(show_spinner=False, max_entries=256)
def institution_units(key: StoreKey, inst_id: str) -> list[Row]:
    return explore.institution_units(store_for(key), inst_id)


@st.cache_data(show_spinner=False, max_entries=256)
def institution_authors(key: StoreKey, inst_id: str) -> list[Row]:
    return explore.institution_authors(store_for(key), inst_id)


@st.cache_data(show_spinner=False, max_entries=256)
def institution_papers_by_year(key: StoreKey, inst_id: str) -> list[Row]:
    return explore.institution_papers_by_year(store_for(key), inst_id)


@st.cache_data(show_spinner=False, max_entries=4)
def affiliation_coverage(key: StoreKey) -> dict[int, float]:
    """A pass over every authorship (~0.5 s on the full snapshot): once per graph and server."""
    return explore.affiliation_coverage(store_for(key))


# ------------------------------------------------------------------ any node
@st.cache_data(show_spinner=False, max_entries=512)
def node(key: StoreKey, node_id: str) -> Row | None:
    return store_for(key).node(node_id)


@st.cache_data(show_spinner=False, max_entries=256)
def node_provenance(key: StoreKey, node_id: str) -> Row | None:
    return explore.node_provenance(store_for(key), node_id)


@st.cache_data(show_spinner=False, max_entries=512)
def neighbourhood(key: StoreKey, node_id: str, types: tuple[str, ...], year_from: int | None,
                  year_to: int | None, limit: int) -> list[Row]:
    return explore.neighbourhood(store_for(key), node_id, types=types or None, year_from=year_from,
                                 year_to=year_to, limit=limit)
