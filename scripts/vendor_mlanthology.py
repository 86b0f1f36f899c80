"""Vendor ML Anthology as derived terms joined to the snapshot's lists (maintainer tool).

See ingest/sources/mlanthology.py for the layout it writes.

Abstracts are read here and never written out: each becomes a bag of frequent terms
(`abstract_terms`), attached by record id to the Paper Copilot / OpenReview record of
the same paper, or shipped with the bibliographic facts when no list has the paper.
Run through `scripts/vendor_snapshot.py` after the lists themselves are vendored.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from ingest.identity.names import fold
from ingest.identity.papers import title_key
from ingest.sources import abstract_terms, papercopilot
from ingest.sources.common import name_from_tilde_id, split_author_string

MIN_DOCUMENT_FREQUENCY = 10  # chosen by snapshot size (docs: data/PROVENANCE.md); 10 -> ~7.7 MB
FUZZY_TITLE = 92.0
RELATED_TITLE = 60.0
_LIST_VENUE = {"icml": "icml", "nips": "neurips", "iclr": "iclr"}


@dataclass
class Target:
    """One record of a vendored list that a mlanthology paper can attach its terms to."""

    file: str  # path relative to the snapshot
    record_id: str
    title_key: str
    surnames: set[str]
    openreview_id: str | None
    accepted: bool = True  # Paper Copilot also lists rejected submissions; ML Anthology sometimes does too


@dataclass
class JoinStats:
    by_rule: Counter = field(default_factory=Counter)
    per_venue_year: dict[str, dict[str, int]] = field(default_factory=dict)


def _surname(name: str) -> str:
    parts = fold(name).split()
    return parts[-1] if parts else ""


def _targets(dest: Path) -> dict[tuple[str, int], list[Target]]:
    """Accepted records of the vendored Paper Copilot and OpenReview (aicpl) lists, by (venue, year)."""
    out: dict[tuple[str, int], list[Target]] = defaultdict(list)
    for path in sorted((dest / "papercopilot").glob("*/*.json.gz")):
        venue, year = path.parent.name, int(path.name[len(path.parent.name):].split(".")[0])
        for record in json.load(gzip.open(path)):
            accepted = str(record.get("status") or "").strip().lower() not in papercopilot.NOT_ACCEPTED
            names = split_author_string(str(record.get("author") or record.get("authors") or ""))
            out[(_LIST_VENUE[venue], year)].append(Target(
                str(path.relative_to(dest)), str(record["id"]), title_key(str(record.get("title") or "")),
                {_surname(n) for n in names} - {""}, papercopilot.openreview_id_of(record), accepted))
    for path in sorted((dest / "aicpl").glob("*/*.json.gz")):
        wrapper = json.load(gzip.open(path))
        for record in wrapper["records"]:
            url = str(record.get("paper_url") or "")
            names = [name_from_tilde_id(t) or "" for t in record.get("authorids") or []]
            out[("iclr", int(wrapper["year"]))].append(Target(
                str(path.relative_to(dest)), str(record["paper_id"]), title_key(str(record.get("title") or "")),
                {_surname(n) for n in names} - {""},
                url.split("forum?id=", 1)[1].split("&", 1)[0] if "forum?id=" in url else None))
    return out


def openreview_id_of(paper: dict) -> str | None:
    for key in ("openreview_url", "venue_url"):
        url = str(paper.get(key) or "")
        if "openreview.net/forum?id=" in url:
            return url.split("forum?id=", 1)[1].split("&", 1)[0]
    return None


def _match(paper: dict, candidates: list[Target], by_or: dict[str, Target],
           by_title: dict[str, list[Target]], keys: list[str]) -> tuple[Target | None, str]:
    openreview_id = openreview_id_of(paper)
    if openreview_id and openreview_id in by_or:
        return by_or[openreview_id], "openreview id"
    surnames = {_surname(f"{a.get('given', '')} {a.get('family', '')}") for a in paper.get("authors") or []} - {""}

    def authors_agree(target: Target) -> bool:
        if not surnames or not target.surnames:
            return True
        return len(surnames & target.surnames) / min(len(surnames), len(target.surnames)) >= 0.5

    key = title_key(paper.get("title") or "")
    for target in by_title.get(key, []):
        if authors_agree(target):
            return target, "same title"
    for found_key, _score, _ in process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_TITLE, limit=3):
        for target in by_title[found_key]:
            if authors_agree(target):
                return target, "near-identical title, shared surnames"
    # Camera-ready titles drift from the submitted ones ("... RL with ..." -> "... Reinforcement
    # Learning with ..."): the same author list (by surname) plus a clearly related title.
    if len(surnames) >= 2:
        for target in candidates:
            if target.surnames == surnames and fuzz.token_set_ratio(key, target.title_key) >= RELATED_TITLE:
                return target, "same authors, related title"
    return None, "no partner"


def vendor(raw: Path, dest: Path, min_df: int = MIN_DOCUMENT_FREQUENCY) -> JoinStats:
    source_files = sorted((raw / "mlanthology" / "papers").glob("*.json.gz"))
    corpora = {path: json.load(gzip.open(path)) for path in source_files}
    candidates = {(path, i): abstract_terms.candidate_terms(p.get("abstract") or "")
                  for path, wrapper in corpora.items() for i, p in enumerate(wrapper["papers"])}
    doc_freq: Counter = Counter()
    for terms in candidates.values():
        doc_freq.update(terms)
    vocab = abstract_terms.vocabulary(doc_freq, min_df)
    index = {term: i for i, term in enumerate(vocab)}
    out = dest / "mlanthology"
    shutil.rmtree(out, ignore_errors=True)  # no file of an earlier run may survive
    out.mkdir(parents=True)
    with open(out / "vocab.txt.gz", "wb") as raw_out, gzip.GzipFile(fileobj=raw_out, mode="wb", mtime=0) as gz:
        gz.write(("\n".join(vocab) + "\n").encode("utf-8"))

    targets = _targets(dest)
    terms_by_file: dict[str, dict[str, list[int]]] = defaultdict(dict)
    stats = JoinStats()
    claimed: set[tuple[str, str]] = set()
    for path, wrapper in corpora.items():
        venue, year = str(wrapper["venue"]).lower(), int(wrapper["year"])
        pool = sorted(targets.get((venue, year), []), key=lambda t: not t.accepted)  # accepted records first
        by_or = {t.openreview_id: t for t in reversed(pool) if t.openreview_id}
        by_title: dict[str, list[Target]] = defaultdict(list)
        for target in pool:
            by_title[target.title_key].append(target)
        keys = list(by_title)
        unmatched = []
        counts: Counter = Counter()
        for i, paper in enumerate(wrapper["papers"]):
            encoded = abstract_terms.encode_ids(sorted(index[t] for t in candidates[(path, i)] if t in index))
            target, rule = _match(paper, pool, by_or, by_title, keys) if pool else (None, "venue-year not listed")
            if target is not None and not target.accepted:
                target, rule = None, "listed as not accepted"
            elif target is not None and (target.file, target.record_id) in claimed:
                target, rule = None, "partner already taken"
            if target is None and pool and rule != "listed as not accepted":
                # The venue-year is listed already, and ML Anthology has about as many accepted
                # papers of it as our list (never more than one extra): a paper with no partner is
                # far likelier a renamed, re-authored duplicate than a missing one, so it is
                # counted, not added.
                rule = f"{rule} in a listed venue-year: not added"
            stats.by_rule[rule] += 1
            counts[rule] += 1
            if target is None and pool:
                continue  # not accepted by the venue, or (above) probably a duplicate
            if target is None:
                authors = [[a.get("given") or "", a.get("family") or ""] for a in paper.get("authors") or []]
                unmatched.append({"key": paper.get("bibtex_key"), "title": paper.get("title"), "authors": authors,
                                  "openreview_id": openreview_id_of(paper),
                                  "url": paper.get("venue_url") or paper.get("openreview_url") or None,
                                  "terms": encoded})
                continue
            claimed.add((target.file, target.record_id))
            if encoded:
                terms_by_file[target.file][target.record_id] = encoded
        stats.per_venue_year[f"{venue}-{year}"] = dict(counts)
        if unmatched:
            _write(out / "papers" / f"{venue}-{year}.json.gz", {"venue": venue, "year": year, "papers": unmatched})
    for file, terms in terms_by_file.items():
        _write(out / "terms" / file, dict(sorted(terms.items())))
    return stats


def _write(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"))
