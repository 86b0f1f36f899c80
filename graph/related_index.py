"""The related-papers signals answered from memory: the same rows as the store's queries, in milliseconds.

Why: on the full snapshot (58k papers, 20 topics) the Paper page's Related papers panel
spent 1.0-1.6 s per paper in `related_by_topics`: a pillar is carried by thousands of
papers, and the store walks and sums every one of them for every first visit. The facts
it needs are small (every paper's authors and topics, every author's and topic's papers:
a few MB), so the explorer reads them once (`build`, three whole-graph reads), keeps them
in the server process and answers the same questions from arrays.

`RelatedIndex` has the store's method names and row shapes (`related_by_authors`,
`related_topic_frequencies`, `related_by_topics`, `paper_topic_labels`, `paper_count`), so
`graph.related.related_papers` ranks with either; tests/contract/test_related_contract.py
holds the two to the same answers on both stores. Ties are cut on the paper id as the
queries do: papers are numbered in id order, so a smaller number is a smaller id.

`mlsys-atlas warm` saves the index beside the analytics' build cache (same key: the build
and the store's counts), the server's preload loads it (`load`), and `loaded` answers
only what is already in memory, so a page never waits for the index: without it the
store's queries answer, as before.
"""

from __future__ import annotations

import logging
import pickle
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from graph import queries as q
from graph.gc_pause import gc_paused
from graph.store import GraphStore, Row

log = logging.getLogger(__name__)

KIND = "related"  # the build cache file's prefix (graph/analytics/build_cache.py)
FORMAT = 1  # bump when the pickled shape changes


