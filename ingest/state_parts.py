"""The incremental state on disk: one base file plus the delta files of the ingests since (append-only).

Why: every `mlsys-atlas ingest` rewrote the whole state (124 MB for the full snapshot: 5.4 s of a 23.8 s
ingest on a quiet machine) although 1,000 new papers change a few percent of it. An ingest now writes
only what differs from the state it read: the encoded records (papers and authors by id) and dictionary
entries (parsed names, tags, row digests, statistics, ...) that are new, changed or gone, and the few
small fields whole. Reading applies the deltas to the base in order, on the encoded form
(ingest/state_codec.py), and decodes once. When the deltas together outgrow `COMPACT` of the base, the
next save writes a new base and drops them (compaction), so reads stay bounded.

What was read is kept (`Baseline`, the encoded values as read) to diff against at save time: comparing
plain tuples and bytes is C code, and a diff cannot miss a change made in place (a kept paper's
authorships get new author or organisation ids), as a log of changes could.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import state_codec

BASE_FILE = "state.pkl"
COMPACT = 0.5  # deltas larger than this share of the base are folded into a new base
MAX_DELTAS = 32  # and never more than this many files to read
KEYED = {"merged": state_codec.PAPER_ID, "authors": state_codec.AUTHOR_ID}  # encoded records, by id field
MAPPINGS = ("names", "tags", "source_ids", "records", "institutions", "venue_names", "title_keys", "link_answers",
            "coauthor_groups", "institution_prints", "record_groups")
_MISSING = object()
_FRESH = (*KEYED, "names", "tags")  # fields a read's decoded state never holds (made anew by `_by_key` or decoding)


@dataclass
class Baseline:
    """The encoded state as read (keyed by id / key), the parts it came from and their sizes."""

    values: dict[str, Any]
    parts: list[str]
    base_bytes: int
    delta_bytes: int
    # mention id -> the parsed-name object as decoded: frozen and only ever replaced, so a name changed iff its
    # object did, and a save encodes only those (encoding all ~290k was a third of a delta save)
    names: dict[str, Any] | None = None


@dataclass
class Touched:
    """What an ingest can have changed, so that a save encodes and compares only that.

    `records` ("merged" / "authors" -> ids): the papers and people whose rows the ingest recomputed; every other
    record is the object read, unchanged (incremental._touched, whose rule the row digests already rely on:
    tests/test_incremental.py). `stats` (counter -> keys, in the order first moved): what the ingest's mentions
    and titles moved (identity.incremental.StatsMoved). `tags`: the tagging-input keys of the changed papers.
    Encoding and comparing every paper, person and counter key was ~0.7 s of a ~1.3 s save on the full
    snapshot, every paper's tags ~0.1 s more (BENCHMARKS.md, session 46)."""

    records: dict[str, set[str]]
    stats: dict[str, dict[Any, None]]
    tags: dict[str, None]  # tagging-input keys of the papers the ingest changed, in the order it added them


def _by_key(encoded: dict[str, Any]) -> dict[str, Any]:
    """Encoded fields with records keyed by id and names as a dict: the form deltas apply to."""
    keyed = dict(encoded)
    for name, at in KEYED.items():
        keyed[name] = {row[at]: row for row in encoded[name]}
        keyed[f"{name}_order"] = None  # sorted by id (the order a build and an ingest assemble them)
    keyed["names"] = dict(zip(encoded["names"][0], state_codec.name_values(encoded["names"]), strict=True))
    return keyed


def _encoded(keyed: dict[str, Any]) -> dict[str, Any]:
    """Back from `_by_key`: records as lists in their order, names as (keys, values)."""
    encoded = {k: v for k, v in keyed.items() if not k.endswith("_order")}
    for name in KEYED:
        rows, order = keyed[name], keyed[f"{name}_order"]
        encoded[name] = [rows[key] for key in (sorted(rows) if order is None else order)]
    encoded["names"] = (list(keyed["names"]), list(keyed["names"].values()), None)  # not deduplicated again
    return encoded


def _order(ids: list[str]) -> list[str] | None:
    """None when the records' ids are sorted (always, so far), else the ids in order."""
    return None if all(a < b for a, b in zip(ids, ids[1:], strict=False)) else ids


