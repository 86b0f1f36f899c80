"""Copy the blind v3 labelling into the repository, shipping only text its source lets us ship.

    python -m ingest.topics.import_labels --labels LABELS.jsonl --sample SAMPLE.jsonl \
        --out tests/data/topics_v3.jsonl [--second LABELS2.jsonl]

A development tool, run by hand when the labeller's file grows; nothing in the product or
its tests reads the labeller's files. Per source (see tests/data/topics_v3.PROVENANCE.md):
  - sysconf_eitanf (CC BY-SA 4.0) and mlsys_seed_s2 (MIT; already in the snapshot): the abstract;
  - mlanthology (abstracts not redistributable verbatim): `derived_terms` of the abstract only;
  - title-only rows: nothing but the title.
Each row gets its frozen split (`ingest.topics.split`), so the file shows what is held out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ingest.topics.split import split_of
from ingest.topics.terms import derive_terms

SHIP_ABSTRACT = frozenset({"sysconf_eitanf", "mlsys_seed_s2"})
SHIP_TERMS = frozenset({"mlanthology"})
KEEP = ("id", "source", "venue", "year", "stratum", "title", "pillars", "topics", "confidence")


def shipped_row(label: dict[str, Any], text: dict[str, Any]) -> dict[str, Any]:
    """One repository row: the labels, the split, and the text the source lets us ship."""
    row = {k: label.get(k) for k in KEEP}
    row["split"] = split_of(label["id"])
    row["labelled_from"] = label.get("text_kind") or text.get("text_kind")
    body = text.get("text") if row["labelled_from"] == "abstract" else None
    if body and label["source"] in SHIP_ABSTRACT:
        row["abstract"] = body
    elif body and label["source"] in SHIP_TERMS:
        row["derived_terms"] = derive_terms(body)
    elif body:
        raise ValueError(f"{label['id']}: no shipping decision for source {label['source']!r}")
    return row


def write_second(labels: Path, out: Path) -> None:
    """The second labelling of a subset, for the two-labeller agreement: ids and labels only."""
    latest: dict[str, dict[str, Any]] = {}
    for line in labels.read_text(encoding="utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            latest[label["id"]] = {k: label.get(k) for k in ("id", "pillars", "topics", "confidence")}
    out.write_text("".join(json.dumps(latest[k], ensure_ascii=False) + "\n" for k in sorted(latest)), encoding="utf-8")
    print(f"{len(latest)} papers of the second labelling -> {out}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--sample", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--second", type=Path, help="also write this second, independent labelling "
                        "(labels only, no text) beside --out as topics_v3_second.jsonl")
    args = parser.parse_args(argv)
    if args.second:
        write_second(args.second, args.out.with_name("topics_v3_second.jsonl"))
    texts = {r["id"]: r for r in map(json.loads, args.sample.read_text(encoding="utf-8").splitlines()) if r}
    latest: dict[str, dict[str, Any]] = {}
    for line in args.labels.read_text(encoding="utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            latest[label["id"]] = label  # a corrected label is appended later: the last one wins
    rows = sorted((shipped_row(label, texts[pid]) for pid, label in latest.items()), key=lambda r: r["id"])
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} labelled papers -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
