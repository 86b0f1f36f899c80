"""The analytics' slow views, computed once per build and kept on disk beside the graph.

Why: on the full snapshot a fresh process spends seconds reading the projection rows and
~30 s of one core on the betweenness, Louvain, topic leaders and the Systems ∩ ML tables; every
restarted server (its first visitor) and every CLI command paid that again. `precompute`
runs them once from one projection and `save` pickles the rows (`GraphData`) with the
projection's memoised whole-graph views; `projection()` loads them back for the same
build, so a fresh process starts warm.

Beside it, same key: `views-*.pkl`, the projection's derived views (co-author graph, per-author
tallies, name index; unpickled on first use, ~1 s instead of ~5 s computed), and `search-*.pkl`, the
paper search and author name indexes `mlsys-atlas search` needs. With them a CLI analytics command
answers in a fresh process in well under 5 s on the full snapshot (issue 16; BENCHMARKS.md).

The file is keyed by the build (`built_at` of the build report in the data directory)
and the store's fingerprint (node and relationship counts): a rebuild, ingest or re-tag
changes the key, the old file is ignored and the next `save` removes it. Pickle is safe
here: the file is written by this program into its own data directory and never comes
from outside.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph import config
from graph.analytics.projections import GraphData, Projection
from graph.build_report import REPORT_FILE
from graph.forked import Forked
from graph.gc_pause import gc_paused
from graph.store import GraphStore

log = logging.getLogger(__name__)

CACHE_DIR = "cache"
FORMAT = 5  # bump when the pickled shapes or texts change, so old files are ignored (2: GraphData.topic_names,
# the bridge evidence wording; 3: PaperRecord.listed; 4: bridge institutions by fractional membership;
# 5: Affiliation.main)
# Memo entries worth keeping: whole-graph views that take seconds. Not the name index or the typed
# graph (rebuilt in well under a second from the data, and large to pickle).
SAVED_MEMOS = ("louvain", "community_members", "community", "topic_shares", "cross_betweenness", "backgrounds",
               "answer")


# The longest bridge lists `precompute` saves (the page's slider and the CLI's --limit cut them).
BRIDGE_PEOPLE, BRIDGE_INSTITUTIONS = 100, 25


def data_dir_of(store: GraphStore) -> Path:
    server = getattr(store, "server", None)
    return Path(getattr(server, "data_dir", None) or config.data_dir())


def build_id(data_dir: Path) -> str:
    """The build's timestamp from its report ('' when the graph was loaded another way)."""
    try:
        return str(json.loads((data_dir / REPORT_FILE).read_text()).get("built_at", ""))
    except (OSError, ValueError):
        return ""


def cache_path(store: GraphStore, stamp: tuple[Any, ...], kind: str = "analytics") -> Path:
    """The file of one kind of cached state (analytics, or graph/related_index.py's "related") for this build."""
    data_dir = data_dir_of(store)
    key = json.dumps([FORMAT, store.backend, getattr(store, "graph_name", ""), build_id(data_dir), list(stamp)],
                     default=str)
    return data_dir / CACHE_DIR / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pkl"


def enabled() -> bool:
    """ATLAS_BUILD_CACHE=0 turns the disk cache off (benchmarks measure the cold path with it)."""
    return config.settings().build_cache


# path -> (thread, {"saved": ...}) of a file `prefetch` is reading ahead
_PREFETCHED: dict[Path, tuple[threading.Thread, dict[str, Any]]] = {}


def _read(path: Path) -> dict[str, Any]:
    with open(path, "rb") as handle, gc_paused():
        return pickle.load(handle)  # noqa: S301 - our own file in our own data directory (see module doc)


def prefetch(data_dir: Path, *, views: bool = False) -> None:
    """Start reading the data directory's analytics cache (and with `views`, its derived views) in a thread,
    before the store is open.

    Why: a command line process first starts the embedded store (the server loads the graph: ~1.5 s on
    the full snapshot) and only then knows the cache's key (the store's counts); unpickling the files
    (~1 s each) can run meanwhile on the other core. `load`/`load_views` take a result only if it is the
    very file of the store's build and counts; otherwise it is dropped. There is one file of each kind per
    data directory (`save` removes older ones); with none or several, nothing is read ahead.
    """
    if not enabled():
        return
    files = [found[0] for kind in ("analytics", "views")[:2 if views else 1]
             if len(found := list((Path(data_dir) / CACHE_DIR).glob(f"{kind}-*.pkl"))) == 1]
    files = [f for f in files if f not in _PREFETCHED]
    if not files or not files[0].name.startswith("analytics-"):
        return
    results: list[dict[str, Any]] = [{} for _ in files]

    def run() -> None:
        for path, result in zip(files, results, strict=True):
            try:
                result["saved"] = _read(path)
            except Exception:  # noqa: BLE001 - `load` reads it again and reports what is wrong
                return

    thread = threading.Thread(target=run, name="atlas-cache-prefetch", daemon=True)
    thread.start()
    for path, result in zip(files, results, strict=True):
        _PREFETCHED[path] = (thread, result)


