"""Build cache: every stage's output keyed by the hash of its inputs and of the code that made it.

A build is read → merge papers → resolve people → tag topics → rows for the store. Each
stage's output is pickled (Zstandard level 1) under `<data dir>/cache/<stage>/<key>.pkl.zst`, where the key
hashes the stage's inputs (the keys of the stages it reads, so a key names the whole
history) and a version string of the code and models that produced it:

- read, one entry per snapshot file: the file's bytes, the reader modules, MANIFEST.json;
  a DBLP file also chains the keys of every file read before it (a DBLP item whose
  length DBLP omits is kept when an earlier list has it);
- merge: every read key, the ingested record files, the identity package's code;
- resolve: the merge key, the identity code, `model.json`, `name_prior.json.gz`, RESOLVER_VERSION and the
  reviewers' decisions file. Identity resolution is global (one mention can join a
  person anywhere in the corpus), so ANY changed source recomputes the merge and the
  whole resolution; only reading is per file;
- tag: the merge key, the topics code, `taxonomy.toml`, TAGGER_VERSION and the spaCy
  versions (tagging reads titles, abstracts and venues, never authors);
- rows: resolve + tag keys and the loader/pipeline code. A hit here skips everything
  but hashing the inputs: the rows go straight to the store.

The cache never changes results (tests/scale: cached rows == uncached rows, byte for
byte, cold and warm), is safe to delete at any time, and is written atomically (a killed
build leaves no half entry). Each stage keeps the entries used by the latest build plus
a few older ones, so disk use stays a small multiple of one build's.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import pickle
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zstandard

from graph import config
from graph.config import PROJECT_ROOT
from graph.loader import node_rows, rel_rows
from graph.records import Author, Authorship, Institution, Paper, Quarantined, TopicTag
from graph.store import Row
from ingest import forked_write, identity, topics
from ingest.distributed import DaskTagging, client_from_settings
from ingest.identity import review
from ingest.identity.curation import curation_path
from ingest.institutions.decisions import DECISIONS_FILE as INSTITUTION_DECISIONS
from ingest.institutions.decisions import institutions_dir
from ingest.institutions.link import correct_mislinks, link_institutions
from ingest.parallel_tags import BackgroundTagging
from ingest.pipeline import batch_from, drop_venue_mismatches
from ingest.recordio import read_record_dir, records_dir
from ingest.snapshot import SnapshotRead, _streams

CACHE_DIR = "cache"
FORMAT = 1  # bump when the layout of an entry changes
KEEP_OLD = 2  # entries kept per stage beyond those the latest build used
# Zstandard level 1 over pickle: ~3x smaller than plain pickle. Against gzip level 1 (the format before
# session 66) it compresses the snapshot's entries with 0.23x the CPU and decompresses them with 0.27x,
# 0.95x the size (benchmarks/cache_codec.py, BENCHMARKS.md "Scale").
COMPRESS_LEVEL = 1
SUFFIX = ".pkl.zst"
LEGACY_SUFFIXES = (".pkl.gz",)  # entries of earlier formats: never read, removed by `prune`

# The code (and data) each stage's output depends on, relative to the project root.
_COMMON = ("graph/records.py", "graph/ids.py", "graph/_legacy_fold.py", "graph/venues.py")
# The snapshot readers consult the institution table too (sysconf prints the listed affiliation that
# is not a known mis-link), so a table edit must invalidate the read stage as well as resolution.
_INSTITUTIONS = ("ingest/institutions/*.py", "ingest/institutions/*.tsv")
STAGE_CODE: dict[str, tuple[str, ...]] = {
    "read": (*_COMMON, "ingest/snapshot.py", "ingest/recordio.py", "ingest/sources/*.py", "ingest/live/parsing.py",
             "ingest/live/sources/dblp.py", "ingest/identity/*.py", "ingest/identity/*.json*",
             "data/snapshot/MANIFEST.json",
             *_INSTITUTIONS),
    "merge": (*_COMMON, "ingest/identity/*.py", "ingest/pipeline.py"),
    "resolve": (*_COMMON, "ingest/identity/*.py", "ingest/identity/model.json",
                "ingest/identity/name_prior.json.gz", *_INSTITUTIONS, "ingest/pipeline.py"),
    "tag": (*_COMMON, "ingest/topics/*.py", "ingest/topics/taxonomy.toml"),
    "rows": (*_COMMON, "graph/loader.py", "ingest/pipeline.py", "ingest/id_guard.py", "ingest/topics/taxonomy.py",
             "ingest/topics/taxonomy.toml"),
}


def _digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=20)).hexdigest()


@functools.cache
def stage_version(stage: str) -> str:
    """Hash of every file the stage's code and models consist of, plus explicit version numbers."""
    parts: list[str] = [f"format {FORMAT}", f"python {sys.version_info[:2]}"]
    for pattern in STAGE_CODE[stage]:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            parts += [str(path.relative_to(PROJECT_ROOT)), file_digest(path)]
    if stage == "resolve":
        parts.append(f"resolver {identity.RESOLVER_VERSION}")
    if stage == "tag":
        parts.append(f"tagger {topics.TAGGER_VERSION}")
        parts += [f"{dist} {importlib.metadata.version(dist)}" for dist in ("spacy", "spacy-lookups-data")]
    return _digest(stage, *parts)


