"""Incremental ingest: add new record files' papers to the built corpus without rebuilding it.

`mlsys-atlas ingest` used to rebuild everything (merge + resolve + tag of ~60k papers) for a
few hundred new papers. A build of a data directory that holds ingested records (or any build
`ingest` runs) now leaves an *incremental state* beside its cache (`<data dir>/cache/incremental/`):
the resolved, tagged papers, the people, the organisations, a digest of the rows of each MERGE key
handed to the store (records kept as tuples on disk: ingest/state_codec.py), each mention's
parsed name and the corpus name statistics, and a fingerprint of every ingested record; on disk a base
file plus one delta file per ingest since (ingest/state_parts.py). When the
only change since is *added* records, `prepare_delta`:

1. merges the new records into the cached papers they share a strong id or an exact
   title key with (`identity.merge_papers` over those candidates and the new records);
2. tags only the papers whose tagging input is new (tags cached per input digest + TAGGER_VERSION);
3. resolves only the name blocks the new (and replaced) mentions fall into, closed over
   nicknames, people spanning blocks and shared strong ids, with reviewer and curator
   decisions applied (`identity.incremental.resolve_blocks`); every other person is the cached one, and
   so is a person the run gives back with the same mentions, none of them new (`_unchanged_people`);
4. recomputes the rows of what it touched (`_touched`: changed papers, papers whose people or
   organisations changed, the people resolved again and everyone on those papers; small labels
   whole) and diffs their digests against the kept ones: the delta (rows new or changed, rows
   gone) is what `ingest.build` writes to the live graph with MERGE / DELETE.

A person id a re-resolved block no longer has is kept in `id_aliases` of the person now
holding most of its mentions, and a paper id that changed because a new record joined the
paper is kept in the paper's `id_aliases`, so deep links keep resolving (`GraphStore.current_id`).

Records fetched again with a later date and nothing else changed move the dates of their papers and
people (`_redate`), as a full build would. A record updated in its content, or deleted, has its paper merged
again from the records it holds now (`State.record_groups`: which records each paper was merged from; the
snapshot's come from the build cache's read stage), and that paper goes through steps 1-4 like a new one.
When no record file changed since the state was made and the live graph is the state's, nothing is read and
nothing written (`NOTHING_NEW`). Anything else (a changed snapshot file, changed code or model, changed
reviewer or curator decisions, a changed or deleted ingested institution record, no state, more records
ingested, updated or deleted since the last full build than `FULL_BUILD_SHARE` of the papers built) returns
the reason, and the caller runs the normal (cached) full build. Documented differences from a
full build: docs/scale.md, "Incremental ingest"; measured by benchmarks/bench_incremental.py and
tests/test_incremental.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import marshal
import os
import pickle
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, compress, groupby
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from graph import config
from graph.forked import Forked
from graph.gc_pause import gc_paused
from graph.loader import node_rows, rel_rows
from graph.records import Author, Institution, Paper, Provenance, Quarantined, TopicTag
from graph.store import Row
from ingest import cache as build_cache
from ingest import link_answers, state_codec, state_parts, topics
from ingest.identity import curation, review
from ingest.identity.authors import authors_from, clean_authorships
from ingest.identity.given_index import GivenIndex
from ingest.identity.incremental import (
    NameInfo,
    NameStats,
    StatsMoved,
    affected_blocks,
    coauthor_groups_of,
    gone_by_forms,
    name_info,
    names_and_stats,
    resolve_blocks,
)
from ingest.identity.mentions import AUTHORSHIP_ID_FIELDS, mention_id_of, mentions_from_papers, strong_ids_of
from ingest.identity.papers import TITLE_MATCH, _strong_ids, merge_groups, title_key
from ingest.identity.review_items import encode as encode_queue_item
from ingest.institutions.link import correct_mislinks, link_institutions
from ingest.parallel_tags import BackgroundTagging
from ingest.pipeline import batch_from, drop_venue_mismatches
from ingest.recordio import _merge_institution, read_records, records_dir, undated

STATE_DIR = "incremental"
STATE_FILE = state_parts.BASE_FILE
META_FILE = "state.json"
STATE_FORMAT = 8  # bump when the State layout changes (4: a base file and delta files; 5: marshal row digests;
# 6: each distinct parsed name written once, and each printed name's parsed co-author group kept; 7: a record's
# print is its undated digest and its date, `record_print`; 8: the ingested institution records' prints, and
# the records each paper was merged from)
# what an ingest keeps beside a State for its save only: the state as read, the row digests and the records and
# statistics' keys it changed
_UNSAVED = ("_rows_cache", "_baseline", "_digest_changes", "_touched")
_LINK_FIELDS = attrgetter("author_id", "institution_id")
_COMMON_WORD = 200  # a title word on more cached papers says nothing (as in identity.papers._title_pairs)
# More records added, updated or deleted since the last full build than this share of the papers built, and a full
# build runs instead: it is exact, and from here on it costs little more than the ingest would (and the differences
# of the ingests before add up). Measured on the snapshot (bench_incremental.py, BENCHMARKS.md, session 50, ratios
# to a cold build without the state): new records = 2 % of the papers built, the ingest takes ~20 % of a cold build;
# 32 %, 84 %; 131 %, 133 %; and its difference from a full build grows with it (mentions in another person: 0.7 %,
# 3.1 %, 5.2 %).
FULL_BUILD_SHARE = 0.25


@dataclass
class State:
    """What the last build (or incremental ingest) of a data directory produced, ready to extend."""

    base: str  # every input but the ingested records: snapshot files, code, models, decisions
    records: dict[str, str]  # "<file>:<paper id>[#n]" of every ingested record -> `record_print` (`read_ingested`)
    files: list[str]
    papers_read: int
    skipped_by_status: dict[str, int]
    ingested_files: list[str]
    quarantined: list[Quarantined]
    institutions: dict[str, Institution]  # institutions the sources name (snapshot and records)
    merged: list[Paper]  # resolved (author ids), tagged, in the order a build assembles them
    authors: list[Author]
    organisations: list[Institution]
    review_queue: str
    names: dict[str, NameInfo]  # mention id -> parsed name facts
    stats: NameStats
    tags: dict[str, list[TopicTag]]  # tagging-input digest -> tags
    # label / type -> MERGE key -> digest of the rows of that key live in the graph (`_row_digest`): the rows
    # themselves were 2/3 of the state's bytes; an ingest recomputes the rows of what it touched and diffs
    # their digests (the full rows, for tests and benchmarks: `nodes` / `rels`, recomputed from the records)
    digests: dict[str, dict[Any, bytes]] = field(repr=False)
    key_fields: dict[str, list[str]] = field(repr=False)  # label / type -> the fields of its MERGE key
    venue_names: dict[str, str] = field(repr=False)  # venue id -> name (a Paper row carries its venue's name)
    # mention id -> the institution id its source gave, before linking replaced it with an organisation's:
    # linking again reads the source's country, ROR and OpenAlex id through it
    source_ids: dict[str, str] = field(default_factory=dict, repr=False)
    resolved_again: set[str] = field(default_factory=set, repr=False)  # mention ids the last ingest re-resolved
    # paper id -> `title_key` of its title: the merge step compares new records with every cached title, and
    # folding 60k titles again was most of that step
    title_keys: dict[str, str] = field(default_factory=dict, repr=False)
    # (affiliation, country) -> the institution resolver's answer, encoded (ingest/link_answers.py): linking
    # every paper again resolves only strings never seen
    link_answers: dict[tuple[str, str | None], tuple] = field(default_factory=dict, repr=False)
    # printed author name -> the group key of its parse, or None: the online run reads its co-authors' here
    # (`features.Corpus`) and adds the names it parsed
    coauthor_groups: dict[str, str | None] = field(default_factory=dict, repr=False)
    # records the ingests since the last full build added: their differences from a full build add up, so past
    # `FULL_BUILD_SHARE` of the papers the next ingest runs the full build (0 in a full build's state)
    ingested_since_full: int = 0
    # `cache.ingested_key` of the record files, hashed before the records this state holds were read: an ingest
    # finding the same key has nothing to add (`NOTHING_NEW`) and reads nothing else ("" before session 52)
    record_files: str = ""
    # institution id -> `institution_print` of the institution records the record files hold (merged across files,
    # as `read_ingested` gives them): one that changed or went away runs the full build (`_institutions_moved`)
    institution_prints: dict[str, str] = field(default_factory=dict, repr=False)
    # paper id -> the records it was merged from, in the build's order: an ingested record by its key (`records`),
    # a snapshot record by its position among the snapshot's records (`file_sizes` says which file). An ingest
    # meeting an updated or deleted record merges that record's paper again from them (`_regrouped`)
    record_groups: dict[str, tuple[str | int, ...]] = field(default_factory=dict, repr=False)
    file_sizes: list[int] = field(default_factory=list, repr=False)  # records of each snapshot file, `files` order

    @property
    def nodes(self) -> dict[str, list[Row]]:
        """Every node row of the graph this state describes (recomputed: for tests and benchmarks)."""
        return self._rows()[0]

    @property
    def rels(self) -> dict[str, list[Row]]:
        """Every relationship row of the graph this state describes (recomputed: for tests and benchmarks)."""
        return self._rows()[1]

    def _rows(self) -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
        cached = self.__dict__.get("_rows_cache")
        if cached is None:
            batch = batch_from(self.merged, self.authors, self.organisations, [])
            cached = self.__dict__["_rows_cache"] = (node_rows(batch), rel_rows(batch))
        return cached

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in _UNSAVED}


@dataclass
class Delta:
    """What an incremental ingest changes, and the report fields of the whole graph after it."""

    state: State
    merge_nodes: dict[str, list[Row]]
    merge_rels: dict[str, list[Row]]
    delete_nodes: dict[str, list[str]]  # label -> ids
    delete_rels: dict[str, list[Row]]  # type -> key rows (no props)
    new_papers: int
    changed_papers: int
    blocks: int  # name blocks resolved again
    mentions: int  # mentions in them
    people_before: int  # people of those blocks before and after
    people_after: int
    seconds: dict[str, float]
    redated: int = 0  # records fetched again, with a later date and nothing else changed (`_redate`)
    updated: int = 0  # ingested records updated in their content (their papers merged again: `_papers_of`)
    deleted: int = 0  # ingested records gone from the record files

    def size(self) -> int:
        return sum(map(len, [*self.merge_nodes.values(), *self.merge_rels.values(), *self.delete_nodes.values(),
                             *self.delete_rels.values()]))


class NothingNew:
    """What `prepare_delta` returns when no record file changed since the state was made and the live graph is
    the state's: the graph stands as it is.

    Why: an ingest that fetched nothing new (a warm rerun makes no requests) read the whole state, linked every
    affiliation and recomputed the rows of every paper only to write nothing: seconds on the full snapshot."""


NOTHING_NEW = NothingNew()


def _digest(*parts: str) -> str:
    return build_cache._digest(*parts)


def base_key(snapshot_dir: Path, data_dir: Path, only_files: Callable[[Path], bool] | None) -> str:
    """Hash of everything a build reads except the ingested records (those are compared record by record)."""
    plan = build_cache._plan(snapshot_dir, data_dir, only_files, include_ingested=False)
    decisions = (review.review_dir(data_dir) / review.DECISIONS_FILE, curation.curation_path(data_dir),
                 build_cache.institutions_dir(data_dir) / build_cache.INSTITUTION_DECISIONS)
    return _digest(f"incremental {STATE_FORMAT}", state_codec.LAYOUT,
                   *(build_cache.stage_version(s) for s in build_cache.STAGE_CODE), *plan.read_keys,
                   *(build_cache.file_digest(d) if d.exists() else "" for d in decisions))


def read_ingested(data_dir: Path) -> tuple[dict[str, Paper], dict[str, Institution], list[Quarantined], list[str],
                                           dict[str, str]]:
    """The record files, as `recordio.read_record_dir` reads them, with one fingerprint per record.

    A record's key is its file and paper id, with `#n` for the n-th record of that id in the file (n >= 2): a
    file may hold several records of one paper (two sources that both key it by its OpenReview id, or the same
    source fetched twice), and a full build merges them all, so the ingest must see them all too. Keyed by id
    alone, the last one silently replaced the others (half the snapshot ingested: 730 ICLR 2025 papers lost
    their derived terms, BENCHMARKS.md, session 50). A first occurrence keeps the key it always had."""
    papers: dict[str, Paper] = {}
    institutions: dict[str, Institution] = {}
    unreadable: list[Quarantined] = []
    files: list[str] = []
    prints: dict[str, str] = {}
    directory = records_dir(data_dir)
    if directory.is_dir():
        for path in sorted(directory.glob("*.jsonl")):
            files.append(f"{directory.name}/{path.name}")
            seen: Counter[str] = Counter()  # records of each paper id in this file so far
            for item in read_records(path):
                if isinstance(item, Paper):
                    seen[item.id] += 1
                    key = f"{path.name}:{item.id}" + (f"#{seen[item.id]}" if seen[item.id] > 1 else "")
                    papers[key] = item
                    prints[key] = record_print(item)
                elif isinstance(item, Institution):
                    known = institutions.get(item.id)
                    institutions[item.id] = item if known is None else _merge_institution(known, item)
                else:
                    unreadable.append(item)
    return papers, institutions, unreadable, files, prints


def record_print(paper: Paper) -> str:
    """A record's fingerprint: the digest of everything but its retrieval date, then that date.

    Why two parts: fetching a source again on a later day gives the same records with a new date (the
    response's Date header), and an ingest that saw them as updated ran the full build. A record whose digest
    is the one kept and whose date is not earlier only moves its paper's date (`_redate`)."""
    return f"{_undated_digest(paper)} {paper.provenance.retrieved_at}"


def _undated_digest(record: Paper | Institution) -> str:
    return hashlib.blake2b(repr(undated(record)).encode(), digest_size=16).hexdigest()


def institution_print(institution: Institution) -> str:
    """An ingested institution record's fingerprint, without its retrieval date: an organisation's date comes
    from its papers (ingest/institutions/link.py), so a source fetched again changes nothing through it."""
    return _undated_digest(institution)


def _institutions_moved(kept: dict[str, str], now: dict[str, Institution]) -> str | None:
    """Why the ingest runs the full build, if an institution record it built from changed or is gone.

    Why: linking reads a source's institution (name, country, ROR) for every mention naming it, so a changed
    one can move the organisations of papers the ingest does not touch. Before, the ingest kept the institution
    it had (a new one was added) and silently differed from a full build."""
    moved = sorted(inst_id for inst_id, kept_print in kept.items()
                   if inst_id not in now or institution_print(now[inst_id]) != kept_print)
    if not moved:
        return None
    return f"{len(moved):,} ingested institution record(s) updated or deleted (e.g. {moved[0]})"


def _redated(before: str, now: str) -> bool:
    """`record_print`s of one record that differ in the date alone, and not to an earlier one."""
    digest, _, date = before.partition(" ")
    digest_now, _, date_now = now.partition(" ")
    return digest == digest_now and date_now >= date


def tag_key(paper: Paper) -> str:
    return _digest(f"tagger {topics.TAGGER_VERSION}", repr(topics.paper_text(paper)))


def _state_dir(data_dir: Path) -> Path:
    return data_dir / build_cache.CACHE_DIR / STATE_DIR


def records_digest(prints: dict[str, str]) -> str:
    return _digest(*(f"{key} {value}" for key, value in sorted(prints.items())))


def _write_meta(folder: Path, meta: dict[str, Any]) -> None:
    tmp = folder / f"{META_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(meta))
    tmp.replace(folder / META_FILE)


def note_record_files(data_dir: Path, record_files: str) -> None:
    """After an ingest that found nothing new in changed record files: the state still describes the graph, and
    the next ingest can tell nothing changed from the files' new hash (`NOTHING_NEW`)."""
    folder = _state_dir(data_dir)
    with contextlib.suppress(OSError, ValueError):
        meta = json.loads((folder / META_FILE).read_text())
        if meta.get("record_files") != record_files:
            _write_meta(folder, {**meta, "record_files": record_files})


def save_state(state: State, data_dir: Path, graph_version: str | None) -> None:
    """Written atomically: the state's parts (a new base, or only a delta against the state this one was
    read from: ingest/state_parts.py), then the small file naming its base key, its records, its parts and
    the version of the live graph it describes (an older meta file never names newer parts: the meta is
    removed first; a base is rewritten only with no meta file naming it)."""
    folder = _state_dir(data_dir)
    _finish_save(folder, _write_parts(folder, lambda: state), graph_version)


def _write_parts(folder: Path, make: Callable[[], State]) -> tuple[str, str, list[str], dict[str, int], str]:
    """(base key, records digest, parts written, counts, record files key) of the state `make` returns, its meta
    file removed first. The counts let the next ingest decide the full-build share without reading the state,
    the record files key see that there is nothing new."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / META_FILE).unlink(missing_ok=True)
    state = make()
    parts = state_parts.write(folder, state.__getstate__(), state.__dict__.get("_baseline"),
                              state.__dict__.get("_digest_changes"), state.__dict__.get("_touched"))
    counts = {"records": len(state.records), "papers": len(state.merged),
              "ingested_since_full": state.ingested_since_full}
    return state.base, records_digest(state.records), parts, counts, state.record_files


def _finish_save(folder: Path, written: tuple[str, str, list[str], dict[str, int], str],
                 graph_version: str | None) -> None:
    base, records, parts, counts, record_files = written
    _write_meta(folder, {"format": STATE_FORMAT, "base": base, "records": records, "graph_version": graph_version,
                         "parts": parts, "counts": counts, "record_files": record_files})
    state_parts.drop_unlisted(folder, parts)


class PendingState:
    """A full build's incremental state, made and written in a forked child while the build loads the store.

    Why: making the state (a digest of every row, every mention's parsed name) and pickling it took
    12–16 s of 62–81 s cold builds of a data directory with ingested records, all of it in this process
    after the rows were ready, while the other core was mostly idle (BENCHMARKS.md, "Incremental ingest",
    session 43: the load keeps both cores partly busy, so the child shortens the build by less). The
    child sees the build's objects as they were at the fork, so it writes the bytes a call here would have
    written. Its meta file, which names the version of the live graph, is
    written here by `save` once the graph is loaded: until then no meta file names the state (removed
    before the child starts), so a build that dies half-way leaves the next ingest a full build, never a
    state that does not match the graph. A child that cannot start or dies: the state is made here
    (graph/forked.py). Without `fork` (ATLAS_BUILD_WORKERS=1) the state is made at once, as before.
    """

    def __init__(self, data_dir: Path, make: Callable[[], State], *, fork: bool) -> None:
        self.folder = _state_dir(data_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / META_FILE).unlink(missing_ok=True)
        self.make: Callable[[], State] | None = make  # what the child calls (a test calls it here to compare)
        if not fork:
            state = make()
            make = lambda: state  # noqa: E731 - made now, written at `save`
        self._written = Forked(_write_parts, self.folder, make, fork=fork, name="atlas-incremental-state")

    @property
    def in_child(self) -> bool:
        return self._written.in_child

    def save(self, graph_version: str | None) -> None:
        """Wait for the parts and name them, with the live graph's version, in the meta file."""
        try:
            _finish_save(self.folder, self._written.result(), graph_version)
        finally:
            # `make` holds the build (`PreparedBuild`), which holds this object: kept, the cycle left every row
            # and record of the build to the cyclic collector, ~3 s once a build re-enabled it (session 47)
            self.make = None

    def cancel(self) -> None:
        """Stop making the state (the build failed): no meta file names whatever the child wrote."""
        try:
            self._written.cancel()
        finally:
            self.make = None


def refresh_version(data_dir: Path, snapshot_dir: Path, only_files: Callable[[Path], bool] | None,
                    graph_version: str | None) -> bool:
    """After a build that reused the finished rows: the state still describes the graph (same inputs),
    which was loaded again under a new version id. True if the state was kept."""
    folder = _state_dir(data_dir)
    try:
        meta = json.loads((folder / META_FILE).read_text())
    except (OSError, ValueError):
        return False
    prints = read_ingested(data_dir)[4]
    if meta.get("base") != base_key(snapshot_dir, data_dir, only_files) or \
            meta.get("records") != records_digest(prints):
        return False
    _write_meta(folder, {**meta, "graph_version": graph_version})
    return True


def read_state(path: Path) -> State:
    """The state `save_state` wrote in the folder of `path` (its base file): the base and the deltas its
    meta file names, records kept as tuples on disk (ingest/state_codec.py, ingest/state_parts.py)."""
    parts = [path.name]
    with contextlib.suppress(OSError, ValueError):
        listed = json.loads((path.parent / META_FILE).read_text()).get("parts")
        if listed and listed[0] == path.name:
            parts = listed
    with gc_paused():  # millions of acyclic objects: the build pauses the collector too, other callers did not
        fields, baseline = state_parts.read(path.parent, parts)
        state = State(**state_codec.decode(fields))
    baseline.names = dict(state.names)  # the objects as read: a save finds the changed names by identity
    state.__dict__["_baseline"] = baseline
    return state


def _past_share(added: int, earlier: int, papers: int) -> str | None:
    """Why the ingest runs the full build instead, if the records ingested since the last one pass the share."""
    since_full = earlier + added
    if since_full <= FULL_BUILD_SHARE * papers:
        return None
    by_earlier = f" ({earlier:,} of them by earlier ingests)" if earlier else ""
    return (f"{since_full:,} records added, updated or deleted since the last full build{by_earlier}, more than "
            f"{FULL_BUILD_SHARE:.0%} "
            f"of the {papers:,} papers built: a full build is exact and costs little more")


_OTHER_GRAPH = "the live graph is not the one this data directory's last build wrote"


def _other_graph(meta: dict[str, Any], graph_version: str | None) -> bool:
    return graph_version is not None and meta.get("graph_version") not in (None, graph_version)


def _load_state(data_dir: Path, base: str, live_version: Callable[[], str | None], record_files: str,
                records_now: Callable[[], int]) -> State | str | NothingNew:
    """The state, or why there is none to extend. `live_version` is asked only where the answer is needed: when
    no record file changed (NOTHING_NEW), else after the state is read, so that a store still starting its server
    meanwhile (`FalkorStore(..., start_in_background=True)`) loads its graph beside the read."""
    folder = _state_dir(data_dir)
    try:
        meta = json.loads((folder / META_FILE).read_text())
    except (OSError, ValueError):
        return "no incremental state from an earlier build in this data directory"
    if meta.get("format") != STATE_FORMAT or meta.get("base") != base:
        return "snapshot files, code, models or decisions changed since the last build"
    if record_files and meta.get("record_files") == record_files:
        graph_version = live_version()
        if _other_graph(meta, graph_version):
            return _OTHER_GRAPH
        if graph_version is not None:
            return NOTHING_NEW  # (a store that keeps no version, Neo4j, cannot say the graph is the state's)
    counts = meta.get("counts")
    if isinstance(counts, dict):
        # decided before reading the state (2-3 s on the snapshot), from the counts its meta file keeps: the
        # records added are at least those beyond the state's (with updates and deletions, the share is checked
        # again once the state is read)
        too_many = _past_share(records_now() - counts.get("records", 0), counts.get("ingested_since_full", 0),
                               counts.get("papers", 0))
        if too_many:
            return too_many
    try:
        state = read_state(folder / STATE_FILE)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError,
            KeyError):
        return "the incremental state is unreadable"
    if not isinstance(state, State) or state.base != base:
        return "the incremental state belongs to another build"
    if _other_graph(meta, live_version()):
        return _OTHER_GRAPH
    return state


def state_from_build(base: str, ingested: tuple, prepared: Any, institutions: dict[str, Institution],
                     merged: list[Paper], authors: list[Author], organisations: list[Institution],
                     review_queue: str, source_ids: dict[str, str], record_files: str = "",
                     record_groups: dict[str, list[int]] | None = None, file_sizes: list[int] | None = None) -> State:
    """The state a full build leaves (called by ingest.cache.prepare after it assembled the rows); `ingested`
    is what `read_ingested` gave, `record_groups` each paper's records by position among the records read
    (the snapshot's, `file_sizes` of them per file, then the ingested ones)."""
    records, ingested_institutions = ingested[4], ingested[1]
    snapshot_records, keys = sum(file_sizes or ()), list(ingested[0])
    groups = {paper_id: tuple(i if i < snapshot_records else keys[i - snapshot_records] for i in members)
              for paper_id, members in (record_groups or {}).items()}
    names, stats = names_and_stats(merged)
    for paper in merged:
        stats.add_title(paper.title)
    tags = {tag_key(p): p.topics for p in merged}
    digests: dict[str, dict[Any, bytes]] = {}
    key_fields: dict[str, list[str]] = {}
    for kind, rows in [*prepared.nodes.items(), *prepared.rels.items()]:
        digests[kind] = {key: _row_digest(group) for key, group in _grouped(rows).items()}
        if rows:
            key_fields[kind] = [k for k in rows[0] if k != "props"]
    venue_names = {row["id"]: row["props"]["name"] for row in prepared.nodes.get("Venue", ())}
    countries = {mid: source.country for mid, inst_id in source_ids.items()
                 for source in [institutions.get(inst_id)] if source is not None}
    return State(base, records, prepared.files, prepared.papers_read, dict(prepared.skipped_by_status),
                 prepared.ingested_files, list(prepared.quarantined), institutions, merged, authors, organisations,
                 review_queue, names, stats, tags, digests, key_fields, venue_names, source_ids,
                 title_keys={p.id: title_key(p.title) for p in merged},
                 link_answers=link_answers.answers_for(merged, countries), coauthor_groups=coauthor_groups_of(merged),
                 record_files=record_files,
                 institution_prints={key: institution_print(inst) for key, inst in ingested_institutions.items()},
                 record_groups=groups, file_sizes=list(file_sizes or ()))


def _row_digest(rows: list[Row]) -> bytes:
    """The rows of one MERGE key, as 12 bytes. marshal version 2 writes no object references (version 3 on
    does, and pickle's bytes too depend on which objects are shared), so equal rows give equal bytes, with
    every type distinction (1 / 1.0 / True, list / tuple) and every character and float bit, as `repr` did,
    for less CPU: a full build's state digests ~0.58 million groups (BENCHMARKS.md, session 43). A value
    marshal cannot write (a subclass of dict or str, say) is digested by `repr`."""
    try:
        blob = marshal.dumps(rows, 2)
    except ValueError:
        blob = repr(rows).encode()
    return hashlib.blake2b(blob, digest_size=12).digest()


def _grouped(rows: list[Row]) -> dict[Any, list[Row]]:
    """Rows by their MERGE key (every field but `props`, in the rows' own field order)."""
    grouped: dict[Any, list[Row]] = {}
    if not rows:
        return grouped
    fields = [k for k in rows[0] if k != "props"]
    key_of = (lambda row: row["id"]) if fields == ["id"] else (lambda row: tuple(row[k] for k in fields))
    for row in rows:
        key = key_of(row)
        found = grouped.get(key)
        if found is None:
            grouped[key] = [row]
        else:
            found.append(row)
    return grouped


# Rows scoped to one end: the ingest recomputes them for the touched papers / people only (the field naming
# that end); every other label and type is recomputed whole (few rows, or depending on every paper).
PAPER_SCOPED = {"Paper": "id", "PUBLISHED_IN": "paper_id", "AUTHORED": "paper_id", "HAS_TOPIC": "paper_id"}
AUTHOR_SCOPED = {"Author": "id", "AFFILIATED_WITH": "author_id"}


def _diff(digests: dict[str, dict[Any, bytes]], key_fields: dict[str, list[str]], new: dict[str, list[Row]],
          scopes: dict[str, tuple[str, set[str]]], kinds: set[str],
          journal: dict[str, tuple[dict[Any, bytes], list[Any]]] | None = None
          ) -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
    """Rows (grouped by MERGE key) that are new or changed, and key rows that are gone, against the digests
    of the live rows; `digests` is updated to the new rows. A kind in `scopes` (kind -> key field, ids) was
    recomputed for those ids only: its other keys stand. `kinds`: the labels or types `new` stands for.
    `journal` (kind -> (key -> new digest, keys gone)) hears of every change to `digests`: the state's
    delta file takes them from it instead of comparing ~650k digests again (ingest/state_parts.py)."""
    changed: dict[str, list[Row]] = {}
    gone: dict[str, list[Row]] = {}
    for kind in sorted(kinds):
        rows = new.get(kind, [])
        if rows:
            key_fields.setdefault(kind, [k for k in rows[0] if k != "props"])
        fields = key_fields.get(kind, ["id"])
        before = digests.setdefault(kind, {})
        after = {key: (group, _row_digest(group)) for key, group in _grouped(rows).items()}
        differ = [key for key, (_group, digest) in after.items() if before.get(key) != digest]
        changed[kind] = [row for key in differ for row in after[key][0]]
        scope = scopes.get(kind)
        if scope is None:
            stale = [key for key in before if key not in after]
        else:  # the keys in scope picked in C (a Python test of each of ~280k AUTHORED keys was ~0.14 s)
            in_scope = scope[1].__contains__
            scoped = compress(before, map(in_scope, before if fields == ["id"] else
                                          map(itemgetter(fields.index(scope[0])), before)))
            stale = [key for key in scoped if key not in after]
        gone[kind] = [{"id": key} if fields == ["id"] else dict(zip(fields, key, strict=True)) for key in stale]
        for key in stale:
            del before[key]
        before.update((key, digest) for key, (_group, digest) in after.items())
        if journal is not None:
            set_now, gone_now = journal.setdefault(kind, ({}, []))
            for key in stale:
                set_now.pop(key, None)
            gone_now.extend(stale)
            set_now.update((key, after[key][1]) for key in differ)
    return changed, gone


def _links(paper: Paper) -> tuple[tuple[str, str | None], ...]:
    """What a paper's AUTHORED and AFFILIATED_WITH rows take from identity and linking (`attrgetter`: taken
    apart in C, for every paper twice per ingest)."""
    return tuple(map(_LINK_FIELDS, paper.authorships))


def _candidates(state: State, new: list[Paper]) -> list[int]:
    """Cached papers a new record may merge with: a shared strong id or paper id, the exact title key, or
    a title within merge_papers' fuzzy ratio sharing a word that is not common (its own candidate rule)."""
    wanted: set[tuple[str, str]] = set()
    new_keys = set()
    for paper in new:
        new_keys.add(title_key(paper.title))
        wanted.update([("id", paper.id), *_strong_ids(paper).items()])
    found: set[int] = set()
    new_words = {word for key in new_keys for word in key.split()}
    by_word: dict[str, list[int]] = defaultdict(list)  # the new titles' words only: the rest is never looked up
    cached_keys = []
    keys = state.title_keys
    for index, paper in enumerate(state.merged):
        key = keys.get(paper.id)
        if key is None:
            key = keys[paper.id] = title_key(paper.title)
        cached_keys.append(key)
        for word in new_words.intersection(key.split()):  # in C; each word's list stays in paper order
            by_word[word].append(index)
        if key in new_keys or ("id", paper.id) in wanted or any(item in wanted for item in _strong_ids(paper).items()) \
                or any(("id", alias) in wanted for alias in paper.id_aliases):
            found.add(index)
    for key in new_keys:
        near = list({i for word in set(key.split()) if len(by_word.get(word, ())) <= _COMMON_WORD
                     for i in by_word.get(word, ())})
        # one C loop per new title: ~200k comparisons for 1,000 papers (the merge stage ~0.04 s shorter)
        matches = process.extract(key, [cached_keys[i] for i in near], scorer=fuzz.ratio, score_cutoff=TITLE_MATCH,
                                  limit=None)
        found.update(near[at] for _choice, _score, at in matches)
    return sorted(found)


def _redate(state: State, records: dict[str, Paper], holder: dict[str, str]) -> tuple[set[str], list[str]]:
    """Give the cached papers of records fetched again (the same record, a later date) that date, and their
    people too; the ids of those papers, and the keys of records no paper holds (`holder`, from `_holders`:
    the full build runs, `_papers_of`).

    A paper's date is the latest of its records' (`Provenance.merged`) and a person's the latest of their
    papers' (`authors_from`), so a record's later date makes each the later of the two: what a full build gives.
    A record's paper is the one whose records include it (`State.record_groups`; session 52 looked it up by the
    record's strong ids, so records without one, title-keyed dump records, ran the full build)."""
    if not records:
        return set(), []
    held = {holder[key] for key in records if key in holder}
    papers = {paper.id: paper for paper in state.merged if paper.id in held}
    authors = {a.id: a for a in state.authors}
    redated: set[str] = set()
    unplaced: list[str] = []
    for key, record in records.items():
        paper = papers.get(holder.get(key, ""))
        if paper is None:
            unplaced.append(key)
            continue
        date = record.provenance.retrieved_at
        if date > paper.provenance.retrieved_at:
            paper.provenance = Provenance(paper.provenance.sources, date)  # never changed in place: may be shared
        for authorship in paper.authorships:
            author = authors.get(authorship.author_id)
            if author is not None and date > author.provenance.retrieved_at:
                author.provenance = Provenance(author.provenance.sources, date)
        redated.add(paper.id)
    return redated, unplaced


def _holders(state: State, keys: set[str]) -> dict[str, str]:
    """Ingested record key -> the id of the paper merged from it (`State.record_groups`), for these keys."""
    if not keys:
        return {}
    return {loc: paper_id for paper_id, members in state.record_groups.items() for loc in members if loc in keys}


def _papers_of(holder: dict[str, str], keys: list[str]) -> set[str] | str:
    """The ids of the papers holding these ingested records (`_holders`), or why the full build runs."""
    missing = [key for key in keys if key not in holder]
    if missing:  # e.g. a record its venue kept out of the last build: it is in no paper
        return f"ingested record {missing[0]} changed, and no paper of the last build holds it"
    return {holder[key] for key in keys}


def _group_records(state: State, paper_ids: set[str], records: dict[str, Paper], snapshot_dir: Path,
                   data_dir: Path, only_files: Callable[[Path], bool] | None) -> list[tuple[str | int, Paper]] | str:
    """The records the papers are merged from now, in the order a build reads them: their snapshot records,
    taken from the build cache's read stage, then their ingested records as the record files hold them today
    (a deleted one is gone). Or why the full build runs instead."""
    if not paper_ids:  # the usual ingest: nothing to merge again, and no pass over the ingested records' keys
        return []
    members = [loc for paper_id in sorted(paper_ids) for loc in state.record_groups[paper_id]]
    positions = sorted({loc for loc in members if isinstance(loc, int)})
    snapshot: dict[int, Paper] = {}
    if positions:
        plan = build_cache._plan(snapshot_dir, data_dir, only_files, include_ingested=False)
        cache = build_cache.StageCache(data_dir / build_cache.CACHE_DIR)
        starts = list(accumulate(state.file_sizes, initial=0))
        for file_index, group in groupby(positions, key=lambda loc: bisect_right(starts, loc) - 1):
            entry = cache.get("read", plan.read_keys[file_index])
            if entry is None or len(entry.papers) != state.file_sizes[file_index]:
                return f"the build cache no longer holds the records of {state.files[file_index]}"
            snapshot.update((loc, entry.papers[loc - starts[file_index]]) for loc in group)
    read_order = {key: i for i, key in enumerate(records)}
    ingested = sorted({loc for loc in members if isinstance(loc, str) and loc in records}, key=read_order.__getitem__)
    return [*((loc, snapshot[loc]) for loc in positions), *((key, records[key]) for key in ingested)]


def _regroup_state(state: State, merged_groups: list[tuple[Paper, list[int]]], replaced: list[Paper],
                   new_records: list[tuple[str | int, Paper]], drop: set[int]) -> None:
    """Keep `State.record_groups` what a build would say: a paper the ingest merged holds the records of the
    cached papers and of the records it was merged from."""
    def members(index: int) -> tuple[str | int, ...]:
        if index < len(replaced):
            return state.record_groups.get(replaced[index].id, ())
        return (new_records[index - len(replaced)][0],)

    made = {paper.id: tuple(dict.fromkeys(loc for index in indices for loc in members(index)))
            for paper, indices in merged_groups}
    for index in drop:
        state.record_groups.pop(state.merged[index].id, None)
    state.record_groups.update(made)


def _authors_of(resolution: Any, papers: dict[str, Paper]) -> list[Author]:
    """Authors from a resolution, as identity.authors.resolve_authors makes them."""
    return authors_from(resolution, {paper_id: paper.provenance for paper_id, paper in papers.items()})


def _merge_queue(old_text: str, items: list[dict], resolved: set[str]) -> str:
    """The review queue's text: items of blocks not resolved again are kept, the others come from this run.

    A kept item keeps its line: the old text is in the build's line form already (`review_items.encode`,
    as the new items are written), and encoding the ~9k kept items again was ~0.1 s of each ingest (full
    snapshot)."""
    merged: dict[str, tuple[dict, str | None]] = {}
    for line in old_text.splitlines():
        if line.strip():
            item = json.loads(line)
            if item.get("left_mention") not in resolved and item.get("right_mention") not in resolved:
                merged[item["item_id"]] = (item, line)
    for item in items:
        merged.setdefault(item["item_id"], (item, None))
    ordered = sorted(merged.values(), key=lambda pair: (pair[0]["action"] != "possible_split", pair[0]["confidence"],
                                                        pair[0]["item_id"]))
    return "".join(f"{encode_queue_item(item) if line is None else line}\n" for item, line in ordered)


def prepare_delta(snapshot_dir: Path, data_dir: Path, *, only_files: Callable[[Path], bool] | None = None,
                  graph_version: str | Callable[[], str | None] | None = None,
                  online: bool = True) -> Delta | str | NothingNew:
    """The delta for the records added, updated or deleted since the last build, or why there is none (see the
    module docstring), or NOTHING_NEW. `graph_version`: the live graph's, or what asks the store for it once the
    answer is needed (`_load_state`)."""
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    base = base_key(snapshot_dir, data_dir, only_files)
    record_files = build_cache.ingested_key(data_dir)  # before the records are read: never newer than them
    ingested = functools.cache(lambda: read_ingested(data_dir))  # read once, and only past the meta file's checks
    live_version = functools.cache(graph_version) if callable(graph_version) else lambda: graph_version
    loaded = _load_state(data_dir, base, live_version, record_files, lambda: len(ingested()[4]))
    if isinstance(loaded, str | NothingNew):
        return loaded
    state = loaded
    records, record_institutions, unreadable, files, prints = ingested()
    deleted = [key for key in state.records if key not in prints]
    updated = [key for key in state.records if key in prints and prints[key] != state.records[key]]
    rewritten = [key for key in updated if not _redated(state.records[key], prints[key])]
    institutions_moved = _institutions_moved(state.institution_prints, record_institutions)
    if institutions_moved:
        return institutions_moved
    added_keys = [key for key in prints if key not in state.records]
    since_full = state.ingested_since_full + len(added_keys) + len(rewritten) + len(deleted)
    too_many = _past_share(len(added_keys) + len(rewritten) + len(deleted), state.ingested_since_full,
                           len(state.merged))
    if too_many:
        return too_many
    # (a record a full build quarantines for its venue stays out, as before: its quarantine entry has no date)
    rewritten_keys = set(rewritten)
    redated = {key: records[key] for key in updated if key not in rewritten_keys}
    venue_kept = {id(paper) for paper in drop_venue_mismatches(list(redated.values()), None)}
    redated = {key: paper for key, paper in redated.items() if id(paper) in venue_kept}
    holder = _holders(state, {*redated, *rewritten, *deleted})
    redated_ids, unplaced = _redate(state, redated, holder)
    # records updated in their content or deleted: their papers are merged again from their records, as a full
    # build merges them (a re-dated record no paper holds runs the full build from here)
    regroup = _papers_of(holder, [*rewritten, *deleted, *unplaced])
    if isinstance(regroup, str):
        return regroup
    regrouped_records = _group_records(state, regroup, records, snapshot_dir, data_dir, only_files)
    if isinstance(regrouped_records, str):
        return regrouped_records
    seconds["read_state"] = time.perf_counter() - started
    mark = time.perf_counter()
    old_links = {p.id: _links(p) for p in state.merged}  # before the steps below change them in place
    old_org_names = {i.id: i.name for i in state.organisations}
    quarantine: list[Quarantined] = list(unreadable)
    for inst_id, inst in record_institutions.items():
        state.institutions.setdefault(inst_id, inst)
    new_records = [*((key, records[key]) for key in added_keys), *regrouped_records]
    kept_records = {id(paper) for paper in drop_venue_mismatches([paper for _, paper in new_records], quarantine)}
    new_records = [(where, paper) for where, paper in new_records if id(paper) in kept_records]
    new = [paper for _, paper in new_records]
    # 1. merge into the cached papers they may join (the regrouped papers are merged from their records instead)
    regroup_at = [i for i, paper in enumerate(state.merged) if paper.id in regroup] if regroup else []
    regrouping = set(regroup_at)
    candidates = [i for i in _candidates(state, new) if i not in regrouping] if new else []
    replaced = [state.merged[i] for i in candidates]
    regrouped = [state.merged[i] for i in regroup_at]
    old_mentions = {mention_id_of(p.id, a.position): a.author_id for p in [*replaced, *regrouped]
                    for a in p.authorships}
    for paper in replaced:  # merged again from the sources' institution ids, as a full build merges records
        for a in paper.authorships:
            a.institution_id = state.source_ids.get(mention_id_of(paper.id, a.position))
    before = {p.id: repr(p) for p in [*replaced, *regrouped]}
    aliases_before = {p.id: list(p.id_aliases) for p in [*replaced, *regrouped]}  # merge_groups recomputes them
    old_aliases = {p.id: aliases_before[p.id] for p in replaced}  # (a regrouped paper's: from its records alone)
    merged_groups = merge_groups([*replaced, *new]) if new else []
    merged_local = [paper for paper, _ in merged_groups]
    for paper in merged_local:
        paper.id_aliases = sorted({*paper.id_aliases, *old_aliases.get(paper.id, ())})
    new_ids = {p.id for p in merged_local}
    successor = _successors(merged_local)
    for old in [*replaced, *regrouped]:  # a cached paper whose id changed keeps the old id (deep links)
        if old.id not in new_ids:
            target = successor(old)
            if target is not None:
                target.id_aliases = sorted({*target.id_aliases, old.id, *aliases_before[old.id]} - {target.id})
    changed = [p for p in merged_local if before.get(p.id) != repr(p)]
    unchanged_ids = new_ids - {p.id for p in changed}
    drop = {i for i in [*candidates, *regroup_at] if state.merged[i].id not in unchanged_ids}
    _regroup_state(state, merged_groups, replaced, new_records, drop)
    kept = [p for i, p in enumerate(state.merged) if i not in drop]
    dropped_ids = {state.merged[i].id for i in drop}
    old_mentions = {mid: person for mid, person in old_mentions.items() if mid.rsplit("#", 1)[0] in dropped_ids}
    for mid in old_mentions:
        state.source_ids.pop(mid, None)
    for paper_id in dropped_ids:
        state.title_keys.pop(paper_id, None)
    for paper in changed:
        state.title_keys[paper.id] = title_key(paper.title)
    all_papers = sorted([*kept, *changed], key=lambda p: p.id)  # merge_papers' order: sorted by id
    seconds["merge"] = time.perf_counter() - mark
    mark = time.perf_counter()
    # papers with a tagging input not seen before are tagged by a worker process while people are resolved
    misses = [p for p in changed if tag_key(p) not in state.tags]
    moved = StatsMoved()  # the statistics' keys the mentions and titles below move: all a save compares
    workers = 1 if config.settings().dask else config.settings().build_workers
    with contextlib.ExitStack() as stack:
        background = stack.enter_context(BackgroundTagging(misses, lambda _text: None)) \
            if misses and workers > 1 else None
        authors, organisations, text, subset_ids, old_people, resolved, new_people, unchanged = _link_and_resolve(
            state, data_dir, quarantine, old_mentions, changed, kept, all_papers, drop, online, seconds, workers,
            moved)
        mark = time.perf_counter()
        if misses:
            tags = background.result() if background is not None else None
            if tags is None:
                topics.tag_papers(misses)
                tags = [p.topics for p in misses]
            for paper, paper_tags in zip(misses, tags, strict=True):
                state.tags[tag_key(paper)] = paper_tags
        for paper in changed:
            paper.topics = state.tags[tag_key(paper)]
        seconds["tag_wait"] = time.perf_counter() - mark
    mark = time.perf_counter()
    organisations_all, _ = correct_mislinks(all_papers, organisations)  # needs the people just resolved
    batch_quarantine: list[Quarantined] = []
    batch = batch_from(all_papers, authors, organisations_all, batch_quarantine)
    papers, people = _touched(batch, old_links, old_org_names, state.venue_names,
                              {p.id for p in changed} | (redated_ids & {p.id for p in all_papers}),
                              (new_people | set(old_people)) - unchanged)
    nodes, rels = node_rows(batch, papers=papers, authors=people), rel_rows(batch, papers=papers, authors=people)
    scopes = {**{kind: (key, papers | dropped_ids) for kind, key in PAPER_SCOPED.items()},
              **{kind: (key, people) for kind, key in AUTHOR_SCOPED.items()}}
    digests, key_fields = state.digests, state.key_fields
    journal: dict[str, tuple[dict[Any, bytes], list[Any]]] = {}
    merge_rels, gone_rels = _diff(digests, key_fields, rels, scopes, set(rels) | (set(digests) - set(nodes)),
                                  journal)
    merge_nodes, gone_nodes = _diff(digests, key_fields, nodes, scopes, set(nodes), journal)
    seconds["rows"] = time.perf_counter() - mark
    new_state = State(state.base, prints, state.files, state.papers_read + len(added_keys) - len(deleted),
                      state.skipped_by_status,
                      files, state.quarantined + quarantine + batch_quarantine, state.institutions, batch.papers,
                      batch.authors, batch.institutions, text, state.names, state.stats, state.tags, digests,
                      key_fields, {v.id: v.name for v in batch.venues}, state.source_ids, subset_ids,
                      state.title_keys, state.link_answers, state.coauthor_groups, since_full, record_files,
                      {inst_id: institution_print(inst) for inst_id, inst in record_institutions.items()},
                      state.record_groups, state.file_sizes)
    new_state.__dict__["_baseline"] = state.__dict__.get("_baseline")  # what save_state writes a delta against
    new_state.__dict__["_digest_changes"] = journal
    new_state.__dict__["_touched"] = state_parts.Touched({"merged": papers, "authors": people}, moved.keys,
                                                         dict.fromkeys(tag_key(p) for p in changed))
    return Delta(new_state, {k: v for k, v in merge_nodes.items() if v}, {k: v for k, v in merge_rels.items() if v},
                 {k: [r["id"] for r in v] for k, v in gone_nodes.items() if v},
                 {k: v for k, v in gone_rels.items() if v}, len(added_keys), len(changed),
                 len({info.block_key for info in map(state.names.get, subset_ids) if info is not None}), resolved[0],
                 len(old_people), resolved[1], seconds, len(redated), len(rewritten), len(deleted))


def _link_and_resolve(state: State, data_dir: Path, quarantine: list[Quarantined], old_mentions: dict[str, str | None],
                      changed: list[Paper], kept: list[Paper], all_papers: list[Paper], drop: set[int], online: bool,
                      seconds: dict[str, float], workers: int, moved: StatsMoved
                      ) -> tuple[list[Author], list[Institution], str, set[str], dict[str, list[str]], tuple[int, int],
                                 set[str], set[str]]:
    """Link every paper's affiliations, clean the changed author lists, and resolve the new mentions."""
    mark = time.perf_counter()
    # 2. link affiliations (every paper's: an organisation node's aliases, sources and counts come from all
    # the strings linked to it, and the mapping file lists them all), clean the changed author lists, tag
    source_ids = state.source_ids
    for paper in kept:
        prefix = f"{paper.id}#"  # mention_id_of
        for a in paper.authorships:
            # linking reads the source's id only where there is an affiliation (it sets None elsewhere)
            a.institution_id = source_ids.get(f"{prefix}{a.position}") if a.affiliation else None
    for paper in changed:
        for a in paper.authorships:
            if a.institution_id:
                state.source_ids[mention_id_of(paper.id, a.position)] = a.institution_id
    resolver = link_answers.resolver_with(data_dir, state.link_answers)
    organisations, _ = link_institutions(all_papers, state.institutions, data_dir, resolver)
    state.link_answers = link_answers.answers_of(resolver, state.link_answers)
    for paper in changed:
        clean_authorships(paper, quarantine)
        for a in paper.authorships:  # a cached paper's people are resolved again, as in a full build
            a.author_id = ""
    seconds["link"] = time.perf_counter() - mark
    mark = time.perf_counter()
    # 3. resolve the affected name blocks again
    dropped_papers = [p for i, p in enumerate(state.merged) if i in drop]
    names_before = dict(state.names)  # the dropped papers' names still index the people they had
    seed: set[str] = set()
    for paper in dropped_papers:
        state.stats.add_title(paper.title, -1, moved)
        for a in paper.authorships:
            info = state.names.pop(mention_id_of(paper.id, a.position), None)
            if info is not None:
                state.stats.add(info, -1, moved)
                seed.add(info.block_key)
                seed.update(info.bridges)
    new_mentions = list(mentions_from_papers(changed))
    for paper in changed:
        state.stats.add_title(paper.title, moved=moved)
    for mention in new_mentions:
        info = state.names[mention.mention_id] = name_info(mention)
        state.stats.add(info, moved=moved)
        seed.add(info.block_key)
        seed.update(info.bridges)
    new_ids = {m.mention_id for m in new_mentions}
    if online:
        subset_ids, old_people = _online_subset(state, kept, dropped_papers, names_before, new_mentions)
    else:
        subset_ids, old_people = _blocks_subset(state, kept, dropped_papers, names_before, new_mentions, seed)
    for mid, author_id in old_mentions.items():
        if author_id:
            old_people[author_id].append(mid)
    subset_papers = {mid.rsplit("#", 1)[0] for mid in subset_ids}  # mention_id_of: "<paper id>#<position>"
    run_papers = [p for p in all_papers if p.id in subset_papers]
    mentions = list(mentions_from_papers(run_papers, subset_ids))
    position = {m.mention_id: i for i, m in enumerate(mentions)}
    fixed = [[position[mid] for mid in mids if mid in position] for mids in old_people.values()] if online else []
    legacy = {mention_id_of(p.id, a.position): mention_id_of(p.id_aliases[0], a.position)
              for p in run_papers if p.id_aliases for a in p.authorships
              if mention_id_of(p.id, a.position) in subset_ids}
    resolution = resolve_blocks(mentions, state.stats, decisions=review.load_decisions(data_dir),
                                curation=curation.active_decisions(data_dir), legacy_mention_ids=legacy,
                                fixed=[group for group in fixed if len(group) > 1],
                                new=[position[mid] for mid in new_ids] if online else None, workers=workers,
                                coauthor_groups=state.coauthor_groups)
    new_authors = _authors_of(resolution, {p.id: p for p in run_papers})  # the papers of the run's mentions
    seconds["resolve"] = time.perf_counter() - mark
    mark = time.perf_counter()
    # ids a re-resolved block no longer has live on as aliases of the person holding most of their mentions
    holder = {m.mention_id: resolution.person_ids[i] for i, m in enumerate(resolution.mentions)}
    by_id = {a.id: a for a in new_authors}
    previous = {a.id: a for a in state.authors}
    for old_id, mids in sorted(old_people.items()):
        if old_id in by_id:
            continue
        counts = Counter(holder[m] for m in mids if holder.get(m))
        if counts:
            target = by_id[min(counts, key=lambda pid: (-counts[pid], pid))]
            old_aliases = previous[old_id].id_aliases if old_id in previous else []
            target.id_aliases = sorted({*target.id_aliases, old_id, *old_aliases} - {target.id})
    unchanged = _unchanged_people(old_people, holder, new_ids, by_id, previous)
    new_authors = [previous[a.id] if a.id in unchanged else a for a in new_authors]
    authors = [a for a in state.authors if a.id not in old_people] + new_authors
    authors.sort(key=lambda a: a.id)
    # the full build's line form (`review_items.encode`), so an ingested queue is the bytes a build would write
    text = _merge_queue(state.review_queue, resolution.review_items, subset_ids)
    seconds["aliases"] = time.perf_counter() - mark
    return (authors, organisations, text, subset_ids, old_people, (len(mentions), len(new_authors)),
            {a.id for a in new_authors}, unchanged)


# what a person's record holds besides the run's scores of its pairs, taken apart in C
_RECORD_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(Author)
                              if f.name not in ("merge_confidence", "merge_reasons")))


