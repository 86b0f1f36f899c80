"""The tagger's fast paths give exactly what the plain code they replace gives.

Each shortcut (tagging CPU on the snapshot, benchmarks/tag_cpu.py) is compared here with the
straightforward version: the joined derived terms with every term cleaned, the lookbehind-first
joiner regex, the all-pairs containment test, and the learned layer's per-doc gram lookup and
scores, the latter bit for bit on the labelled papers.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

from ingest.topics import default_tagger
from ingest.topics.learned import LearnedModel, LearnedTagger, meta_features
from ingest.topics.normalise import clean_text, split_joiners
from ingest.topics.tagger import TERM_JOINER, TITLE_ONLY, PaperText, _inside_longer, _joined_terms, _Span

LABELLED = Path(__file__).resolve().parents[1] / "data" / "topics_v3.jsonl"


@pytest.fixture(scope="module")
def labelled() -> list[PaperText]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [PaperText(r["title"], r.get("abstract"), None, tuple(r.get("derived_terms") or ())) for r in rows]


def _joined_slowly(terms: tuple[str, ...]) -> str:
    return TERM_JOINER.join(clean_text(t) for t in terms if t.strip())


@pytest.mark.parametrize("terms", [
    ("model serving", "low latency"), (" leading", "x"), ("x", "trailing ", "y"), ("last ",), ("a  b", "c"),
    ("tab\there",), ("", "  ", "x"), ("ﬂash attention",), ("café",), ("a ;b", "c"), ("x\u00a0y",), ("x\x1cy",),
    ("line\nbreak",), (";", "x"), ("x", ""), ()])
def test_joined_terms_are_the_cleaned_terms_joined(terms: tuple[str, ...]) -> None:
    assert _joined_terms(terms) == _joined_slowly(terms)


def test_joined_terms_on_random_terms() -> None:
    rnd = random.Random(12)
    alphabet = ["a", "b", " ", "  ", "\t", ";", "; ", "ﬁ", "é", "\u00a0", "-"]
    for _ in range(20_000):
        terms = tuple("".join(rnd.choices(alphabet, k=rnd.randint(0, 4))) for _ in range(rnd.randint(0, 4)))
        assert _joined_terms(terms) == _joined_slowly(terms), terms


def test_joiner_regex_matches_the_lookbehind_first_one() -> None:
    plain = re.compile(r"(?<=\w)[-\u2010\u2011\u2012\u2013/_](?=\w)")
    rnd = random.Random(3)
    alphabet = "ab1_-/\u2010\u2011\u2012\u2013 .é²\n"
    for _ in range(50_000):
        text = "".join(rnd.choices(alphabet, k=rnd.randint(0, 10)))
        assert split_joiners(text) == plain.sub(" ", text), text


def test_inside_longer_is_the_all_pairs_test() -> None:
    rnd = random.Random(5)
    for _ in range(5_000):
        spans = []
        for _ in range(rnd.randint(0, 8)):
            start = rnd.randint(0, 6)
            spans.append(_Span(start, start + rnd.randint(1, 4), 0, 0, "", None))  # type: ignore[arg-type]
        expected = [any(o.start <= s.start and s.end <= o.end and o.end - o.start > s.end - s.start for o in spans)
                    for s in spans]
        assert _inside_longer(spans) == expected


def test_batched_learned_layer_is_bit_identical_to_per_paper(labelled: list[PaperText]) -> None:
    rules = default_tagger()
    model = LearnedModel.load()
    texts = [*labelled, PaperText(""), PaperText("Only a title"), PaperText("T", None, None, ("gpu",))]
    analyses = list(rules.analyse(texts))
    with_text = [a for a in analyses if a.paper.input_kind != TITLE_ONLY]
    for analysis, grams in zip(with_text, model.gram_indices_many([a.doc for a in with_text]), strict=True):
        alone = model._gram_indices(analysis.doc)
        assert grams.dtype == alone.dtype and grams.tolist() == alone.tolist()
        for batched, per_doc in zip(model.probabilities(analysis, grams), model.probabilities(analysis), strict=True):
            assert np.array_equal(batched, per_doc)
    per_paper = [a.tags if a.paper.input_kind == TITLE_ONLY else model.tags(a) for a in analyses]
    assert list(LearnedTagger(rules, model).tag(texts, batch_size=37)) == per_paper
    assert sum(bool(tags) for tags in per_paper) > 200


def test_meta_features_keep_their_names_order(labelled: list[PaperText]) -> None:
    # The contributions are summed in feature order, so `_meta` must list them as `meta_features` does.
    model = LearnedModel.load()
    for analysis in default_tagger().analyse(labelled[:300]):
        named = [(model._meta_index[k], v) for k, v in meta_features(analysis).items() if k in model._meta_index]
        assert model._meta(analysis) == ([i for i, _ in named], [v for _, v in named])