class StageCache:
    """Pickled stage outputs under one directory; a missing or unreadable entry is a miss."""

    def __init__(self, root: Path, *, enabled: bool = True, background: bool = False) -> None:
        self.root, self.enabled = root, enabled
        self.background = background  # write entries in forked children (ingest/forked_write.py)
        self.used: dict[str, set[str]] = {}
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()

    def _path(self, stage: str, key: str) -> Path:
        return self.root / stage / f"{key}{SUFFIX}"

    def get(self, stage: str, key: str) -> Any | None:
        if not self.enabled:
            return None
        path = self._path(stage, key)
        self.used.setdefault(stage, set()).add(key)
        forked_write.wait(path)  # an entry this process is still writing is read whole, never missed
        try:
            value = _read_entry(path)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError,
                zstandard.ZstdError):
            self.misses[stage] += 1
            return None  # absent, or written by incompatible code: recompute
        self.hits[stage] += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by prune()
        return value

    def put(self, stage: str, key: str, value: Any) -> None:
        self.put_many(stage, [(key, value)])

    def put_many(self, stage: str, entries: list[tuple[str, Any]]) -> None:
        """Store entries of one stage: in one forked child when `background`, else here."""
        if not self.enabled or not entries:
            return
        paths = tuple(self._path(stage, key) for key, _value in entries)
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        self.used.setdefault(stage, set()).update(key for key, _value in entries)

        def write() -> None:
            for path, (_key, value) in zip(paths, entries, strict=True):
                _write_entry(path, value)

        if self.background:
            forked_write.write_in_child(paths, write)
        else:
            write()

    def prune(self) -> None:
        """Drop entries the latest build did not use, beyond the KEEP_OLD most recent per stage."""
        for stage, used in self.used.items():
            folder = self.root / stage
            if not folder.is_dir():
                continue
            for leftover in folder.glob("*.tmp"):  # of a killed build; a running one's are fresh
                with contextlib.suppress(OSError):
                    if leftover.stat().st_mtime < time.time() - 3600:
                        leftover.unlink()
            for suffix in LEGACY_SUFFIXES:
                for legacy in folder.glob(f"*{suffix}"):
                    legacy.unlink(missing_ok=True)
            others = sorted((p for p in folder.glob(f"*{SUFFIX}") if p.name.split(".", 1)[0] not in used),
                            key=lambda p: p.stat().st_mtime, reverse=True)
            for path in others[KEEP_OLD * max(1, len(used)):]:
                path.unlink(missing_ok=True)