def _mapping_delta(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> tuple[dict[Any, Any], list[Any]]:
    changed = {}
    for key, value in new.items():
        before = old.get(key, _MISSING)
        if before is not value and (before is _MISSING or before != value):
            changed[key] = value
    return changed, [key for key in old if key not in new]


def _apply_mapping(target: dict[Any, Any], delta: tuple[dict[Any, Any], list[Any]]) -> None:
    changed, removed = delta
    for key in removed:
        target.pop(key, None)
    dict.update(target, changed)  # not Counter.update, which would add the counts


def _stats_fields(stats: Any) -> dict[str, Any]:
    return dict(vars(stats))


def _keys_delta(old: Mapping[Any, Any], new: Mapping[Any, Any], keys: Iterable[Any]) -> tuple[dict[Any, Any],
                                                                                             list[Any]]:
    """`_mapping_delta` of `old` -> `new` where only `keys` can differ."""
    changed = {}
    removed = []
    for key in keys:
        value = new.get(key, _MISSING)
        if value is _MISSING:
            if key in old:
                removed.append(key)
        elif old.get(key, _MISSING) != value:
            changed[key] = value
    return changed, removed


def _records_delta(old: Mapping[str, tuple], ids: list[str], rows: dict[str, tuple]
                   ) -> tuple[dict[str, tuple], list[str], list[str] | None]:
    """The delta of one keyed record field: `ids` every record's id in order, `rows` the encoded records
    that can differ from `old` (every id `old` lacks among them)."""
    changed = {key: row for key, row in rows.items() if old.get(key, _MISSING) != row}
    present = set(ids)
    return changed, [key for key in old if key not in present], _order(ids)


def delta_of(old: dict[str, Any], encoded: dict[str, Any],
             names: tuple[dict[str, Any], dict[str, Any]] | None = None,
             digest_changes: dict[str, tuple[dict[Any, bytes], list[Any]]] | None = None,
             records: dict[str, tuple[list[str], dict[str, tuple]]] | None = None,
             stats_keys: dict[str, dict[Any, None]] | None = None,
             mapping_keys: dict[str, Iterable[Any]] | None = None) -> dict[str, Any]:
    """What turns the keyed state `old` into the encoded state `encoded`. With `names` (the decoded names as
    read, and now), the names' delta comes from them by identity and `encoded` needs no names; with
    `digest_changes` (what the ingest changed in the row digests, `incremental._diff`), those are the digests'
    delta; with `records` (field -> every id in order, the encoded records that can have changed: `Touched`),
    `encoded` needs no papers and authors; with `stats_keys`, only those keys of the statistics can differ;
    with `mapping_keys` (mapping -> keys), only those keys of that mapping can differ, and `encoded` holds only
    them."""
    delta: dict[str, Any] = {"whole": {}}
    for name, at in KEYED.items():
        if records is not None:
            delta[name] = _records_delta(old[name], *records[name])
            continue
        rows = {row[at]: row for row in encoded[name]}
        delta[name] = (*_mapping_delta(old[name], rows), _order([row[at] for row in encoded[name]]))
    if names is None:
        delta["names"] = _mapping_delta(old["names"], dict(zip(encoded["names"][0],
                                                               state_codec.name_values(encoded["names"]),
                                                               strict=True)))
    else:
        before, now = names
        delta["names"] = ({key: state_codec.encode_name(info) for key, info in now.items()
                           if before.get(key) is not info}, [key for key in before if key not in now])
    for name in MAPPINGS[1:]:
        if mapping_keys is not None and name in mapping_keys:
            delta[name] = _keys_delta(old.get(name, {}), encoded[name], mapping_keys[name])
        else:
            delta[name] = _mapping_delta(old.get(name, {}), encoded[name])
    delta["digests"] = digest_changes if digest_changes is not None else {
        kind: _mapping_delta(old["digests"].get(kind, {}), digests) for kind, digests in encoded["digests"].items()}
    delta["digests_gone"] = [kind for kind in old["digests"] if kind not in encoded["digests"]]
    stats_old, stats_new = _stats_fields(old["stats"]), _stats_fields(encoded["stats"])
    delta["stats"] = {name: (_mapping_delta(stats_old[name], value) if stats_keys is None else
                             _keys_delta(stats_old[name], value, stats_keys.get(name, ())))
                      if isinstance(value, dict) else value for name, value in stats_new.items()}
    quarantined, before = encoded["quarantined"], old["quarantined"]
    prefix = len(quarantined) >= len(before) and all(a is b or a == b for a, b in zip(before, quarantined,
                                                                                     strict=False))
    delta["quarantined"] = ("tail", quarantined[len(before):]) if prefix else ("whole", quarantined)
    handled = {*KEYED, *MAPPINGS, "digests", "stats", "quarantined"}  # names: in MAPPINGS
    delta["whole"] = {name: value for name, value in encoded.items() if name not in handled}
    return delta


def apply_delta(keyed: dict[str, Any], delta: dict[str, Any]) -> None:
    """Apply one delta file's content to the keyed state, in place."""
    for name in KEYED:
        changed, removed, order = delta[name]
        _apply_mapping(keyed[name], (changed, removed))
        keyed[f"{name}_order"] = order
    for name in MAPPINGS:
        _apply_mapping(keyed.setdefault(name, {}), delta.get(name, ({}, [])))  # a mapping added since: none
    digests = keyed["digests"]
    for kind, change in delta["digests"].items():
        _apply_mapping(digests.setdefault(kind, {}), change)
    for kind in delta["digests_gone"]:
        digests.pop(kind, None)
    stats = keyed["stats"]
    for name, change in delta["stats"].items():
        if isinstance(change, tuple):
            _apply_mapping(getattr(stats, name), change)
        else:
            setattr(stats, name, change)
    how, rows = delta["quarantined"]
    keyed["quarantined"] = keyed["quarantined"] + rows if how == "tail" else rows
    keyed.update(delta["whole"])


def _copy(keyed: dict[str, Any], fresh: tuple[str, ...] = ()) -> dict[str, Any]:
    """A copy deep enough that changing the decoded state in place leaves it as read: the containers are
    copied, the encoded records (immutable tuples) and values are shared. `fresh`: dicts no decoded state
    holds (`_by_key` made them for the baseline alone), kept as they are: copying the records and names by id
    was ~0.05 s of each read (BENCHMARKS.md, session 46)."""
    import copy

    copied = {name: dict(value) if isinstance(value, dict) and name not in fresh else value
              for name, value in keyed.items()}
    copied["digests"] = {kind: dict(value) for kind, value in keyed["digests"].items()}
    stats = copy.copy(keyed["stats"])
    for name, value in vars(stats).items():
        if isinstance(value, dict):
            setattr(stats, name, type(value)(value))
    copied["stats"] = stats
    copied["quarantined"] = list(keyed["quarantined"])
    return copied


def read(folder: Path, parts: list[str]) -> tuple[dict[str, Any], Baseline]:
    """The encoded state fields of base + deltas, and the baseline a later save diffs against."""
    with open(folder / parts[0], "rb") as handle:
        base = pickle.load(handle)
    base_bytes = (folder / parts[0]).stat().st_size
    if len(parts) == 1:
        keyed = _by_key(base)
        return base, Baseline(_copy(keyed, _FRESH), list(parts), base_bytes, 0)
    keyed = _by_key(base)
    delta_bytes = 0
    for part in parts[1:]:
        path = folder / part
        delta_bytes += path.stat().st_size
        with open(path, "rb") as handle:
            apply_delta(keyed, pickle.load(handle))
    return _encoded(keyed), Baseline(_copy(keyed, _FRESH), list(parts), base_bytes, delta_bytes)


def _write(path: Path, blob: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(blob)
    tmp.replace(path)


def _touched_records(fields: dict[str, Any], old: dict[str, Any], touched: Touched
                     ) -> dict[str, tuple[list[str], dict[str, tuple]]]:
    """Every paper's and person's id, and the encoded records `touched` names or `old` lacks."""
    out = {}
    for name, encode in (("merged", state_codec.encode_papers), ("authors", state_codec.encode_authors)):
        ids = [record.id for record in fields[name]]
        wanted, known = touched.records[name], old[name]
        chosen = [record for record, key in zip(fields[name], ids, strict=True) if key in wanted or key not in known]
        out[name] = (ids, dict(zip((record.id for record in chosen), encode(chosen), strict=True)))
    return out


def touched_delta(baseline: Baseline, fields: dict[str, Any], digest_changes: dict[str, tuple[dict, list]] | None,
                  touched: Touched) -> dict[str, Any]:
    """The delta of a save that encodes and compares only what `touched` names (the names by identity)."""
    tags = fields["tags"]
    encoded = state_codec.encode({**fields, "names": {}, "merged": [], "authors": [], "tags": {}})
    encoded["tags"] = state_codec.encode_tags({key: tags[key] for key in touched.tags if key in tags})
    return delta_of(baseline.values, encoded, (baseline.names, fields["names"]), digest_changes,
                    _touched_records(fields, baseline.values, touched), touched.stats, {"tags": touched.tags})


def write(folder: Path, fields: dict[str, Any], baseline: Baseline | None,
          digest_changes: dict[str, tuple[dict[Any, bytes], list[Any]]] | None = None,
          touched: Touched | None = None) -> list[str]:
    """Write the state (a State's fields): a delta against `baseline` when there is one and the deltas stay
    small, else a new base. Returns the parts to read, in order (the caller names them in the meta file,
    written last). With `touched`, only those records, tags and statistics' keys are encoded and compared."""
    if baseline is not None and len(baseline.parts) <= MAX_DELTAS:
        names = fields["names"]
        encoded = None
        if baseline.names is not None and touched is not None:
            delta = touched_delta(baseline, fields, digest_changes, touched)
        elif baseline.names is not None:
            encoded = state_codec.encode({**fields, "names": {}})
            delta = delta_of(baseline.values, encoded, (baseline.names, names), digest_changes)
        else:
            encoded = state_codec.encode(fields)
            delta = delta_of(baseline.values, encoded, digest_changes=digest_changes)
        blob = pickle.dumps(delta, protocol=pickle.HIGHEST_PROTOCOL)
        if baseline.delta_bytes + len(blob) <= COMPACT * baseline.base_bytes:
            name = f"delta-{len(baseline.parts):04d}.pkl"
            _write(folder / name, blob)
            return [*baseline.parts, name]
        # a new base (compaction): every record and name, encoded again if the delta skipped some
        encoded = state_codec.encode(fields) if encoded is None else {**encoded,
                                                                       "names": state_codec.encode_names(names)}
    else:
        encoded = state_codec.encode(fields)
    _write(folder / BASE_FILE, pickle.dumps(encoded, protocol=pickle.HIGHEST_PROTOCOL))
    return [BASE_FILE]


def drop_unlisted(folder: Path, parts: list[str]) -> None:
    """Delta files no meta file names any more (after a compaction)."""
    for path in folder.glob("delta-*.pkl"):
        if path.name not in parts:
            path.unlink(missing_ok=True)
