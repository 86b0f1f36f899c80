"""Resolve a subset of name blocks again, with the whole corpus's name statistics (incremental ingest).

Why a separate entry point: `mlsys-atlas ingest` adds a few hundred papers to a built
corpus of ~60k. Re-running `resolver.resolve` over every mention costs a minute; the
mentions a new paper can change are those of the name blocks its authors fall into (a
person never spans two blocks unless strong ids, a nickname or a human decision join
them, and the caller includes every block such a join reaches: `affected_blocks`).

`resolve_blocks` runs the same steps as `resolver.resolve` (the same `_Run`) on the
mentions of those blocks only. What a full build would see differently:
- name statistics (name/surname/given frequencies and diversities, the corpus size) and
  the title IDF are the whole corpus's (`NameStats`), so they are identical;
- co-author evidence is computed over the subset: the co-author rarity weights (how many
  mentions list a co-author) and the second-order co-author graph (`pairs._coauthor_graph_dots`)
  only see the papers of the subset's mentions. Pair features `shared_coauthors_rarity`,
  `coauthor_graph_log` and `coauthor_reach_log` can therefore differ from a full build, and
  with them a merge decision near the threshold: the bounded difference of this online
  resolver, measured in benchmarks/bench_incremental.py and tests/test_incremental.py
  (only people of re-resolved blocks can differ; every other person is the cached one).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import truediv
from typing import Any, NamedTuple

import numpy as np

from graph.records import Paper
from ingest.identity.features import Corpus, _words, coauthor_group, title_words_of
from ingest.identity.goes_by import names_it_may_go_by
from ingest.identity.mentions import Mention, strong_ids_of
from ingest.identity.model import PairModel, default_model
from ingest.identity.names import clean_name, parse_name
from ingest.identity.partition import Partition
from ingest.identity.resolver import Decision, Resolution, _Run, run_resolution


class NameInfo(NamedTuple):
    """What the statistics and the block index need of one mention's parsed name.

    A named tuple, not a frozen dataclass: the state holds one per mention (~290k for the snapshot)
    and an ingest decodes them all; `tuple.__new__` makes one in C, three times faster than a frozen
    dataclass's `__init__` (ingest/state_codec.py)."""

    block_key: str
    group_key: str
    surname: str
    given: str
    # block keys its parenthesised nicknames join (resolver.join_nickname_blocks), and the blocks of the names it
    # may go by (goes_by.py: whether it does depends on the corpus, so the run is asked)
    bridges: tuple[str, ...]


def name_info(mention: Mention) -> NameInfo:
    return _name_info(mention.name, bool(mention.strong_ids))


def _name_info(name: str, has_ids: bool) -> NameInfo:
    parsed = parse_name(clean_name(name, has_ids)[0].name)
    alternatives = (*parsed.alt_givens, *names_it_may_go_by(parsed))
    bridges = tuple(sorted({f"{parsed.surname}|{alt[:1]}" for alt in alternatives} - {parsed.block_key}))
    return NameInfo(parsed.block_key, parsed.group_key, parsed.surname, parsed.given, bridges)


@lru_cache(maxsize=100_000)
def gone_by_forms(name: str, has_ids: bool) -> dict[str, tuple[str, ...]]:
    """Bridge key -> the given names this printed name may go by in that block (goes_by.py), for the bridges
    only those make: what an ingest compares there, where a parenthesised nickname's bridge meets every name."""
    parsed = parse_name(clean_name(name, has_ids)[0].name)
    forms: dict[str, tuple[str, ...]] = {}
    nicknamed = {f"{parsed.surname}|{alt[:1]}" for alt in parsed.alt_givens}
    for form in names_it_may_go_by(parsed):
        key = f"{parsed.surname}|{form[:1]}"
        if key != parsed.block_key and key not in nicknamed:
            forms[key] = (*forms.get(key, ()), form)
    return forms


def coauthor_groups_of(papers: Iterable[Paper]) -> dict[str, str | None]:
    """Every printed author name -> the group key of its parse (None: no surname): what `features.Corpus`
    reads of each co-author name, kept in an ingest's state (`parse_name` is memoised: a build parsed them)."""
    groups: dict[str, str | None] = {}
    for name in dict.fromkeys(a.name for paper in papers for a in paper.authorships):
        groups[name] = coauthor_group(parse_name(name))
    return groups


