"""Corpus-wide statistics the pairwise features are computed from, and the feature names.

A pair of mentions with compatible names is described by numbers a logistic model
weighs (see `model.py`; computed for all candidate pairs at once in `pairs.py`):
shared co-authors (counted, and weighted by the rarity of each co-author's name so
that a shared 'Wei Wang' counts for less than a shared 'Matei Zaharia'), affiliation
similarity (`rapidfuzz`), title similarity (IDF-weighted word overlap), venue and year
proximity, how the names relate ('M.' vs 'Matei', middle initials), and how common the
name is. Commonness is what lets the model trust a bare name match for 'Matei Zaharia'
but not for 'Bo Li'. Frequencies are per 100,000 mentions; because the number of people
behind a common name still grows with the corpus, the weights are fitted inside the
whole snapshot (see `training.py`), the setting a build runs in.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from ingest.identity.mentions import Mention
from ingest.identity.names import ParsedName, fold, parse_name

FEATURE_NAMES: tuple[str, ...] = (
    "shared_coauthors_log", "any_shared_coauthor", "shared_coauthors_rarity", "affiliation_similarity",
    "affiliation_missing", "title_similarity", "venue_overlap", "year_gap", "name_initial", "name_prefix",
    "middle_conflict", "middle_match", "name_frequency", "surname_frequency", "given_frequency", "surname_diversity",
    "given_diversity", "coauthor_graph_log", "coauthor_reach_log",
)
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP = {"the", "and", "for", "with", "from", "via", "towards", "toward", "using", "learning", "neural",
         "networks", "network", "deep", "model", "models", "based", "its", "are", "can", "what", "how", "when",
         "does", "not", "beyond", "into", "over", "under", "through", "without", "large", "efficient"}


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
        words_of: dict[str, set[str]] = {}  # every mention of a paper carries its title: split each title once
        title_words: dict[str, set[str]] = {}
        for m in mentions:
            words = words_of.get(m.title)
            if words is None:
                words = words_of[m.title] = _words(m.title)
            title_words[m.paper_id] = words
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
        self.coauthor_names: dict[int, str] = {}  # co-author key -> first printed form, for evidence shown to people
        id_of: dict[str, int] = {}  # printed co-author name -> id of its full name (surname + given), -1 if none
        for mention, name in zip(mentions, parsed, strict=True):
            for coauthor in [c for c in mention.coauthors if c not in id_of]:
                co = parse_name(coauthor)
                # the full name, not surname + initial: 'Y. Wang' stands for too many people to be evidence
                id_of[coauthor] = coauthor_ids.setdefault(co.group_key, len(coauthor_ids)) if co.surname else -1
                self.coauthor_names.setdefault(id_of[coauthor], coauthor)
            keys = {id_of[c] for c in mention.coauthors}
            keys.discard(-1)
            keys.discard(coauthor_ids.get(name.group_key, -1))  # a co-author of one's own name is no evidence
            self.coauthors.append(frozenset(keys))


def _words(title: str) -> set[str]:
    return {w for w in _WORD.findall(fold(title)) if w not in _STOP}
