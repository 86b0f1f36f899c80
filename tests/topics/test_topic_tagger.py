"""The topic tagger on real spaCy: normalisation, false-positive guards, evidence, public API."""

from __future__ import annotations

import pytest

from graph.ids import paper_id, topic_id, venue_id
from graph.records import Paper, TopicTag
from ingest.topics import LABELS, PILLARS, TAGGER_VERSION, TOPICS, default_tagger, tag_papers, taxonomy
from ingest.topics.normalise import lemma_function, split_joiners
from ingest.topics.tagger import PaperText, TopicTagger


@pytest.fixture(scope="module")
def tagger() -> TopicTagger:
    return default_tagger()


def tag(tagger: TopicTagger, title: str, abstract: str | None = None, community: str | None = None) -> dict[
        str, TopicTag]:
    return {t.topic: t for t in next(tagger.tag([PaperText(title, abstract, community)]))}


# ------------------------------------------------------------ normalisation
def test_joiners_become_spaces_without_moving_characters() -> None:
    text = "Low-precision all-reduce on CPU/GPU – fast"
    assert split_joiners(text) == "Low precision all reduce on CPU GPU – fast"
    assert len(split_joiners(text)) == len(text)


def test_norms_are_lemmas_with_plural_fallbacks() -> None:
    norm = lemma_function(keep={"learning"}, abbreviations={"gpu"})
    assert norm("Accelerators") == norm("accelerator") == "accelerator"
    assert norm("GPUs") == norm("gpus") == norm("GPU") == "gpu"  # caps plural and known abbreviation
    assert norm("LLMs") == "llm"
    assert norm("embeddings") == "embedding"  # unknown to the lookup table: plural s dropped
    assert norm("learning") == "learning" and norm("learned") == "learn"  # kept form stays apart
    assert norm("quantized") == norm("quantize")


@pytest.mark.parametrize("title", [
    "Low-Precision Training of Neural Networks",
    "low precision training of neural networks",
    "LOW PRECISION TRAINING OF NEURAL NETWORKS",
    "Low Precision Trainings of Neural Networks",
])
def test_case_hyphenation_and_inflection_match_alike(tagger: TopicTagger, title: str) -> None:
    tags = tag(tagger, title)
    assert {"hardware_efficient_ml", "metrics"} <= set(tags)
    assert any("precision" in e.lower() for e in tags["hardware_efficient_ml"].evidence)


def test_plural_abbreviations_match(tagger: TopicTagger) -> None:
    assert "hardware_accelerators" in tag(tagger, "Mapping Transformers onto TPUs and NPUs")
    assert "llm" in tag(tagger, "Serving LLMs cheaply")


# ------------------------------------------------------------ false-positive guards
def test_lstm_memory_is_not_hardware_memory(tagger: TopicTagger) -> None:
    tags = tag(tagger, "Long Short-Term Memory networks for speech recognition", community="ml")
    assert not {"hardware", "hardware_accelerators", "hardware_efficient_ml"} & set(tags)


def test_neural_network_is_not_networking(tagger: TopicTagger) -> None:
    tags = tag(tagger, "Deep neural networks for image classification", community="ml")
    assert "ml_for_systems" not in tags and not tags


def test_learning_rate_schedule_is_not_scheduling(tagger: TopicTagger) -> None:
    assert "scheduling_resource_mgmt" not in tag(tagger, "A cyclical learning rate schedule for SGD", community="ml")


def test_fair_sharing_is_not_fairness(tagger: TopicTagger) -> None:
    tags = tag(tagger, "Fair sharing of GPU clusters among deep learning jobs", community="systems")
    assert "fairness_interpretability" not in tags
    assert {"software", "scheduling_resource_mgmt"} <= set(tags)


def test_statistical_inference_is_not_inference_serving(tagger: TopicTagger) -> None:
    assert "inference_serving" not in tag(tagger, "Variational inference for Bayesian neural networks",
                                          community="ml")


def test_systems_words_need_an_ml_context(tagger: TopicTagger) -> None:
    # An OSDI-style paper with no ML in it is not a systems-for-ML paper, however systems it is.
    assert tag(tagger, "A distributed scheduler for FPGA clusters with fast storage", community="systems") == {}
    tags = tag(tagger, "A distributed scheduler for deep learning jobs on FPGA clusters", community="systems")
    assert {"software", "scheduling_resource_mgmt", "distributed"} <= set(tags)


