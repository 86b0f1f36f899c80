"""One regression test per tagger bug found by the independent labelling (issue 15).

Each test has a sentence that must fire and one that must not, so a fix cannot simply
switch the rule off.
"""

from __future__ import annotations

from ingest.topics import default_tagger
from ingest.topics.normalise import lemma_function
from ingest.topics.tagger import PaperText, pillars_and_topics


def labels(title: str, abstract: str | None = None, community: str | None = None) -> set[str]:
    pillars, topics = pillars_and_topics(next(default_tagger().tag([PaperText(title, abstract, community)])))
    return set(pillars) | set(topics)


def evidence(title: str, abstract: str | None = None, community: str | None = None) -> dict[str, list[str]]:
    return {t.topic: t.evidence for t in next(default_tagger().tag([PaperText(title, abstract, community)]))}


def test_ai_is_not_the_lemma_of_have() -> None:
    norm = lemma_function()
    assert norm("AI") == "ai" and norm("has") == "have"
    # "has"/"have"/"'s" are neither ML context nor an ML method.
    assert labels("A log-structured store for SSDs",
                  "The system has a scheduler that's fast and we have shown it has low overhead.", "systems") == set()
    assert "ml_for_systems" in labels("AI for cluster scheduling", None, "systems")
    assert "software" in labels("An AI system for serving models", None, "systems")


def test_low_latency_prediction_serving_is_not_latency_prediction() -> None:
    got = labels("A low-latency prediction serving system", None, "systems")
    assert "inference_serving" in got and "ml_for_systems" not in got
    assert "ml_for_systems" in labels("Learned latency prediction for tensor programs on GPUs", None, "ml")


def test_mentioning_gpus_or_tpus_in_an_abstract_is_not_hardware() -> None:
    abstract = ("We train large transformer models on GPUs and TPUs. Our optimizer converges faster on "
                "modern accelerators with CUDA kernels.")
    assert not {"hardware", "hardware_accelerators"} & labels("Adaptive optimizers for language models", abstract,
                                                              "ml")
    assert {"hardware", "hardware_accelerators"} <= labels("A systolic array accelerator for sparse DNNs", None,
                                                           "ml")
    assert "hardware" in labels("Accelerating graph sampling for graph machine learning using GPUs", None, "mlsys")


def test_efficient_model_parallel_is_not_an_efficient_model() -> None:
    got = labels("Efficient model-parallel training of large networks", None, "mlsys")
    assert "distributed" in got and "hardware_efficient_ml" not in got and "metrics" not in got
    assert "metrics" in labels("Training an efficient model for mobile vision", None, "ml")


def test_scheduling_fairness_is_not_ml_fairness() -> None:
    got = labels("Themis: Fair and efficient GPU cluster scheduling",
                 "Themis provides finish-time fairness for deep learning training jobs on shared GPU clusters.",
                 "systems")
    assert "scheduling_resource_mgmt" in got
    assert not {"fairness_interpretability", "metrics"} & got
    assert {"fairness_interpretability", "metrics"} <= labels("Fairness constraints for neural classifiers", None,
                                                              "ml")


def test_memory_management_for_deep_learning_is_software() -> None:
    assert "software" in labels("Dynamic GPU memory management for training deep neural networks")
    assert "software" in labels("Capuchin: tensor-based GPU memory management for deep learning", None, "systems")
    assert "software" not in labels("Memory management for persistent key-value stores", None, "systems")


def test_reinforcement_learning_as_the_method_is_ml_for_systems() -> None:
    got = labels("A reinforcement learning approach to device placement for neural networks", None, "ml")
    assert {"ml_for_systems", "scheduling_resource_mgmt"} <= got  # placement of an ML workload (rule 5)
    assert "ml_for_systems" in labels("Neural packet classification",
                                      "Reinforcement learning trains a tree for packet classification.", "systems")
    assert "ml_for_systems" not in labels("Sample-efficient reinforcement learning with world models",
                                          "We study exploration in reinforcement learning on Atari games.", "ml")


def test_a_network_for_a_device_is_the_workload_not_the_method() -> None:
    # "neural networks for edge devices": the network is what is scheduled, not the scheduler's method.
    got = labels("Memory-aware scheduling of neural networks for edge devices", None, "mlsys")
    assert "ml_for_systems" not in got and "scheduling_resource_mgmt" in got
    assert "ml_for_systems" in labels("Neural networks for cluster scheduling", None, "systems")
    assert "ml_for_systems" in labels("Cluster scheduling with neural networks", None, "systems")


