"""Cluster author mentions into people: strong ids, then blocking, scoring and agglomeration.

1. Names are cleaned (`names.clean_name`); strings that are not people are rejected.
2. Strong ids (ORCID, OpenReview, DBLP, S2, OpenAlex) are unioned, most trusted kind
   first; a union that would give one person two ids of one kind is refused. Reviewer
   decisions are applied as must-link / cannot-link constraints.
3. Mentions are blocked on surname + first initial. Inside a block only pairs whose
   given names are compatible are scored ('Matei'/'Matei', 'M.'/'Matei',
   'Matt'/'Matthew'); everything else can never merge. A block of more than 100k such pairs
   is split by given name, and a very large given name pairs only mentions with evidence and
   averages in the rest at an imputed probability (`sparse_groups.py`; never on the snapshot).
4. Every candidate pair of the whole corpus is featurised and scored once, in numpy
   (`pairs.py`); then average-linkage agglomeration per block over those fixed
   probabilities, at the threshold learned with the model. Only clusters joined by a
   chain of links above the review floor can merge, so the rest of a block is skipped.
   Merges and near misses between the two review thresholds become review items.
   `strict.py` can cap the pairs of a common name with no co-author, affiliation or
   middle-initial evidence below the threshold first (off by default: measured worse on
   held-out data).

Person ids come from the cluster's strongest id, else from its earliest mention
(by year, then mention id), so they do not depend on input order.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from graph.forked import Forked
from graph.ids import digest
from ingest.identity import block_links, duplicates, goes_by, namesakes, parallel_blocks, sparse_groups, strict
from ingest.identity.cluster import ConstrainedUnionFind, MergeRecord, average_linkage, linkage_score
from ingest.identity.evidence import ClusterEvidence
from ingest.identity.features import Corpus
from ingest.identity.mentions import STRONG_ID_KINDS, Mention
from ingest.identity.model import PairModel, default_model
from ingest.identity.names import CleanName, ParsedName, clean_name, display_key, fold, parse_name
from ingest.identity.pairs import PairTable, candidate_pairs, reasons_for, stream_candidate_pairs
from ingest.identity.partition import Partition
from ingest.identity.review_items import ReviewItems

PROLIFIC = 5  # papers from which a person's same-name profiles with shared co-authors are queued as splits
REVIEW_FORK_MENTIONS = 50_000  # from this many mentions the review items are made in a forked child
SMALL_BLOCK_PAIRS = 48  # below this many pairs a block's links are summed in Python, not numpy
# from this many mentions a build's pairs are made, scored and clustered a run of blocks at a time
# (`_Run._cluster_streamed`): memory for one run instead of every pair; one process instead of two.
# The snapshot (~290k mentions) stays below it and keeps both cores.
STREAM_PAIRS_FROM_MENTIONS = 600_000


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on whether the people holding two mentions are one person."""

    item_id: str
    left_mention: str
    right_mention: str
    accept: bool


@dataclass
class Person:
    person_id: str
    members: list[int]
    name: str
    aliases: list[str]
    strong_ids: dict[str, str]
    confidence: float
    reasons: list[str]
    duplicate_ids: dict[str, list[str]] = field(default_factory=dict)  # kind -> the other values of a joined kind
    id_aliases: list[str] = field(default_factory=list)  # the person id under id scheme 1, when it differs


@dataclass
class Resolution:
    mentions: list[Mention]
    person_ids: list[str]  # per mention; "" for rejected mentions
    confidences: list[float]
    people: list[Person]
    review_items: ReviewItems = field(default_factory=ReviewItems)  # dicts, their lines in a temporary file
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (mention index, reason)
    flags: dict[int, list[str]] = field(default_factory=dict)
    clean_names: list[str] = field(default_factory=list)
    joins: list[dict] = field(default_factory=list)  # duplicate profiles joined, with their evidence
    moved: int = 0  # mentions the namesake guard took out of a person


def person_id_for(strong_ids: dict[str, str], first_mention: str) -> str:
    for kind in STRONG_ID_KINDS:
        if kind in strong_ids:
            return f"author:{digest(kind, strong_ids[kind])}"
    return f"author:{digest('mention', first_mention)}"


