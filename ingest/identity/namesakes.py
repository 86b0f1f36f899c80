"""Namesake guard: take out of a person the papers of someone else with the same name.

The pair model trusts an uncommon full name ('Song Han', 'Tianqi Chen') and links a
stranger's paper to a prolific person on the name alone; average linkage then keeps
it, because one paper against forty barely moves the average. Such a paper is easy
to see at the cluster level: none of its co-authors ever wrote with the person or with
anyone they wrote with (first- and second-order co-authorship), and in addition

1. another cluster of the same name shares a co-author with it: it moves there
   ('Beta Diffusion', with Mingyuan Zhou, goes to the Tianqi Chen who writes with him);
2. or its affiliation matches none of the person's affiliations of the same years
   (University of Connecticut against MIT for 'Song Han' in 2019): it becomes its own person;
3. (off by default, see RULES) or the paper falls inside the person's publishing years here (not before their
   first other paper: early papers with another group are what careers start with) and
   its title shares almost no topic with the person's papers (the Winograd-quantization
   paper of another Tianqi Chen in the middle of the TVM Tianqi Chen's years).

Rules 2 and 3 apply only to names several people are likely to carry: the corpus holds
another cluster of the name with two or more papers, or the name's parts are common
(`name_commonness` at least `COMMON_NAME`: 'Song Han' 1.5, 'Tianqi Chen' 2.8, but
'Matei Zaharia' 0.002, whose move from MIT to Stanford is no namesake).

Before these, whole id profiles: when clustering put two profiles of different id kinds
together (an S2 'Tianqi Chen' of TVM papers and an OpenReview '~Tianqi_Chen2' of
diffusion papers; the kinds differ, so the ids do not conflict) and the name is common,
a profile with no co-author link to the cluster's other profiles is taken out whole
(for names at least `VERY_COMMON_NAME` common).

Otherwise only mentions without strong ids are moved: an id says whose paper it is. Every move is
recorded on the mention with its evidence, so the person page can explain it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, KeysView, Sequence

from ingest.identity.evidence import ClusterEvidence, same_place
from ingest.identity.mentions import Mention
from ingest.identity.names import ParsedName
from ingest.identity.partition import Partition

# The rules in force (0: whole id profiles). Rule 3 is off: on the ICLR training set and the DBLP dev part it
# moved 233 and 98 mentions and cost B3-F1 (ICLR 0.9799 -> 0.9772, DBLP dev 0.9907 -> 0.9791: true papers of
# people who changed topic) for +0.002 on ICLR hard blocks. A frozenset, so a benchmark can ablate.
RULES = frozenset({0, 1, 2})
MIN_CLUSTER = 3  # smaller clusters have no 'rest' to compare against
YEAR_WINDOW = 2  # affiliations within this many years of the paper are the person's at the time
TOPIC_FLOOR = 0.05  # best title similarity below which a paper shares no topic word with the person
COMMON_NAME = 0.3  # name_commonness from which a name is likely shared ('Joseph Gonzalez' 0.2, 'Bo Dai' 1.9)
VERY_COMMON_NAME = 1.0  # ... from which whole id profiles are taken apart ('Song Han' 1.5, 'Zhihao Jia' 0.8)


def full_name_of(members: Sequence[int], parsed: Sequence[ParsedName]) -> ParsedName:
    """The cluster's most printed name with a full given name ('Matei Zaharia', not 'M. Zaharia')."""
    if len(members) == 1:  # most clusters; asked of every cluster several times per build
        return parsed[members[0]]
    # Parsed names are memoised (`names.parse_name`): a cluster's mentions share a few objects. Count
    # the objects in C (by id, in order of first use), then read each object's keys once: the same
    # tallies and the same first holder of the best key as a pass over every member (~4 passes per
    # cluster and build, hundreds of members for a prolific person).
    names = list(map(parsed.__getitem__, members))
    uses = Counter(map(id, names))
    if len(uses) == 1:
        return names[0]
    object_of = dict(zip(map(id, names), names, strict=True))
    counts: dict[str, int] = defaultdict(int)
    for key, count in uses.items():
        name = object_of[key]
        counts[name.group_key] += count if len(name.given) > 1 else 0
    best = max(sorted(counts), key=lambda key: counts[key])
    return next(name for name in map(object_of.__getitem__, uses) if name.group_key == best)


