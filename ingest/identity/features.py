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
from collections.abc import Mapping, Sequence
from itertools import chain

from graph.ids import fold_or_lower
from ingest.identity.mentions import Mention
from ingest.identity.names import ParsedName, parse_name

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


_UNPARSED = "\0"  # not a group key (`coauthor_groups` misses the name)


def coauthor_group(parsed: ParsedName) -> str | None:
    """What a co-author name counts as: its full name (surname + given), None without a surname."""
    return parsed.group_key if parsed.surname else None


class Corpus:
    """Corpus-wide statistics and the evidence of every mention being resolved."""

    def __init__(self, mentions: Sequence[Mention], parsed: Sequence[ParsedName],
                 known: Mapping[str, ParsedName] | None = None, *, statistics: bool = True,
                 coauthor_groups: dict[str, str | None] | None = None) -> None:
        """`known`: printed names already parsed (`parse_name(name)` for each key), read instead of
        parsing the co-author names again. Without `statistics`, the name counts and title vectors are
        left empty for the caller to fill: an ingest's online run replaces them with the whole corpus's
        (`incremental.NameStats.apply`), and counting them over its ~60k mentions first cost ~0.3 s of its
        ~4 s resolution (BENCHMARKS.md, session 45). `coauthor_groups`: printed name -> the group key of
        `parse_name(name)` (None: no surname), read first, and given every name parsed here; an ingest keeps
        it in its state, since parsing its run's ~100k co-author names was ~0.35 s (session 46)."""
        self.size = max(len(mentions), 1)
        self.parsed = list(parsed)
        self.group_counts: Counter[str] = Counter()
        self.block_counts: Counter[str] = Counter()
        self.surname_counts: Counter[str] = Counter()
        self.given_counts: Counter[str] = Counter()
        self.distinct_names = 1
        self.surname_diversity: Counter[str] = Counter()
        self.given_diversity: Counter[str] = Counter()
        self.vectors: dict[str, dict[str, float]] = {}
        if statistics:
            self._count_names()
            self._title_vectors(mentions)
        self._coauthor_keys(mentions, parsed, known or {}, coauthor_groups)

    def _count_names(self) -> None:
        # parsed names are memoised (`names.parse_name`), so most mentions share a ParsedName object:
        # count the objects (a C-level pass), then read the keys once per distinct object
        uses = Counter(map(id, self.parsed))
        names = dict(zip(map(id, self.parsed), self.parsed, strict=True))
        distinct: set[tuple[str, str]] = set()
        for key, count in uses.items():
            p = names[key]
            self.group_counts[p.group_key] += count
            self.block_counts[p.block_key] += count
            self.surname_counts[p.surname] += count
            self.given_counts[p.given] += count
            distinct.add((p.given, p.surname))
        self.distinct_names = max(len(distinct), 1)
        self.surname_diversity.update(surname for _, surname in distinct)
        self.given_diversity.update(given for given, _ in distinct)

    def _title_vectors(self, mentions: Sequence[Mention]) -> None:
        title_words = title_words_of(mentions)
        doc_freq: Counter[str] = Counter(chain.from_iterable(title_words.values()))
        papers = max(len(title_words), 1)
        idf = {w: math.log((1 + papers) / (1 + df)) + 1.0 for w, df in doc_freq.items()}
        for paper_id, words in title_words.items():
            norm = math.sqrt(sum(idf[w] ** 2 for w in words)) or 1.0
            self.vectors[paper_id] = {w: idf[w] / norm for w in words}

    def _coauthor_keys(self, mentions: Sequence[Mention], parsed: Sequence[ParsedName],
                       known: Mapping[str, ParsedName], groups: dict[str, str | None] | None) -> None:
        coauthor_ids: dict[str, int] = {}
        self.mentions = list(mentions)
        # each mention's co-author keys as a tuple in the order of their frozenset: what every reader iterates,
        # at a fraction of a frozenset's memory (issue 20: 192 of the Corpus's 360 MiB at 100k papers)
        self.coauthors: list[tuple[int, ...]] = []
        self.coauthor_names: dict[int, str] = {}  # co-author key -> first printed form, for evidence shown to people
        id_of: dict[str, int] = {}  # printed co-author name -> id of its full name (surname + given), -1 if none
        # every printed co-author name once, in order of first appearance (the order ids are given in)
        for coauthor in dict.fromkeys(chain.from_iterable(m.coauthors for m in mentions)):
            group = _UNPARSED if groups is None else groups.get(coauthor, _UNPARSED)
            if group is _UNPARSED:  # a build keeps no such map: it would hold every co-author name of the corpus
                group = coauthor_group(known.get(coauthor) or parse_name(coauthor))
                if groups is not None:
                    groups[coauthor] = group
            # the full name, not surname + initial: 'Y. Wang' stands for too many people to be evidence
            id_of[coauthor] = -1 if group is None else coauthor_ids.setdefault(group, len(coauthor_ids))
            self.coauthor_names.setdefault(id_of[coauthor], coauthor)
        key_of = id_of.__getitem__
        for mention, name in zip(mentions, parsed, strict=True):
            keys = set(map(key_of, mention.coauthors))
            keys.discard(-1)
            keys.discard(coauthor_ids.get(name.group_key, -1))  # a co-author of one's own name is no evidence
            self.coauthors.append(tuple(frozenset(keys)))


def title_words_of(mentions: Sequence[Mention]) -> dict[str, set[str]]:
    """Paper id -> the words of its title, in order of first mention."""
    words_of: dict[str, set[str]] = {}  # every mention of a paper carries its title: split each title once
    title_words: dict[str, set[str]] = {}
    for m in mentions:
        words = words_of.get(m.title)
        if words is None:
            words = words_of[m.title] = _words(m.title)
        title_words[m.paper_id] = words
    return title_words


def _words(title: str) -> set[str]:
    # the words of the title's fold, found without folding a plain ASCII title (`fold_or_lower`): every title of a
    # build and of an ingest's online run passes through here
    return {w for w in _WORD.findall(fold_or_lower(title)) if w not in _STOP}
