"""Experiment: refit the pair networks with DBLP dev-train pairs added; score DBLP dev-val and ICLR alone.

    .venv/bin/python benchmarks/dblp_refit_experiment.py    # ~15 min on a loaded machine; writes nothing

dev-train / dev-val split the DBLP dev part by the block hash the held-out split uses
(buckets 5-10 / 11-15 of scripts/vendor_identity_eval.py); held-out rows (buckets 0-4) are
never given labels. The ML training pairs are those `training.train` fits on (ICLR alone
and inside the snapshot, abbreviated copies included); the DBLP pairs are replicated to
weigh about 5% of the set. Thresholds stay those of model.json (no retune), so this says
whether the networks can learn systems venues without moving ML, not what a shipped
model would score. Compared against model.json as it is, with the strict rule off and on.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_identity  # noqa: E402
import numpy as np  # noqa: E402

from ingest.identity import evaluate, strict  # noqa: E402
from ingest.identity.mentions import mention_from_json  # noqa: E402
from ingest.identity.model import PairModel, default_model, fit_scorers  # noqa: E402
from ingest.identity.names import parse_name  # noqa: E402
from ingest.identity.training import ABBREVIATED_SHARE, abbreviate, labelled_pairs, quality  # noqa: E402

DBLP_SHARE = 0.05  # the DBLP pairs' weight in the training set, by replication


def bucket(name: str) -> int:
    """The hash bucket of the name's block, as scripts/vendor_identity_eval.py computes it (0-4: held out)."""
    return int(hashlib.sha256(parse_name(name).block_key.encode()).hexdigest()[0], 16)


def scores(label: str, model: PairModel, sets: list[tuple[str, list, list]]) -> None:
    for common in (float("inf"), strict.CANDIDATE_COMMON):
        strict.COMMON = common
        parts = []
        for name, mentions, truth in sets:
            overall, hard = quality(mentions, truth, model)
            parts.append(f"{name} {overall:.4f} / {hard:.4f}")
        print(f"  {label}, strict rule {'off' if common == float('inf') else common}: " + " | ".join(parts), flush=True)
    strict.COMMON = float("inf")


def main() -> int:
    rows = [json.loads(line) for line in gzip.decompress(bench_identity.DBLP_EVAL.read_bytes()).decode().splitlines()
            if line]
    mentions = [mention_from_json(row) for row in rows]
    train_truth = [r["truth_dblp"] if not r["held_out"] and bucket(r["name"]) <= 10 else None for r in rows]
    val_truth = [r["truth_dblp"] if not r["held_out"] and bucket(r["name"]) > 10 and r["family"] == "architecture"
                 else None for r in rows]
    print("dev-train", sum(t is not None for t in train_truth), "dev-val", sum(t is not None for t in val_truth),
          flush=True)
    start = time.time()
    iclr = evaluate.snapshot_sets(bench_identity.SNAPSHOT)[1]
    snapshot, hidden = bench_identity.hidden_snapshot()
    ids = {m.mention_id for m, label in zip(iclr.mentions, iclr.truth, strict=True) if label}
    truth = [m.strong_ids.get("openreview") if m.mention_id in ids else None for m in snapshot]
    alone_truth = evaluate.collapse_duplicate_profiles(iclr.mentions, iclr.truth)
    in_snapshot_truth = evaluate.collapse_duplicate_profiles(hidden, truth)
    parts = []
    for labelled, labels in ((iclr.mentions, alone_truth), (hidden, in_snapshot_truth)):
        parts.append(labelled_pairs(*abbreviate(labelled, labels, ABBREVIATED_SHARE)))
    dblp_features, dblp_labels = labelled_pairs(mentions, train_truth)
    ml_pairs = sum(len(y) for _, y in parts)
    copies = max(1, int(DBLP_SHARE * ml_pairs / max(len(dblp_labels), 1)))
    print("ml pairs", ml_pairs, "dblp pairs", len(dblp_labels), "positive", int(dblp_labels.sum()),
          "replicated x", copies, f"{time.time() - start:.0f}s", flush=True)
    sets = [("DBLP dev-val", mentions, val_truth), ("ICLR alone", iclr.mentions, alone_truth)]
    base = default_model()
    start = time.time()
    scorers = fit_scorers(np.concatenate([f for f, _ in parts] + [dblp_features] * copies),
                          np.concatenate([y for _, y in parts] + [dblp_labels] * copies))
    print(f"refit in {time.time() - start:.0f}s", flush=True)
    refit = PairModel(scorers, base.threshold, base.review_high, base.review_low, base.single_weight)
    scores("refit with DBLP dev-train", refit, sets)
    scores("model.json as it is", base, sets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
