"""The learned layer: shipped model matches the taxonomy, reads with numpy only, and explains every tag."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.topics import default_tagger, product_tagger
from ingest.topics.learned import MODEL_PATH, LearnedModel, LearnedTagger, taxonomy_digest, text_grams
from ingest.topics.tagger import PaperText
from ingest.topics.taxonomy import LABELS


@pytest.fixture(scope="module")
def learned() -> LearnedTagger:
    return LearnedTagger(default_tagger(), LearnedModel.load())


def test_model_was_fitted_on_this_taxonomy_and_tuning_papers_only() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["taxonomy"] == taxonomy_digest(), "taxonomy changed: python -m ingest.topics.fit_learned"
    assert data["labels"] == list(LABELS)
    assert data["info"]["seed"] and data["info"]["training_papers"] >= 700
    assert MODEL_PATH.stat().st_size < 1_000_000  # a small file


def test_reading_the_model_needs_no_training_dependency() -> None:
    code = ("import sys; from ingest.topics.learned import LearnedModel; LearnedModel.load(); "
            "assert 'sklearn' not in sys.modules and 'scipy.sparse' not in sys.modules")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env={"PYTHONPATH": str(root)})


def test_every_learned_tag_says_what_carried_it(learned: LearnedTagger) -> None:
    papers = [PaperText("Orca: a distributed serving system for transformer-based generative models",
                        "We serve large language models with iteration-level scheduling and selective batching.",
                        "systems"),
              PaperText("Differentially private federated learning with secure aggregation", None, "ml")]
    for tags in learned.tag(papers):
        assert tags
        for tag in tags:
            assert 0 < tag.score <= 1 and tag.evidence, tag
    first = {t.topic: t for t in next(learned.tag(papers[:1]))}
    assert {"llm", "inference_serving", "software"} <= set(first)
    assert any(e.startswith("learned: ") for t in first.values() for e in t.evidence)


def test_text_grams_are_the_same_from_an_abstract_and_its_derived_terms() -> None:
    from ingest.topics.terms import derive_terms

    abstract = "We build a low-latency prediction serving system. It batches queries adaptively."
    rules = default_tagger()
    a = next(rules.analyse([PaperText("T", abstract)]))
    d = next(rules.analyse([PaperText("T", None, None, tuple(derive_terms(abstract)))]))
    assert text_grams(a.doc) == text_grams(d.doc)


def test_the_product_tagger_is_the_learned_layer() -> None:
    assert isinstance(product_tagger(), LearnedTagger)


def test_vectorised_grams_match_the_grams_the_model_was_fitted_on(learned: LearnedTagger) -> None:
    # Includes "numbers": its norm "number" is a spaCy built-in symbol with a small id, not a hash.
    texts = [PaperText("Serving numbers of LSTMs", "We reduce the number of GPUs for low-latency model serving; "
                       "tail latency drops and throughput grows. No. 5 is an outlier."),
             PaperText("x"), PaperText("Quantized training", None, None, ("model serving", "low bit"))]
    model = learned.model
    for analysis in default_tagger().analyse(texts):
        slow = sorted(model.vocab.index(g) for g in text_grams(analysis.doc) if g in set(model.vocab))
        assert model._gram_indices(analysis.doc).tolist() == slow


def test_labels_left_to_the_rules_follow_the_rules(learned: LearnedTagger) -> None:
    # `fit_learned --fallback` can leave labels to the rules (rejected by nested CV, BENCHMARKS.md);
    # the product must then give exactly the rules' decision for them, with the rules' evidence.
    import dataclasses

    import numpy as np

    # The layer says yes to every other label, except the two that imply hardware (rule 4).
    thresholds = np.asarray([2.0 if label in ("hardware_accelerators", "edge_mobile") else 0.0 for label in LABELS])
    model = dataclasses.replace(learned.model, rule_labels=frozenset({"hardware"}), thresholds=thresholds)
    tagger = LearnedTagger(learned.rules, model)
    hw = PaperText("A systolic array accelerator for sparse DNNs", "We design a chip that skips zero weights.", "ml")
    sw = PaperText("Adaptive batching for model serving", "We batch requests to cut the tail latency of DNN serving.",
                   "systems")
    hw_tags, sw_tags = ({t.topic: t for t in tags} for tags in tagger.tag([hw, sw]))
    assert "hardware" in hw_tags and not any(e.startswith("learned: ") for e in hw_tags["hardware"].evidence)
    assert "hardware" not in sw_tags and "software" in sw_tags


def test_the_product_decision_rules_of_the_fit() -> None:
    # What nested CV scores is what LearnedTagger does: thresholds, implied pillars, rules on titles.
    import numpy as np

    from ingest.topics.fit_learned import Choice, decide

    probs = np.zeros((2, len(LABELS)))
    probs[:, LABELS.index("hardware_accelerators")] = 0.9
    rules = np.zeros((2, len(LABELS)), dtype=int)
    rules[1, LABELS.index("software")] = 1
    pred = decide(probs, Choice(np.full(len(LABELS), 0.5), np.zeros(len(LABELS), dtype=bool)), rules,
                  np.asarray([True, False]))
    assert pred[0, LABELS.index("hardware")] == 1  # implied by hardware_accelerators
    assert pred[1].tolist() == rules[1].tolist()  # a title-only paper keeps the rules' labels
