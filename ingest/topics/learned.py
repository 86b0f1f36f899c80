"""A learned layer on top of the rule scores: one logistic regression per label, read with numpy.

Why: the rules give precise, explainable evidence but cannot weigh many weak signals at once
(a systems abstract that says "GPU" and "latency" and "serving" without a taxonomy phrase,
or an ML abstract whose "robust" is motivation only). The layer sees, per paper,
  - the rule score of every label (`rule:<label>`), evidence the rules already quote;
  - binary TF-IDF of the lemma unigrams and bigrams of title + abstract (or derived terms:
    the same bag, since derived terms keep every 1-2-word phrase without stop words);
Not the venue community nor the input kind: with them the layer learnt the sample, not the
topics (every 2017 systems abstract in the labelled set predates LLMs, so "systems venue +
abstract" became strong evidence against `llm`); cross-validated F1 was the same without.
It is fitted by `python -m ingest.topics.fit_learned` (scikit-learn, fixed seeds, tuning
splits only) and shipped as `learned_model.json`; reading it needs only numpy. Each tag
keeps its evidence: the rule phrases for that label, then the features that pushed it up
most (`learned: <term>`), so a reader can see why the layer said so.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IS_ALPHA, NORM
from spacy.strings import StringStore
from spacy.tokens import Doc

from graph.records import TopicTag
from ingest.topics.tagger import MAX_EVIDENCE, TITLE_ONLY, Analysis, PaperText, TopicTagger
from ingest.topics.taxonomy import DEFAULT_PATH, LABELS
from ingest.topics.terms import STOP_WORDS

MODEL_PATH = Path(__file__).with_name("learned_model.json")
# Every hardware_accelerators and edge_mobile paper carries hardware (topic definitions, rule 4).
IMPLIED = {"hardware_accelerators": "hardware", "edge_mobile": "hardware"}
LEARNED_EVIDENCE = 3


def taxonomy_digest(path: Path = DEFAULT_PATH) -> str:
    """The rule scores the model was fitted on depend on the taxonomy: refit when this changes."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")  # the same on a Windows checkout
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def text_grams(doc: Doc) -> set[str]:
    """Lemma unigrams and bigrams (no stop words, never across punctuation) of a tagged doc."""
    grams: set[str] = set()
    previous = ""
    for token in doc:
        norm = token.norm_
        if not token.is_alpha or len(norm) < 2 or norm in STOP_WORDS:
            previous = ""
            continue
        grams.add(norm)
        if previous:
            grams.add(f"{previous} {norm}")
        previous = norm
    return grams


def meta_features(analysis: Analysis) -> dict[str, float]:
    """Rule scores and the labels the rules give, as named features (the rules already weigh the venue)."""
    features = {f"rule:{label}": score for label, score in analysis.scores.items() if score > 0}
    features.update({f"given:{t.topic}": 1.0 for t in analysis.tags})
    return features


