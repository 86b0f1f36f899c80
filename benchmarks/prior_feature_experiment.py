"""Experiment (issue 13, route c): does a corpus-independent name commonness help the pair model?

    .venv/bin/python benchmarks/prior_feature_experiment.py base  --json /tmp/base.json
    .venv/bin/python benchmarks/prior_feature_experiment.py prior --json /tmp/prior.json
    .venv/bin/python benchmarks/prior_feature_experiment.py topic [--space-terms] [--seed-set K] [--ensemble N]

The model's name-frequency features are relative to the corpus being resolved, so in a
few thousand mentions resolved alone a common name looks rare (`name_prior.py`). The
candidate adds one feature, `name_commonness_prior`: `namesakes.name_commonness` of the
fuller name of the pair, from the snapshot's prior when the corpus is smaller than it.

The comparison never reads a held-out label. ICLR's labelled mentions (the training set)
are split by the hash bucket of their name block (the bucket `scripts/vendor_identity_eval.py`
uses): buckets 0-10 fit the networks, 11-15 are the validation part. Both variants are
fitted the same way (`training.train`'s pairs: alone and inside the snapshot, abbreviated
copies, duplicate profiles joined) on the same pairs and scored with model.json's threshold,
linkage weight and review band (no retune), on the ICLR validation part (alone and inside
the snapshot) and on the DBLP dev part (HPCA, SOSP, FAST; held-out rows are never scored).
Run the two variants as two processes (one per core); each writes nothing but its report.

`topic` adds `title_topic_similarity` instead (benchmarks/title_space.py: the cosine of the two
titles in a latent semantic space fitted on the snapshot's titles, or with `--space-terms` on
titles + derived abstract terms). `--seed-set K` fits the five networks with seeds 5K..5K+4 and
`--ensemble N` fits N networks: the spread between seed sets of one variant is the noise a
difference between variants has to exceed (BENCHMARKS.md, identity, session 33).

`--probe-communities` also asks, on the same ICLR validation part resolved alone, what a
cluster-level namesake split would be worth: in clusters of common names (commonness >= 1),
co-author communities (shared co-authors, transitively) of at least `size` mentions whose
titles share almost nothing with the largest community's (cosine of summed title vectors
below T) are taken out as people of their own. Post-processing of person ids, nothing built.
"""

from __future__ import annotations

import argparse
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
import title_space  # noqa: E402

from ingest.identity import evaluate, features, model, pairs, training  # noqa: E402
from ingest.identity.evaluate import hard_mask, score  # noqa: E402
from ingest.identity.mentions import mention_from_json  # noqa: E402
from ingest.identity.model import PairModel, fit_scorers  # noqa: E402
from ingest.identity.names import parse_name  # noqa: E402
from ingest.identity.resolver import resolve  # noqa: E402

VALIDATION_BUCKETS = range(11, 16)


def bucket(name: str) -> int:
    return int(hashlib.sha256(parse_name(name).block_key.encode()).hexdigest()[0], 16)


def use_features(names: tuple[str, ...]) -> None:
    """Every module that read FEATURE_NAMES at import sees the variant's list."""
    for module in (features, pairs, model, training):
        module.FEATURE_NAMES = names


def use_title_space(path: Path | None, terms: bool) -> None:
    """The title space the `topic` variant reads: `path`, or one fitted now on the snapshot's titles."""
    if path is None or not path.exists():
        started = time.process_time()
        if terms:  # every snapshot record, each title with its paper's derived abstract terms
            from ingest.snapshot import read_snapshot

            documents = [" ".join([p.title, *p.derived_terms]) for p in read_snapshot(bench_identity.SNAPSHOT).papers]
        else:
            documents = [p.title for p in bench_identity.all_snapshot_papers()]
        fitted = title_space.fit(documents)
        path = path or title_space.SPACE_PATH
        title_space.save(fitted, path)
        print(f"title space fitted: {len(fitted.vocabulary)} words, {time.process_time() - started:.1f} s CPU",
              flush=True)
    title_space.SPACE_PATH = path
    title_space.shipped.cache_clear()
    title_space.register()


