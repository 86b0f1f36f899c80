"""Reader for the vendored ML Anthology data (`mlanthology/`): derived terms and the papers no other list has.

ML Anthology (rbnyng/mlanthology) lists ICML, NeurIPS and ICLR 2018–2025 with abstracts.
The abstracts may not be shipped (data/PROVENANCE.md), so `scripts/vendor_snapshot.py`
turns each into derived terms (`ingest/sources/abstract_terms.py`) and joins the paper,
at vendoring time, to the Paper Copilot or OpenReview record the snapshot already has
(same OpenReview id, else same normalised title, else a near-identical title with
overlapping surnames, within one venue-year). The layout:

- `vocab.txt.gz`: the shared sorted vocabulary, one term per line;
- `terms/<source>/<dir>/<file>`: for one vendored list file, `{record id: [id gaps]}`;
  the list's reader puts the decoded terms on the paper it reads from that record;
- `papers/<venue>-<year>.json.gz`: the papers no vendored list has (all of NeurIPS 2025,
  and the few of other years the join found no partner for) as bibliographic records
  `{key, title, authors: [[given, family]], openreview_id, url, terms}`.

Joining at vendoring time keeps one record per paper in the build (merging 47k extra
records by title would cost the build ~10 s) and uses both full author lists to decide.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from graph import ids
from graph.records import Authorship, Paper, Provenance
from ingest.sources.abstract_terms import decode_ids
from ingest.sources.common import ReadStream, name_flags, quarantine

SOURCE = "mlanthology"
VENUES = {"icml": "ICML", "neurips": "NeurIPS", "iclr": "ICLR"}


@lru_cache(maxsize=4)
def vocabulary(root: Path) -> tuple[str, ...]:
    path = root / "vocab.txt.gz"
    if not path.exists():
        return ()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return tuple(line.rstrip("\n") for line in handle)


def decode_terms(encoded: list[int], vocab: tuple[str, ...]) -> list[str]:
    """Encoded ids -> terms; ids outside the vocabulary raise IndexError (the caller quarantines)."""
    return list(map(vocab.__getitem__, decode_ids(encoded)))


def terms_for_file(root: Path, list_file: Path, snapshot_dir: Path) -> dict[str, list[str]]:
    """Derived terms by record id for one vendored list file ({} when the join gave it none).

    A terms file that cannot be read, or holds ids outside the vocabulary, raises: it is
    written by the vendoring script, so a broken one is a packaging error, not bad input.
    """
    path = root / "terms" / list_file.relative_to(snapshot_dir)
    if not path.exists():
        return {}
    vocab = vocabulary(root)
    encoded = json.load(gzip.open(path))
    return {record_id: decode_terms(value, vocab) for record_id, value in encoded.items()}


def read(path: Path, retrieved_at: str) -> ReadStream:
    """Yield the bibliographic records of one `papers/<venue>-<year>.json.gz` file."""
    try:
        wrapper = json.load(gzip.open(path))
        venue = VENUES[str(wrapper["venue"]).lower()]
        year = int(wrapper["year"])
        records = wrapper["papers"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        yield quarantine(SOURCE, path.name, f"not an ML Anthology paper file: {exc!r}")
        return
    vocab = vocabulary(path.parent.parent)
    provenance = Provenance([SOURCE], retrieved_at)
    for index, record in enumerate(records):
        locator = f"{path.name}[{index}]"
        if not isinstance(record, dict):
            yield quarantine(SOURCE, locator, "record is not an object", record)
            continue
        title = str(record.get("title") or "").strip()
        if not title:
            yield quarantine(SOURCE, locator, "empty title", record)
            continue
        try:
            terms = decode_terms(record.get("terms") or [], vocab)
        except (IndexError, TypeError):
            yield quarantine(SOURCE, locator, "derived terms do not decode against the vocabulary", record)
            terms = []
        names = []
        for position, author in enumerate(record.get("authors") or []):
            if not isinstance(author, list) or len(author) != 2 or not any(str(part).strip() for part in author):
                yield quarantine(SOURCE, f"{locator}.author[{position}]", "author without a name", author)
                continue
            names.append(" ".join(str(part).strip() for part in author if str(part).strip()))
        if not names:
            yield quarantine(SOURCE, locator, "no authors listed", {"title": title})
        openreview_id = str(record.get("openreview_id") or "").strip() or None
        paper = Paper(
            id=ids.paper_id(openreview_id=openreview_id, title=title, year=year,
                            first_author=names[0] if names else ""),
            title=title, year=year, venue_id=ids.venue_id(venue), venue_name=venue, derived_terms=terms,
            openreview_id=openreview_id, url=str(record.get("url") or "") or None, provenance=provenance)
        paper.authorships = [Authorship(paper_id=paper.id, position=i, name=name, flags=name_flags(name))
                             for i, name in enumerate(names)]
        yield paper