def _unchanged_people(old_people: dict[str, list[str]], holder: dict[str, str], new_ids: set[str],
                      by_id: dict[str, Author], previous: dict[str, Author]) -> set[str]:
    """Cached people the run gave back with the same mentions: they keep their cached merge confidence and
    reasons, and those with none of the mentions new and the same record otherwise keep their cached record.

    Why: the run scores the pairs of a cached person again with the run's co-author evidence (the papers of its
    mentions, not the corpus's), which moved the confidence of ~4,900 of the ~9,400 people an ingest of 1,000
    ICML papers resolves again, without a new mention or a changed member; each such Author row was written to
    the store again. The cached confidence came from the corpus's whole evidence, as a full build's does
    (BENCHMARKS.md, "session 48"). A person on a paper the ingest merged again (a record joined, updated or
    deleted) keeps the paper's mention ids and starts the run as one cluster, so the run made no merge for it:
    confidence 1.0 and no reasons, where the build that made the person had scored them (session 53)."""
    members: dict[str, list[str]] = defaultdict(list)
    for mid, person in holder.items():
        members[person].append(mid)
    unchanged = set()
    for person, mids in old_people.items():
        record, cached = by_id.get(person), previous.get(person)
        held = members.get(person)
        if record is None or cached is None or held is None or set(held) != set(mids):  # (mids: may repeat one)
            continue
        record.merge_confidence, record.merge_reasons = cached.merge_confidence, cached.merge_reasons
        if new_ids.isdisjoint(mids) and _RECORD_FIELDS(record) == _RECORD_FIELDS(cached):
            unchanged.add(person)
    return unchanged