def b3(predicted: list[str], truth: list[str], names: list[str]) -> dict:
    hard = [k for k, is_hard in enumerate(hard_mask(names, truth)) if is_hard]
    overall = score(predicted, truth)
    hard_score = score([predicted[k] for k in hard], [truth[k] for k in hard])
    return {"mentions": len(truth), "b3_f1": round(overall.b3_f1, 4), "hard_mentions": len(hard),
            "hard_b3_f1": round(hard_score.b3_f1, 4), "hard_b3_p": round(hard_score.b3_precision, 4),
            "hard_b3_r": round(hard_score.b3_recall, 4)}


def community_probe(mentions: list, person_ids: list[str], truth: list, validation: list[bool]) -> list[dict]:
    """B3 of the validation part after splitting clusters along co-author communities with no topic in common."""
    from collections import defaultdict

    from ingest.identity import namesakes
    from ingest.identity.evidence import ClusterEvidence
    from ingest.identity.namesakes import name_commonness
    from ingest.identity.resolver import _Run

    run = _Run(mentions, None, ())
    run.clean_all()
    corpus = features.Corpus(run.mentions, run.parsed)
    clusters: dict[str, list[int]] = defaultdict(list)
    for i, person in enumerate(person_ids):
        clusters[person].append(i)

    evidence = ClusterEvidence(corpus)

    def communities(members: list[int]) -> list[list[int]]:
        return sorted(namesakes._communities(members, evidence), key=lambda g: (-len(g), min(g)))

    def centroid(members: list[int]) -> dict[str, float]:
        total: dict[str, float] = defaultdict(float)
        for i in members:
            for word, value in corpus.vectors.get(mentions[i].paper_id, {}).items():
                total[word] += value
        norm = sum(v * v for v in total.values()) ** 0.5 or 1.0
        return {word: value / norm for word, value in total.items()}

    keep = [i for i, v in enumerate(validation) if v]
    labels = [truth[i] for i in keep]

    def scores(ids: list[str]) -> dict:
        return b3([ids[i] for i in keep], labels, [mentions[i].name for i in keep])

    rows = [{"split": "none", **scores(person_ids)}]
    for floor in (0.03, 0.05, 0.07, 0.1):
        for size in (3, 4):
            ids, splits = list(person_ids), 0
            for person, members in clusters.items():
                name = run.parsed[members[0]]
                if len(members) < 2 * size or name_commonness(corpus.surname_diversity[name.surname],
                                                              corpus.given_diversity[name.given],
                                                              corpus.distinct_names) < 1.0:
                    continue
                big = [c for c in communities(members) if len(c) >= size]
                if len(big) < 2:
                    continue
                largest = centroid(big[0])
                for k, community in enumerate(big[1:]):
                    other = centroid(community)
                    if sum(value * other.get(word, 0.0) for word, value in largest.items()) < floor:
                        for i in community:
                            ids[i] = f"{person}#{k}"
                        splits += 1
            rows.append({"split": f"topic < {floor}, communities >= {size}", "splits": splits, **scores(ids)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=("base", "prior", "topic"))
    parser.add_argument("--space", type=Path, help="title space for `topic` (default: fit one on the snapshot)")
    parser.add_argument("--space-terms", action="store_true", help="fit the space on titles + derived abstract terms")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--probe-communities", action="store_true")
    parser.add_argument("--hidden", type=int, nargs="+", help="hidden layer widths (model.HIDDEN_LAYERS)")
    parser.add_argument("--epochs", type=int, help="most epochs per network (model.MAX_EPOCHS)")
    parser.add_argument("--seed-set", type=int, default=0,
                        help="K > 0 fits the ensemble with seeds 5K..5K+4 instead of model.ENSEMBLE_SEEDS")
    parser.add_argument("--ensemble", type=int, help="networks in the ensemble (seeds 0..N-1; model.json has 5)")
    args = parser.parse_args()
    extra = {"base": (), "prior": (pairs.PRIOR_FEATURE,), "topic": (title_space.COLUMN,)}[args.variant]
    names = features.FEATURE_NAMES + extra
    use_features(names)
    if args.variant == "topic":
        use_title_space(args.space, args.space_terms)
    if args.hidden:
        model.HIDDEN_LAYERS = tuple(args.hidden)
    if args.epochs:
        model.MAX_EPOCHS = args.epochs
    if args.seed_set:  # the spread between seed sets is the noise any variant's difference is read against
        model.ENSEMBLE_SEEDS = tuple(range(5 * args.seed_set, 5 * args.seed_set + 5))
    if args.ensemble:
        model.ENSEMBLE_SEEDS = tuple(range(args.ensemble))
    start = time.time()
    iclr = evaluate.snapshot_sets(bench_identity.SNAPSHOT)[1]
    joined = evaluate.collapse_duplicate_profiles(iclr.mentions, iclr.truth)
    validation = [bool(t) and bucket(m.name) in VALIDATION_BUCKETS for m, t in zip(iclr.mentions, iclr.truth,
                                                                                      strict=True)]
    alone_train = [None if v else t for t, v in zip(joined, validation, strict=True)]
    snapshot, hidden = bench_identity.hidden_snapshot()
    joined_of = {m.mention_id: t for m, t in zip(iclr.mentions, joined, strict=True) if t}
    raw_of = {m.mention_id: t for m, t in zip(iclr.mentions, iclr.truth, strict=True) if t}
    validation_ids = {m.mention_id for m, v in zip(iclr.mentions, validation, strict=True) if v}
    in_snapshot_train = [joined_of.get(m.mention_id) if m.mention_id not in validation_ids else None
                         for m in snapshot]
    parts = [training.labelled_pairs(*training.abbreviate(m, t, training.ABBREVIATED_SHARE))
             for m, t in ((iclr.mentions, alone_train), (hidden, in_snapshot_train))]
    x = np.concatenate([f for f, _ in parts])
    y = np.concatenate([labels for _, labels in parts])
    report: dict = {"variant": args.variant, "features": list(names), "hidden": list(model.HIDDEN_LAYERS),
                    "seeds": list(model.ENSEMBLE_SEEDS),
                    "epochs": model.MAX_EPOCHS, "train_pairs": int(len(y)),
                    "train_positive": int(y.sum()), "validation_mentions": sum(validation)}
    print(report, f"{time.time() - start:.0f}s", flush=True)
    fit_start = time.process_time()
    shipped = json.loads(model.MODEL_PATH.read_text())  # its thresholds; its networks are not read
    fitted = PairModel(fit_scorers(x, y), shipped["threshold"], shipped["review_high"], shipped["review_low"],
                       shipped["single_weight"])
    report["fit_cpu_seconds"] = round(time.process_time() - fit_start, 1)
    print("fitted", report["fit_cpu_seconds"], "s CPU", flush=True)

    def scored(mentions: list, person_ids: list[str], truth_of: dict) -> dict:
        keep = [i for i, m in enumerate(mentions) if m.mention_id in validation_ids]
        return b3([person_ids[i] for i in keep], [truth_of[mentions[i].mention_id] for i in keep],
                  [mentions[i].name for i in keep])

    alone = resolve(iclr.mentions, model=fitted)
    report["iclr_val_alone"] = {"joined": scored(iclr.mentions, alone.person_ids, joined_of),
                                "raw": scored(iclr.mentions, alone.person_ids, raw_of)}
    print("alone", report["iclr_val_alone"], flush=True)
    inside = resolve(hidden, model=fitted)
    report["iclr_val_in_snapshot"] = {"joined": scored(hidden, inside.person_ids, joined_of),
                                      "raw": scored(hidden, inside.person_ids, raw_of)}
    print("in snapshot", report["iclr_val_in_snapshot"], flush=True)
    rows = [json.loads(line) for line in gzip.decompress(bench_identity.DBLP_EVAL.read_bytes()).decode().splitlines()
            if line]
    dblp = resolve([mention_from_json(row) for row in rows], model=fitted)
    dev = [k for k, row in enumerate(rows) if not row["held_out"]]  # held-out rows are resolved, never scored
    report["dblp_dev"] = b3([dblp.person_ids[k] for k in dev], [rows[k]["truth_dblp"] for k in dev],
                            [rows[k]["name"] for k in dev])
    print("dblp dev", report["dblp_dev"], flush=True)
    if args.probe_communities:
        report["community_probe"] = community_probe(iclr.mentions, alone.person_ids, joined, validation)
        for row in report["community_probe"]:
            print("probe", row, flush=True)
    report["wall_seconds"] = round(time.time() - start)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