def join_nickname_blocks(blocks: dict[str, list[int]], parsed: Sequence[ParsedName]) -> dict[str, list[int]]:
    """Merge the blocks a nickname bridges: 'Alexander (Sasha) Sandler' is compared with both
    'Alexander Sandler' (block sandler|a) and 'Sasha Sandler' (sandler|s), so those blocks become one.

    Inside the merged block only pairs with compatible given names are scored (`pairs._block_pairs`),
    so joining blocks adds no pair between 'Alexander' and 'Sasha' without the nickname."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for name in parsed:
        for alternative in name.alt_givens:
            other = f"{name.surname}|{alternative[:1]}"
            if other in blocks:
                a, b = sorted((find(name.block_key), find(other)))
                if a != b:
                    parent[b] = a
    if not parent:
        return blocks
    joined: dict[str, list[int]] = defaultdict(list)
    for key in sorted(blocks):
        joined[find(key)].extend(blocks[key])
    return {key: sorted(members) for key, members in joined.items()}


def item_id_for(left_mention: str, right_mention: str) -> str:
    return f"rv-{digest(*sorted((left_mention, right_mention)), length=12)}"


def _blocks_of(table: PairTable, probabilities: np.ndarray, keys: list[str]) -> PairTable:
    """The pairs of `keys` (blocks of `table`, in its order) as a table of their own, with `probabilities`."""
    spans = [table.block_ranges[key] for key in keys]
    index = np.concatenate([np.arange(start, stop) for start, stop in spans])
    ranges: dict[str, tuple[int, int]] = {}
    offset = 0
    for key, (start, stop) in zip(keys, spans, strict=True):
        ranges[key] = (offset, offset + stop - start)
        offset += stop - start
    return PairTable(table.left[index], table.right[index], table.shared[index], table.title[index],
                     table.evidence[index], ranges, probabilities=probabilities[index])


def _joined(tables: list[PairTable]) -> PairTable:
    """One table of several with disjoint blocks (ranges shifted); an empty table of none."""
    if not tables:
        empty = np.zeros(0, dtype=np.int32)
        return PairTable(empty, empty, empty, np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.uint8), {},
                         probabilities=np.zeros(0, dtype=np.float64))
    ranges: dict[str, tuple[int, int]] = {}
    offset = 0
    for table in tables:
        for key, (start, stop) in table.block_ranges.items():
            ranges[key] = (offset + start, offset + stop)
        offset += len(table.left)

    def column(name: str) -> np.ndarray:
        return np.concatenate([getattr(table, name) for table in tables])

    return PairTable(column("left"), column("right"), column("shared"), column("title"), column("evidence"), ranges,
                     probabilities=column("probabilities"))


class _Run:
    """State of one resolution: kept in one object so each step stays a short method."""

    def __init__(self, mentions: Sequence[Mention], model: PairModel, decisions: Sequence[Decision],
                 curation: Sequence[dict] = (), legacy_mention_ids: Mapping[str, str] | None = None,
                 workers: int = 1, client: Any | None = None) -> None:
        self.mentions = list(mentions)
        self.workers = workers  # 2: blocks are clustered in this process and a forked one (parallel_blocks.py)
        self.client = client  # a Dask client: candidate pairs are scored on its cluster (dask_pairs.py)
        self.new: np.ndarray | None = None  # online resolver: only pairs holding one of these mentions are scored
        self.legacy_mention_ids = legacy_mention_ids or {}
        self.curation = curation
        self.curated_aliases: list[tuple[int, str]] = []
        self.model = model
        self.decisions = decisions
        self.uf = ConstrainedUnionFind(len(self.mentions))
        self.rejected: list[tuple[int, str]] = []
        self.flags: dict[int, list[str]] = {}
        self.clean: list[str] = []
        self.parsed: list[ParsedName] = []
        # printed name -> its parse, for names cleaning leaves as printed (clean_all): co-author names are
        # printed names, and the corpus reads their parses from here instead of parsing them again
        self.parsed_printed: dict[str, ParsedName] = {}
        self.merge_conf: dict[int, float] = {}  # mention index -> weakest merge that brought it in
        self.reasons: dict[int, Counter[str]] = defaultdict(Counter)  # uf root -> reasons
        # the merges and near misses the review queue shows; a merge at or above review_high is not kept
        # (9 in 10 merge records, each copying both sides' members) unless a fit reads them all (training.py)
        self.records: list[MergeRecord] = []
        self.keep_confident_merges = False
        self.root_of = np.arange(len(self.mentions))  # scratch: cluster root of each mention of the current block
        self.block_size = np.zeros(len(self.mentions), dtype=np.int64)  # scratch: block mentions per root
        self.rejections = {(d.left_mention, d.right_mention) for d in decisions if not d.accept}
        self.mention_ids: dict[int, dict[str, str]] = {}  # mention -> its own strong ids (with dblp homonyms)
        self.partition: Partition | None = None
        self._legacy_members: set[int] | None = None  # mentions whose id under scheme 1 differs (made when asked)
        self.joins: list[dict] = []
        self.moved = 0
        self.sparse: set[str] = set()  # keys of the blocks of very large name groups (sparse_groups.py)
        # names going by a name of another name block (goes_by.py) -> the name as printed; made by clean_all
        self.gone_by: dict[ParsedName, ParsedName] = {}

    def clean_all(self) -> None:
        first_on_paper: dict[tuple[str, str], int] = {}
        # (printed name, has ids) -> (cleaned, parsed, folded): most names repeat, so one dict lookup per
        # mention instead of three memoised calls (the same objects: the calls are memoised too)
        seen: dict[tuple[str, bool], tuple[tuple[CleanName, ...], ParsedName, str]] = {}
        # cleaned and parsed in reverse order of first appearance: past the memos' size (500,000 names, ~450k
        # synthetic papers) an LRU read in the order clean_authorships filled it (papers read in id order, as
        # synthetic ones are) misses every time; read backwards, it hits on all but the oldest names
        for memo_key in reversed(dict.fromkeys([(m.name, bool(m.strong_ids)) for m in self.mentions])):
            cleaned = clean_name(*memo_key)
            seen[memo_key] = (cleaned, parse_name(cleaned[0].name), fold(cleaned[0].name))
            if len(cleaned) == 1 and cleaned[0].name == memo_key[0]:
                self.parsed_printed[memo_key[0]] = seen[memo_key][1]
        for i, mention in enumerate(self.mentions):
            cleaned, parsed, folded = seen[(mention.name, bool(mention.strong_ids))]
            name = cleaned[0]
            if len(cleaned) > 1:
                self.rejected.append((i, "two people printed as one name"))
            elif name.rejected:
                self.rejected.append((i, name.rejected))
            if not name.rejected and len(cleaned) == 1 and not parsed.surname:
                self.rejected.append((i, "no letters in name"))
            if name.flags:
                self.flags[i] = list(name.flags)
            if mention.strong_ids or name.dblp_number:  # most mentions carry no id
                ids = dict(mention.strong_ids)
                if name.dblp_number:
                    ids.setdefault("dblp_homonym", f"{parsed.surname}|{parsed.given}|{name.dblp_number}")
                self.uf.add_ids(i, ids)
                self.mention_ids[i] = ids
            self.clean.append(name.name)
            self.parsed.append(parsed)
            key = (mention.paper_id, folded)
            if key in first_on_paper and not self.uf.conflicts(first_on_paper[key], i):
                self.flags.setdefault(i, []).append("duplicate_on_paper")
                self.uf.union(first_on_paper[key], i)
            else:
                first_on_paper.setdefault(key, i)
        # 'Hugh Brendan McMahan' is Brendan too, where his co-authors show it
        chosen = goes_by.names_gone_by(self.mentions, self.parsed)
        if chosen:
            self.parsed = [chosen.get(name, name) for name in self.parsed]
        self.gone_by = {gone: printed for printed, gone in chosen.items()}

    @cached_property
    def index(self) -> dict[str, int]:
        """Mention id -> position, for reviewers' decisions and curation. Made when one asks: a build
        with neither never needs it (a dict entry per mention: 31 MiB at 50k synthetic papers)."""
        index = {m.mention_id: i for i, m in enumerate(self.mentions)}
        for new, old in self.legacy_mention_ids.items():  # decisions recorded under id scheme 1 still apply
            if new in index:
                index.setdefault(old, index[new])
        return index

    def link_strong_ids(self) -> None:
        self._link_ids()
        self.seeds = self.uf.roots().tolist()  # id profiles, before any clustering

    def _link_ids(self) -> None:
        carrying: dict[str, list[tuple[int, str]]] = {kind: [] for kind in STRONG_ID_KINDS}
        for i, mention in enumerate(self.mentions):  # one pass over the mentions, then kind by kind as before
            for kind, value in mention.strong_ids.items():
                if value and kind in carrying:
                    carrying[kind].append((i, value))
        for kind in STRONG_ID_KINDS:
            reason = f"same {kind} id"  # one text per kind, shared by every cluster's tally
            first: dict[str, int] = {}
            for i, value in carrying[kind]:
                if value in first:
                    if self.uf.union(first[value], i):
                        self.reasons[self.uf.find(i)][reason] += 1
                else:
                    first[value] = i
        for decision in self.decisions:
            left, right = self.index.get(decision.left_mention), self.index.get(decision.right_mention)
            if decision.accept and left is not None and right is not None:
                # an explicit human decision: it may join two ids of one kind (a duplicate profile)
                self.uf.force_union(left, right)
                self.reasons[self.uf.find(left)]["accepted by a reviewer"] += 1

    def can_merge(self, left: list[int], right: list[int]) -> bool:
        """Union two clusters unless a reviewer kept them apart or their strong ids conflict."""
        if self.rejections:
            roots = {self.uf.find(left[0]), self.uf.find(right[0])}
            for a, b in self.rejections:
                ia, ib = self.index.get(a), self.index.get(b)
                if ia is not None and ib is not None and {self.uf.find(ia), self.uf.find(ib)} == roots:
                    return False
        return self.uf.union(left[0], right[0])

    def blocks(self) -> dict[str, list[int]]:
        rejected = {i for i, _ in self.rejected}
        blocks: dict[str, list[int]] = defaultdict(list)
        nicknamed: list[ParsedName] = []  # only names with a nickname can join blocks
        gone_by = self.gone_by
        for i, parsed in enumerate(self.parsed):
            if i not in rejected:
                blocks[parsed.block_key].append(i)
                if parsed.alt_givens:
                    nicknamed.append(gone_by.get(parsed, parsed))
        joined = join_nickname_blocks(blocks, nicknamed)
        if gone_by:  # joined only while the block stays small enough to compare all its pairs
            joined = goes_by.join_blocks(joined, self.parsed, gone_by)
        split, self.sparse = sparse_groups.split_large_groups(joined, self.parsed)
        return split

    def corpus_of_run(self) -> Corpus:
        """The statistics the pair features read (the online resolver's are the whole corpus's)."""
        return Corpus(self.mentions, self.parsed, self.parsed_printed)

    def cluster_blocks(self) -> PairTable:
        corpus = self.corpus_of_run()
        blocks = self.blocks()
        if self.new is None and self.model is not None and len(self.mentions) >= STREAM_PAIRS_FROM_MENTIONS:
            return self._cluster_streamed(corpus, blocks)
        table = candidate_pairs(corpus, blocks, self.new, model=self.model,  # scored chunk by chunk: no features kept
                                workers=self.workers, sparse=self.sparse, client=self.client)
        # common names with nothing but the name in common can be capped below the threshold (strict.py, off)
        probabilities = strict.cap_unsupported(table.probabilities, table, corpus,
                                               strict.COMMON, strict.CAP)
        keys = sorted(table.block_ranges)
        # the links of every block whose clusters lie inside it, summed at once (block_links.py)
        roots = self.uf.roots()
        local = block_links.ChunkedLinks(self._summed_ahead(keys, blocks, roots), blocks, table.block_ranges,
                                         table.left, table.right, probabilities, roots, self.model.review_low,
                                         self.model.single_weight, SMALL_BLOCK_PAIRS)
        root_list = roots.tolist()

        def cluster(key: str) -> None:
            self._cluster_key(key, blocks, table, probabilities, local, root_list)

        weights = {key: stop - start for key, (start, stop) in table.block_ranges.items()}
        if self.workers < 2 or not parallel_blocks.cluster_in_two(self, keys, blocks, weights, cluster, root_list):
            for key in keys:
                cluster(key)
        self.corpus, self.table, self.probabilities = corpus, table, probabilities
        return table

    def _cluster_streamed(self, corpus: Corpus, blocks: dict[str, list[int]]) -> PairTable:
        """`cluster_blocks` with the pairs made, scored and clustered a run of blocks at a time.

        Why (issue 20): memory for one run of pairs instead of all of them. The same clusters:
        blocks are clustered in key order as before, from the same probabilities
        (`pairs.stream_candidate_pairs`), and a block is summed ahead (block_links.py) only if its
        clusters lie inside it among all blocks (a superset of the blocks with pairs, so at most a
        few more blocks take the per-block path, which gives the same links). Only the pairs of
        blocks the duplicate-profile join can read are kept: those holding a mention of a cluster
        with an OpenReview, S2 or OpenAlex id. One process.
        """
        roots = self.uf.roots()
        root_list = roots.tolist()
        candidates = sorted(key for key, block in blocks.items() if len(block) > 1)
        local_keys = set(self._summed_ahead(candidates, blocks, roots))
        noisy_roots = {root_list[i] for i, ids in self.mention_ids.items()
                       if any(kind in ids for kind in duplicates.NOISY_KINDS)}
        kept: list[PairTable] = []
        for table in stream_candidate_pairs(corpus, blocks, self.model, self.sparse, self.client):
            probabilities = strict.cap_unsupported(table.probabilities, table, corpus, strict.COMMON, strict.CAP)
            keys = list(table.block_ranges)
            local = block_links.ChunkedLinks([key for key in keys if key in local_keys], blocks, table.block_ranges,
                                             table.left, table.right, probabilities, roots, self.model.review_low,
                                             self.model.single_weight, SMALL_BLOCK_PAIRS)
            for key in keys:
                self._cluster_key(key, blocks, table, probabilities, local, root_list)
            keep = [key for key in keys if any(root_list[i] in noisy_roots for i in blocks[key])]
            if keep:
                kept.append(_blocks_of(table, probabilities, keep))
        table = _joined(kept)
        self.corpus, self.table, self.probabilities = corpus, table, table.probabilities
        return table

    def _summed_ahead(self, keys: Sequence[str], blocks: dict[str, list[int]], roots: np.ndarray) -> list[str]:
        """The blocks whose links `block_links` sums before clustering: those whose clusters lie inside
        them, but never a sparse block (its links need its imputed pairs: `links_of_block`)."""
        local = block_links.local_blocks(keys, blocks, roots)
        return [key for key in local if key not in self.sparse] if self.sparse else local

    def _cluster_key(self, key: str, blocks: dict[str, list[int]], table: PairTable, probabilities: np.ndarray,
                     local: block_links.ChunkedLinks, root_list: list[int]) -> None:
        """Cluster one block: from its links summed ahead if `local` has them, else on its own."""
        precomputed, found = local.lookup(key)
        if not precomputed:
            self._cluster_block(blocks[key], table, probabilities, *table.block_ranges[key],
                                impute=table.imputed.get(key, 0.0) if key in self.sparse else None)
        elif found is not None:
            self._agglomerate_local(blocks[key], found, root_list, table)

    def guarded(self, partition: Partition) -> set[int] | None:
        """The clusters (labels in `partition` as it stands) the namesake guard and the duplicate joins may
        change; None: all."""
        return None

    def after_clustering(self) -> Partition:
        """Freeze the clusters; take out namesakes' papers, then join duplicate noisy-id profiles."""
        rejected = {i for i, _ in self.rejected}
        partition = Partition.from_union_find(self.uf, (i for i in range(len(self.mentions)) if i not in rejected))
        evidence = self.evidence = ClusterEvidence(self.corpus)
        has_ids = [i in self.mention_ids for i in range(len(self.mentions))]
        self.moved = namesakes.guard(partition, evidence, self.mentions, self.parsed, self.mention_ids, self.seeds,
                                     self.guarded(partition))
        # asked again: a mention the guard took out is in a new cluster now
        self.joins = duplicates.join_duplicates(partition, evidence, self.mentions, self.parsed, self.table,
                                                self.probabilities, self.model.threshold, has_ids,
                                                self.guarded(partition))
        evidence.forget_reach()
        # the title vectors were for the pair features and the guard's topic rule: nothing after this reads them,
        # and they are one dict per paper (~350 MiB at 1M synthetic papers, alive in the review items, which were the
        # build's memory peak before this; BENCHMARKS.md, "Memory (issue 20)", session 54)
        self.corpus.vectors = {}
        if self.curation:
            from ingest.identity.curation import apply  # curation reads the data directory: imported when used

            self.curated_aliases = apply(partition, self.curation, self.index, self.mention_ids)
        self.partition = partition
        return partition

    def _cluster_block(self, block: list[int], table: PairTable, probabilities: np.ndarray, start: int,
                       stop: int, impute: float | None = None) -> None:
        """Average linkage over the block's pair probabilities; clusters start as strong-id groups.
        `impute`: a sparse block's probability for the pairs it did not enumerate (sparse_groups.py)."""
        found = self.links_of_block(block, table, probabilities, start, stop, impute)
        if found is not None:
            self._agglomerate(*found, table, impute)

    def links_of_block(self, block: list[int], table: PairTable, probabilities: np.ndarray, start: int,
                       stop: int, impute: float | None = None) -> tuple[dict[int, list[int]], block_links.Links] | None:
        """The block's clusters and the links between them as they stand now; None if none can merge.

        A cluster's size counts all its mentions in the block, scored or not, so a mention
        with no compatible partner on the other side forbids the merge. `block_links.precompute`
        gives the same for every block at once (tests/identity/test_block_links.py).
        """
        find = self.uf.find
        block_members: dict[int, list[int]] = defaultdict(list)
        for i in block:
            block_members[find(i)].append(i)
        if stop - start <= SMALL_BLOCK_PAIRS and impute is None:
            links = self._small_block_links(block_members, table, probabilities, start, stop)
            return (block_members, links) if links else None
        roots = self.root_of
        for root, items in block_members.items():
            roots[items] = root
        u, v = roots[table.left[start:stop]], roots[table.right[start:stop]]
        scores = probabilities[start:stop]
        between = u != v
        if not between.any():
            return None
        lo, hi = np.minimum(u, v)[between], np.maximum(u, v)[between]
        scores, index = scores[between], np.arange(start, stop)[between]
        n = len(self.mentions)
        keys, inverse = np.unique(lo * n + hi, return_inverse=True)
        totals = np.bincount(inverse, weights=scores, minlength=len(keys))
        counts = np.bincount(inverse, minlength=len(keys))
        order = np.lexsort((-scores, inverse))  # per link, its strongest pair first
        first = order[np.r_[0, np.flatnonzero(np.diff(inverse[order])) + 1]]
        link_lo, link_hi = keys // n, keys % n
        size = self.block_size
        for root, items in block_members.items():
            size[root] = len(items)
        full = size[link_lo] * size[link_hi]
        if impute is not None:  # a sparse block: the pairs it did not enumerate count at the imputed probability
            totals = totals + (full - counts) * impute
            counts = full
        # a link with an unscored pair is a cannot-link; an average over links all below the
        # review floor stays below it, so only clusters joined by a chain of links at or above
        # the floor can ever merge or be reviewed: keep the links inside those components.
        # (With weight on the best pair this is a close approximation, not a bound: two links
        # below the floor, one with a low average and a high best pair, can combine above it.)
        valid = counts == full
        active = valid & (linkage_score(totals, np.maximum(full, 1), scores[first], self.model.single_weight)
                          >= self.model.review_low)
        if not active.any():
            return None
        units, unit_index = np.unique(np.concatenate([link_lo[active], link_hi[active]]), return_inverse=True)
        half = int(active.sum())
        graph = sparse.coo_matrix((np.ones(half), (unit_index[:half], unit_index[half:])),
                                  shape=(len(units), len(units)))
        _, component = connected_components(graph, directed=False)
        position_lo = np.searchsorted(units, link_lo).clip(max=len(units) - 1)
        position_hi = np.searchsorted(units, link_hi).clip(max=len(units) - 1)
        keep = valid & (units[position_lo] == link_lo) & (units[position_hi] == link_hi) \
            & (component[position_lo] == component[position_hi])
        links = {(a, b): (total, count, best, pair) for a, b, total, count, best, pair in zip(
            link_lo[keep].tolist(), link_hi[keep].tolist(), totals[keep].tolist(), counts[keep].tolist(),
            scores[first][keep].tolist(), index[first][keep].tolist(), strict=True)}
        return {root: block_members[root] for root in units.tolist()}, links

    def _agglomerate_local(self, block: list[int], found: block_links.BlockLinks, roots: list[int],
                           table: PairTable) -> None:
        """`_cluster_block` of a block whose links were summed before clustering (block_links.py)."""
        self._agglomerate(block_links.members_of(block, found, roots), found.links, table)

    def _small_block_links(self, block_members: dict[int, list[int]], table: PairTable, probabilities: np.ndarray,
                           start: int, stop: int) -> dict[tuple[int, int], tuple[float, int, float, int]]:
        """The same links as the numpy path, in plain Python: cheaper for the many blocks of a few pairs."""
        find = self.uf.find
        sums: dict[tuple[int, int], list] = {}
        for k, (i, j, p) in enumerate(zip(table.left[start:stop].tolist(), table.right[start:stop].tolist(),
                                          probabilities[start:stop].tolist(), strict=True), start=start):
            u, v = find(i), find(j)
            if u == v:
                continue
            key = (u, v) if u < v else (v, u)
            link = sums.get(key)
            if link is None:
                sums[key] = [p, 1, p, k]
            else:
                link[0] += p
                link[1] += 1
                if p > link[2]:
                    link[2], link[3] = p, k
        floor, weight = self.model.review_low, self.model.single_weight
        links = {key: (total, count, best, pair) for key, (total, count, best, pair) in sums.items()
                 if count == len(block_members[key[0]]) * len(block_members[key[1]])}
        if not any(linkage_score(total, count, best, weight) >= floor for total, count, best, _ in links.values()):
            return {}
        return links

    def _agglomerate(self, block_members: dict[int, list[int]], links: dict[tuple[int, int], tuple],
                     table: PairTable, impute: float | None = None) -> None:
        def merge(a: int, b: int, best_pair: int) -> list[str] | None:
            if not self.can_merge(block_members[a], block_members[b]):
                return None
            reasons = reasons_for(table, best_pair)
            root = self.uf.find(a)
            for reason in reasons:
                self.reasons[root][reason] += 1
            return reasons

        # two clusters can conflict only if both hold strong ids: with fewer than two such clusters in
        # the block no rival claim can be found, so the (costly) search for one is skipped
        ids = self.uf.ids
        with_ids = 0
        for root in block_members:
            with_ids += root in ids
        records = average_linkage(block_members, links, merge, self.model.threshold, self.model.review_low,
                                  self.uf.conflicts if with_ids > 1 else None,
                                  self.model.single_weight, impute)
        review_high = float("inf") if self.keep_confident_merges else self.model.review_high
        for record in records:
            if record.merged:
                smaller = record.right if len(record.right) <= len(record.left) else record.left
                for m in smaller:
                    self.merge_conf[m] = min(self.merge_conf.get(m, 1.0), record.linkage)
                if record.linkage >= review_high:
                    continue  # confident: nothing for a reviewer (`review_items` would skip it)
            elif record.best_pair >= 0:
                record.reasons = reasons_for(table, record.best_pair)
            self.records.append(record)

    def people(self) -> tuple[list[Person], list[str], list[float]]:
        partition = self.partition or self.after_clustering()
        person_ids = [""] * len(self.mentions)
        confidences = [0.0] * len(self.mentions)
        people: list[Person] = []
        # the union-find is final here: every root read off one list instead of one `find` per mention
        find = self.uf.roots().tolist().__getitem__
        merged_reasons: dict[int, Counter[str]] = defaultdict(Counter)
        for root, reasons in self.reasons.items():
            merged_reasons[find(root)].update(reasons)
        extra_aliases: dict[int, set[str]] = defaultdict(set)
        for anchor, alias in self.curated_aliases:
            extra_aliases[partition.label[anchor]].add(alias)
        used: set[str] = set()
        # larger clusters first: if a curator's split leaves two clusters with one id, the bigger keeps its person id
        merge_conf, clean, mentions = self.merge_conf, self.clean, self.mentions
        for label, members in sorted(partition.members.items(), key=lambda item: (-len(item[1]), min(item[1]))):
            strong, duplicate_ids = self._primary_ids(label, members) if label in partition.ids else ({}, {})
            first = members[0] if len(members) == 1 else \
                min(members, key=lambda i: (mentions[i].year or 9999, mentions[i].mention_id))
            person_id = person_id_for(strong, mentions[first].mention_id)
            if person_id in used:
                person_id = person_id_for({}, mentions[first].mention_id)
            used.add(person_id)
            legacy_id = self._legacy_person_id(strong, members, person_id)
            counted: Counter[str] | None  # the reasons' tallies: most people's is one root's, read as it is
            if len(members) == 1:  # most people: the same values as the general case below, without its tallies
                name = clean[first]
                names: Iterable[str] = (name,)
                confidence = merge_conf.get(first, 1.0)
                person_ids[first] = person_id
                confidences[first] = round(confidence, 4)
                counted = merged_reasons.get(find(first))  # not copied: most_common reads it, nothing writes it
                notes = partition.mention_notes.get(first)
                reasons = list(partition.notes.get(label, []))
                if notes:
                    reasons += sorted(set(notes))
            else:
                # map over the members (C loops, the same insertion order as the generators they replace)
                names = Counter(map(clean.__getitem__, members))
                name = max(names, key=lambda n: display_key(n, names[n]))
                own_conf = list(map(merge_conf.get, members, repeat(1.0)))  # read once: the minimum, per mention
                confidence = min(own_conf, default=1.0)
                for i, value in zip(members, own_conf, strict=True):
                    person_ids[i] = person_id
                    confidences[i] = round(value, 4)
                counted = Counter()
                for root in set(map(find, members)):
                    counted.update(merged_reasons.get(root, {}))
                reasons = list(partition.notes.get(label, []))
                reasons += sorted({note for i in members for note in partition.mention_notes.get(i, [])})
            if counted:
                # interned: 1,355 texts ('same venue (x2)') for 520,967 tallied reasons at 250k synthetic papers
                reasons += [sys.intern(f"{reason} (x{count})") if count > 1 else reason
                            for reason, count in counted.most_common(8)]
            aliases = set(names) | extra_aliases[label] if label in extra_aliases else set(names)
            people.append(Person(person_id, members, name, sorted(aliases),
                                 strong, round(confidence, 4), reasons, duplicate_ids,
                                 [legacy_id] if legacy_id != person_id else []))
        people.sort(key=lambda p: p.person_id)
        return people, person_ids, confidences

    def _legacy_person_id(self, strong: dict[str, str], members: list[int], person_id: str) -> str:
        """The id scheme 1 gave this person: a strong id's digest is the same, a mention's digest
        used the paper id of scheme 1 (which differs for a title-keyed paper with non-ASCII text)."""
        legacy = self.legacy_mention_ids
        if not legacy or (strong and person_id == person_id_for(strong, "")):
            return person_id  # no paper id changed, or the id is a strong id's digest
        if self._legacy_members is None:
            self._legacy_members = {i for i, mention in enumerate(self.mentions) if mention.mention_id in legacy}
        if self._legacy_members.isdisjoint(members):
            # no member's paper id changed: the earliest mention below is `people`'s, so the id is the
            # person id (a mention's digest, or a strong id's fallback to it): the same answer, no digest
            return person_id
        first = min(members, key=lambda i: (self.mentions[i].year or 9999,
                                            legacy.get(self.mentions[i].mention_id, self.mentions[i].mention_id)))
        mention = self.mentions[first].mention_id
        return person_id_for({}, legacy.get(mention, mention))

    def _primary_ids(self, label: int, members: list[int]) -> tuple[dict[str, str], dict[str, list[str]]]:
        """One id per kind (the value most of the person's mentions carry) and the other values of joined kinds."""
        assert self.partition is not None
        strong: dict[str, str] = {}
        others: dict[str, list[str]] = {}
        for kind, values in self.partition.ids_of(label).items():
            if kind == "dblp_homonym":
                continue
            if len(values) == 1:
                strong[kind] = next(iter(values))
                continue
            uses = Counter(self.mention_ids[i][kind] for i in members if kind in self.mention_ids.get(i, {}))
            ordered = sorted(values, key=lambda value: (-uses[value], value))
            strong[kind], others[kind] = ordered[0], ordered[1:]
        return strong, others

    def review_items(self, person_ids: list[str]) -> ReviewItems:
        """Possible splits first, then the least confident; each item written out as soon as it is made."""
        items = ReviewItems()
        # item id -> (sort key, position in `items`); a later record's item replaces an earlier one's
        order: dict[str, tuple[bool, float, str, int]] = {}
        for record in self.records:
            if record.merged and record.linkage >= self.model.review_high:
                continue
            left = min(record.left, key=lambda i: self.mentions[i].mention_id)
            right = min(record.right, key=lambda i: self.mentions[i].mention_id)
            left_id, right_id = self.mentions[left].mention_id, self.mentions[right].mention_id
            item_id = item_id_for(left_id, right_id)
            confidence = round(record.linkage, 4)
            order[item_id] = (True, confidence, item_id, items.add({
                "item_id": item_id, "action": "merged" if record.merged else "kept_apart",
                "confidence": confidence, "reasons": record.reasons,
                "left_mention": left_id, "right_mention": right_id,
                "left": self._side(record.left, person_ids), "right": self._side(record.right, person_ids),
            }))
        for item in self.possible_splits(person_ids):
            if item["item_id"] not in order:
                order[item["item_id"]] = (False, item["confidence"], item["item_id"], items.add(item))
        items.reorder([entry[3] for entry in sorted(order.values())])  # item ids are unique: never ties
        return items

    def possible_splits(self, person_ids: list[str]) -> list[dict]:
        """A prolific person (PROLIFIC+ papers) and another profile of one name that share co-authors.

        Whatever kept them apart (two trusted ids, a common name's stricter rule, a low
        linkage), a human should look: this is how a split 'Ion Stoica' reaches the queue.
        """
        assert self.partition is not None
        evidence = self.evidence
        by_group: dict[str, list[int]] = defaultdict(list)
        for label, members in self.partition.members.items():
            by_group[namesakes.full_name_of(members, self.parsed).group_key].append(label)
        items = []
        for labels in by_group.values():
            if len(labels) < 2 or max(len(self.partition.members[label]) for label in labels) < PROLIFIC:
                continue
            counts = {label: set(evidence.coauthor_counts(self.partition.members[label])) for label in labels}
            labels.sort(key=lambda label: (-len(self.partition.members[label]), label))
            for k, big in enumerate(labels):
                if len(self.partition.members[big]) < PROLIFIC:
                    break
                for other in labels[k + 1:]:
                    shared = counts[big] & counts[other]
                    if not shared:
                        continue
                    left, right = self.partition.members[big], self.partition.members[other]
                    left_id = min(self.mentions[i].mention_id for i in left)
                    right_id = min(self.mentions[i].mention_id for i in right)
                    kept = self.partition.conflict(big, other)
                    reasons = [f"same name, {len(shared)} co-author(s) in common ({', '.join(evidence.names(shared))})"]
                    if kept:
                        reasons.append(f"kept apart by two {', '.join(sorted(kept))} ids")
                    items.append({
                        "item_id": item_id_for(left_id, right_id), "action": "possible_split",
                        "confidence": round(len(shared) / max(len(counts[other]), 1), 4), "reasons": reasons,
                        "left_mention": left_id, "right_mention": right_id,
                        "left": self._side(left, person_ids), "right": self._side(right, person_ids)})
        return items

    def _side(self, members: list[int], person_ids: list[str]) -> dict:
        names = Counter(self.clean[i] for i in members)
        ordered = sorted(members, key=lambda i: self.mentions[i].mention_id)
        return {"names": sorted(names), "person_id": person_ids[ordered[0]], "mentions": len(members),
                "papers": [{"paper_id": self.mentions[i].paper_id, "title": self.mentions[i].title,
                            "year": self.mentions[i].year, "affiliation": self.mentions[i].affiliation}
                           for i in ordered[:5]]}


