"""Topic-tagging quality: precision, recall and F1 against the hand-labelled set.

    .venv/bin/python benchmarks/bench_topics_quality.py [--errors] [--record]

Scores the `dev` split (used for error analysis while writing the taxonomy) and the
`heldout` split (never tuned on) of `tests/data/topics_dev.jsonl`, per pillar, per topic,
micro and macro, as Markdown tables ready for BENCHMARKS.md. `--errors` lists the dev
papers the tagger gets wrong (never the held-out ones, to keep them unseen). `--record`
writes the micro/macro F1 to `tests/data/topics_quality_baseline.json`, the floor the
regression test holds the tagger to (re-record only with a reason in the commit).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.topics import default_tagger  # noqa: E402
from ingest.topics.evaluate import BASELINE, errors, evaluate, load_dev_set  # noqa: E402


def table(kind: str, results: dict[str, dict[str, Any]]) -> str:
    splits = list(results)
    head = "| label | " + " | ".join(f"{s} P | {s} R | {s} F1 | {s} n" for s in splits) + " |"
    lines = [head, "|---" * (1 + 4 * len(splits)) + "|"]
    labels = list(results[splits[0]][kind]["per_label"])
    for label in labels:
        cells = []
        for s in splits:
            m = results[s][kind]["per_label"][label]
            cells += [f"{m['precision']:.2f}", f"{m['recall']:.2f}", f"{m['f1']:.2f}", str(m["support"])]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for avg in ("micro", "macro"):
        cells = []
        for s in splits:
            m = results[s][kind][avg]
            cells += [f"**{m['precision']:.3f}**", f"**{m['recall']:.3f}**", f"**{m['f1']:.3f}**", ""]
        lines.append(f"| *{avg}* | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list dev-split papers tagged wrongly")
    parser.add_argument("--json", action="store_true", help="print the raw scores as JSON")
    parser.add_argument("--record", action="store_true", help=f"write the F1 floor to {BASELINE.name}")
    args = parser.parse_args()

    tagger = default_tagger()
    papers = load_dev_set()
    results = {split: evaluate(tagger, [p for p in papers if p.split == split]) for split in ("dev", "heldout")}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    counts = {s: sum(1 for p in papers if p.split == s) for s in results}
    print(f"labelled papers: dev {counts['dev']}, held-out {counts['heldout']}\n")
    print("Pillars\n\n" + table("pillars", results) + "\n")
    print("Topics\n\n" + table("topics", results) + "\n")
    for kind, target in (("pillars", 0.85), ("topics", 0.70)):
        f1 = results["heldout"][kind]["micro"]["f1"]
        print(f"held-out {kind} micro-F1 {f1:.3f} (target >= {target}) {'OK' if f1 >= target else 'MISSED'}")
    if args.record:
        floor = {split: {kind: {avg: round(r[kind][avg]["f1"], 4) for avg in ("micro", "macro")}
                         for kind in ("pillars", "topics")} for split, r in results.items()}
        BASELINE.write_text(json.dumps(floor, indent=2) + "\n", encoding="utf-8")
        print(f"\nrecorded {BASELINE}")
    if args.errors:
        print("\nDev-split errors (missing | extra | title)")
        for e in errors(tagger, [p for p in papers if p.split == "dev"]):
            print(f"  {e['missing']} | {e['extra']} | {e['title'][:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
