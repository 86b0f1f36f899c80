"""Duplicate profiles: join two ids of one noisy kind that belong to one person.

Id kinds differ in how far they can be trusted. A DBLP person id or an ORCID is curated
or owned by the person: two values are two people, and nothing here ever joins them.
OpenReview tilde ids, Semantic Scholar and OpenAlex author ids are not: people open a
second OpenReview profile ('~Ion_Stoica2'), and S2 gives a paper it failed to attribute
an id of its own (Matei Zaharia's ModelDB demo). Clustering refuses to merge clusters
whose ids conflict; this step, run after it, joins such clusters of one name when the
evidence is strong, and records the evidence on the joined person:

1. two or more co-authors in common (by full name, between the papers that carry the
   smaller side's ids and all papers of the larger side: a paper that clustering
   placed in the smaller side is no evidence about whose its id is);
2. one co-author in common, and one side is a single paper;
3. for S2 and OpenAlex ids only (which orphan single papers; OpenReview numbers a second
   profile because a namesake exists): one side is a single paper and the pair model
   links it to the other side at or above the review band's upper threshold (the model
   alone would have merged them).

A common name needs more: where OpenReview numbers the profiles past 3 ('~Fan_Yang81') or
the corpus holds more than three id-bearing clusters of the name, rule 1 asks for three
shared co-authors making up a fifth of the smaller side's, rule 2 does not apply, and a
cluster takes part in one join only (no chains through a 'Fan Yang').

Both sides must print one full name (same surname, no conflicting middle names: 'Md
Mezbahul Islam' is not 'Md Mofijul Islam'). Clusters that share a paper, or whose
trusted ids conflict, are never joined. Profiles of one rare name whose ids do not
conflict (an S2 profile and an OpenReview profile) are joined by rule 1 only: clustering
kept them apart, typically because a namesake's papers sat in one of them until the
namesake guard took them out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Sequence

import numpy as np

from ingest.identity.evidence import ClusterEvidence
from ingest.identity.mentions import Mention
from ingest.identity.names import ParsedName
from ingest.identity.namesakes import full_name_of
from ingest.identity.pairs import PairTable
from ingest.identity.partition import TRUSTED_KINDS, Partition

NOISY_KINDS = ("openreview", "s2", "openalex")
ORPHANING_KINDS = frozenset({"s2", "openalex"})
RARE_PROFILE_NUMBER = 3  # '~Ion_Stoica2': at most this many OpenReview profiles of the name
RARE_CLUSTERS = 3


def _tilde_number(value: str) -> int:
    match = re.search(r"(\d+)$", value)
    return int(match.group(1)) if match else 1


def _same_full_name(left: Sequence[int], right: Sequence[int], parsed: Sequence[ParsedName]) -> bool:
    """Every printed name of both sides has one full surname and compatible middle names."""
    names = {parsed[i] for i in left} | {parsed[i] for i in right}
    if len({name.surname_full.replace(" ", "") for name in names}) > 1:
        return False
    middles = [name.middles for name in names if name.middles]
    for a in middles:
        for b in middles:
            for x, y in zip(a, b, strict=False):
                if not (x.startswith(y) or y.startswith(x)):
                    return False
    return True


def _model_linkage(table: PairTable, probabilities: np.ndarray, block: str, left: set[int], right: set[int],
                   label: dict[int, int]) -> float:
    """Average pair probability between two clusters (0 if any pair between them was never scored)."""
    if block not in table.block_ranges:
        return 0.0
    start, stop = table.block_ranges[block]
    total, count = 0.0, 0
    for a, b, p in zip(table.left[start:stop].tolist(), table.right[start:stop].tolist(),
                       probabilities[start:stop].tolist(), strict=True):
        if (a in left and b in right) or (a in right and b in left):
            total += p
            count += 1
    return total / count if count and count == len(left) * len(right) else 0.0


def join_duplicates(partition: Partition, evidence: ClusterEvidence, mentions: Sequence[Mention],
                    parsed: Sequence[ParsedName], table: PairTable, probabilities: np.ndarray,
                    threshold: float, has_ids: Sequence[bool], only: Container[int] | None = None) -> list[dict]:
    """Join duplicate noisy-id clusters (module docstring); returns one record per join."""
    by_group: dict[str, list[int]] = defaultdict(list)
    for label, members in partition.members.items():
        if any(kind in partition.ids_of(label) for kind in NOISY_KINDS):
            by_group[full_name_of(members, parsed).group_key].append(label)
    candidates: list[tuple[tuple, int, int, str, bool]] = []  # (strength, a mention of each side, reason, common)
    keys_of: dict[int, set[int]] = {}  # label -> its co-author keys: asked once per pair of labels, made once

    def keys(label: int) -> set[int]:
        found = keys_of.get(label)
        if found is None:
            found = keys_of[label] = set(evidence.coauthor_counts(partition.members[label]))
        return found

    for labels in by_group.values():
        if len(labels) < 2:
            continue
        labels.sort()
        numbers = [_tilde_number(v) for label in labels for v in partition.ids_of(label).get("openreview", ())]
        common = len(labels) > RARE_CLUSTERS or max(numbers, default=1) > RARE_PROFILE_NUMBER
        for k, a in enumerate(labels):
            for b in labels[k + 1:]:
                if only is not None and a not in only and b not in only:
                    continue
                conflict = partition.conflict(a, b)
                if conflict & TRUSTED_KINDS or (not conflict and common):
                    continue
                left, right = partition.members[a], partition.members[b]
                if not _same_full_name(left, right, parsed):
                    continue
                papers_a = {mentions[i].paper_id for i in left}
                if any(mentions[i].paper_id in papers_a for i in right):
                    continue  # on one paper: two people
                # the smaller side's id-bearing papers only: a paper the model placed there says nothing of its id
                small, big_label = (left, b) if len(left) <= len(right) else (right, a)
                # evidence.shared_coauthors, with the big side's keys made once per label
                shared = set(evidence.coauthor_counts([i for i in small if has_ids[i]])) & keys(big_label)
                single = min(len(left), len(right)) == 1
                reason = ""
                if common:
                    smaller = min(len(keys(a)), len(keys(b)))
                    if len(shared) >= 3 and len(shared) >= 0.2 * smaller:
                        reason = f"{len(shared)} co-authors in common ({', '.join(evidence.names(shared))})"
                elif len(shared) >= 2:
                    reason = f"{len(shared)} co-authors in common ({', '.join(evidence.names(shared))})"
                elif shared and single:
                    reason = f"a single-paper profile with a co-author in common ({evidence.names(shared)[0]})"
                elif single and conflict <= ORPHANING_KINDS:
                    linkage = _model_linkage(table, probabilities, parsed[left[0]].block_key, set(left), set(right),
                                             partition.label)
                    if linkage >= threshold:
                        reason = f"a single-paper profile the pair model links at {linkage:.2f}"
                if reason and not conflict and not reason[0].isdigit():
                    reason = ""  # ids that do not conflict: clustering's call, unless co-authors say otherwise
                if reason:
                    kinds = ", ".join(sorted(conflict)) or "id"
                    candidates.append(((len(shared), -min(len(left), len(right))), left[0], right[0],
                                       f"duplicate {kinds} profiles joined: {reason}", common))
    joins = []
    joined: set[int] = set()  # clusters of common names already in a join
    for _, rep_a, rep_b, reason, common in sorted(candidates, key=lambda c: c[0], reverse=True):
        root_a, root_b = partition.label[rep_a], partition.label[rep_b]  # clusters may have been joined since
        if common and (root_a in joined or root_b in joined):
            continue
        if root_a == root_b or partition.conflict(root_a, root_b) & TRUSTED_KINDS:
            continue
        ids = {kind: sorted(partition.ids_of(root_a).get(kind, set()) | partition.ids_of(root_b).get(kind, set()))
               for kind in NOISY_KINDS if kind in partition.ids_of(root_a) or kind in partition.ids_of(root_b)}
        keep, fold_in = (root_a, root_b) if len(partition.members[root_a]) >= len(partition.members[root_b]) \
            else (root_b, root_a)
        partition.join(keep, fold_in, reason)
        if common:
            joined.add(keep)
        joins.append({"reason": reason, "ids": ids, "mentions": len(partition.members[keep])})
    return joins
