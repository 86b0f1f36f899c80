"""Does a trained `textcat_multilabel` beat the rule tagger? The experiment behind the model choice.

    .venv/bin/python benchmarks/bench_topics_textcat.py [--dev-copies 0] [--epochs 4]

Trains spaCy's bag-of-words `textcat_multilabel` (bigrams) on weak labels: the rule
tagger's output on every snapshot paper outside the labelled set, plus, with
`--dev-copies N`, N copies of each hand-labelled dev-split paper. Then scores the model
alone, its union and its intersection with the rules on the dev and held-out splits.
Takes a minute or two of CPU; the result decides whether the Atlas ships a trained
model (it does not: see BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import spacy
from spacy.training import Example

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import config  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402
from ingest.topics import default_tagger  # noqa: E402
from ingest.topics.evaluate import label_counts, load_dev_set, predict, summarise  # noqa: E402
from ingest.topics.tagger import PaperText, community_of_venue_id  # noqa: E402
from ingest.topics.taxonomy import LABELS, PILLARS, TOPICS  # noqa: E402


def as_text(title: str, abstract: str | None, venue: str) -> str:
    return f"{venue} | {title}. {abstract or ''}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-copies", type=int, default=0, help="copies of each dev-split labelled paper")
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(0)

    tagger = default_tagger()
    labelled = load_dev_set()
    labelled_ids = {p.id for p in labelled}
    papers = [p for p in read_snapshot(config.snapshot_dir()).papers if p.id not in labelled_ids]
    weak = tagger.tag(PaperText(p.title, p.abstract, community_of_venue_id(p.venue_id)) for p in papers)
    train = []
    for paper, tags in zip(papers, weak, strict=True):
        given = {t.topic for t in tags}
        train.append((as_text(paper.title, paper.abstract, paper.venue_id.split(":", 1)[1]),
                      {label: float(label in given) for label in LABELS}))
    for paper in (p for p in labelled if p.split == "dev"):
        cats = {label: float(label in paper.pillars | paper.topics) for label in LABELS}
        train += [(as_text(paper.title, paper.abstract, paper.venue), cats)] * args.dev_copies

    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
        "no_output_layer": False}})
    for label in LABELS:
        textcat.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": cats}) for text, cats in train]
    optimizer = nlp.initialize(lambda: examples[:500])
    start = time.perf_counter()
    for epoch in range(args.epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for i in range(0, len(examples), 256):
            nlp.update(examples[i:i + 256], sgd=optimizer, losses=losses)
        print(f"epoch {epoch}: loss {losses['textcat_multilabel']:.2f} ({time.perf_counter() - start:.0f} s)")

    rules = predict(tagger, labelled)
    print(f"\ntrained on {len(train):,} examples ({args.dev_copies} copies of each dev paper)")
    print(f"{'split':<8}{'threshold':>10}  {'system':<8}{'pillars F1':>12}{'topics F1':>11}")
    for split in ("dev", "heldout"):
        rows = [(p, r[0] | r[1]) for p, r in zip(labelled, rules, strict=True) if p.split == split]
        docs = list(nlp.pipe(as_text(p.title, p.abstract, p.venue) for p, _ in rows))
        for threshold in (0.3, 0.5):
            model = [{label for label, score in doc.cats.items() if score >= threshold} for doc in docs]
            systems = {"model": [m for m in model], "rules": [r for _, r in rows],
                       "union": [m | r for m, (_, r) in zip(model, rows, strict=True)],
                       "inter": [m & r for m, (_, r) in zip(model, rows, strict=True)]}
            for name, predicted in systems.items():
                pillars = summarise(label_counts([p.pillars for p, _ in rows], [s & set(PILLARS) for s in predicted],
                                                 PILLARS))["micro"]["f1"]
                topics = summarise(label_counts([p.topics for p, _ in rows], [s & set(TOPICS) for s in predicted],
                                                TOPICS))["micro"]["f1"]
                print(f"{split:<8}{threshold:>10.1f}  {name:<8}{pillars:>12.3f}{topics:>11.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