def _affiliation_conflict(mention: Mention, others: Sequence[Mention]) -> str | None:
    """The person's affiliations near the paper's year, if none could be the paper's; else None."""
    if not mention.affiliation or mention.year is None:
        return None
    near = [m.affiliation for m in others
            if m.affiliation and m.year is not None and abs(m.year - mention.year) <= YEAR_WINDOW]
    if not near or any(same_place(mention.affiliation, other) for other in near):
        return None
    return sorted(set(near))[0]


def _common_name(evidence: ClusterEvidence, name: ParsedName, floor: float = COMMON_NAME) -> bool:
    corpus = evidence.corpus
    return name_commonness(corpus.surname_diversity[name.surname], corpus.given_diversity[name.given],
                           corpus.distinct_names) >= floor


def name_commonness(surname_diversity: int, given_diversity: int, distinct_names: int) -> float:
    """How likely a name is to be several people's, independent of the corpus size.

    The product of how many given names go with the surname and how many surnames with
    the given name, per (million distinct names)^2: each factor grows with the corpus,
    so the ratio stays put ('Song Han' 1.5 in the whole snapshot, 1.9 in a third of it).
    """
    return surname_diversity * given_diversity / max(distinct_names, 1) ** 2 * 1e6


def _communities(members: Sequence[int], evidence: ClusterEvidence) -> list[list[int]]:
    """Members joined by shared co-authors (first order), as connected components."""
    parent = {i: i for i in members}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[int, int] = {}
    for i in members:
        for key in evidence.corpus.coauthors[i]:
            if key in first_with:
                parent[find(i)] = find(first_with[key])
            else:
                first_with[key] = i
    components: dict[int, list[int]] = defaultdict(list)
    for i in members:
        components[find(i)].append(i)
    return list(components.values())


def _split_id_profiles(partition: Partition, evidence: ClusterEvidence, parsed: Sequence[ParsedName],
                       seeds: Sequence[int], has_ids: Sequence[bool], ids_of_mention: dict[int, dict[str, str]],
                       only: Container[int] | None = None) -> int:
    """Split clusters of very common names whose id profiles sit in co-author communities that never meet.

    The cluster's members are grouped into communities (shared co-authors, transitively);
    each community holding an id profile becomes a person, taking along the id-less
    communities linked to it through a co-author's co-author; the remaining id-less
    communities stay with the largest person.
    """
    moved = 0
    for label in sorted(partition.members):
        if only is not None and label not in only:
            continue
        members = partition.members.get(label)
        if not members or len(members) < 2 or len({seeds[i] for i in members if has_ids[i]}) < 2:
            continue  # (the cheaper question first: most clusters hold at most one id profile)
        if not _common_name(evidence, full_name_of(members, parsed), VERY_COMMON_NAME):
            continue
        communities = _communities(members, evidence)
        anchored = [c for c in communities if any(has_ids[i] for i in c)]
        if len(anchored) < 2 or any(len({seeds[i] for i in c if has_ids[i]}) > 1 for c in anchored):
            continue  # one community holds two profiles: co-authors vouch for them being one person
        anchored.sort(key=lambda c: (-len(c), min(c)))
        groups = [list(c) for c in anchored]
        for community in communities:
            if any(has_ids[i] for i in community):
                continue
            home = None
            for g in groups[1:]:  # the first group one of the community's mentions is linked to
                counts = evidence.coauthor_counts(g)  # once per group, not once per mention asked
                if any(evidence.linked(i, counts, own=False) for i in community):
                    home = g
                    break
            (home if home is not None else groups[0]).extend(community)
        for group in groups[1:]:
            target = partition.detach(group, "kept apart from a namesake: its id profile and co-authors never meet "
                                             "the other profile's, and a name several people carry")
            partition.recompute_ids(target, ids_of_mention)
            moved += len(group)
        partition.recompute_ids(label, ids_of_mention)
    return moved