def names_and_stats(papers: Iterable[Paper]) -> tuple[dict[str, NameInfo], NameStats]:
    """Every mention's `name_info` (mention id -> info) and the name statistics of them all, in mention order.

    Why not `name_info` per `mentions_from_papers` mention: a full build's state asked that of each of
    ~290k mentions, making each Mention (with its co-author list) to read two of its fields, and counted
    each into the statistics one at a time (BENCHMARKS.md, session 43). A name with the same
    "has a strong id" flag cleans and parses to the same info, so each distinct pair is worked out once
    and shares one NameInfo; the statistics add each distinct info once, with its count, in order of first
    use, so every counter has the keys a mention-by-mention pass gives, in the same order
    (tests/identity/test_name_stats.py)."""
    names: dict[str, NameInfo] = {}
    known: dict[tuple[str, bool], NameInfo] = {}
    used: list[NameInfo] = []  # one per mention, as the statistics count them (a repeated mention id too)
    for paper in papers:
        prefix = f"{paper.id}#"  # mention_id_of
        for authorship in paper.authorships:
            key = (authorship.name, bool(strong_ids_of(authorship)))
            info = known.get(key)
            if info is None:
                info = known[key] = _name_info(*key)
            names[f"{prefix}{authorship.position}"] = info
            used.append(info)
    stats = NameStats()
    for info, count in Counter(used).items():  # equal infos counted together: the statistics read only their fields
        stats.add(info, count)
    return names, stats


