"""Identity-resolution benchmark: B-cubed / pairwise F1 against OpenReview and S2 ids, and speed.

    .venv/bin/python benchmarks/bench_identity.py              # quality + snapshot timing
    .venv/bin/python benchmarks/bench_identity.py --scaling    # plus synthetic 125k..1M mentions
    .venv/bin/python benchmarks/bench_identity.py --train      # refit ingest/identity/model.json first (~12 min)
    .venv/bin/python benchmarks/bench_identity.py --retune     # only re-choose its thresholds (~9 min)
    .venv/bin/python benchmarks/bench_identity.py --families   # only B3 per venue family + snapshot timing
    .venv/bin/python benchmarks/bench_identity.py --prior      # rewrite ingest/identity/name_prior.json.gz

Venue families: ML is the OpenReview held-out set (ICML 2023-24 + NeurIPS 2021);
architecture (HPCA 1995-2022) and systems (SOSP 2017, FAST 2017) are DBLP person ids
from verbatim DBLP search-API answers (`benchmarks/data/identity/dblp_pid_mentions.jsonl.gz`,
CC0, made by scripts/vendor_identity_eval.py), resolved alone exactly as
`mlsys-atlas resolve` would, each split into a dev part and a frozen held-out part. The
data family (SIGMOD, VLDB) has no person-id truth in the stored data.

Quality: each labelled set is resolved with its ids hidden (alone, and inside the whole
snapshot with every strong id hidden, as a build would see it without ids) and scored
next to the issue's baseline (one person per exact printed name) in the same run.
Speed: all snapshot mentions with their strong ids, as the build runs it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.records import Paper  # noqa: E402
from ingest.identity import evaluate  # noqa: E402
from ingest.identity.mentions import Mention, mentions_from_papers  # noqa: E402
from ingest.identity.model import MODEL_PATH  # noqa: E402
from ingest.identity.papers import merge_papers  # noqa: E402
from ingest.identity.resolver import resolve  # noqa: E402
from ingest.sources import aicpl, papercopilot, s2_seed, sysconf  # noqa: E402

SNAPSHOT = ROOT / "data" / "snapshot"
DBLP_EVAL = ROOT / "benchmarks" / "data" / "identity" / "dblp_pid_mentions.jsonl.gz"


def all_snapshot_papers() -> list[Paper]:
    papers: list[Paper] = []
    for path in sorted(SNAPSHOT.glob("papercopilot/*/*.json.gz")):
        papers += [p for p in papercopilot.read(path, "") if isinstance(p, Paper)]
    for path in sorted(SNAPSHOT.glob("aicpl/*/*.json.gz")):
        papers += [p for p in aicpl.read(path, "") if isinstance(p, Paper)]
    papers += [p for p in s2_seed.read(SNAPSHOT / "mlsys_seed_s2" / "ML_Seed_Papers.csv", "") if isinstance(p, Paper)]
    for path in sorted(SNAPSHOT.glob("sysconf/*.json.gz")):
        papers += [p for p in sysconf.read(path, "") if isinstance(p, Paper)]
    return papers


def rows_for(name: str, labels: list[str], truth: list[str], names: list[str],
             scored_mentions: list[Mention]) -> list[dict]:
    rows = []
    joined = [str(t) for t in evaluate.collapse_duplicate_profiles(scored_mentions, truth)]
    for truth_kind, labels_true in (("raw ids", truth), ("duplicate profiles joined", joined)):
        for row in _rows(name, labels, labels_true, names):
            rows.append({**row, "truth": truth_kind})
    return rows


def _rows(name: str, labels: list[str], truth: list[str], names: list[str]) -> list[dict]:
    hard = evaluate.hard_mask(names, truth)
    picked = [k for k, h in enumerate(hard) if h]
    rows = []
    for subset, keep in (("all", range(len(truth))), ("hard blocks", picked)):
        keep = list(keep)
        ours = evaluate.score([labels[k] for k in keep], [truth[k] for k in keep])
        base = evaluate.score([names[k] for k in keep], [truth[k] for k in keep])
        rows.append({"set": name, "subset": subset, "mentions": ours.mentions, "b3_p": ours.b3_precision,
                     "b3_r": ours.b3_recall, "b3_f1": ours.b3_f1, "pair_f1": ours.pair_f1,
                     "baseline_b3_f1": base.b3_f1, "baseline_pair_f1": base.pair_f1})
    return rows


def quality() -> list[dict]:
    rows = []
    sets = evaluate.snapshot_sets(SNAPSHOT)
    for labelled in sets:
        start = time.perf_counter()
        resolution = resolve(labelled.mentions)
        elapsed = time.perf_counter() - start
        scored = [i for i, t in enumerate(labelled.truth) if t]
        for row in rows_for(labelled.name + " (alone)", [resolution.person_ids[i] for i in scored],
                            [str(labelled.truth[i]) for i in scored],
                            [labelled.mentions[i].name for i in scored], [labelled.mentions[i] for i in scored]):
            row["seconds"] = elapsed
            rows.append(row)
    # The same sets inside the whole snapshot, every strong id hidden: more papers per person.
    papers = merge_papers(all_snapshot_papers())
    mentions = list(mentions_from_papers(papers))
    truth_or = [m.strong_ids.get("openreview") for m in mentions]
    truth_s2 = [m.strong_ids.get("s2") for m in mentions]
    hidden = [replace(m, strong_ids={}, authorship=None) for m in mentions]
    start = time.perf_counter()
    resolution = resolve(hidden)
    elapsed = time.perf_counter() - start
    index = {m.mention_id: i for i, m in enumerate(mentions)}
    for labelled in sets:
        kind_truth = truth_s2 if "S2" in labelled.name else truth_or
        scored = [index[m.mention_id] for m, t in zip(labelled.mentions, labelled.truth, strict=True)
                  if t and m.mention_id in index and kind_truth[index[m.mention_id]]]
        for row in rows_for(labelled.name + " (in snapshot)", [resolution.person_ids[i] for i in scored],
                            [str(kind_truth[i]) for i in scored], [mentions[i].name for i in scored],
                            [mentions[i] for i in scored]):
            row["seconds"] = elapsed
            rows.append(row)
    return rows


def hidden_snapshot() -> tuple[list[Mention], list[Mention]]:
    """All snapshot mentions as read (ids kept, for scoring) and the same with every strong id hidden."""
    mentions = list(mentions_from_papers(merge_papers(all_snapshot_papers())))
    return mentions, [replace(m, strong_ids={}, authorship=None) for m in mentions]


def train(refit: bool = True) -> tuple:
    """Refit model.json on ICLR OpenReview ids, alone and inside the whole snapshot (ids hidden).

    Without `refit` only the thresholds are chosen again for the networks in model.json.
    """
    from ingest.identity import training
    from ingest.identity.model import default_model

    iclr = evaluate.snapshot_sets(SNAPSHOT)[1]
    mentions, hidden = hidden_snapshot()
    iclr_ids = {m.mention_id for m, label in zip(iclr.mentions, iclr.truth, strict=True) if label}
    # only ICLR labels are used: ICML and NeurIPS ids stay held out even though they are in the snapshot
    truth = [m.strong_ids.get("openreview") if m.mention_id in iclr_ids else None for m in mentions]
    trained_on = "ICLR 2021-2025 OpenReview ids, alone and inside the whole snapshot"
    if not refit:
        return training.retune(default_model().scorers, iclr.mentions, iclr.truth, hidden, truth, trained_on)
    return training.train(iclr.mentions, iclr.truth, hidden, truth, trained_on)


def write_name_prior() -> dict:
    """Rewrite the name-commonness prior (`ingest/identity/name_prior.py`) from the snapshot's names."""
    from ingest.identity import name_prior
    from ingest.identity.names import clean_name, parse_name

    mentions, _ = hidden_snapshot()
    # parsed as a build's resolver parses them (`resolver._Run.clean_all`)
    parsed = [parse_name(clean_name(m.name, bool(m.strong_ids))[0].name) for m in mentions]
    prior = name_prior.build(parsed, f"author names of data/snapshot ({len(mentions):,} mentions)")
    name_prior.write(prior)
    name_prior.default_prior.cache_clear()
    return {"distinct_names": prior.distinct_names, "surnames": len(prior.surname_diversity),
            "given_names": len(prior.given_diversity)}