class _RivalCoauthors(dict[int, KeysView[int]]):
    """A rival cluster's co-author keys, counted once per cluster under guard rather than once per candidate
    asked (a prolific name's hundreds of unlinked papers, each against every namesake); only a move into the
    rival changes them, and the guard drops its entry then."""

    def __init__(self, partition: Partition, evidence: ClusterEvidence) -> None:
        super().__init__()
        self.partition, self.evidence = partition, evidence

    def __missing__(self, label: int) -> KeysView[int]:
        keys = self[label] = self.evidence.coauthor_counts(self.partition.members[label]).keys()
        return keys


def guard(partition: Partition, evidence: ClusterEvidence, mentions: Sequence[Mention],
          parsed: Sequence[ParsedName], ids_of_mention: dict[int, dict[str, str]],
          seeds: Sequence[int] | None = None, only: Container[int] | None = None) -> int:
    """Apply the rules of the module docstring; returns how many mentions moved. `only`: the clusters
    (labels) whose mentions may be taken out; None: every cluster."""
    has_ids = [i in ids_of_mention for i in range(len(mentions))]
    moved = 0
    if seeds is not None and 0 in RULES:
        moved = _split_id_profiles(partition, evidence, parsed, seeds, has_ids, ids_of_mention, only)
    groups: dict[str, list[int]] = defaultdict(list)
    name_of: dict[int, ParsedName] = {}  # each cluster's name before the moves below
    for label, members in partition.members.items():
        name = name_of[label] = full_name_of(members, parsed)
        groups[name.group_key].append(label)
    changed: set[int] = set()  # clusters a move below took from or added to: their name is asked again
    for label in sorted(partition.members):
        if only is not None and label not in only:
            continue
        members = partition.members.get(label)
        if not members or len(members) < MIN_CLUSTER or all(has_ids[i] for i in members):
            continue  # (a mention with an id is never a candidate: no co-author counts needed)
        name = full_name_of(members, parsed) if label in changed else name_of[label]
        rivals = [other for other in groups[name.group_key] if other != label and other in partition.members]
        common = any(len(partition.members[other]) >= 2 for other in rivals) or _common_name(evidence, name)
        if not rivals and not common:
            continue  # no rule below can move a mention (rule 1 needs a rival, 2 and 3 a common name)
        counts = evidence.coauthor_counts(members)
        candidates = [i for i in members if not has_ids[i] and not evidence.linked(i, counts)]
        if not candidates:
            continue
        rival_coauthors = _RivalCoauthors(partition, evidence)
        for i in candidates:
            rest = [j for j in partition.members[label] if j != i]
            mention = mentions[i]
            keys = evidence.corpus.coauthors[i]
            home = next((other for other in rivals if not rival_coauthors[other].isdisjoint(keys)), None)
            if home is not None and 1 in RULES:
                shared = evidence.names(rival_coauthors[home] & set(keys))
                partition.detach([i], f"moved to a namesake it shares co-authors with ({', '.join(shared)})",
                                 target=home)
                rival_coauthors.pop(home, None)  # it has a new member
                changed.update((label, home))
                moved += 1
                continue
            if not common:
                continue
            place = _affiliation_conflict(mention, [mentions[j] for j in rest])
            if place is not None and 2 in RULES:
                partition.detach([i], f"kept apart from a namesake: no co-author in common and affiliation "
                                      f"'{mention.affiliation}' against '{place}' around {mention.year}")
                moved += 1
                continue
            first_year = min((mentions[j].year for j in rest if mentions[j].year is not None), default=None)
            inside = mention.year is not None and first_year is not None and mention.year > first_year + 1
            if 3 in RULES and inside and evidence.title_similarity(i, rest) < TOPIC_FLOOR:
                partition.detach([i], "kept apart from a namesake: no co-author in common, no topic in common, "
                                      "and a name several people carry")
                moved += 1
    return moved