def test_learned_predictors_and_meta_learning_for_systems_are_ml_for_systems() -> None:
    # The definition's decision makers: learned cost models or predictors, meta-learning.
    assert "ml_for_systems" in labels("A latency predictor for tensor programs on mobile GPUs", None, "mlsys")
    assert "ml_for_systems" in labels("Meta-learning for database knob tuning", None, "data")
    assert "ml_for_systems" in labels("Input-aware autotuning of GPU kernels with predictive modeling", None,
                                      "systems")
    assert "ml_for_systems" not in labels("Meta-learning for few-shot image classification", None, "ml")
    assert "ml_for_systems" not in labels("A low-latency predictor for indirect branches", None, "architecture")


def test_training_or_inference_at_a_systems_venue_is_software() -> None:
    # Rule 10: the venue is a prior. Pipelined training at MLSys is a training system; at an ML venue, an algorithm.
    title = "Faster training of large transformers with pipelining"
    assert {"software", "training", "distributed"} <= labels(title, None, "mlsys")
    assert "software" not in labels(title, None, "ml")
    assert {"inference_serving"} <= labels("Scalable inference of video diffusion transformers", None, "mlsys")
    assert "inference_serving" not in labels("Scalable variational inference for Gaussian processes", None, "mlsys")


def test_schedulers_for_deep_learning_jobs_are_training() -> None:
    # Rule 6: cluster schedulers built for training jobs, and AutoML systems, are training.
    title = "Elastic scheduling of deep learning jobs on GPU clusters"
    assert {"training", "scheduling_resource_mgmt"} <= labels(title, None, "systems")
    assert "training" in labels("An AutoML service for tabular data", None, "systems")
    assert "training" not in labels("Elastic scheduling of web requests on CPU clusters", None, "systems")


def test_hardware_benchmarks_are_hardware() -> None:
    abstract = "We benchmark ML hardware from eleven vendors on image classification and translation."
    assert "hardware" in labels("A benchmark for machine learning systems", abstract, "architecture")
    assert "hardware" not in labels("A benchmark for machine learning systems",
                                    "We benchmark training frameworks on GPUs and TPUs.", "architecture")


def test_british_ise_spellings_match_the_american_terms() -> None:
    # "quantisation" matched nothing while the taxonomy says "quantization" (follow-up 2).
    norm = lemma_function()
    assert norm("quantisation") == norm("quantization") and norm("optimised") == norm("optimized")
    assert norm("vectorised") == norm("vectorized") and norm("analysed") == norm("analyzed")
    for word in ("promise", "noise", "supervised", "unsupervised", "denoising", "precise", "surprising", "otherwise"):
        assert "z" not in norm(word), word
    assert "hardware_efficient_ml" in labels("Post-training quantisation of transformers", None, "ml")
    assert "hardware_efficient_ml" not in labels("Post-training supervision of transformers", None, "ml")


def test_hardware_targeted_numerics_are_hardware() -> None:
    # Definitions, hardware pillar: fixed point, integer-only and bit-serial arithmetic aimed at a chip.
    assert "hardware" in labels("Fixed-point quantization of CNNs for integer-only inference", None, "ml")
    assert "hardware" in labels("Bit-serial inference of quantized networks", None, "mlsys")
    assert "hardware" not in labels("Deep equilibrium models", "We find the fixed point of a deep network "
                                    "by root finding and differentiate through it implicitly.", "ml")
    assert "hardware" not in labels("Post-training quantization of transformers", None, "ml")


def test_ml_for_chip_design_is_hardware_and_ml_for_systems() -> None:
    assert {"hardware", "ml_for_systems"} <= labels("Chip placement with deep reinforcement learning", None, "ml")
    assert {"hardware", "ml_for_systems"} <= labels("Machine learning for chip design: a survey", None, "mlsys")
    # The same words on an ML-for-systems paper about something else, or on an ML paper, are not hardware.
    assert "hardware" not in labels("Learned query optimization for cloud databases", None, "data")
    assert "hardware" not in labels("Circuit discovery in transformer language models", None, "ml")
    # Nor do EDA words make a systems paper about ML.
    assert labels("Fuzzing EDA applications for concurrency bugs", None, "systems") == set()


def test_the_definitions_examples_of_ml_for_systems_are_named() -> None:
    for title in ("Learned Bloom filters for network caches", "Machine learning for compilers: a survey",
                  "ML for storage: predicting SSD failures", "A learned congestion control for datacenters"):
        assert "ml_for_systems" in labels(title, None, "systems"), title
    assert "ml_for_systems" not in labels("Bloom filters for network caches", None, "systems")