def _touched(batch: Any, old_links: dict[str, tuple], old_org_names: dict[str, str], old_venue_names: dict[str, str],
             changed: set[str], people: set[str]) -> tuple[set[str], set[str]]:
    """The papers and people whose rows can differ from the live ones: the changed papers, papers whose authors
    or organisations changed (identity, linking, mis-link correction), papers of a renamed venue; the people
    resolved again (before and after), everyone on those papers (before and after), people at a renamed
    organisation (their latest affiliation names it). Every other row is the live one."""
    papers = set(changed)
    people = set(people)
    renamed_venues = {v.id for v in batch.venues if old_venue_names.get(v.id, v.name) != v.name}
    for paper in batch.papers:
        old = old_links.get(paper.id)
        links = _links(paper)
        if paper.id in papers or old != links or paper.venue_id in renamed_venues:
            papers.add(paper.id)
            people.update(author for author, _inst in links)
            people.update(author for author, _inst in old or ())
    for paper_id in old_links.keys() - {p.id for p in batch.papers}:  # dropped: their people lose a paper
        people.update(author for author, _inst in old_links[paper_id])
    renamed = {i.id for i in batch.institutions if old_org_names.get(i.id, i.name) != i.name}
    if renamed:
        people.update(a.author_id for p in batch.papers for a in p.authorships if a.institution_id in renamed)
    people.discard("")
    return papers, people


