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
