"""Cached access to the community and topic analytics (`graph.analytics`, `graph.topic_analytics`).

The analytics run in networkx on a projection of the whole graph. The slow whole-graph
views (communities, bridges, backgrounds, topic leaders and tables) are computed once per
build and saved beside the graph (`graph.analytics.build_cache`; `make run` runs
`mlsys-atlas warm` before starting the server), and the projection is read in a
background thread as soon as the server serves its first script run, so a first visit
answers from memory. Answers are also cached per build (`StoreKey`) and arguments, so a
rerun or a second visitor never recomputes them. Each wrapper imports its module lazily
so a page can say "lands with issue N" while a module does not exist yet.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from typing import Any

import streamlit as st

from ui.data import StoreKey, store_for
from ui.widgets import optional_module

log = logging.getLogger(__name__)
SPINNER = "Computing over the whole co-author graph (the first time after a start takes a few seconds)…"


def _warm(key: StoreKey) -> None:
    """Read the projection (from the build cache when `mlsys-atlas warm` ran); when this build has no saved
    analytics, `mlsys-atlas warm` computes and saves them in a child process, and its answers go into the
    projection this server holds, so later starts on this build are warm at once.

    The child starts before this process reads its projection, which it reads beside it: ~6 s on FalkorDB and
    ~10 s on Neo4j that the warm-up used to wait for first (BENCHMARKS.md, "Analytics", session 56)."""
    try:
        build_cache = optional_module("graph.analytics.build_cache")
        if build_cache is None or not build_cache.enabled():
            _projection(key)
            return
        child = None if _saved(build_cache, key) else _WarmChild(key)
        try:
            proj = _projection(key)
        finally:  # waited for even when the read failed: no child is left behind
            finished = child is not None and child.finished()
        warm_already = any(isinstance(k, tuple) and k[:2] == ("answer", "topic_leaders") for k in proj._memo)
        if finished:
            saved = build_cache.load(store_for(key), proj.data.fingerprint)
            if saved is not None:  # the child's answers, into the projection this server already holds
                for memo_key, value in saved[1].items():
                    proj._memo.setdefault(memo_key, value)
                return
        if not warm_already:
            build_cache.precompute(store_for(key))
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first analytics page does the work
        log.warning("analytics warm-up failed", exc_info=True)


def _saved(build_cache: Any, key: StoreKey) -> bool:
    """Whether this build's analytics are saved already (a file check and the store's counts: milliseconds)."""
    store = store_for(key)
    return build_cache.cache_path(store, optional_module("graph.analytics.projections").fingerprint(store)).exists()


class _WarmChild:
    """`mlsys-atlas warm` for the key's store in a child process.

    Why: in this server's thread (the first start after every build or ingest), the warm-up was ~85 s of one
    core on the full snapshot, holding the GIL against every page render; the command uses both cores (its
    betweenness in a forked child of its own) and leaves this process free (BENCHMARKS.md, "Analytics",
    sessions 55 and 56). The child reads the Neo4j credentials as this process did (the environment, then the
    Streamlit secrets files: `Neo4jStore.from_environment`); if it cannot, it fails and the caller computes here.
    Its error output goes to a file, not a pipe nobody reads while this process reads its projection.
    """

    def __init__(self, key: StoreKey) -> None:
        env = {**os.environ, "ATLAS_STORE": key[0], "ATLAS_DATA_DIR": key[1], "ATLAS_GRAPH": key[2]}
        self._errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self._process = subprocess.Popen([sys.executable, "-m", "atlas_cli", "warm"], env=env,
                                         stdout=subprocess.DEVNULL, stderr=self._errors, text=True)

    def finished(self) -> bool:
        """Wait for the command; True if it finished, else its error output goes to the log."""
        code = self._process.wait()
        with self._errors:
            if code != 0:
                self._errors.seek(0)
                log.warning("mlsys-atlas warm failed (exit %s); computing the analytics in this process:\n%s",
                            code, self._errors.read()[-2000:])
        return code == 0


@st.cache_resource(show_spinner=False, max_entries=4)
def warm_up(key: StoreKey) -> threading.Thread | None:
    """Read the analytics projection in the background once per build, so the first visit to an
    analytics page (or a profile's systems/ML facts) does not wait seconds for it."""
    if optional_module("graph.analytics") is None:
        return None
    thread = threading.Thread(target=_warm, args=(key,), name="atlas-analytics-warm-up", daemon=True)
    thread.start()
    return thread


def module(name: str) -> Any:
    return optional_module(name)


def available(*names: str) -> bool:
    return all(optional_module(n) is not None for n in names)


PRECOMPUTED_BRIDGES = 100  # graph.analytics.build_cache.precompute ranks this many bridge people


def _answer(proj: Any, name: str, compute: Any, *args: Any) -> Any:
    """A whole-graph answer memoised on the projection (and so saved with the build by `precompute`)."""
    return proj.memo(("answer", name, *args), compute)


def _projection(key: StoreKey, year_from: int | None = None, year_to: int | None = None) -> Any:
    analytics = optional_module("graph.analytics")
    return analytics.projection(store_for(key), year_from, year_to)


# ------------------------------------------------------------------ search
@st.cache_resource(show_spinner="Indexing titles and topics for search…", max_entries=4)
def paper_search(key: StoreKey) -> Any:
    """Whole-word title and topic search, and the people behind a query (graph.search.PaperSearch): from the
    build's search file when `mlsys-atlas warm` saved it for these topic names (see graph.analytics.build_cache),
    else built from the projection."""
    from ui.data import topics

    build_cache = optional_module("graph.analytics.build_cache")
    names = {t["label"]: t.get("name") or t["label"] for t in topics(key)}
    return build_cache.paper_search(store_for(key), _projection(key), names)


# ------------------------------------------------------------------ members
@st.cache_data(show_spinner=SPINNER, max_entries=256)
def connection(key: StoreKey, source: str, target: str, k: int, via_institutions: bool,
               year_from: int | None, year_to: int | None) -> Any:
    paths = optional_module("graph.analytics.paths")
    return paths.connection_paths(_projection(key, year_from, year_to), source, target, k,
                                  via_institutions=via_institutions)


@st.cache_data(show_spinner=SPINNER, max_entries=256)
def suggestions(key: StoreKey, author: str, k: int, mode: str, max_hops: int) -> list[Any]:
    suggest = optional_module("graph.analytics.suggest")
    return suggest.suggest_collaborators(_projection(key), author, k, mode=mode, max_hops=max_hops)


@st.cache_data(show_spinner=False, max_entries=1024)
def candidate_facts(key: StoreKey, authors: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Pillars/topics and the sector of the latest institution of each person, for filtering suggestions."""
    sectors = optional_module("graph.analytics.sectors")
    proj = _projection(key)
    out: dict[str, dict[str, Any]] = {}
    for author in authors:
        topics = [label for label, _ in proj.author_topics.get(author, Counter()).most_common()]
        by_year = proj.author_institutions.get(author, {})
        latest = by_year[max(by_year, key=lambda y: y or 0)] if by_year else ()
        names = [proj.institution_info.get(i, (i, None))[0] for i in sorted(latest)]
        out[author] = {"topics": topics, "institution": ", ".join(names),
                       "papers": len(proj.author_papers.get(author, ())),
                       "sector": sectors.classify_institution(names[0]) if names and sectors else "unknown"}
    return out


@st.cache_data(show_spinner=SPINNER, max_entries=256)
def person_analytics(key: StoreKey, author: str) -> dict[str, Any] | None:
    """Background class, systems lean and bridge participation of one person."""
    profile = optional_module("graph.analytics.profile")
    bridges = optional_module("graph.analytics.bridges")
    if profile is None or bridges is None:
        return None
    proj = _projection(key)
    if not proj.known(author):
        return None
    # with_community=False: the community needs the whole-graph Louvain, which the organiser page computes.
    result = profile.person_profile(proj, author, with_community=False)
    k_sys, k_ml = bridges.side_links(proj, author)
    return {"background": result.background, "systems_lean": result.systems_lean,
            "participation": round(bridges.participation(k_sys, k_ml), 3),
            "systems_links": round(k_sys, 1), "ml_links": round(k_ml, 1)}


@st.cache_data(show_spinner="Finding communities with Louvain on the co-author graph (slow the first time)…",
               max_entries=256)
def person_community(key: StoreKey, author: str) -> Any:
    """The labelled Louvain community of one person, or None when they have no co-authors."""
    module_ = optional_module("graph.analytics.communities")
    return module_.community_of(_projection(key), author) if module_ else None


# ------------------------------------------------------------------ organisers
@st.cache_data(show_spinner=SPINNER, max_entries=16)
def backgrounds(key: StoreKey, mode: str) -> tuple[list[Any], dict[str, float]]:
    overlap = optional_module("graph.analytics.overlap")
    rows = overlap.background_by_year(_projection(key), mode)
    return rows, overlap.background_change(rows)


def change_start(rows: list[Any]) -> int | None:
    """The year `backgrounds`' change is measured from (graph.analytics.overlap.change_start)."""
    return optional_module("graph.analytics.overlap").change_start(rows)


@st.cache_data(show_spinner=SPINNER, max_entries=16)
def mlsys_authors(key: StoreKey, mode: str, year: int) -> list[Any]:
    overlap = optional_module("graph.analytics.overlap")
    return [row for row in overlap.mlsys_author_backgrounds(_projection(key), mode) if row.year == year]


@st.cache_data(show_spinner=SPINNER, max_entries=16)
def bridge_people(key: StoreKey, top: int, method: str) -> list[Any]:
    bridges = optional_module("graph.analytics.bridges")
    proj = _projection(key)
    if top <= PRECOMPUTED_BRIDGES:  # the page's slider stays within the precomputed list
        return _answer(proj, "bridge_people", lambda: bridges.bridge_people(proj, PRECOMPUTED_BRIDGES, method=method),
                       PRECOMPUTED_BRIDGES, method)[:top]
    return bridges.bridge_people(proj, top, method=method)


@st.cache_data(show_spinner=SPINNER, max_entries=16)
def bridge_institutions(key: StoreKey, top: int) -> list[Any]:
    bridges = optional_module("graph.analytics.bridges")
    proj = _projection(key)
    return _answer(proj, "bridge_institutions", lambda: bridges.bridge_institutions(proj, top), top)


@st.cache_data(show_spinner="Finding communities with Louvain on the co-author graph (slow the first time)…",
               max_entries=8)
def communities(key: StoreKey, top: int, resolution: float = 1.0) -> list[Any]:
    module_ = optional_module("graph.analytics.communities")
    return module_.louvain_communities(_projection(key), top=top, resolution=resolution)


@st.cache_data(show_spinner=SPINNER, max_entries=16)
def topic_movers(key: StoreKey, kind: str | None, community: str | None = None) -> list[Any]:
    """Rising and falling labels among the papers of one venue community (`None`: all venues), over the years the
    Topics trend shows (`trends.MIN_YEAR_PAPERS`)."""
    return optional_module("graph.analytics.trends").explorer_movers(_projection(key), kind, community)


@st.cache_data(show_spinner=SPINNER, max_entries=16)
def mix(key: StoreKey, what: str, community: str | None) -> list[dict[str, Any]]:
    """Institution, country or sector mix of papers per year (trends.*_mix)."""
    trends = optional_module("graph.analytics.trends")
    proj = _projection(key)
    return _answer(proj, "mix", lambda: getattr(trends, f"{what}_mix")(proj, community=community), what, community)


# ------------------------------------------------------------------ topics (graph.topic_analytics)
@st.cache_data(show_spinner="Counting topics…", max_entries=32)
def topic_table(key: StoreKey, name: str, kind: str | None) -> list[dict[str, Any]]:
    """One of `graph.topic_analytics.TABLES` for a kind of label."""
    topic_analytics = optional_module("graph.topic_analytics")
    return topic_analytics.table(store_for(key), _projection(key), name, kind)


@st.cache_data(show_spinner="Ranking people, institutions and papers for this topic…", max_entries=64)
def topic_leaders(key: StoreKey, label: str, limit: int = 20) -> dict[str, list[dict[str, Any]]]:
    topic_analytics = optional_module("graph.topic_analytics")
    # every label's leaders in one pass over the projection (saved with the build), not a store scan per topic
    return topic_analytics.topic_leaders(store_for(key), _projection(key), label, limit)


# ------------------------------------------------------------------ programme committee
PC_COI_YEARS = 3  # the page's default conflict window (and the one the server's preload answers for the example)


@st.cache_data(show_spinner=False, max_entries=4)
def pc_example_csvs(key: StoreKey) -> tuple[str, str]:
    """A small PC and submissions drawn from the graph itself, to try the page without files: the most
    published MLSys and ML authors (with ids, as an organiser with DBLP/OpenReview ids would give them: the
    example shows the audit, not namesakes), one name not in the graph, and six MLSys papers."""
    import pandas as pd

    from ui import data

    people = data.top_authors(key, "mlsys", 8) + data.top_authors(key, "ml", 3)
    members = pd.DataFrame([{"name": p["name"], "affiliation": "", "author_id": p["id"]} for p in people]
                           + [{"name": "Nobody Inparticular", "affiliation": "Nowhere University", "author_id": ""}])
    papers = data.search_papers(key, "", None, None, ("MLSys",), None, False, 6)
    authors = data.paper_author_lists(key, tuple(p["id"] for p in papers))
    submissions = pd.DataFrame([{"id": f"S{i}", "title": p["title"], "authors": "; ".join(authors.get(p["id"], []))}
                                for i, p in enumerate(papers, start=1)])
    return members.to_csv(index=False), submissions.to_csv(index=False)


@st.cache_data(show_spinner="Matching names and checking conflicts…", max_entries=16)
def pc_audit(key: StoreKey, members_csv: str, submissions_csv: str | None, coi_years: int,
             resolutions: tuple[tuple[str, str], ...] = ()) -> Any:
    """`resolutions`: (name as given, author id) pairs the organiser picked for ambiguous names."""
    pc = optional_module("graph.analytics.pc_audit")
    # StringIO, never str: the readers treat a one-line string naming an existing file as a path to open.
    members = pc.read_members_csv(io.StringIO(members_csv))
    submissions = pc.read_submissions_csv(io.StringIO(submissions_csv)) if submissions_csv else None
    return pc.audit_program_committee(_projection(key), members, submissions, coi_years=coi_years,
                                      resolutions=dict(resolutions))


@st.cache_data(show_spinner=False, max_entries=16)
def pc_audit_tables(key: StoreKey, members_csv: str, submissions_csv: str | None, coi_years: int,
                    resolutions: tuple[tuple[str, str], ...] = ()) -> dict[str, list[dict[str, Any]]]:
    """The audit's CSV-ready tables, cached like the audit: flattening every conflict's evidence took
    0.4 s per run of the page on the full snapshot."""
    return pc_audit(key, members_csv, submissions_csv, coi_years, resolutions).tables()
