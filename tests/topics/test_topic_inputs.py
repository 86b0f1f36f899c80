"""Title + abstract and title + derived terms go through one tagging path, and each paper says which it used."""

from __future__ import annotations

from graph.records import Paper
from ingest.topics import ABSTRACT, DERIVED_TERMS, TITLE_ONLY, default_tagger, tag_input, tag_papers
from ingest.topics.tagger import PaperText, pillars_and_topics
from ingest.topics.terms import derive_terms

ABSTRACT_TEXT = ("We present a serving system for large language models. It batches requests continuously "
                 "and cuts tail latency on a GPU cluster.")


def labels(text: PaperText) -> set[str]:
    pillars, topics = pillars_and_topics(next(default_tagger().tag([text])))
    return set(pillars) | set(topics)


def test_input_kind_says_what_was_read() -> None:
    assert PaperText("T").input_kind == TITLE_ONLY
    assert PaperText("T", "  ", derived_terms=(" ",)).input_kind == TITLE_ONLY
    assert PaperText("T", derived_terms=("model serving",)).input_kind == DERIVED_TERMS
    # An abstract wins: derived terms stand in for an abstract, they never add to one.
    assert PaperText("T", "An abstract.", derived_terms=("model serving",)).input_kind == ABSTRACT
    assert PaperText("T", "An abstract.", derived_terms=("model serving",)).body == "An abstract."


def test_derived_terms_tag_like_the_abstract_they_come_from() -> None:
    title = "Orca"
    from_abstract = labels(PaperText(title, ABSTRACT_TEXT, "systems"))
    from_terms = labels(PaperText(title, None, "systems", tuple(derive_terms(ABSTRACT_TEXT))))
    assert {"llm", "inference_serving", "software"} <= from_abstract
    assert {"llm", "inference_serving", "software"} <= from_terms
    assert labels(PaperText(title, None, "systems")) == set()


def test_a_phrase_never_spans_two_derived_terms() -> None:
    # "parameter" ends one term and "server" starts the next: joined they must not read "parameter server".
    assert labels(PaperText("A study", None, "ml", ("parameter", "server"))) == set()
    assert "distributed" in labels(PaperText("A study", None, "ml", ("parameter server",)))


def test_derive_terms_keeps_phrases_not_sentences() -> None:
    terms = derive_terms("We build a low-latency prediction serving system. It is fast, and cheap.")
    assert terms == sorted(set(terms))
    assert "prediction serving system" in terms and "low-latency" in terms
    assert not any(t.split()[0] in {"we", "it", "a", "is", "and"} or t.split()[-1] in {"a", "and"} for t in terms)
    assert "system it" not in " | ".join(terms)  # never across a sentence end
    assert "fast and cheap" not in terms  # nor across a comma


def test_tag_papers_counts_inputs_and_tag_input_agrees() -> None:
    papers = [Paper(id="paper:a", title="Serving LLMs", year=2024, venue_id="venue:osdi", abstract=ABSTRACT_TEXT),
              Paper(id="paper:d", title="Orca", year=2024, venue_id="venue:icml",
                    derived_terms=derive_terms(ABSTRACT_TEXT)),
              Paper(id="paper:t", title="Orca", year=2024, venue_id="venue:icml")]
    counts = tag_papers(papers)
    assert counts == {ABSTRACT: 1, DERIVED_TERMS: 1, TITLE_ONLY: 1}
    assert [tag_input(p) for p in papers] == [ABSTRACT, DERIVED_TERMS, TITLE_ONLY]
    assert "inference_serving" in {t.topic for t in papers[1].topics}
    assert papers[2].topics == []