def _index(kept: list[Paper], dropped: list[Paper], names: dict[str, NameInfo],
           wanted: set[tuple[str, str]] | None = None
           ) -> tuple[dict[str, list[str]], dict[tuple[str, str], set[str]]]:
    """Person id -> its mention ids (cached papers, dropped ones included), and strong id -> person ids
    (only the ids in `wanted` when given: the ingest looks up the new mentions' ids alone)."""
    members: dict[str, list[str]] = defaultdict(list)
    id_people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for paper in [*kept, *dropped]:
        for a in paper.authorships:
            if not a.author_id:
                continue
            mid = mention_id_of(paper.id, a.position)
            if mid not in names:
                continue
            members[a.author_id].append(mid)
            if wanted is not None and not wanted:
                continue
            for kind, attr in AUTHORSHIP_ID_FIELDS.items():
                value = getattr(a, attr)
                if value:
                    key = (kind, str(value).strip())
                    if wanted is None or key in wanted:
                        id_people[key].add(a.author_id)
    return members, id_people


def _online_subset(state: State, kept: list[Paper], dropped: list[Paper], names_before: dict[str, NameInfo],
                   new_mentions: list[Any]) -> tuple[set[str], dict[str, list[str]]]:
    """The new mentions and every cached person one of them could join: a mention of the person in the
    new mention's block (or a block a nickname joins) with a compatible given name, a shared strong id,
    or a mention on a paper the ingest replaced. People are taken whole, across blocks.

    The cached mentions that can meet a new one are found from the parsed names (their block keys), so
    only their papers' authorships are read for their people; the mention ids of the people chosen are
    made last. One pass that made and looked up the id of every cached mention (~290k) was ~1 s of a
    ~12 s ingest on the full snapshot (BENCHMARKS.md, session 45); the same people and mentions, in the
    same order."""
    wanted = {(kind, value) for m in new_mentions for kind, value in m.strong_ids.items()}
    needed = {key for m in new_mentions for info in [state.names[m.mention_id]] for key in (info.block_key,
                                                                                           *info.bridges)}
    # paper id -> position -> parsed name of the cached mentions met: looked up by position, where making each
    # authorship's mention id on ~30k papers was ~0.2 s of the ingest (session 56)
    met: dict[str, dict[int, NameInfo]] = defaultdict(dict)
    for mid, info in names_before.items():
        if info.block_key in needed or info.bridges and not needed.isdisjoint(info.bridges):
            paper_id, _, position = mid.rpartition("#")  # mention_id_of: "<paper id>#<position>"
            met[paper_id][int(position)] = info
    id_people: dict[tuple[str, str], set[str]] = defaultdict(set)  # wanted strong id -> people
    # block -> given name -> people, blocks looked up only: a new mention looks its given name up among the block's
    # distinct given names (`GivenIndex`, below), not once per cached mention ('Y. Wang' met thousands of mentions)
    by_block: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    cached = (*kept, *dropped)
    for paper in cached:
        infos = met.get(paper.id)
        if infos is not None:
            for a in paper.authorships:
                info = infos.get(a.position) if a.author_id else None
                if info is not None:
                    if info.block_key in needed:
                        by_block[info.block_key][info.given].add(a.author_id)
                    for bridge in info.bridges:
                        if bridge in needed:
                            # a name it may go by there (goes_by.py): compared with that name; a parenthesised
                            # nickname: with every given name
                            for form in gone_by_forms(a.name, bool(strong_ids_of(a))).get(bridge, ("",)):
                                by_block[bridge][form].add(a.author_id)
        if wanted:
            for a in paper.authorships:
                if a.author_id:
                    for key in strong_ids_of(a).items():
                        if key in wanted and mention_id_of(paper.id, a.position) in names_before:
                            id_people[key].add(a.author_id)
    people: set[str] = {a.author_id for p in dropped for a in p.authorships if a.author_id}
    indexes: dict[str, GivenIndex[set[str]]] = {}  # made when a new mention first meets the block
    for mention in new_mentions:
        info = state.names[mention.mention_id]
        forms = gone_by_forms(mention.name, bool(mention.strong_ids)) if info.bridges else {}
        for key in (info.block_key, *info.bridges):
            if key not in by_block:
                continue
            index = indexes.get(key)
            if index is None:
                index = indexes[key] = GivenIndex(by_block[key])
            # in the block of a name it may go by, only the people of that name; in a nickname's, everyone
            for holders in index.related((info.given,) if key == info.block_key else forms.get(key)):
                people |= holders
        for kind, value in mention.strong_ids.items():
            people.update(id_people.get((kind, value), ()))
    old_people: dict[str, list[str]] = defaultdict(list)
    for person in people:
        old_people[person] = []
    names = state.names
    for paper in cached:
        for a in paper.authorships:
            mids = old_people.get(a.author_id)
            if mids is not None:
                mid = f"{paper.id}#{a.position}"
                if mid in names_before and mid in names:  # a replaced paper's: only if a new one took its id
                    mids.append(mid)
    subset = {m.mention_id for m in new_mentions} | {mid for mids in old_people.values() for mid in mids}
    return subset, old_people