def _read_entry(path: Path) -> Any:
    with open(path, "rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as handle:
        return pickle.load(handle)


def _write_entry(path: Path, value: Any) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as raw, \
            zstandard.ZstdCompressor(level=COMPRESS_LEVEL).stream_writer(raw, closefd=False) as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)  # atomic: readers see the old entry or the whole new one


@dataclass
class FileRead:
    """What reading one snapshot file adds to the build (see ingest/snapshot.py)."""

    papers: list[Paper]
    quarantined: list[Quarantined]
    institutions: dict[str, Institution]
    skipped_by_status: Counter


@dataclass
class Resolved:
    authorships: list[list[Authorship]]  # per merged paper, in merge order, author ids assigned
    authors: list[Author]
    quarantined: list[Quarantined]  # mentions resolution refused as people
    review_queue: str  # the review_queue.jsonl resolution wrote
    organisations: list[Institution] = field(default_factory=list)  # resolved from the printed affiliations


@dataclass
class PreparedBuild:
    """Everything the load and the build report need, whether computed or taken from the cache."""

    files: list[str]
    papers_read: int
    quarantined: list[Quarantined]
    skipped_by_status: dict[str, int]
    ingested_files: list[str]
    counts: dict[str, int]  # papers, authors, institutions, topics, venues
    nodes: dict[str, list[Row]] = field(repr=False)
    rels: dict[str, list[Row]] = field(repr=False)
    seconds: dict[str, float] = field(default_factory=dict)
    cache: dict[str, str] = field(default_factory=dict)  # stage -> "hit" | "miss" (| "n hits, m misses")
    # ingest/incremental.py's PendingState of a build that assembled its rows (never cached here: the build saves it)
    incremental: Any = field(default=None, repr=False)
    rows_key: str = ""  # the finished rows' cache key: which rows these are (ingest/build.py skips reloading them)


@dataclass
class _Plan:
    """Every stage's key, computed from file hashes alone (no record is read)."""

    paths: list[Path]
    read_keys: list[str]
    ingested: str
    merge: str
    resolve: str
    tag: str
    rows: str


def ingested_key(data_dir: Path, include_ingested: bool = True) -> str:
    """The ingested record files' names and bytes, hashed without reading a record: part of the stage keys, and
    what an ingest compares with its state's to see that no record file changed since (`incremental`)."""
    parts: list[str] = [str(include_ingested)]
    if include_ingested and records_dir(data_dir).is_dir():
        for path in sorted(records_dir(data_dir).glob("*.jsonl")):
            parts += [path.name, file_digest(path)]
    return _digest(stage_version("read"), *parts)


def _plan(snapshot_dir: Path, data_dir: Path, only_files: Callable[[Path], bool] | None,
          include_ingested: bool) -> _Plan:
    paths = [path for path, _stream in _streams(snapshot_dir, SnapshotRead(), only_files)]  # streams are lazy
    read_keys: list[str] = []
    for path in paths:
        chained = read_keys if path.is_relative_to(snapshot_dir / "dblp") else []
        read_keys.append(_digest(stage_version("read"), str(path.relative_to(snapshot_dir)), file_digest(path),
                                 *chained))
    ingested = ingested_key(data_dir, include_ingested)
    merge = _digest(stage_version("merge"), *read_keys, ingested)
    # every file of human decisions the resolve stage applies: review, people curation, institutions
    decisions = (review.review_dir(data_dir) / review.DECISIONS_FILE, curation_path(data_dir),
                 institutions_dir(data_dir) / INSTITUTION_DECISIONS)
    resolve = _digest(stage_version("resolve"), merge, *(file_digest(d) if d.exists() else "" for d in decisions))
    tag = _digest(stage_version("tag"), merge)
    rows = _digest(stage_version("rows"), resolve, tag)
    return _Plan(paths, read_keys, ingested, merge, resolve, tag, rows)


