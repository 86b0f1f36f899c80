"""Read the bundled offline snapshot (`data/snapshot/`) into canonical records.

Which readers run on which files, and the `retrieved_at` of each source, come from
`data/snapshot/MANIFEST.json`, so the build is reproducible: the same files give the
same records, whatever the date.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.records import Institution, Paper, Quarantined
from ingest.identity.papers import title_key
from ingest.sources import (
    aicpl,
    dblp_crosstex,
    dblp_search,
    micro2018,
    mlanthology,
    mlsys_proceedings,
    papercopilot,
    s2_seed,
    sysconf,
    sysconf_eitanf,
)
from ingest.sources.common import ReadItem


@dataclass
class SnapshotRead:
    papers: list[Paper] = field(default_factory=list)
    institutions: dict[str, Institution] = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)
    skipped_by_status: Counter = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    # records each file gave, in `files` order (ingest/cache.py): where an ingest finds a paper's snapshot records
    file_sizes: list[int] = field(default_factory=list)


def manifest(snapshot_dir: Path) -> dict[str, dict[str, str]]:
    return json.loads((snapshot_dir / "MANIFEST.json").read_text())


def _streams(snapshot_dir: Path, result: SnapshotRead,
             only_files: Callable[[Path], bool] | None) -> Iterator[tuple[Path, Iterator[ReadItem]]]:
    dates = {name: entry["retrieved_at"] for name, entry in manifest(snapshot_dir).items()}
    keep = only_files or (lambda _p: True)
    index_pages = sorted((snapshot_dir / "mlsys_proceedings").glob("mlsys*_index_extract.tsv"))
    seed = snapshot_dir / "mlsys_seed_s2" / "ML_Seed_Papers.csv"
    if seed.exists() and keep(seed):  # the index pages correct the seed's MLSys years even when not read
        yield seed, s2_seed.read(seed, dates["mlsys_seed_s2"], mlsys_proceedings.index_titles(index_pages))
    for path in index_pages:
        if keep(path):
            yield path, mlsys_proceedings.read(path, dates["mlsys_proceedings"])
    for path in sorted((snapshot_dir / "sysconf").glob("*_base_data.json.gz")):
        if keep(path):
            yield path, sysconf.read(path, dates["sysconf"], result.institutions)
    for path in sorted((snapshot_dir / "sysconf_eitanf").glob("*.json.gz")):
        if keep(path):
            yield path, sysconf_eitanf.read(path, dates["sysconf_eitanf"], result.institutions)
    for path in sorted((snapshot_dir / "micro2018").glob("*.json.gz")):
        if keep(path):
            yield path, micro2018.read(path, dates["micro2018"], result.institutions)
    anthology = snapshot_dir / "mlanthology"  # terms derived from abstracts ride on the lists' own records
    for path in sorted((snapshot_dir / "papercopilot").glob("*/*.json.gz")):
        if keep(path):
            yield path, _lazy(lambda path=path: papercopilot.read(
                path, dates["papercopilot"], result.institutions, result.skipped_by_status,
                mlanthology.terms_for_file(anthology, path, snapshot_dir)))
    for path in sorted((snapshot_dir / "aicpl").glob("*/*.json.gz")):
        if keep(path):
            yield path, _lazy(lambda path=path: aicpl.read(
                path, dates["aicpl"], result.institutions, mlanthology.terms_for_file(anthology, path, snapshot_dir)))
    for path in sorted((anthology / "papers").glob("*.json.gz")):
        if keep(path):
            yield path, mlanthology.read(path, dates["mlanthology"])
    yield from _dblp_streams(snapshot_dir, result, keep, dates)


def _lazy(make: Callable[[], Iterator[ReadItem]]) -> Iterator[ReadItem]:
    """Decode a list's derived-terms file only when its stream is read: the build cache walks every
    stream to key the files (ingest.cache._plan) and must not pay for decoding them (1.2 s)."""
    yield from make()


def _dblp_streams(snapshot_dir: Path, result: SnapshotRead, keep: Callable[[Path], bool],
                  dates: dict[str, str]) -> Iterator[tuple[Path, Iterator[ReadItem]]]:
    """DBLP last: an item whose length DBLP does not give is kept when a list read before has it."""
    confirmed = _confirmed_by(result)
    for path in sorted((snapshot_dir / "dblp" / "crosstex").glob("*.xtx.gz")):
        if keep(path) and not path.name.startswith("conferences-"):
            yield path, dblp_crosstex.read(path, dates["dblp_crosstex"], result.skipped_by_status, confirmed)
    for path in sorted((snapshot_dir / "dblp" / "search_api").glob("*.gz")):
        if keep(path):
            yield path, dblp_search.read(path, dates["dblp_search_api"], result.skipped_by_status, confirmed)


def _confirmed_by(result: SnapshotRead) -> Callable[[str, int, str], bool]:
    known: set[tuple[str, int, str]] = set()
    seen = 0

    def confirmed(venue: str, year: int, title: str) -> bool:
        nonlocal seen
        for paper in result.papers[seen:]:  # papers read since the last question
            if paper.year is not None:
                known.add((paper.venue_name, paper.year, title_key(paper.title)))
        seen = len(result.papers)
        return (venue, year, title_key(title)) in known

    return confirmed


def read_snapshot(snapshot_dir: Path, only_files: Callable[[Path], bool] | None = None,
                  on_file: Callable[[Path, int], None] | None = None) -> SnapshotRead:
    """Run every reader over the snapshot; `only_files` narrows it (tests build small real subsets)."""
    result = SnapshotRead()
    for path, stream in _streams(snapshot_dir, result, only_files):
        count = 0
        for item in stream:
            if isinstance(item, Paper):
                result.papers.append(item)
                count += 1
            else:
                result.quarantined.append(item)
        result.files.append(str(path.relative_to(snapshot_dir)))
        if on_file:
            on_file(path, count)
    return result
