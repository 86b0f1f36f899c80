"""Evidence that two clusters of mentions with compatible names are one person.

A cluster's evidence is pooled into a `ClusterProfile` (co-authors, affiliations,
title words, venues, years, name forms), so a new paper by a prolific author is
compared with everything known about them, not pair by pair; a single mention is a
profile of one, which is how the model is trained. Each feature is a number a
logistic model weighs (see `model.py`): shared co-authors,
affiliation similarity (`rapidfuzz`), title similarity (IDF-weighted word overlap),
venue and year proximity, how the names relate ('M.' vs 'Matei', middle initials), and
how common the name is in the corpus. Commonness is what lets the model trust a bare
name match for 'Matei Zaharia' but not for 'Bo Li'. Frequencies are per 100,000
mentions so the same weights apply to a small test corpus and to the full snapshot.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from ingest.identity.mentions import Mention
from ingest.identity.names import ParsedName, fold, given_relation, parse_name

FEATURE_NAMES: tuple[str, ...] = (
    "shared_coauthors_log", "any_shared_coauthor", "affiliation_similarity", "affiliation_missing",
    "title_similarity", "venue_overlap", "year_gap", "name_initial", "name_prefix", "middle_conflict",
    "middle_match", "name_frequency", "surname_frequency", "given_frequency", "surname_diversity",
    "given_diversity",
)
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP = {"the", "and", "for", "with", "from", "via", "towards", "toward", "using", "learning", "neural",
         "networks", "network", "deep", "model", "models", "based", "its", "are", "can", "what", "how", "when",
         "does", "not", "beyond", "into", "over", "under", "through", "without", "large", "efficient"}
MAX_AFFILIATIONS = 6


@dataclass
class ClusterProfile:
    """Pooled evidence of one cluster of mentions."""

    members: list[int]
    papers: set[str]
    coauthors: set[int]
    affiliations: list[str]
    title: dict[str, float]  # summed unit-length IDF vectors of the members' titles
    venues: set[str]
    years: set[int]
    givens: set[str]
    middles: set[str]  # first middle initials printed
    block_key: str
    surname: str
    title_norm: float = field(default=0.0)

    def absorb(self, other: ClusterProfile) -> None:
        self.members.extend(other.members)
        self.papers |= other.papers
        self.coauthors |= other.coauthors
        for affiliation in other.affiliations:
            if affiliation not in self.affiliations and len(self.affiliations) < MAX_AFFILIATIONS:
                self.affiliations.append(affiliation)
        for word, weight in other.title.items():
            self.title[word] = self.title.get(word, 0.0) + weight
        self.title_norm = math.sqrt(sum(w * w for w in self.title.values()))
        self.venues |= other.venues
        self.years |= other.years
        self.givens |= other.givens
        self.middles |= other.middles


class Corpus:
    """Corpus-wide statistics and the evidence of every mention being resolved."""

    def __init__(self, mentions: Sequence[Mention], parsed: Sequence[ParsedName]) -> None:
        self.size = max(len(mentions), 1)
        self.parsed = list(parsed)
        self.group_counts: Counter[str] = Counter(p.group_key for p in parsed)
        self.block_counts: Counter[str] = Counter(p.block_key for p in parsed)
        self.surname_counts: Counter[str] = Counter(p.surname for p in parsed)
        self.given_counts: Counter[str] = Counter(p.given for p in parsed)
        distinct = {(p.given, p.surname) for p in parsed}
        self.distinct_names = max(len(distinct), 1)
        self.surname_diversity: Counter[str] = Counter(surname for _, surname in distinct)
        self.given_diversity: Counter[str] = Counter(given for given, _ in distinct)
        title_words = {m.paper_id: _words(m.title) for m in mentions}
        doc_freq: Counter[str] = Counter(w for words in title_words.values() for w in words)
        papers = max(len(title_words), 1)
        idf = {w: math.log((1 + papers) / (1 + df)) + 1.0 for w, df in doc_freq.items()}
        self.vectors: dict[str, dict[str, float]] = {}
        for paper_id, words in title_words.items():
            norm = math.sqrt(sum(idf[w] ** 2 for w in words)) or 1.0
            self.vectors[paper_id] = {w: idf[w] / norm for w in words}
        coauthor_ids: dict[str, int] = {}
        self.mentions = list(mentions)
        self.coauthors: list[frozenset[int]] = []
        for mention, name in zip(mentions, parsed, strict=True):
            keys = set()
            for coauthor in mention.coauthors:
                co = parse_name(coauthor)
                # the full name, not surname + initial: 'Y. Wang' stands for too many people to be evidence
                if co.surname and co.group_key != name.group_key:
                    keys.add(coauthor_ids.setdefault(co.group_key, len(coauthor_ids)))
            self.coauthors.append(frozenset(keys))

    def profile(self, members: Sequence[int]) -> ClusterProfile:
        first, *rest = members
        mention, name = self.mentions[first], self.parsed[first]
        title = dict(self.vectors[mention.paper_id])
        result = ClusterProfile(
            members=[first], papers={mention.paper_id}, coauthors=set(self.coauthors[first]),
            affiliations=[fold(mention.affiliation)] if mention.affiliation else [], title=title,
            venues={mention.venue} if mention.venue else set(), years={mention.year} if mention.year else set(),
            givens={name.given}, middles={name.middle_initials[:1]} if name.middles else set(),
            block_key=name.block_key, surname=name.surname,
            title_norm=math.sqrt(sum(w * w for w in title.values())))
        for other in rest:
            result.absorb(self.profile([other]))
        return result

    def frequency(self, count: int) -> float:
        return math.log1p(count * 100_000 / self.size)

    def diversity(self, count: int) -> float:
        """Distinct names sharing a part, relative to all distinct names (comparable across corpus sizes)."""
        return math.log1p(count * 10_000 / self.distinct_names)

    def relation(self, a: ClusterProfile, b: ClusterProfile) -> str | None:
        """How the name forms of two clusters relate; None if any two are different given names."""
        if a.papers & b.papers:
            return None
        if a.givens & b.givens:
            relations = {"same"}
            pairs = [(x, y) for x in a.givens - b.givens for y in b.givens] + \
                    [(x, y) for x in a.givens & b.givens for y in b.givens - a.givens]
        else:
            relations = set()
            pairs = [(x, y) for x in a.givens for y in b.givens]
        for x, y in pairs:
            relation = given_relation(x, y)
            if relation is None:
                return None
            relations.add(relation)
        for relation in ("same", "initial", "prefix"):
            if relation in relations:
                return relation
        return None

    def features(self, a: ClusterProfile, b: ClusterProfile, relation: str) -> list[float]:
        """Feature vector (in `FEATURE_NAMES` order) for two clusters whose names are compatible."""
        shared = len(a.coauthors & b.coauthors)
        if a.affiliations and b.affiliations:
            affiliation = max(fuzz.token_set_ratio(x, y) for x in a.affiliations for y in b.affiliations) / 100
            affiliation_missing = 0.0
        else:
            affiliation, affiliation_missing = 0.0, 1.0
        small, large = sorted((a.title, b.title), key=len)
        dot = sum(weight * large[w] for w, weight in small.items() if w in large)
        title = dot / (a.title_norm * b.title_norm) if a.title_norm and b.title_norm else 0.0
        year_gap = min(min(abs(x - y) for x in a.years for y in b.years), 10) / 10 \
            if a.years and b.years else 0.5
        given_a, given_b = max(a.givens, key=len), max(b.givens, key=len)
        given = max(given_a, given_b, key=len)
        if relation == "same":
            shared_given = max(a.givens & b.givens, key=len)
            name_count = self.group_counts[f"{a.surname}|{shared_given}"]
        elif relation == "initial":
            name_count = self.block_counts[a.block_key]
        else:
            name_count = self.group_counts[f"{a.surname}|{given_a}"] + self.group_counts[f"{b.surname}|{given_b}"]
        return [
            math.log1p(shared), float(shared > 0), affiliation, affiliation_missing, title,
            len(a.venues & b.venues) / max(len(a.venues | b.venues), 1), year_gap,
            float(relation == "initial"), float(relation == "prefix"),
            float(bool(a.middles and b.middles and not a.middles & b.middles)), float(bool(a.middles & b.middles)),
            self.frequency(name_count), self.frequency(self.surname_counts[a.surname]),
            self.frequency(self.given_counts[given]), self.diversity(self.surname_diversity[a.surname]),
            self.diversity(self.given_diversity[given]),
        ]

    def explain(self, a: ClusterProfile, b: ClusterProfile, relation: str) -> list[str]:
        """Human-readable reasons for a merge, for the review queue and the Author record."""
        reasons = []
        shared = len(a.coauthors & b.coauthors)
        if shared:
            reasons.append(f"{shared} shared co-author(s)")
        similar = [x for x in a.affiliations for y in b.affiliations if fuzz.token_set_ratio(x, y) >= 80]
        if similar:
            reasons.append(f"similar affiliation ({similar[0]})")
        if relation == "initial":
            reasons.append("initial matches full given name")
        elif relation == "prefix":
            reasons.append("short form of the given name")
        common_venues = sorted(a.venues & b.venues)
        if common_venues:
            reasons.append(f"same venue ({common_venues[0].removeprefix('venue:')})")
        small, large = sorted((a.title, b.title), key=len)
        words = sorted((w for w in small if w in large), key=lambda w: -small[w] * large[w])[:3]
        if words:
            reasons.append("title words in common: " + ", ".join(words))
        if not reasons:
            reasons.append("name match only (uncommon name)")
        return reasons


def _words(title: str) -> set[str]:
    return {w for w in _WORD.findall(fold(title)) if w not in _STOP}


def pair_features(corpus: Corpus, pairs: Sequence[tuple[int, int]]) -> tuple[np.ndarray, list[int]]:
    """Features of mention pairs as singleton clusters; also returns which pairs were comparable."""
    rows, kept = [], []
    for index, (i, j) in enumerate(pairs):
        a, b = corpus.profile([i]), corpus.profile([j])
        relation = corpus.relation(a, b)
        if relation is not None:
            rows.append(corpus.features(a, b, relation))
            kept.append(index)
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES)), kept
