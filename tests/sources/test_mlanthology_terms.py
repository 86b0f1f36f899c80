"""Derived terms from ML Anthology abstracts: extraction, encoding, the join to the lists, the NeurIPS 2025 records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from graph.records import Paper, Quarantined
from ingest.identity.papers import merge_papers
from ingest.sources import abstract_terms, aicpl, mlanthology, papercopilot

SNAP = Path(__file__).resolve().parents[2] / "data" / "snapshot"
ROOT = SNAP / "mlanthology"


def _papers(items: list) -> list[Paper]:
    return [i for i in items if isinstance(i, Paper)]


def test_candidate_terms_never_start_or_end_with_a_stopword_or_hold_a_number() -> None:
    terms = abstract_terms.candidate_terms(
        "We train a 7B model with $\\ell_2$ regularisation on 8 GPUs. Model parallelism (tensor and pipeline) "
        "reduces the memory footprint; see https://example.org/code.")
    assert {"model parallelism", "memory footprint", "memory", "gpus", "7b model", "regularisation"} <= terms
    assert "tensor and pipeline" in terms  # inner stopwords are kept, as in "kv cache and ..." phrases
    stop = abstract_terms.stop_words()
    assert not any(t.split()[0] in stop or t.split()[-1] in stop for t in terms)
    assert not any(w.isdigit() for t in terms for w in t.split())
    assert not any("example" in t or "ell" in t for t in terms)  # URLs and maths are cut out
    assert "parallelism tensor" not in terms  # a term never spans punctuation


def test_ids_round_trip_through_the_compact_encoding() -> None:
    ids = [0, 3, 40, 41, 1295, 48000]
    encoded = abstract_terms.encode_ids(ids)
    assert encoded == [0, 3, 37, 1, 1254, 46705] and abstract_terms.decode_ids(encoded) == ids
    assert abstract_terms.decode_ids([]) == []
    with pytest.raises(ValueError):
        abstract_terms.encode_ids([3, 1])


def test_vocabulary_is_sorted_short_and_frequent_only() -> None:
    vocab = mlanthology.vocabulary(ROOT)
    assert len(vocab) > 40_000 and list(vocab) == sorted(vocab)
    assert max(len(term.split()) for term in vocab) == 3
    assert {"federated learning", "kv cache", "model parallelism", "large language models"} <= set(vocab)


def test_terms_ride_on_the_list_records_they_were_joined_to() -> None:
    path = SNAP / "papercopilot/icml/icml2023.json.gz"
    terms = mlanthology.terms_for_file(ROOT, path, SNAP)
    papers = _papers(list(papercopilot.read(path, "2025-06-12", derived_terms=terms)))
    assert sum(1 for p in papers if p.derived_terms) >= 0.97 * len(papers)
    flexgen = next(p for p in papers if p.title.startswith("FlexGen"))
    assert {"gpu memory", "large language model", "inference"} <= set(flexgen.derived_terms)
    assert flexgen.derived_terms == sorted(set(flexgen.derived_terms))
    assert flexgen.abstract is None  # never the text


def test_terms_survive_the_merge_of_two_lists_of_one_paper() -> None:
    # ICLR 2022 comes from Paper Copilot and OpenReview (aicpl); the terms were joined to Paper Copilot's
    # record, while aicpl ranks higher in the merge, so the merge must carry them over.
    pc = SNAP / "papercopilot/iclr/iclr2022.json.gz"
    ai = SNAP / "aicpl/openreview_profile_authorids/iclr2022.json.gz"
    papers = _papers(list(papercopilot.read(pc, "2025-06-12",
                                            derived_terms=mlanthology.terms_for_file(ROOT, pc, SNAP))))
    papers += _papers(list(aicpl.read(ai, "2026-06-18", derived_terms=mlanthology.terms_for_file(ROOT, ai, SNAP))))
    merged = merge_papers(papers)
    both = [p for p in merged if {"aicpl", "papercopilot"} <= set(p.provenance.sources)]
    assert len(both) > 1000
    assert sum(1 for p in both if p.derived_terms) >= 0.99 * len(both)


def test_neurips_2025_bibliographic_records() -> None:
    items = list(mlanthology.read(ROOT / "papers/neurips-2025.json.gz", "2026-12-01"))
    papers = _papers(items)
    assert len(papers) == 5823 and {(p.venue_name, p.year) for p in papers} == {("NeurIPS", 2025)}
    assert all(p.openreview_id and p.id == f"paper:openreview:{p.openreview_id}" for p in papers)
    assert sum(1 for p in papers if p.derived_terms) > 5800 and not any(p.abstract for p in papers)
    tight = next(p for p in papers if p.title == "Tight analyses of first-order methods with error feedback")
    assert [a.name for a in tight.authorships] == ["Daniel Berg Thomsen", "Adrien Taylor", "Aymeric Dieuleveut"]


def test_no_abstract_text_is_shipped() -> None:
    for path in ROOT.rglob("*.json.gz"):
        text = gzip.open(path).read().decode("utf-8")
        assert '"abstract"' not in text, path


def test_broken_records_are_quarantined(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "vocab.txt.gz").write_bytes(gzip.compress(b"alpha\nbeta\n"))
    path = tmp_path / "papers" / "neurips-2025.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"venue": "neurips", "year": "2025", "papers": [
        "nope", {"title": ""}, {"title": "Bad terms", "terms": [0, 5], "authors": [["A", "B"]]},
        {"title": "Bad author", "terms": [0, 1], "authors": [["", ""], ["C", "D"]]},
        {"title": "No authors", "authors": []}]}).encode()))
    items = list(mlanthology.read(path, "2026-12-01"))
    assert [i.reason for i in items if isinstance(i, Quarantined)] == [
        "record is not an object", "empty title", "derived terms do not decode against the vocabulary",
        "author without a name", "no authors listed"]
    papers = _papers(items)
    assert [(p.title, p.derived_terms) for p in papers] == [("Bad terms", []), ("Bad author", ["alpha", "beta"]),
                                                            ("No authors", [])]
    unknown = tmp_path / "papers" / "aaai-2025.json.gz"
    unknown.write_bytes(gzip.compress(b'{"venue": "aaai", "year": 2025, "papers": []}'))
    assert "not an ML Anthology paper file" in next(iter(mlanthology.read(unknown, "2026-12-01"))).reason