def _read(plan: _Plan, snapshot_dir: Path, data_dir: Path, only_files: Callable[[Path], bool] | None,
          include_ingested: bool, cache: StageCache,
          on_file: Callable[[Path, int], None] | None) -> tuple[SnapshotRead, list[str]]:
    """ingest.snapshot.read_snapshot, one cache entry per file: each file is read with fresh
    institution/skip tallies, merged in file order exactly as the shared ones would be."""
    result = SnapshotRead()
    shadow = SnapshotRead(papers=result.papers)  # DBLP's `confirmed` looks at the papers read so far
    streams = _streams(snapshot_dir, shadow, only_files)
    computed: list[tuple[str, FileRead]] = []  # written together, after the loop (one child, not one per file)
    for path, key in zip(plan.paths, plan.read_keys, strict=True):
        shadow.institutions, shadow.skipped_by_status = {}, Counter()
        streamed_path, stream = next(streams)  # the reader is bound to the fresh tallies here
        if streamed_path != path:
            raise RuntimeError(f"snapshot files changed during the build: {streamed_path} != {path}")
        entry: FileRead | None = cache.get("read", key)
        if entry is None:
            entry = FileRead([], [], shadow.institutions, shadow.skipped_by_status)
            for item in stream:
                (entry.papers if isinstance(item, Paper) else entry.quarantined).append(item)
            computed.append((key, entry))
        result.papers.extend(entry.papers)
        result.quarantined.extend(entry.quarantined)
        for inst_id, inst in entry.institutions.items():
            result.institutions.setdefault(inst_id, inst)
        result.skipped_by_status.update(entry.skipped_by_status)
        result.files.append(str(path.relative_to(snapshot_dir)))
        result.file_sizes.append(len(entry.papers))
        if on_file:
            on_file(path, len(entry.papers))
    cache.put_many("read", computed)
    ingested_files: list[str] = []
    if include_ingested:  # small and changing: read directly (build.py's order: appended after the snapshot)
        papers, institutions, unreadable, ingested_files = read_record_dir(records_dir(data_dir))
        result.papers.extend(papers)
        for inst_id, inst in institutions.items():
            result.institutions.setdefault(inst_id, inst)
        result.quarantined.extend(unreadable)
    return result, ingested_files