class StatsMoved:
    """The keys of each `NameStats` counter an ingest moved, in the order first moved.

    Why: saving the state compared every key of every counter (~0.2 s of a ~1.3 s save on the full
    snapshot) to find the few thousand an ingest's mentions and titles changed; with this, only those
    (ingest/state_parts.py). The order is the counters' insertion order for keys new to them, so the
    delta adds them in the order the full comparison did."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[Any, None]] = defaultdict(dict)

    def note(self, info: NameInfo) -> None:
        keys = self.keys
        keys["group_counts"][info.group_key] = None
        keys["block_counts"][info.block_key] = None
        keys["surname_counts"][info.surname] = None
        keys["given_counts"][info.given] = None
        keys["name_pairs"][(info.given, info.surname)] = None
        keys["surname_diversity"][info.surname] = None
        keys["given_diversity"][info.given] = None

    def note_words(self, words: Iterable[str]) -> None:
        self.keys["title_docs"].update(dict.fromkeys(words))


@dataclass
class NameStats:
    """Corpus-wide counts `features.Corpus` computes, kept up to date as mentions come and go."""

    size: int = 0
    group_counts: Counter[str] = field(default_factory=Counter)
    block_counts: Counter[str] = field(default_factory=Counter)
    surname_counts: Counter[str] = field(default_factory=Counter)
    given_counts: Counter[str] = field(default_factory=Counter)
    name_pairs: Counter[tuple[str, str]] = field(default_factory=Counter)  # (given, surname) -> mentions
    surname_diversity: Counter[str] = field(default_factory=Counter)
    given_diversity: Counter[str] = field(default_factory=Counter)
    title_docs: Counter[str] = field(default_factory=Counter)  # title word -> papers
    papers: int = 0

    def add(self, info: NameInfo, sign: int = 1, moved: StatsMoved | None = None) -> None:
        """`sign` mentions of `info` come (> 0, any number at once) or one goes (-1); `moved` hears of the
        keys."""
        if moved is not None:
            moved.note(info)
        self.size += sign
        self.group_counts[info.group_key] += sign
        self.block_counts[info.block_key] += sign
        self.surname_counts[info.surname] += sign
        self.given_counts[info.given] += sign
        pair = (info.given, info.surname)
        before = self.name_pairs[pair]
        self.name_pairs[pair] += sign
        if before == 0 and sign > 0 or before == 1 and sign < 0:  # a distinct name appears or disappears
            step = 1 if sign > 0 else -1  # one distinct name, however many mentions came with it
            self.surname_diversity[info.surname] += step
            self.given_diversity[info.given] += step

    def add_title(self, title: str, sign: int = 1, moved: StatsMoved | None = None) -> None:
        self.papers += sign
        words = _words(title)
        if moved is not None:
            moved.note_words(words)
        for word in words:
            self.title_docs[word] += sign

    def apply(self, corpus: Corpus) -> None:
        """Give a subset's corpus (made without statistics) the whole corpus's statistics and title vectors."""
        corpus.size = max(self.size, 1)
        corpus.group_counts, corpus.block_counts = self.group_counts, self.block_counts
        corpus.surname_counts, corpus.given_counts = self.surname_counts, self.given_counts
        corpus.distinct_names = max(sum(1 for n in self.name_pairs.values() if n > 0), 1)
        corpus.surname_diversity, corpus.given_diversity = self.surname_diversity, self.given_diversity
        papers = max(self.papers, 1)
        vectors = corpus.vectors
        title_words = title_words_of(corpus.mentions)
        # each word's IDF once (a word is on many of the run's ~40k papers), then C-level passes per paper:
        # the same expressions in the same order as computing them per paper, so the same floats
        docs = self.title_docs
        idf_of = {w: math.log((1 + papers) / (1 + docs.get(w, 0))) + 1.0 for w in set().union(*title_words.values())}
        weight = idf_of.__getitem__
        for paper_id, words in title_words.items():
            idf = dict(zip(words, map(weight, words), strict=True))
            norm = math.sqrt(sum(map(pow, idf.values(), repeat(2)))) or 1.0
            vectors[paper_id] = dict(zip(idf, map(truediv, idf.values(), repeat(norm)), strict=True))


class _BlocksRun(_Run):
    """`_Run` whose corpus statistics are the whole corpus's, not the subset's.

    With `fixed` (groups of mention indices: the cached people), each group starts as one
    cluster and only pairs with a mention in `new` are scored: new mentions join cached
    people or form new ones, cached people are never re-clustered among themselves, and the
    namesake guard and the duplicate joins look only at clusters holding a new mention (`guarded`).
    """

    def __init__(self, mentions: Sequence[Mention], model: PairModel, decisions: Sequence[Decision],
                 curation: Sequence[dict], legacy_mention_ids: Mapping[str, str] | None, stats: NameStats,
                 fixed: Sequence[Sequence[int]] = (), new: Iterable[int] | None = None, workers: int = 1,
                 coauthor_groups: dict[str, str | None] | None = None) -> None:
        super().__init__(mentions, model, decisions, curation, legacy_mention_ids, workers)
        self.stats = stats
        self.coauthor_groups = coauthor_groups
        self.fixed = fixed
        self.new = None if new is None else np.zeros(len(self.mentions), dtype=bool)
        if self.new is not None:
            self.new[list(new)] = True

    def link_strong_ids(self) -> None:
        super().link_strong_ids()  # the id profiles (`seeds`) stay those of the ids alone, as in a full build
        for group in self.fixed:
            for other in group[1:]:
                self.uf.force_union(group[0], other)

    def guarded(self, partition: Partition) -> set[int] | None:
        """Online, only the clusters holding a new mention: the namesake guard and the duplicate joins judged
        every other cluster in the build that made it, with the whole corpus's co-author evidence, where the run
        has only its own papers'. Asking them again split or joined cached people a full build leaves alone:
        looking at these clusters only took the mentions an ingest of 1,000 ICML papers puts in another person
        than the full build from 2,356 to 2,070 (BENCHMARKS.md, "session 48")."""
        if self.new is None:
            return None
        return {partition.label[i] for i in np.flatnonzero(self.new).tolist() if i in partition.label}

    def corpus_of_run(self) -> Corpus:
        corpus = Corpus(self.mentions, self.parsed, self.parsed_printed, statistics=False,
                        coauthor_groups=self.coauthor_groups)
        self.stats.apply(corpus)
        return corpus


def resolve_blocks(mentions: Sequence[Mention], stats: NameStats, model: PairModel | None = None,
                   decisions: Sequence[Decision] = (), curation: Sequence[dict] = (),
                   legacy_mention_ids: Mapping[str, str] | None = None,
                   fixed: Sequence[Sequence[int]] = (), new: Iterable[int] | None = None,
                   workers: int = 1, coauthor_groups: dict[str, str | None] | None = None) -> Resolution:
    """`resolver.resolve` over the mentions of some whole name blocks (see the module docstring);
    with `fixed` and `new`, online: new mentions are resolved against the fixed (cached) people.
    `workers` 2 scores pairs and clusters blocks in two processes, as a build does (same people).
    `coauthor_groups`: the parsed co-author names an ingest keeps (`features.Corpus`), extended here."""
    return run_resolution(_BlocksRun(mentions, model or default_model(), decisions, curation, legacy_mention_ids,
                                     stats, fixed, new, workers, coauthor_groups))


def affected_blocks(seed: Iterable[str], bridges: Mapping[str, Iterable[str]],
                    people_of_block: Mapping[str, Iterable[str]], blocks_of_person: Mapping[str, Iterable[str]],
                    ids_blocks: Iterable[Iterable[str]] = ()) -> set[str]:
    """Close a set of block keys over everything that can join two blocks into one person:
    nickname bridges, people already spanning blocks (strong ids, reviewers, curators), and
    strong ids the new mentions carry (`ids_blocks`: the blocks holding each such id)."""
    found: set[str] = set(seed)
    for blocks in ids_blocks:
        found.update(blocks)
    todo = list(found)
    while todo:
        key = todo.pop()
        nxt = set(bridges.get(key, ()))
        for person in people_of_block.get(key, ()):
            nxt.update(blocks_of_person.get(person, ()))
        for other in nxt - found:
            found.add(other)
            todo.append(other)
    return found


__all__ = ["NameInfo", "NameStats", "StatsMoved", "affected_blocks", "coauthor_groups_of", "gone_by_forms", "name_info",
           "names_and_stats", "resolve_blocks"]
