"""Namesake guard: take out of a person the papers of someone else with the same name.

The pair model trusts an uncommon full name ('Song Han', 'Tianqi Chen') and links a
stranger's paper to a prolific person on the name alone; average linkage then keeps
it, because one paper against forty barely moves the average. Such a paper is easy
to see at the cluster level: none of its co-authors ever wrote with the person or with
anyone they wrote with (first- and second-order co-authorship), and in addition

1. another cluster of the same name *is* linked to it by a co-author: it moves there
   ('Beta Diffusion', with Mingyuan Zhou, goes to the Tianqi Chen who writes with him);
2. or its affiliation matches none of the person's affiliations of the same years
   (University of Connecticut against MIT for 'Song Han' in 2019): it becomes its own person;
3. or the paper falls inside the person's publishing years here (not before their
   first other paper: early papers with another group are what careers start with) and
   its title shares almost no topic with the person's papers (the Winograd-quantization
   paper of another Tianqi Chen in the middle of the TVM Tianqi Chen's years).

Rules 2 and 3 apply only to names several people are likely to carry: the corpus holds
another cluster of the name with two or more papers, or the name's parts are common
(distinct surnames-with-this-given-name times given-names-with-this-surname, over all
distinct names, at least `COMMON_NAME`: 'Song Han' 0.11, 'Tianqi Chen' 0.20, but
'Matei Zaharia' 0.0001, whose move from MIT to Stanford is no namesake).

Only mentions without strong ids are moved: an id says whose paper it is. Every move is
recorded on the mention with its evidence, so the person page can explain it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ingest.identity.evidence import ClusterEvidence, same_place
from ingest.identity.mentions import Mention
from ingest.identity.names import ParsedName
from ingest.identity.partition import Partition

MIN_CLUSTER = 3  # smaller clusters have no 'rest' to compare against
YEAR_WINDOW = 2  # affiliations within this many years of the paper are the person's at the time
TOPIC_FLOOR = 0.05  # best title similarity below which a paper shares no topic word with the person
COMMON_NAME = 0.02  # name-part diversity product (module docstring) from which a name is likely shared


def _group_of(members: Sequence[int], parsed: Sequence[ParsedName]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for i in members:
        counts[parsed[i].group_key] += 1
    return max(sorted(counts), key=lambda key: counts[key])


def _affiliation_conflict(mention: Mention, others: Sequence[Mention]) -> str | None:
    """The person's affiliations near the paper's year, if none could be the paper's; else None."""
    if not mention.affiliation or mention.year is None:
        return None
    near = [m.affiliation for m in others
            if m.affiliation and m.year is not None and abs(m.year - mention.year) <= YEAR_WINDOW]
    if not near or any(same_place(mention.affiliation, other) for other in near):
        return None
    return sorted(set(near))[0]


def guard(partition: Partition, evidence: ClusterEvidence, mentions: Sequence[Mention],
          parsed: Sequence[ParsedName], has_ids: Sequence[bool]) -> int:
    """Apply the three rules of the module docstring; returns how many mentions moved."""
    groups: dict[str, list[int]] = defaultdict(list)
    for label, members in partition.members.items():
        groups[_group_of(members, parsed)].append(label)
    moved = 0
    for label in sorted(partition.members):
        members = partition.members.get(label)
        if not members or len(members) < MIN_CLUSTER:
            continue
        counts = evidence.coauthor_counts(members)
        candidates = [i for i in members if not has_ids[i] and not evidence.linked(i, counts)]
        if not candidates:
            continue
        group = _group_of(members, parsed)
        rivals = [other for other in groups[group] if other != label and other in partition.members]
        name = parsed[members[0]]
        corpus = evidence.corpus
        common = any(len(partition.members[other]) >= 2 for other in rivals) or (
            corpus.surname_diversity[name.surname] * corpus.given_diversity[name.given] / corpus.distinct_names
            >= COMMON_NAME)
        for i in candidates:
            rest = [j for j in partition.members[label] if j != i]
            mention = mentions[i]
            home = next((other for other in rivals
                         if evidence.linked(i, evidence.coauthor_counts(partition.members[other]), own=False)), None)
            if home is not None:
                shared = evidence.names(evidence.corpus.coauthors[i]
                                        & set(evidence.coauthor_counts(partition.members[home])))
                partition.detach([i], "moved to a namesake it shares co-authors with"
                                 + (f" ({', '.join(shared)})" if shared else " (through co-authors' co-authors)"),
                                 target=home)
                moved += 1
                continue
            if not common:
                continue
            place = _affiliation_conflict(mention, [mentions[j] for j in rest])
            if place is not None:
                partition.detach([i], f"kept apart from a namesake: no co-author in common and affiliation "
                                      f"'{mention.affiliation}' against '{place}' around {mention.year}")
                moved += 1
                continue
            first_year = min((mentions[j].year for j in rest if mentions[j].year is not None), default=None)
            inside = mention.year is not None and first_year is not None and mention.year > first_year + 1
            if inside and evidence.title_similarity(i, rest) < TOPIC_FLOOR:
                partition.detach([i], "kept apart from a namesake: no co-author in common, no topic in common, "
                                      "and a name several people carry")
                moved += 1
    return moved