def _prefetched(path: Path) -> Any:
    """What `prefetch` read from `path` (waiting for it), or None."""
    entry = _PREFETCHED.pop(path, None)
    if entry is None:
        return None
    entry[0].join()
    return entry[1].get("saved")


def load(store: GraphStore, stamp: tuple[Any, ...]) -> tuple[GraphData, dict[Any, Any]] | None:
    """(rows, memo entries) saved for this build, or None (no file, another build, unreadable)."""
    if not enabled():
        return None
    path = cache_path(store, stamp)
    for other in [p for p in _PREFETCHED if p.name.startswith("analytics-") and p != path]:
        _PREFETCHED.pop(other, None)  # another build's file: dropped (its views with it, in load_views)
    if not path.exists():
        _PREFETCHED.clear()
        return None
    try:
        saved = _prefetched(path) or _read(path)
    except Exception:  # noqa: BLE001 - a damaged cache only means computing again
        log.warning("ignoring unreadable analytics cache %s", path, exc_info=True)
        return None
    data, memo = saved["data"], saved["memo"]
    return (data, memo) if data.fingerprint == tuple(stamp) else None


def load_views(store: GraphStore, stamp: tuple[Any, ...]) -> bytes | dict[str, Any] | None:
    """The derived views (projections.SAVED_VIEWS) saved for this build: as bytes that the projection
    unpickles on first use (a command that needs none of them pays only for reading the file), or already
    unpickled when `prefetch` read them ahead."""
    if not enabled():
        return None
    path = cache_path(store, stamp, "views")
    ahead = _prefetched(path)
    _PREFETCHED.clear()
    if ahead is not None:
        return ahead
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write(path: Path, write: Callable[[Any], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as handle:
        write(handle)
    Path(handle.name).replace(path)  # atomic: a reader never sees half a file
    kind = path.name.split("-", 1)[0]
    for old in path.parent.glob(f"{kind}-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)


def save(store: GraphStore, proj: Projection) -> Path | None:
    """Write the rows and the saved memo entries of the all-years projection, and its derived views in a
    file of their own (views-*.pkl, same key); remove older files."""
    if not enabled():
        return None
    path = cache_path(store, proj.data.fingerprint)
    memo = {k: v for k, v in dict(proj._memo).items() if _saved_kind(k)}
    _write(path, lambda handle: pickle.dump({"data": proj.data, "memo": memo}, handle,
                                            protocol=pickle.HIGHEST_PROTOCOL))
    if proj.year_from is None and proj.year_to is None:
        views = proj.views_to_save()
        _write(cache_path(store, proj.data.fingerprint, "views"), lambda handle: handle.write(views))
    return path


def _search_parts(store: GraphStore, proj: Projection) -> dict[str, Any]:
    """The search file's parts for this build ({} when there is none): topic names, pickled indexes."""
    if not enabled() or proj.year_from is not None or proj.year_to is not None:
        return {}
    try:
        return _read(cache_path(store, proj.data.fingerprint, "search"))
    except Exception:  # noqa: BLE001 - no file (or a damaged one) only means building the index
        return {}


def paper_search(store: GraphStore, proj: Projection, topic_names: dict[str, str]) -> Any:
    """graph.search.paper_search(proj, topic_names), from the build's search file when it was saved for
    these same topic names (`mlsys-atlas search` answers in a fresh process: building it is ~3 s on the
    full snapshot, unpickling it well under one)."""
    from graph.search import paper_search as build

    parts = _search_parts(store, proj)
    if parts.get("topic_names") == topic_names and parts.get("papers"):
        with gc_paused():
            return pickle.loads(parts["papers"])  # noqa: S301 - our own file (see module doc)
    return build(proj, topic_names)


def author_name_index(store: GraphStore, proj: Projection) -> Any:
    """The explorer's author NameIndex (graph.search) over `explore.author_index_rows`, from the build's search
    file when saved (reading 100k rows from the store and folding them: ~4 s on the full snapshot)."""
    from graph import explore
    from graph.search import NameIndex

    parts = _search_parts(store, proj)
    if parts.get("names"):
        with gc_paused():
            return pickle.loads(parts["names"])  # noqa: S301 - our own file (see module doc)
    return NameIndex(explore.author_index_rows(store), weight_field="papers")


def save_search(store: GraphStore, proj: Projection) -> Path | None:
    """Build and save the search file (paper search and author name index) of the all-years projection."""
    from graph import explore
    from graph.search import NameIndex
    from graph.search import paper_search as build

    if not enabled() or proj.year_from is not None or proj.year_to is not None:
        return None
    topic_names = {t["label"]: t.get("name") or t["label"] for t in explore.topics(store)}
    names = NameIndex(explore.author_index_rows(store), weight_field="papers")
    parts = {"topic_names": topic_names,
             "papers": pickle.dumps(build(proj, topic_names), protocol=pickle.HIGHEST_PROTOCOL),
             "names": pickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL)}
    path = cache_path(store, proj.data.fingerprint, "search")
    _write(path, lambda handle: pickle.dump(parts, handle, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def answer(proj: Projection, name: str, compute: Callable[[], Any], *args: Any) -> Any:
    """A page's answer memoised on the projection under ("answer", name, *args), so it is saved too."""
    return proj.memo(("answer", name, *args), compute)


def _saved_kind(key: Any) -> bool:
    return (key[0] if isinstance(key, tuple) else key) in SAVED_MEMOS


def _bridge_list(proj: Projection, method: str) -> Any:
    from graph.analytics import bridges

    return answer(proj, "bridge_people", lambda: bridges.bridge_people(proj, BRIDGE_PEOPLE, method=method),
                  BRIDGE_PEOPLE, method)


def _betweenness_memos(proj: Projection) -> dict[Any, Any]:
    """The betweenness bridge list: the saved memo entries it adds (what a forked child hands back). It reads no
    other step's answer, and no other step reads it."""
    before = set(proj._memo)
    with gc_paused():  # the child's own collector: the parent's steps pause theirs (`precompute`)
        _bridge_list(proj, "betweenness")
    return {k: v for k, v in proj._memo.items() if k not in before and _saved_kind(k)}


def precompute(store: GraphStore, *, progress: Callable[[str, float], None] | None = None,
               fork: bool = False) -> dict[str, float]:
    """Compute what the explorer's first visits and the CLI need, then save it. Seconds per step.

    With `fork`, the betweenness bridge list (~9 s of one core on the full snapshot for 256 sources, a seeded and
    deterministic computation on the projection alone) is computed in a forked child while this process does
    every other step (~18 s), so `mlsys-atlas warm` uses both cores; its memo entries are the child's, equal to
    the ones a call here makes (tests/analytics/test_build_cache.py). (In session 71 the child computed Louvain's
    communities, then ~22 s of networkx; networkit's take ~2 s, so the longer betweenness went back to the child.)
    Not from the explorer's server: it calls this from a thread, and forking a threaded process is unsafe."""
    from graph import related_index, topic_analytics
    from graph.analytics import bridges, communities, overlap, trends
    from graph.analytics.cli import trend_rows
    from graph.analytics.projections import projection

    timings: dict[str, float] = {}

    def step(name: str, run: Callable[[], Any]) -> None:
        start = time.perf_counter()
        # the steps make millions of acyclic objects (rows, dicts, networkx's adjacency): with the collector
        # on, its scans were ~20 s of the ~90 s of CPU a warm of the full snapshot took (BENCHMARKS.md,
        # "Analytics › The collector paused while warming")
        with gc_paused():
            run()
        timings[name] = round(time.perf_counter() - start, 2)
        if progress:
            progress(name, timings[name])

    holder: dict[str, Projection] = {}
    step("projection", lambda: holder.setdefault("proj", projection(store)))
    proj = holder["proj"]
    known = set(proj._memo)
    beside = Forked(_betweenness_memos, proj, fork=fork, name="atlas-warm-betweenness")
    try:
        step("communities", lambda: communities.louvain_communities(proj, top=50))
        step("backgrounds", lambda: [overlap.mlsys_author_backgrounds(proj, mode) for mode in ("prior", "any")])
        step("bridge people", lambda: _bridge_list(proj, "participation"))
        step("bridge institutions", lambda: answer(proj, "bridge_institutions",
                                                   lambda: bridges.bridge_institutions(proj, BRIDGE_INSTITUTIONS),
                                                   BRIDGE_INSTITUTIONS))
        step("mixes", lambda: answer(proj, "mix", lambda: trends.sector_mix(proj, community="mlsys"),
                                     "sector", "mlsys"))
        step("trends (CLI defaults)", lambda: [trend_rows(proj, view) for view in ("movers", "topics", "institutions",
                                                                               "countries", "sectors")])
        step("topic movers", lambda: [trends.explorer_movers(proj, k) for k in ("pillar", "topic")])
        step("topic tables", lambda: topic_analytics.all_tables(store, proj))
        step("topic leaders", lambda: topic_analytics.all_leaders(store, proj))
        step("related papers index", lambda: related_index.save(store))
        if not cache_path(store, proj.data.fingerprint, "search").exists():
            step("search indexes", lambda: save_search(store, proj))
        forked = beside.in_child
        step("betweenness (waited for)" if forked else "betweenness",
             lambda: [proj._memo.setdefault(k, v) for k, v in beside.result().items()])
    except BaseException:
        beside.cancel()  # a failed step: the child's answer is no longer wanted
        raise
    new = [k for k in set(proj._memo) - known if _saved_kind(k)]
    saved = cache_path(store, proj.data.fingerprint).exists() and proj.has_saved_views and not new
    if not saved:  # already saved for this build (with its views and every answer): nothing new
        step("save", lambda: save(store, proj))
    return timings