def _assemble(plan: _Plan, snapshot: SnapshotRead, data_dir: Path, cache: StageCache,
              on_stage: Callable[[str], None], workers: int,
              source_ids: dict[str, str] | None = None, record_groups: dict[str, list[int]] | None = None) -> Any:
    """ingest.pipeline.assemble, stage by stage through the cache (same calls, same results).

    With `workers` 2, tagging runs in a forked worker process while this one resolves people
    (ingest/parallel_tags.py); with resolution cached, the two processes split the tagging.
    `source_ids` and `record_groups` (paper id -> positions in `snapshot.papers` of its records), when given,
    receive what the incremental state keeps.
    """
    papers = drop_venue_mismatches(snapshot.papers, snapshot.quarantined)  # cheap; its quarantine is reported
    entry: tuple[list[Paper], list[list[int]]] | None = cache.get("merge", plan.merge)
    if entry is None:
        on_stage(f"merging {len(papers):,} records into papers")
        pairs = identity.merge_groups(papers)
        entry = [paper for paper, _ in pairs], [members for _, members in pairs]
        cache.put("merge", plan.merge, entry)
    merged, members_of = entry
    if record_groups is not None:
        position = {id(paper): i for i, paper in enumerate(snapshot.papers)}  # before the venue check dropped any
        record_groups.update((paper.id, [position[id(papers[k])] for k in members])
                             for paper, members in zip(merged, members_of, strict=True))
    if source_ids is not None:  # the sources' institution ids, before linking replaces them (ingest/incremental.py)
        source_ids.update((f"{p.id}#{a.position}", a.institution_id) for p in merged for a in p.authorships
                          if a.institution_id)
    resolved: Resolved | None = cache.get("resolve", plan.resolve)
    tags: list[list[TopicTag]] | None = cache.get("tag", plan.tag)
    with contextlib.ExitStack() as stack:
        # ATLAS_DASK: the candidate pairs are scored, and the papers tagged, on a Dask cluster
        client = stack.enter_context(client_from_settings()) if resolved is None or tags is None else None
        background: BackgroundTagging | DaskTagging | None = None
        if tags is None and client is not None:  # the cluster tags while people are resolved here
            background = DaskTagging(merged, client)
            on_stage(f"tagging {len(merged):,} papers with topics (on the Dask cluster)")
        elif tags is None and workers > 1:
            background = stack.enter_context(BackgroundTagging(merged, on_stage, share=1.0 if resolved is None
                                                               else 0.5))
            where = "in a worker process, while people are resolved" if resolved is None else "in two processes"
            on_stage(f"tagging {len(merged):,} papers with topics ({where})" if background.in_worker
                     else f"tagging {len(merged):,} papers with topics")
        if resolved is None:
            on_stage(f"resolving the authors of {len(merged):,} papers into people and institutions")
            organisations, _ = link_institutions(merged, snapshot.institutions, data_dir)
            refused: list[Quarantined] = []
            authors = identity.resolve_authors(merged, quarantine=refused, data_dir=data_dir, workers=workers,
                                               client=client)
            organisations, _ = correct_mislinks(merged, organisations)  # needs the people identity just found
            resolved = Resolved([p.authorships for p in merged], authors, refused,
                                _queue_path(data_dir).read_text(), organisations)
            cache.put("resolve", plan.resolve, resolved)
        else:
            for paper, authorships in zip(merged, resolved.authorships, strict=True):
                paper.authorships = authorships
            _restore_queue(resolved.review_queue, data_dir)
        snapshot.quarantined.extend(resolved.quarantined)
        if tags is None:
            if background is not None:
                tags = background.result()
            else:
                on_stage(f"tagging {len(merged):,} papers with topics")
                topics.tag_papers(merged)  # one process: a cluster (`client`) tags in `DaskTagging` above
                tags = [p.topics for p in merged]
            cache.put("tag", plan.tag, tags)
        for paper, paper_tags in zip(merged, tags, strict=True):
            paper.topics = paper_tags
    return batch_from(merged, resolved.authors, resolved.organisations, snapshot.quarantined)


