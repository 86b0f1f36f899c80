"""Choose `strict.COMMON` on dev and training data only: DBLP dev (HPCA), ICLR alone, ICLR inside the snapshot.

    .venv/bin/python benchmarks/strict_rule_grid.py inf 2 3 5            # all three sets (~3 min per value)
    .venv/bin/python benchmarks/strict_rule_grid.py --quick inf 2 5      # DBLP dev and ICLR alone only

Prints B3-F1 overall / hard blocks per set and value ('inf' is the rule off). The held-out
parts (DBLP held-out buckets, the ICML/NeurIPS OpenReview set) are never read here: their
labels are set to None, so they are resolved with the rest but never scored. Pair tables
and model probabilities are computed once per set and reused across values (the rule acts
on probabilities only).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_identity  # noqa: E402

from ingest.identity import evaluate, resolver, strict  # noqa: E402
from ingest.identity.mentions import mention_from_json  # noqa: E402
from ingest.identity.model import default_model  # noqa: E402
from ingest.identity.training import quality  # noqa: E402

_tables: dict[tuple, object] = {}
_candidate_pairs = resolver.candidate_pairs


def _cached_pairs(corpus, blocks, new=None, model=None):  # the same corpus gives the same pairs: score once per set
    key = (len(corpus.mentions), corpus.mentions[0].mention_id, corpus.mentions[-1].mention_id)
    if key not in _tables:  # the table carries the model's probabilities (pairs.py scores while it builds)
        _tables[key] = _candidate_pairs(corpus, blocks, new, model=model)
    return _tables[key]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("values", nargs="+", type=float, help="COMMON values to try ('inf': rule off)")
    parser.add_argument("--quick", action="store_true", help="skip ICLR inside the snapshot")
    args = parser.parse_args()
    resolver.candidate_pairs = _cached_pairs
    model = default_model()
    rows = [json.loads(line) for line in gzip.decompress(bench_identity.DBLP_EVAL.read_bytes()).decode().splitlines()
            if line]
    dev_truth = [r["truth_dblp"] if not r["held_out"] and r["family"] == "architecture" else None for r in rows]
    sets = [("DBLP dev (HPCA)", [mention_from_json(r) for r in rows], dev_truth)]
    iclr = evaluate.snapshot_sets(bench_identity.SNAPSHOT)[1]
    sets.append(("ICLR alone", iclr.mentions, evaluate.collapse_duplicate_profiles(iclr.mentions, iclr.truth)))
    if not args.quick:
        mentions, hidden = bench_identity.hidden_snapshot()
        ids = {m.mention_id for m, label in zip(iclr.mentions, iclr.truth, strict=True) if label}
        truth = [m.strong_ids.get("openreview") if m.mention_id in ids else None for m in mentions]
        sets.append(("ICLR in snapshot", hidden, evaluate.collapse_duplicate_profiles(hidden, truth)))
    for value in args.values:
        strict.COMMON = value
        scores = []
        for name, mentions, truth in sets:
            overall, hard = quality(mentions, truth, model)
            scores.append(f"{name}: {overall:.4f} / {hard:.4f}")
        print(f"COMMON={value}: " + " | ".join(scores), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