def test_ml_as_the_method_is_ml_for_systems_and_not_systems_for_ml(tagger: TopicTagger) -> None:
    for_ml = tag(tagger, "A cluster scheduler for deep learning training jobs", community="systems")
    assert "ml_for_systems" not in for_ml and "software" in for_ml
    with_ml = tag(tagger, "Deep reinforcement learning for cluster scheduling", community="systems")
    # A learned scheduler for generic cluster jobs gets only ml_for_systems (topic definitions, rule 5) ...
    assert set(with_ml) == {"ml_for_systems"}
    # ... and the topic of the systems area only when that system is itself an ML system.
    for_dnn = tag(tagger, "Deep reinforcement learning for scheduling deep learning training jobs", community="systems")
    assert {"ml_for_systems", "scheduling_resource_mgmt"} <= set(for_dnn)
    assert "ml_for_systems" in tag(tagger, "The case for learned index structures")
    learned = tag(tagger, "Learned index structures for key-value stores", "We replace B-trees with learned models.")
    assert set(learned) == {"ml_for_systems"}


def test_gnn_theory_is_not_a_graph_learning_system(tagger: TopicTagger) -> None:
    assert "graph_learning_systems" not in tag(tagger, "On the expressive power of graph neural networks",
                                               community="ml")
    tags = tag(tagger, "A distributed training system for graph neural networks on billion-edge graphs",
               community="mlsys")
    assert {"graph_learning_systems", "distributed", "software"} <= set(tags)


def test_venue_prior_training(tagger: TopicTagger) -> None:
    title = "Pipelined execution for CNN training with inter-layer reuse"
    assert "training" in tag(tagger, title, community="mlsys")
    assert "software" not in tag(tagger, "Training neural networks with noisy labels", community="ml")


# ------------------------------------------------------------ scores and evidence
SAMPLE = [
    PaperText("Atom: Low-bit Quantization for Efficient and Accurate LLM Serving", None, "mlsys"),
    PaperText("Differentially private federated learning with secure aggregation", None, "ml"),
    PaperText("TVM: an automated end-to-end optimizing compiler for deep learning", None, "systems"),
    PaperText("Pollux: co-adaptive cluster scheduling for goodput-optimized deep learning",
              "Pollux improves scheduling performance in deep learning (DL) clusters by adaptively "
              "co-optimizing inter-dependent factors. It reduces average job completion time.", "systems"),
    PaperText("A Systolic Array Accelerator for Sparse CNNs on the Edge", None, "systems"),
]


def test_every_tag_has_a_score_and_evidence_quoted_from_the_text(tagger: TopicTagger) -> None:
    threshold = tagger.taxonomy.threshold
    for paper, tags in zip(SAMPLE, tagger.tag(SAMPLE), strict=True):
        assert tags, paper.title
        text = f"{paper.title}. {paper.abstract or ''}"
        for t in tags:
            assert t.topic in LABELS
            assert threshold <= t.score <= 1.0
            assert t.evidence, (paper.title, t.topic)
            for quote in t.evidence:
                for part in quote.split(" … "):
                    assert part in text, (quote, text)
        labels = [t.topic for t in tags]
        assert len(labels) == len(set(labels))  # ml_for_systems and everything else at most once


def test_expected_labels_on_clear_cases(tagger: TopicTagger) -> None:
    got = [{t.topic for t in tags} for tags in tagger.tag(SAMPLE)]
    assert {"llm", "hardware_efficient_ml", "inference_serving", "metrics", "software"} <= got[0]
    assert {"privacy_security", "distributed", "metrics"} <= got[1]
    assert {"compilers", "software"} <= got[2]
    assert {"scheduling_resource_mgmt", "software"} <= got[3]
    assert {"hardware_accelerators", "hardware", "edge_mobile"} <= got[4]


def test_tag_papers_sets_topics_on_records() -> None:
    papers = [Paper(id=paper_id(title=t.title, year=2024), title=t.title, year=2024, venue_id=venue_id("MLSys"),
                    abstract=t.abstract) for t in SAMPLE]
    papers.append(Paper(id="paper:x", title="On the geometry of loss landscapes", year=2024,
                        venue_id=venue_id("ICML")))
    tag_papers(papers)
    assert all(isinstance(t, TopicTag) for p in papers for t in p.topics)
    assert {t.topic for t in papers[0].topics} >= {"llm", "hardware_efficient_ml"}
    assert papers[-1].topics == []


def test_taxonomy_nodes_and_part_of_links() -> None:
    nodes, parents = taxonomy()
    by_label = {n.label: n for n in nodes}
    assert set(by_label) == set(PILLARS) | set(TOPICS)
    assert len(nodes) == len(set(PILLARS) | set(TOPICS))  # ml_for_systems is one node
    assert all(n.id == topic_id(n.label) for n in nodes)
    assert {by_label[p].kind for p in PILLARS} == {"pillar"}
    assert by_label["compilers"].kind == "topic" and by_label["compilers"].pillars == ["software"]
    pillar_ids = {topic_id(p) for p in PILLARS}
    assert all(pillar in pillar_ids and child != pillar for child, pillar in parents)
    assert (topic_id("hardware_efficient_ml"), topic_id("metrics")) in parents
    assert TAGGER_VERSION >= 1