def resolve(mentions: Sequence[Mention], model: PairModel | None = None,
            decisions: Sequence[Decision] = (), curation: Sequence[dict] = (),
            legacy_mention_ids: Mapping[str, str] | None = None, workers: int = 1,
            meanwhile: Callable[[Resolution], None] | None = None, client: Any | None = None) -> Resolution:
    """Cluster mentions into people; see the module docstring for the steps.

    `decisions` are review-queue verdicts (constraints during clustering); `curation`
    holds curators' merges, splits and aliases (`curation.py`), applied last.
    `legacy_mention_ids` maps a mention id to its id under id scheme 1 (its paper's old id):
    decisions recorded under those still apply, and a person whose id changed keeps the old
    one in `Person.id_aliases`. With `workers` 2 the blocks are clustered in two processes
    (`parallel_blocks.py`), with the same people. `meanwhile`: see `run_resolution`. With a Dask
    `client`, the candidate pairs are scored on its cluster, with the same people (dask_pairs.py).
    """
    return run_resolution(_Run(mentions, model or default_model(), decisions, curation, legacy_mention_ids, workers,
                               client), meanwhile)


def run_resolution(run: _Run, meanwhile: Callable[[Resolution], None] | None = None) -> Resolution:
    """The steps of a resolution in order; the online resolver (identity/incremental.py) runs the same ones.

    `meanwhile(resolution)` is the caller's next step (the build makes its Author records there): it gets
    everything but the review items, which a forked child makes at the same time when the run has two
    workers and enough mentions (`REVIEW_FORK_MENTIONS`). Why: they are read-only questions of the final
    clusters, and after clustering this process works alone while the other core idles (BENCHMARKS.md,
    "Build"). The items are the same either way; `meanwhile` must not change what they read (mentions,
    names, clusters, merge records).
    """
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()
    run.after_clustering()
    people, person_ids, confidences = run.people()
    resolution = Resolution(run.mentions, person_ids, confidences, people, [], run.rejected, run.flags, run.clean,
                            run.joins, run.moved)
    if meanwhile is None:
        resolution.review_items = run.review_items(person_ids)
        return resolution
    pending = Forked(run.review_items, person_ids, name="atlas-review-items",
                     fork=run.workers > 1 and len(run.mentions) >= REVIEW_FORK_MENTIONS)
    try:
        meanwhile(resolution)
    except BaseException:
        pending.cancel()
        raise
    resolution.review_items = pending.result()
    return resolution