def snapshot_timing() -> dict:
    start = time.perf_counter()
    papers = merge_papers(all_snapshot_papers())
    merged = time.perf_counter() - start
    mentions = list(mentions_from_papers(papers))
    start, cpu = time.perf_counter(), time.process_time()
    resolution = resolve(mentions)
    resolved, resolved_cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU time next to wall time: on shared cores the wall time mostly measures the neighbours
    splits = sum(1 for item in resolution.review_items if item["action"] == "possible_split")
    return {"papers": len(papers), "mentions": len(mentions), "people": len(resolution.people),
            "review_items": len(resolution.review_items), "possible_split_items": splits,
            "duplicate_joins": len(getattr(resolution, "joins", ())), "namesake_moves": getattr(resolution, "moved", 0),
            "read_and_merge_papers_s": merged,
            "resolve_authors_s": resolved, "resolve_authors_cpu_s": resolved_cpu}


def synthetic_mentions(count: int, seed: int = 11) -> list[Mention]:
    """Papers of 2-6 authors drawn from communities of people whose names come from snapshot name parts.

    Given names and surnames are sampled independently from their snapshot frequencies,
    so homonyms ('Wei Wang') arise as they do in reality and grow with the corpus.
    """
    rng = random.Random(seed)
    sample = [m.name.split() for m in mentions_from_papers(
        p for p in papercopilot.read(SNAPSHOT / "papercopilot" / "nips" / "nips2024.json.gz", "")
        if isinstance(p, Paper))]
    givens = [parts[0] for parts in sample if len(parts) >= 2]
    surnames = [parts[-1] for parts in sample if len(parts) >= 2]
    people = [f"{rng.choice(givens)} {rng.choice(surnames)}" for _ in range(count // 4)]
    words = [w for parts in sample for w in parts][:5000]
    mentions: list[Mention] = []
    paper = 0
    while len(mentions) < count:
        community = rng.randrange(0, len(people) - 50)
        authors = rng.sample(people[community: community + 50], rng.randint(2, 6))
        title = " ".join(rng.choice(words).lower() for _ in range(8))
        year = rng.randint(2015, 2025)
        for position, name in enumerate(authors):
            mentions.append(Mention(f"syn{paper}#{position}", name, f"syn{paper}", title,
                                    [a for a in authors if a != name], None, "venue:syn", year))
        paper += 1
    return mentions[:count]


def scaling(sizes: list[int]) -> list[dict]:
    rows = []
    for size in sizes:
        mentions = synthetic_mentions(size)
        start, cpu = time.perf_counter(), time.process_time()
        resolution = resolve(mentions)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        rows.append({"mentions": size, "people": len(resolution.people), "seconds": elapsed, "cpu_seconds": cpu,
                     "us_per_mention": elapsed / size * 1e6})
        print(f"{size:>9,} mentions  {elapsed:7.1f} s  (cpu {cpu:6.1f} s)  {elapsed / size * 1e6:6.1f} us/mention",
              flush=True)
    return rows


def family_quality() -> list[dict]:
    """B3 per venue family (module docstring), ours vs the exact-name baseline, dev and held-out parts."""
    import gzip

    from ingest.identity.mentions import mention_from_json

    rows = [json.loads(line) for line in gzip.decompress(DBLP_EVAL.read_bytes()).decode().splitlines() if line]
    mentions = [mention_from_json(row) for row in rows]
    assert not any(m.strong_ids for m in mentions)  # truth is kept aside, never a strong id
    start, cpu = time.perf_counter(), time.process_time()
    resolution = resolve(mentions)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    report = []
    for family in ("architecture", "systems"):
        for part, held in (("dev", False), ("held out", True)):
            keep = [k for k, row in enumerate(rows) if row["family"] == family and row["held_out"] is held]
            for row in _rows(f"DBLP {family} ({part})", [resolution.person_ids[k] for k in keep],
                             [rows[k]["truth_dblp"] for k in keep], [rows[k]["name"] for k in keep]):
                report.append({**row, "truth": "dblp person ids", "seconds": elapsed, "cpu_seconds": cpu})
    held = evaluate.snapshot_sets(SNAPSHOT)[0]
    resolution = resolve(held.mentions)
    scored = [i for i, t in enumerate(held.truth) if t]
    for row in rows_for("ML: " + held.name, [resolution.person_ids[i] for i in scored],
                        [str(held.truth[i]) for i in scored], [held.mentions[i].name for i in scored],
                        [held.mentions[i] for i in scored]):
        report.append(row)
    return report


def print_rows(rows: list[dict]) -> None:
    print(f"{'set':44} {'truth':26} {'subset':12} {'mentions':>8} {'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} {'base':>6} "
          f"{'pairF1':>6} {'base':>6}")
    for row in rows:
        print(f"{row['set']:44} {row['truth']:26} {row['subset']:12} {row['mentions']:8d} {row['b3_p']:6.3f} "
              f"{row['b3_r']:6.3f} {row['b3_f1']:6.4f} {row['baseline_b3_f1']:6.4f} {row['pair_f1']:6.3f} "
              f"{row['baseline_pair_f1']:6.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="refit model.json on the ICLR set first")
    parser.add_argument("--retune", action="store_true", help="only re-choose model.json's thresholds (~8 min)")
    parser.add_argument("--scaling", action="store_true", help="also time synthetic 125k..1M mentions")
    parser.add_argument("--families", action="store_true", help="only B3 per venue family and the snapshot timing")
    parser.add_argument("--prior", action="store_true", help="only rewrite the name-commonness prior")
    parser.add_argument("--speed", action="store_true", help="only the snapshot timing and the synthetic scaling")
    parser.add_argument("--json", type=Path, help="write all numbers to this file")
    args = parser.parse_args()
    report: dict = {}
    if args.prior:
        print(json.dumps(write_name_prior(), indent=1))
        return 0
    if args.families:
        # the rule for common names (strict.py, off by default) next to the version in force, in one run
        from ingest.identity import strict

        common = strict.COMMON
        for version, floor in (("in force (strict rule off)", common),
                               (f"strict rule on (COMMON={strict.CANDIDATE_COMMON})", strict.CANDIDATE_COMMON)):
            strict.COMMON = floor
            rows = family_quality()
            report.setdefault("families", []).extend({**row, "version": version} for row in rows)
            print(f"-- {version}", flush=True)
            print_rows(rows)
            report.setdefault("snapshot", {})[version] = snapshot_timing()
            print(json.dumps(report["snapshot"][version], indent=1), flush=True)
        strict.COMMON = common
        if args.json:
            args.json.write_text(json.dumps(report, indent=1, default=str))
        return 0
    if args.train or args.retune:
        model, info = train(refit=args.train)
        MODEL_PATH.write_text(json.dumps(model.to_json(), indent=1) + "\n")
        from ingest.identity.model import default_model

        default_model.cache_clear()
        report["training"] = {**info, "threshold": model.threshold, "single_weight": model.single_weight,
                              "review_band": [model.review_low, model.review_high]}
        print(json.dumps(report["training"], indent=1, default=str))
    if not args.speed:
        report["quality"] = quality()
        print_rows(report["quality"])
    report["snapshot"] = snapshot_timing()
    print(json.dumps(report["snapshot"], indent=1), flush=True)
    if args.scaling or args.speed:
        report["scaling"] = scaling([125_000, 250_000, 500_000, 1_000_000])
        print(json.dumps(report["scaling"], indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