def _blocks_subset(state: State, kept: list[Paper], dropped: list[Paper], names_before: dict[str, NameInfo],
                   new_mentions: list[Any], seed: set[str]) -> tuple[set[str], dict[str, list[str]]]:
    """Every mention of the name blocks the new mentions fall into, closed over what joins blocks."""
    bridges: dict[str, set[str]] = defaultdict(set)
    for info in state.names.values():
        for other in info.bridges:
            bridges[info.block_key].add(other)
            bridges[other].add(info.block_key)
    members, id_people = _index(kept, dropped, names_before)
    people_of_block: dict[str, set[str]] = defaultdict(set)
    blocks_of_person: dict[str, set[str]] = defaultdict(set)
    for person, mids in members.items():
        for mid in mids:
            people_of_block[names_before[mid].block_key].add(person)
            blocks_of_person[person].add(names_before[mid].block_key)
    wanted = [{block for person in id_people.get((kind, value), ()) for block in blocks_of_person[person]}
              for m in new_mentions for kind, value in m.strong_ids.items()]
    blocks = affected_blocks(seed, bridges, people_of_block, blocks_of_person, wanted)
    subset = {mid for mid, info in state.names.items() if info.block_key in blocks}
    old_people: dict[str, list[str]] = defaultdict(list)
    for person, mids in members.items():
        for mid in mids:
            if mid in subset:
                old_people[person].append(mid)
    return subset, old_people


def _successors(merged: list[Paper]) -> Callable[[Paper], Paper | None]:
    """The first of the merged papers a cached paper became (part of): one sharing a strong id or the title key.

    Why an index: comparing each cached paper whose id changed with every merged paper was 3.4 s of an ingest
    of 1,000 updated records (BENCHMARKS.md, session 53)."""
    first: dict[tuple[str, str], int] = {}
    for index, paper in enumerate(merged):
        for key in (*_strong_ids(paper).items(), ("title", title_key(paper.title))):
            first.setdefault(key, index)

    def successor(old: Paper) -> Paper | None:
        found = [first[key] for key in (*_strong_ids(old).items(), ("title", title_key(old.title))) if key in first]
        return merged[min(found)] if found else None

    return successor


def write_queue(text: str, data_dir: Path) -> None:
    build_cache._restore_queue(text, data_dir)