def _pair_key(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One uint64 key for a bigram of two string keys (wrapping arithmetic; collisions are negligible)."""
    with np.errstate(over="ignore"):
        return first * np.uint64(0x9E3779B97F4A7C15) ^ second


@dataclass(frozen=True)
class _Lookup:
    """Sorted keys and the vocabulary index of each: a vectorised dict."""

    keys: np.ndarray
    index: np.ndarray

    @classmethod
    def of(cls, pairs: list[tuple[int, int]]) -> _Lookup:
        pairs.sort()
        return cls(np.asarray([k for k, _ in pairs], dtype=np.uint64), np.asarray([i for _, i in pairs], dtype=int))

    def find(self, keys: np.ndarray) -> np.ndarray:
        return self.hits(keys)[1]

    def hits(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which keys are known (a mask over `keys`) and the vocabulary index of each known one."""
        if not len(self.keys) or not len(keys):
            return np.zeros(len(keys), dtype=bool), np.zeros(0, dtype=int)
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        known = self.keys[pos] == keys
        return known, self.index[pos[known]]


@dataclass
class LearnedModel:
    """The fitted layer: vocabulary with idf, meta feature names, weights, biases and thresholds."""

    labels: list[str]
    vocab: list[str]
    idf: np.ndarray
    meta: list[str]
    weights: np.ndarray  # (len(vocab) + len(meta), len(labels))
    bias: np.ndarray
    thresholds: np.ndarray
    taxonomy: str
    info: dict[str, Any]
    rule_labels: frozenset[str] = frozenset()  # labels the rules decide: the layer lost to them in tuning CV

    def __post_init__(self) -> None:
        self._index = {g: i for i, g in enumerate(self.vocab)}
        self._meta_index = {m: len(self.vocab) + i for i, m in enumerate(self.meta)}
        self._names = self.vocab + self.meta
        # label -> index of its `rule:` and `given:` meta features, so `vector` formats no names per paper.
        self._rule_index = {k.removeprefix("rule:"): i for k, i in self._meta_index.items() if k.startswith("rule:")}
        self._given_index = {k.removeprefix("given:"): i for k, i in self._meta_index.items()
                             if k.startswith("given:")}
        self._keyed: tuple[StringStore, _Lookup, _Lookup] | None = None

    def _keys(self, strings: StringStore) -> tuple[_Lookup, _Lookup]:
        """The vocabulary keyed by the doc's string keys, so grams are found from its NORM array
        with numpy, not a Python call per token. Keys come from the StringStore: most are hashes,
        but spaCy's built-in symbols ("number", "lemma") have small fixed ids."""
        if self._keyed is None or self._keyed[0] is not strings:
            uni: list[tuple[int, int]] = []
            bi: list[tuple[int, int]] = []
            for i, gram in enumerate(self.vocab):
                words = gram.split(" ")
                keys = np.asarray([strings.add(w) for w in words], dtype=np.uint64)
                (uni if len(words) == 1 else bi).append((int(_pair_key(keys[:1], keys[1:])[0])
                                                         if len(words) == 2 else int(keys[0]), i))
            self._keyed = (strings, _Lookup.of(uni), _Lookup.of(bi))
        return self._keyed[1], self._keyed[2]

    def _gram_indices(self, doc: Doc) -> np.ndarray:
        """Vocabulary indices of `text_grams(doc)`, computed from the doc's arrays."""
        if not len(doc):
            return np.zeros(0, dtype=int)
        unigrams, bigrams = self._keys(doc.vocab.strings)
        arr = doc.to_array([NORM, IS_ALPHA])
        norms, alpha = arr[:, 0].astype(np.uint64), arr[:, 1].astype(bool)
        both = alpha[:-1] & alpha[1:]
        pairs = _pair_key(norms[:-1][both], norms[1:][both])
        return np.unique(np.concatenate([unigrams.find(norms[alpha]), bigrams.find(pairs)]))

    def gram_indices_many(self, docs: Sequence[Doc]) -> list[np.ndarray]:
        """`_gram_indices` of each doc, with one lookup and one sort for all of them.

        Why: per doc these were a dozen numpy calls on a few dozen tokens, mostly call overhead.
        Only integer work is batched (keys, lookups, a sort of (doc, index) pairs), so every
        doc gets the very array `_gram_indices` gives; the float arithmetic stays per doc.
        """
        docs = list(docs)
        if not docs:
            return []
        unigrams, bigrams = self._keys(docs[0].vocab.strings)
        if any(doc.vocab.strings is not docs[0].vocab.strings for doc in docs):
            return [self._gram_indices(doc) for doc in docs]
        arrays = [doc.to_array([NORM, IS_ALPHA]).reshape(-1, 2) for doc in docs]
        owner = np.repeat(np.arange(len(docs), dtype=np.int64), [len(a) for a in arrays])
        arr = np.concatenate(arrays)
        norms, alpha = arr[:, 0].astype(np.uint64), arr[:, 1].astype(bool)
        both = alpha[:-1] & alpha[1:] & (owner[:-1] == owner[1:])  # bigrams never span two docs
        known_uni, uni = unigrams.hits(norms[alpha])
        known_bi, bi = bigrams.hits(_pair_key(norms[:-1][both], norms[1:][both]))
        size = np.int64(len(self.vocab))
        keyed = np.sort(np.concatenate([owner[alpha][known_uni] * size + uni, owner[:-1][both][known_bi] * size + bi]))
        keyed = keyed[np.concatenate([[True], keyed[1:] != keyed[:-1]])] if len(keyed) else keyed  # np.unique
        ends = np.searchsorted(keyed, np.arange(1, len(docs) + 1, dtype=np.int64) * size)
        grams = (keyed % size).astype(int)
        return [grams[start:end] for start, end in zip(np.concatenate([[0], ends[:-1]]), ends, strict=True)]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LearnedModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        n = len(data["vocab"]) + len(data["meta"])
        weights = np.zeros((n, len(data["labels"])))
        for j, label in enumerate(data["labels"]):
            for i, w in data["weights"][label].items():
                weights[int(i), j] = w
        return cls(data["labels"], data["vocab"], np.asarray(data["idf"], dtype=float), data["meta"], weights,
                   np.asarray([data["bias"][label] for label in data["labels"]], dtype=float),
                   np.asarray([data["thresholds"][label] for label in data["labels"]], dtype=float),
                   data["taxonomy"], data.get("info", {}), frozenset(data.get("rule_labels", ())))

    def vector(self, analysis: Analysis, grams: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Sparse feature vector (indices, values): L2-normalised binary tf-idf, then meta features.

        `grams` are the doc's `_gram_indices` when already computed (`gram_indices_many`).
        """
        idx = self._gram_indices(analysis.doc) if grams is None else grams
        values = self.idf[idx]
        norm = float(np.sqrt((values ** 2).sum()))
        values = values / norm if norm else values
        meta_index, meta_value = self._meta(analysis)
        indices = np.concatenate([idx, np.asarray(meta_index, dtype=int)])
        return indices, np.concatenate([values, np.asarray(meta_value, dtype=float)])

    def _meta(self, analysis: Analysis) -> tuple[list[int], list[float]]:
        """The known `meta_features` of a paper as (indices, values), in the order `meta_features` lists them
        (the order the contributions are summed in)."""
        indices, values = [], []
        for label, score in analysis.scores.items():
            if score > 0 and label in self._rule_index:
                indices.append(self._rule_index[label])
                values.append(score)
        given: dict[int, float] = {}
        for tag in analysis.tags:
            if tag.topic in self._given_index:
                given[self._given_index[tag.topic]] = 1.0
        return indices + list(given), values + list(given.values())

    def probabilities(self, analysis: Analysis, grams: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-label probability, the feature indices and each feature's contribution per label."""
        indices, values = self.vector(analysis, grams)
        contrib = values[:, None] * self.weights[indices]
        z = self.bias + contrib.sum(axis=0)
        return 1.0 / (1.0 + np.exp(-z)), indices, contrib

    def tags(self, analysis: Analysis, grams: np.ndarray | None = None) -> list[TopicTag]:
        """Labels whose probability reaches their threshold, each with rule and learned evidence."""
        probs, indices, contrib = self.probabilities(analysis, grams)
        hits = np.flatnonzero(probs >= self.thresholds)
        given = {self.labels[j]: (float(probs[j]), j) for j in hits if self.labels[j] not in self.rule_labels}
        given.update({t.topic: (t.score, -1) for t in analysis.tags if t.topic in self.rule_labels})
        for topic, pillar in IMPLIED.items():
            if topic in given and pillar not in given:
                given[pillar] = given[topic]
        out = []
        for label in LABELS:
            if label not in given:
                continue
            prob, j = given[label]
            learned = []
            if j >= 0:  # j < 0: the rules decided this label
                column = contrib[:, j]
                top = np.argsort(-column)[:LEARNED_EVIDENCE]
                learned = [f"learned: {self._names[indices[k]]}" for k in top if column[k] > 0]
            rules = analysis.evidence.get(label, [])
            out.append(TopicTag(label, round(prob, 3), (rules + learned)[:MAX_EVIDENCE + LEARNED_EVIDENCE]))
        return out


class LearnedTagger:
    """Rules first, the learned layer on top: same input and output as `TopicTagger`.

    A paper with only a title keeps the rules' tags: in 5-fold cross-validation on the tuning
    papers the layer beat the rules on papers with an abstract or derived terms (micro-F1
    0.738 vs 0.681) but not on titles alone (0.748 vs 0.770), where a title's few words
    give it little beyond the rule scores.
    """

    def __init__(self, rules: TopicTagger, model: LearnedModel) -> None:
        if model.taxonomy != taxonomy_digest(Path(rules.taxonomy.source) if rules.taxonomy.source else DEFAULT_PATH):
            raise ValueError("the learned layer was fitted on another taxonomy: refit it "
                             "(python -m ingest.topics.fit_learned)")
        self.rules = rules
        self.model = model
        self.nlp = rules.nlp

    def tag(self, papers: Iterable[PaperText], batch_size: int = 512) -> Iterator[list[TopicTag]]:
        """The tags of each paper, in order; the layer's gram lookups are done a batch of papers at a time."""
        analyses = self.rules.analyse(papers, batch_size)
        while batch := list(itertools.islice(analyses, batch_size)):
            learned = [a.paper.input_kind != TITLE_ONLY for a in batch]
            grams = iter(self.model.gram_indices_many([a.doc for a in itertools.compress(batch, learned)]))
            for analysis, use in zip(batch, learned, strict=True):
                yield self.model.tags(analysis, next(grams)) if use else analysis.tags


def label_matrix(gold: Sequence[frozenset[str]], labels: Sequence[str]) -> np.ndarray:
    """0/1 matrix of gold labels, papers x labels."""
    return np.asarray([[int(label in g) for label in labels] for g in gold], dtype=int)
