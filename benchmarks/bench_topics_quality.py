"""Topic-tagging quality on the frozen held-out splits: rules vs the learned layer, title-only vs with text.

    .venv/bin/python benchmarks/bench_topics_quality.py [--per-label] [--record] [--json]

Two labelled sets (see tests/data/topics_labelling_guide.md): the older dev set
(`topics_dev.jsonl`, held-out = its `heldout` split, 96 papers, mostly titles) and the v3
set labelled blind from title + abstract + venue (`topics_v3.jsonl`, held-out = the frozen
hash split of `ingest.topics.split`, minus papers the dev set had as tuning papers). Each
is scored four ways: rules or rules + learned layer, reading the title only or the title
with the abstract / derived terms the set ships. Pillar and topic micro-F1 pool every
(paper, label) decision; `ml_for_systems` counts in both. `--per-label` prints P/R/F1 per
label for the v3 held-out split. `--record` writes the floors the regression test holds
(`tests/data/topics_quality_baseline.json`). If `tests/data/topics_v3_second.jsonl` (a
second, independent labelling of some v3 papers) exists, the two-labeller agreement is
reported as the micro-F1 of one labelling against the other.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.topics import default_tagger  # noqa: E402
from ingest.topics.evaluate import (  # noqa: E402
    BASELINE,
    V3_SET,
    LabelledPaper,
    label_counts,
    load_dev_set,
    load_v3_set,
    predict,
    score,
    summarise,
)
from ingest.topics.learned import LearnedModel, LearnedTagger  # noqa: E402
from ingest.topics.taxonomy import PILLARS, TOPICS  # noqa: E402

SECOND = V3_SET.with_name("topics_v3_second.jsonl")


def splits() -> dict[str, list[LabelledPaper]]:
    dev = load_dev_set()
    v3 = load_v3_set(dev=dev)
    held = [p for p in v3 if p.heldout]
    return {"dev set held-out": [p for p in dev if p.heldout], "v3 held-out": held,
            "v3 held-out, high confidence": [p for p in held if p.confidence == "high"]}


def run_all() -> dict[str, dict[str, dict[str, Any]]]:
    rules = default_tagger()
    learned = LearnedTagger(rules, LearnedModel.load())
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, papers in splits().items():
        out[name] = {"n": len(papers)}  # type: ignore[dict-item]
        for tagger_name, tagger in (("rules", rules), ("learned", learned)):
            for title_only in (True, False):
                key = f"{tagger_name}, {'title only' if title_only else 'with text'}"
                out[name][key] = score(papers, predict(tagger, papers, title_only))  # type: ignore[arg-type]
    return out


def agreement() -> dict[str, Any] | None:
    """Micro-F1 of the second labelling against the first on the papers both labelled."""
    if not SECOND.exists():
        return None
    first = {p.id: p for p in load_v3_set()}
    second = [json.loads(line) for line in SECOND.read_text(encoding="utf-8").splitlines() if line.strip()]
    shared = [(first[r["id"]], r) for r in second if r["id"] in first]
    held = [(a, b) for a, b in shared if a.heldout]
    tagger = LearnedTagger(default_tagger(), LearnedModel.load())
    predicted = predict(tagger, [a for a, _ in held])
    second_as_gold = [dataclasses.replace(a, pillars=frozenset(b["pillars"]), topics=frozenset(b["topics"]))
                      for a, b in held]
    return {
        "papers": len(shared),
        "pillars": summarise(label_counts([a.pillars for a, _ in shared], [set(b["pillars"]) for _, b in shared],
                                          PILLARS)),
        "topics": summarise(label_counts([a.topics for a, _ in shared], [set(b["topics"]) for _, b in shared],
                                         TOPICS)),
        "heldout_papers": len(held),
        "tagger_vs_first": score([a for a, _ in held], predicted),
        "tagger_vs_second": score(second_as_gold, predicted),
    }


def per_label_table(results: dict[str, Any], split: str) -> str:
    lines = ["| label | rules P | rules R | rules F1 | learned P | learned R | learned F1 | n |", "|---" * 8 + "|"]
    for kind in ("pillars", "topics"):
        for label, r in results[split]["rules, with text"][kind]["per_label"].items():
            if kind == "topics" and label == "ml_for_systems":
                continue
            m = results[split]["learned, with text"][kind]["per_label"][label]
            lines.append(f"| {label} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} | "
                         f"{m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} | {r['support']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-label", action="store_true")
    parser.add_argument("--record", action="store_true", help=f"write the F1 floors to {BASELINE.name}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run_all()
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print("| split | n | tagger | input | pillar micro-F1 | topic micro-F1 |\n|---|---|---|---|---|---|")
    for split, r in results.items():
        for key, s in r.items():
            if key == "n":
                continue
            tagger, text = key.split(", ")
            print(f"| {split} | {r['n']} | {tagger} | {text} | {s['pillars']['micro']['f1']:.3f} | "
                  f"{s['topics']['micro']['f1']:.3f} |")
    if args.per_label:
        print("\nv3 held-out, with text: per label\n\n" + per_label_table(results, "v3 held-out"))
    agree = agreement()
    if agree:
        print(f"\ntwo-labeller agreement on {agree['papers']} v3 papers: pillar micro-F1 "
              f"{agree['pillars']['micro']['f1']:.3f}, topic micro-F1 {agree['topics']['micro']['f1']:.3f}")
        for who in ("first", "second"):
            r = agree[f"tagger_vs_{who}"]
            print(f"rules + learned vs the {who} labelling, on the {agree['heldout_papers']} held-out ones: pillar "
                  f"micro-F1 {r['pillars']['micro']['f1']:.3f}, topic micro-F1 {r['topics']['micro']['f1']:.3f}")
    else:
        print(f"\ntwo-labeller agreement: no second labelling ({SECOND.name}) yet")
    if args.record:
        floor = {split: {key: {kind: round(s[kind]["micro"]["f1"], 4) for kind in ("pillars", "topics")}
                         for key, s in r.items() if key != "n"} for split, r in results.items()}
        BASELINE.write_text(json.dumps(floor, indent=2) + "\n", encoding="utf-8")
        print(f"\nrecorded {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