@dataclass
class RelatedIndex:
    """Papers, authors and topics as numbers; lists indexed by those numbers."""

    ids: list[str]  # paper ids, sorted: a paper's number is its rank in id order
    titles: list[str | None]
    years: list[int | None]
    venues: list[str | None]
    paper_authors: list[tuple[int, ...]]  # per paper: its authors' numbers
    author_names: list[str | None]
    author_papers: list[np.ndarray]  # per author: the numbers of their papers, ascending
    paper_topics: list[tuple[int, ...]]  # per paper: its topics' numbers
    topics: list[Row]  # per topic: {id, label, name, kind}
    topic_papers: list[np.ndarray]  # per topic: the numbers of its papers, ascending
    fingerprint: tuple[Any, ...] = ()  # `stamp_of` the store it was read from

    def __post_init__(self) -> None:
        self.number = {paper_id: i for i, paper_id in enumerate(self.ids)}
        self.topic_number = {t["id"]: i for i, t in enumerate(self.topics)}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["number"], state["topic_number"]  # rebuilt on load: smaller file, same speed
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    # ------------------------------------------------------------ the store's questions
    def paper_count(self) -> int:
        return len(self.ids)

    def _paper_row(self, i: int) -> Row:
        return {"id": self.ids[i], "title": self.titles[i], "year": self.years[i], "venue": self.venues[i]}

    def related_by_authors(self, paper_id: str, limit: int = 50) -> list[Row]:
        """As `GraphStore.related_by_authors`: most shared authors first, then id; names without None."""
        me = self.number.get(paper_id)
        if me is None:
            return []
        shared: dict[int, list[int]] = {}
        for author in self.paper_authors[me]:
            for other in self.author_papers[author].tolist():
                if other != me:
                    shared.setdefault(other, []).append(author)
        best = sorted(shared, key=lambda other: (-len(shared[other]), other))[:limit]
        return [{**self._paper_row(other), "shared": len(shared[other]),
                 "names": sorted({name for a in shared[other] if (name := self.author_names[a]) is not None})}
                for other in best]

    def related_topic_frequencies(self, paper_id: str) -> list[Row]:
        """As `GraphStore.related_topic_frequencies`: this paper's topics by label, with how many other papers
        carry each."""
        me = self.number.get(paper_id)
        if me is None:
            return []
        rows = [{**self.topics[t], "papers": len(self.topic_papers[t]) - 1} for t in self.paper_topics[me]]
        return sorted(rows, key=lambda r: (r["label"] is None, r["label"] or ""))

    def related_by_topics(self, paper_id: str, weights: Sequence[Row], limit: int = 50) -> list[Row]:
        """As `GraphStore.related_by_topics`: other papers sharing any weighted topic, heaviest total first,
        then id; `labels` in the order of `weights`."""
        chosen = [(self.topic_number[w["id"]], w) for w in weights if w["id"] in self.topic_number]
        if not chosen:
            return []
        total = np.zeros(len(self.ids), dtype=np.int64)
        touched = np.zeros(len(self.ids), dtype=bool)
        for t, w in chosen:
            papers = self.topic_papers[t]
            total[papers] += int(w["weight"])  # a topic lists a paper once, so fancy-index addition is exact
            touched[papers] = True
        me = self.number.get(paper_id)
        if me is not None:
            touched[me] = False
        candidates = np.flatnonzero(touched)
        order = np.lexsort((candidates, -total[candidates]))[:limit]  # last key first: weight desc, then number
        out = []
        for i in candidates[order].tolist():
            labels = [w["label"] for t, w in chosen if _holds(self.topic_papers[t], i)]
            out.append({**self._paper_row(i), "weight": int(total[i]), "labels": labels})
        return out

    def paper_topic_labels(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """As `GraphStore.paper_topic_labels`: papers without topics are left out."""
        out: dict[str, list[str]] = {}
        for paper_id in ids:
            i = self.number.get(paper_id)
            if i is not None and self.paper_topics[i]:
                out[paper_id] = [self.topics[t]["label"] for t in self.paper_topics[i]]
        return out


def _holds(sorted_numbers: np.ndarray, i: int) -> bool:
    at = int(np.searchsorted(sorted_numbers, i))
    return at < len(sorted_numbers) and int(sorted_numbers[at]) == i


def _numbers(ids: Iterable[str], number: dict[str, int]) -> np.ndarray:
    return np.unique(np.fromiter((number[i] for i in ids if i in number), dtype=np.int32))


def stamp_of(store: GraphStore) -> tuple[Any, ...]:
    """Which graph the store holds now: the build's timestamp and the store's node and relationship counts
    (the analytics' fingerprint: answered from the databases' statistics, well under a millisecond)."""
    from graph.analytics.build_cache import build_id, data_dir_of
    from graph.analytics.projections import fingerprint

    return (build_id(data_dir_of(store)), *fingerprint(store))


def build(store: GraphStore) -> RelatedIndex:
    """Read the index from the store: three whole-graph reads (seconds on the full snapshot)."""
    stamp = stamp_of(store)
    papers = sorted(store.read(q.RELATED_INDEX_PAPERS), key=lambda r: r["id"])
    number = {r["id"]: i for i, r in enumerate(papers)}
    paper_authors: list[list[int]] = [[] for _ in papers]
    author_names: list[str | None] = []
    author_papers: list[np.ndarray] = []
    for a, row in enumerate(store.read(q.RELATED_INDEX_AUTHORS)):
        mine = _numbers(row["papers"] or (), number)
        author_names.append(row.get("name"))
        author_papers.append(mine)
        for i in mine.tolist():
            paper_authors[i].append(a)
    paper_topics: list[list[int]] = [[] for _ in papers]
    topics: list[Row] = []
    topic_papers: list[np.ndarray] = []
    for t, row in enumerate(store.read(q.RELATED_INDEX_TOPICS)):
        mine = _numbers(row["papers"] or (), number)
        topics.append({"id": row["id"], "label": row["label"], "name": row.get("name"), "kind": row.get("kind")})
        topic_papers.append(mine)
        for i in mine.tolist():
            paper_topics[i].append(t)
    return RelatedIndex([r["id"] for r in papers], [r.get("title") for r in papers], [r.get("year") for r in papers],
                        [r.get("venue") for r in papers], [tuple(a) for a in paper_authors], author_names,
                        author_papers, [tuple(t) for t in paper_topics], topics, topic_papers, stamp)


# ------------------------------------------------------------ kept in the process and beside the build
_LOCK = threading.Lock()
_LOADED: dict[tuple[Any, ...], RelatedIndex] = {}


def _cache_file(store: GraphStore, stamp: tuple[Any, ...]) -> Path | None:
    from graph.analytics import build_cache

    return build_cache.cache_path(store, (FORMAT, *stamp), kind=KIND) if build_cache.enabled() else None


def _read_file(path: Path | None, stamp: tuple[Any, ...]) -> RelatedIndex | None:
    if path is None or not path.exists():
        return None
    try:
        with open(path, "rb") as handle, gc_paused():
            index = pickle.load(handle)  # noqa: S301 - written by `save` into our own data directory
    except Exception:  # noqa: BLE001 - a damaged file only means reading the store again
        log.warning("ignoring unreadable related-papers index %s", path, exc_info=True)
        return None
    return index if isinstance(index, RelatedIndex) and index.fingerprint == tuple(stamp) else None


def load(store: GraphStore) -> RelatedIndex:
    """The index of the store's current graph: from memory, else the build cache, else the store."""
    from graph.analytics.projections import store_key

    stamp = stamp_of(store)
    with _LOCK:
        index = _LOADED.get(store_key(store))
        if index is not None and index.fingerprint == stamp:
            return index
        index = _read_file(_cache_file(store, stamp), stamp) or build(store)
        _LOADED[store_key(store)] = index
        return index


def loaded(store: GraphStore) -> RelatedIndex | None:
    """The index if this process already holds it for the store's current graph; never reads or builds it."""
    from graph.analytics.projections import store_key

    index = _LOADED.get(store_key(store))
    return index if index is not None and index.fingerprint == stamp_of(store) else None


def save(store: GraphStore) -> Path | None:
    """Write the store's index into the build cache (what `mlsys-atlas warm` does); older ones are removed."""
    index = load(store)
    path = _cache_file(store, index.fingerprint)
    if path is None:
        return None
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        Path(handle.name).replace(path)  # atomic: a reader never sees half a file
    for old in path.parent.glob(f"{KIND}-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def forget() -> None:
    """Drop every index held in this process (tests)."""
    with _LOCK:
        _LOADED.clear()
