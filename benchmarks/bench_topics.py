"""Topic-tagging speed on the whole bundled snapshot, against bare tokenisation in the same run.

    .venv/bin/python benchmarks/bench_topics.py [--repeat 3] [--corpus snapshot|labelled]

Four passes over the same texts, each the best of `--repeat` runs so a noisy shared
machine disturbs the ratio less:
  1. bare tokenisation: `spacy.blank("en")` with `nlp.pipe`, nothing else;
  2. the tagger's tokeniser and PhraseMatcher only (lemma norms included);
  3. the rule tagger: matching, overlap resolution, context rules, scoring, evidence;
  4. the product tagger: the rules plus the learned layer (on papers with text).
The texts are what the tagger reads (title + abstract or derived terms): of every snapshot
paper (`--corpus snapshot`), or of the 1,120 labelled papers, nearly all with text
(`--corpus labelled`). The target (issues 4 and 15) is pass 4 within 3x of pass 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import config  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402
from ingest.topics import default_tagger, paper_text, product_tagger  # noqa: E402
from ingest.topics.evaluate import load_dev_set, load_v3_set  # noqa: E402
from ingest.topics.normalise import clean_text, split_joiners  # noqa: E402
from ingest.topics.tagger import BATCH_SIZE, PaperText  # noqa: E402


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", choices=("snapshot", "labelled"), default="snapshot")
    args = parser.parse_args()

    texts: list[PaperText]
    if args.corpus == "snapshot":
        texts = [paper_text(p) for p in read_snapshot(config.snapshot_dir()).papers]
    else:
        dev = load_dev_set()
        texts = [p.text() for p in dev + load_v3_set(dev=dev)]
    raw = [f"{t.title}. {t.body}" if t.body else t.title for t in texts]
    words = sum(len(r.split()) for r in raw)

    tagger = default_tagger()  # built outside the timed region: a one-off ~1 s cost per process
    product = product_tagger()
    blank = spacy.blank("en")
    for nlp in (blank, tagger.nlp):  # warm the vocabularies so no pass pays for first sightings
        for _ in nlp.pipe(raw, batch_size=BATCH_SIZE):
            pass

    def tokenise() -> None:
        for _ in blank.pipe(raw, batch_size=BATCH_SIZE):
            pass

    def match_only() -> None:
        prepared = (split_joiners(clean_text(r)) for r in raw)
        for doc in tagger.nlp.pipe(prepared, batch_size=BATCH_SIZE):
            tagger.matcher(doc)

    tagged = 0

    def tag() -> None:
        nonlocal tagged
        tagged = sum(1 for tags in tagger.tag(texts) if tags)

    def tag_product() -> None:
        nonlocal tagged
        tagged = sum(1 for tags in product.tag(texts) if tags)

    t_tok = best_of(args.repeat, tokenise)
    t_match = best_of(args.repeat, match_only)
    t_tag = best_of(args.repeat, tag)
    t_product = best_of(args.repeat, tag_product)
    kinds = {k: sum(1 for t in texts if t.input_kind == k) for k in ("abstract", "derived_terms", "title_only")}
    print(f"{args.corpus}: {len(texts):,} papers, {words:,} words (inputs: {kinds})")
    print(f"{'pass':<34}{'seconds':>9}{'words/s':>12}{'x tokenise':>12}")
    for name, secs in (("bare tokenisation (blank en)", t_tok), ("tokenise + lemma norms + matcher", t_match),
                       ("rule tagging", t_tag), ("rules + learned layer (product)", t_product)):
        print(f"{name:<34}{secs:>9.2f}{words / secs:>12,.0f}{secs / t_tok:>12.2f}")
    print(f"papers with at least one tag (product): {tagged:,} ({tagged / len(texts):.1%})")
    ratio = t_product / t_tok
    print(f"target: tagging within 3x of tokenisation -> {ratio:.2f}x {'OK' if ratio <= 3 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