def prepare(snapshot_dir: Path, data_dir: Path, *, only_files: Callable[[Path], bool] | None = None,
            include_ingested: bool = True, on_file: Callable[[Path, int], None] | None = None,
            use_cache: bool = True, on_stage: Callable[[str], None] | None = None,
            workers: int | None = None, keep_state: bool = False, writes_pending: bool = False) -> PreparedBuild:
    """Read, merge, resolve, tag and turn into rows, reusing every stage whose key is cached.

    `on_stage` hears of each stage that has to be computed (not of those reused): the slow
    ones take minutes on the full snapshot, and a silent terminal looks hung. `workers`
    (default ATLAS_BUILD_WORKERS) is 2 to tag in a second process, 1 for one process; the
    rows are the same either way (tests/scale/test_scale_parallel.py). `keep_state` also makes the
    state `mlsys-atlas ingest` extends (made anyway when the data directory holds ingested records).
    With two workers the cache entries are written by forked children (ingest/forked_write.py);
    they are complete on return unless `writes_pending`, where the caller (ingest/build.py,
    which loads the store meanwhile) calls `forked_write.wait()` itself.
    """
    started = time.perf_counter()
    workers = config.settings().build_workers if workers is None else workers
    cache = StageCache(data_dir / CACHE_DIR, enabled=use_cache, background=workers > 1)  # 1: one process, no forks
    plan = _plan(snapshot_dir, data_dir, only_files, include_ingested)
    hit: _RowsEntry | None = cache.get("rows", plan.rows)
    if hit is not None:
        _restore_queue(hit.review_queue, data_dir)
        prepared = hit.prepared
        prepared.rows_key = plan.rows
        prepared.seconds = {"read": time.perf_counter() - started, "resolve_and_tag": 0.0}
        prepared.cache = {"rows": "hit"}
        return prepared
    snapshot, ingested_files = _read(plan, snapshot_dir, data_dir, only_files, include_ingested, cache, on_file)
    read_done = time.perf_counter()
    keep_state = use_cache and include_ingested and (keep_state or bool(ingested_files))
    source_ids: dict[str, str] | None = {} if keep_state else None
    record_groups: dict[str, list[int]] | None = {} if keep_state else None
    batch = _assemble(plan, snapshot, data_dir, cache, on_stage or (lambda _text: None), workers, source_ids,
                      record_groups)
    prepared = PreparedBuild(
        files=snapshot.files, papers_read=len(snapshot.papers), quarantined=snapshot.quarantined,
        skipped_by_status=dict(snapshot.skipped_by_status), ingested_files=ingested_files,
        counts={"papers": len(batch.papers), "authors": len(batch.authors), "institutions": len(batch.institutions),
                "topics": len(batch.topics), "venues": len(batch.venues)},
        nodes=node_rows(batch), rels=rel_rows(batch), rows_key=plan.rows)
    if use_cache:
        cache.put("rows", plan.rows, _RowsEntry(prepared, _queue_path(data_dir).read_text()))
        cache.prune()
    state_seconds = 0.0
    if keep_state:  # what `mlsys-atlas ingest` extends next time (ingest/incremental.py)
        from ingest import incremental

        mark = time.perf_counter()
        make = functools.partial(
            incremental.state_from_build, incremental.base_key(snapshot_dir, data_dir, only_files),
            incremental.read_ingested(data_dir), prepared, snapshot.institutions, batch.papers, batch.authors,
            batch.institutions, _queue_path(data_dir).read_text(), source_ids or {},
            record_files=plan.ingested,  # hashed before the records were read: never newer than them
            record_groups=record_groups or {}, file_sizes=snapshot.file_sizes)
        prepared.incremental = incremental.PendingState(data_dir, make, fork=workers > 1)
        state_seconds = time.perf_counter() - mark
    prepared.seconds = {"read": read_done - started,
                        "resolve_and_tag": time.perf_counter() - read_done - state_seconds}
    if state_seconds:
        prepared.seconds["incremental_state"] = state_seconds
    prepared.cache = {stage: _describe(cache, stage) for stage in ("read", "merge", "resolve", "tag", "rows")}
    if not writes_pending:
        forked_write.wait()
    return prepared


@dataclass
class _RowsEntry:
    prepared: PreparedBuild
    review_queue: str


def _queue_path(data_dir: Path) -> Path:
    return review.review_dir(data_dir) / review.QUEUE_FILE


def _restore_queue(text: str, data_dir: Path) -> None:
    """Rewrite the review queue the cached resolution wrote, atomically as review.write_queue does."""
    path = _queue_path(data_dir)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _describe(cache: StageCache, stage: str) -> str:
    hits, misses = cache.hits[stage], cache.misses[stage]
    if hits + misses <= 1:
        return "hit" if hits else "miss"
    return f"{hits} hits, {misses} misses"


def clear(data_dir: Path) -> int:
    """Delete the whole cache (always safe); returns the number of entries removed."""
    removed = 0
    for path in (data_dir / CACHE_DIR).rglob("*"):
        if path.is_file():
            path.unlink()
            removed += 1
    return removed


def rows_digest(nodes: dict[str, list[Row]], rels: dict[str, list[Row]]) -> str:
    """One hash of the rows handed to the store, in order. repr, not pickle: pickle's bytes depend on
    which equal strings happen to be one object; repr keeps every type distinction (1 / 1.0 / True,
    list / tuple) and every character, so equal digests mean identical rows."""
    return _digest(repr(nodes), repr(rels))
