"""Cluster author mentions into people: strong ids, then blocking, scoring and agglomeration.

1. Names are cleaned (`names.clean_name`); strings that are not people are rejected.
2. Strong ids (ORCID, OpenReview, DBLP, S2, OpenAlex) are unioned, most trusted kind
   first; a union that would give one person two ids of one kind is refused. Reviewer
   decisions are applied as must-link / cannot-link constraints.
3. Mentions are blocked on surname + first initial. Inside a block only pairs whose
   given names are compatible are scored ('Matei'/'Matei', 'M.'/'Matei',
   'Matt'/'Matthew'); everything else can never merge.
4. Average-linkage agglomeration per block, at the threshold learned with the model.
   Merges and near misses between the two review thresholds become review items.

Person ids come from the cluster's strongest id, else from its earliest mention
(by year, then mention id), so they do not depend on input order.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from graph.ids import digest
from ingest.identity.cluster import ConstrainedUnionFind, MergeRecord, agglomerate
from ingest.identity.features import Corpus
from ingest.identity.mentions import STRONG_ID_KINDS, Mention
from ingest.identity.model import PairModel, default_model
from ingest.identity.names import ParsedName, clean_name, display_completeness, fold, given_relation, parse_name


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


@dataclass
class Resolution:
    mentions: list[Mention]
    person_ids: list[str]  # per mention; "" for rejected mentions
    confidences: list[float]
    people: list[Person]
    review_items: list[dict] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (mention index, reason)
    flags: dict[int, list[str]] = field(default_factory=dict)
    clean_names: list[str] = field(default_factory=list)


def person_id_for(strong_ids: dict[str, str], first_mention: str) -> str:
    for kind in STRONG_ID_KINDS:
        if kind in strong_ids:
            return f"author:{digest(kind, strong_ids[kind])}"
    return f"author:{digest('mention', first_mention)}"


def item_id_for(left_mention: str, right_mention: str) -> str:
    return f"rv-{digest(*sorted((left_mention, right_mention)), length=12)}"


class _Run:
    """State of one resolution: kept in one object so each step stays a short method."""

    def __init__(self, mentions: Sequence[Mention], model: PairModel, decisions: Sequence[Decision]) -> None:
        self.mentions = list(mentions)
        self.model = model
        self.decisions = decisions
        self.uf = ConstrainedUnionFind(len(self.mentions))
        self.rejected: list[tuple[int, str]] = []
        self.flags: dict[int, list[str]] = {}
        self.clean: list[str] = []
        self.parsed: list[ParsedName] = []
        self.merge_conf: dict[int, float] = {}  # mention index -> weakest merge that brought it in
        self.reasons: dict[int, Counter[str]] = defaultdict(Counter)  # uf root -> reasons
        self.records: list[MergeRecord] = []
        self.index = {m.mention_id: i for i, m in enumerate(self.mentions)}
        self.rejections = {(d.left_mention, d.right_mention) for d in decisions if not d.accept}

    def clean_all(self) -> None:
        first_on_paper: dict[tuple[str, str], int] = {}
        for i, mention in enumerate(self.mentions):
            cleaned = clean_name(mention.name, bool(mention.strong_ids))
            name = cleaned[0]
            if len(cleaned) > 1:
                self.rejected.append((i, "two people printed as one name"))
            elif name.rejected:
                self.rejected.append((i, name.rejected))
            parsed = parse_name(name.name)
            if not name.rejected and len(cleaned) == 1 and not parsed.surname:
                self.rejected.append((i, "no letters in name"))
            if name.flags:
                self.flags[i] = list(name.flags)
            ids = dict(mention.strong_ids)
            if name.dblp_number:
                ids.setdefault("dblp_homonym", f"{parsed.surname}|{parsed.given}|{name.dblp_number}")
            self.uf.add_ids(i, ids)
            self.clean.append(name.name)
            self.parsed.append(parsed)
            key = (mention.paper_id, fold(name.name))
            if key in first_on_paper and not self.uf.conflicts(first_on_paper[key], i):
                self.flags.setdefault(i, []).append("duplicate_on_paper")
                self.uf.union(first_on_paper[key], i)
            else:
                first_on_paper.setdefault(key, i)

    def link_strong_ids(self) -> None:
        for kind in STRONG_ID_KINDS:
            first: dict[str, int] = {}
            for i, mention in enumerate(self.mentions):
                value = mention.strong_ids.get(kind)
                if value:
                    if value in first:
                        if self.uf.union(first[value], i):
                            self.reasons[self.uf.find(i)][f"same {kind} id"] += 1
                    else:
                        first[value] = i
        for decision in self.decisions:
            left, right = self.index.get(decision.left_mention), self.index.get(decision.right_mention)
            if decision.accept and left is not None and right is not None and self.uf.union(left, right):
                self.reasons[self.uf.find(left)]["accepted by a reviewer"] += 1

    def candidate_clusters(self, clusters: list[list[int]]) -> list[tuple[int, int]]:
        """Pairs of clusters in one block whose given names could be one person's."""
        by_given: dict[str, list[int]] = defaultdict(list)
        for cid, members in enumerate(clusters):
            for given in sorted({self.parsed[i].given for i in members}):
                by_given[given].append(cid)
        pairs: set[tuple[int, int]] = set()
        givens = sorted(by_given)
        for gi, given in enumerate(givens):
            owners = by_given[given]
            pairs.update((a, b) for x, a in enumerate(owners) for b in owners[x + 1:])
            for other in givens[gi + 1:]:
                if given_relation(given, other):
                    pairs.update((min(a, b), max(a, b)) for a in owners for b in by_given[other] if a != b)
        return sorted(pairs)

    def can_merge(self, left: list[int], right: list[int]) -> bool:
        """Union two clusters unless a reviewer kept them apart or their strong ids conflict."""
        if self.rejections:
            roots = {self.uf.find(left[0]), self.uf.find(right[0])}
            for a, b in self.rejections:
                ia, ib = self.index.get(a), self.index.get(b)
                if ia is not None and ib is not None and {self.uf.find(ia), self.uf.find(ib)} == roots:
                    return False
        return self.uf.union(left[0], right[0])

    def cluster_blocks(self) -> Corpus:
        rejected = {i for i, _ in self.rejected}
        corpus = Corpus(self.mentions, self.parsed)
        blocks: dict[str, list[int]] = defaultdict(list)
        for i in range(len(self.mentions)):
            if i not in rejected:
                blocks[self.parsed[i].block_key].append(i)
        for key in sorted(blocks):
            if len(blocks[key]) > 1:
                self._cluster_block(blocks[key], corpus)
        return corpus

    def _cluster_block(self, block: list[int], corpus: Corpus) -> None:
        by_root: dict[int, list[int]] = defaultdict(list)
        for i in block:
            by_root[self.uf.find(i)].append(i)
        clusters = list(by_root.values())
        if len(clusters) < 2:
            return
        profiles = [corpus.profile(members) for members in clusters]
        relations: dict[tuple[int, int], str] = {}
        weights, bias = self.model.weights, self.model.bias

        def linkage(a: int, b: int) -> float | None:
            relation = corpus.relation(profiles[a], profiles[b])
            if relation is None:
                return None
            relations[(a, b)] = relation
            features = corpus.features(profiles[a], profiles[b], relation)
            logit = bias + sum(w * x for w, x in zip(weights, features, strict=True))
            return 1.0 / (1.0 + math.exp(-logit))

        def merge(a: int, b: int) -> list[str] | None:
            if not self.can_merge(profiles[a].members, profiles[b].members):
                return None
            relation = relations.get((a, b)) or relations.get((b, a)) or "same"
            reasons = corpus.explain(profiles[a], profiles[b], relation)
            profiles[a].absorb(profiles[b])
            root = self.uf.find(profiles[a].members[0])
            for reason in reasons:
                self.reasons[root][reason] += 1
            return reasons

        records = agglomerate(clusters, self.candidate_clusters(clusters), linkage, merge,
                              self.model.threshold, self.model.review_low)
        for record in records:
            if record.merged:
                smaller = record.right if len(record.right) <= len(record.left) else record.left
                for m in smaller:
                    self.merge_conf[m] = min(self.merge_conf.get(m, 1.0), record.linkage)
            else:
                left, right = corpus.profile(record.left), corpus.profile(record.right)
                record.reasons = corpus.explain(left, right, corpus.relation(left, right) or "same")
            self.records.append(record)

    def people(self) -> tuple[list[Person], list[str], list[float]]:
        rejected = {i for i, _ in self.rejected}
        components: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.mentions)):
            if i not in rejected:
                components[self.uf.find(i)].append(i)
        person_ids = [""] * len(self.mentions)
        confidences = [0.0] * len(self.mentions)
        people: list[Person] = []
        merged_reasons: dict[int, Counter[str]] = defaultdict(Counter)
        for root, reasons in self.reasons.items():
            merged_reasons[self.uf.find(root)].update(reasons)
        for root, members in components.items():
            strong = dict(self.uf.ids.get(root, {}))
            strong.pop("dblp_homonym", None)
            first = min(members, key=lambda i: (self.mentions[i].year or 9999, self.mentions[i].mention_id))
            person_id = person_id_for(strong, self.mentions[first].mention_id)
            names = Counter(self.clean[i] for i in members)
            name = max(names, key=lambda n: (display_completeness(n), names[n], n))
            confidence = min((self.merge_conf.get(i, 1.0) for i in members), default=1.0)
            for i in members:
                person_ids[i] = person_id
                confidences[i] = round(self.merge_conf.get(i, 1.0), 4)
            reasons = [f"{reason} (x{count})" if count > 1 else reason
                       for reason, count in merged_reasons[root].most_common(8)]
            people.append(Person(person_id, members, name, sorted(names), strong, round(confidence, 4), reasons))
        people.sort(key=lambda p: p.person_id)
        return people, person_ids, confidences

    def review_items(self, person_ids: list[str]) -> list[dict]:
        items: dict[str, dict] = {}
        for record in self.records:
            if record.merged and record.linkage >= self.model.review_high:
                continue
            left = min(record.left, key=lambda i: self.mentions[i].mention_id)
            right = min(record.right, key=lambda i: self.mentions[i].mention_id)
            left_id, right_id = self.mentions[left].mention_id, self.mentions[right].mention_id
            item_id = item_id_for(left_id, right_id)
            items[item_id] = {
                "item_id": item_id, "action": "merged" if record.merged else "kept_apart",
                "confidence": round(record.linkage, 4), "reasons": record.reasons,
                "left_mention": left_id, "right_mention": right_id,
                "left": self._side(record.left, person_ids), "right": self._side(record.right, person_ids),
            }
        return sorted(items.values(), key=lambda item: (item["confidence"], item["item_id"]))

    def _side(self, members: list[int], person_ids: list[str]) -> dict:
        names = Counter(self.clean[i] for i in members)
        ordered = sorted(members, key=lambda i: self.mentions[i].mention_id)
        return {"names": sorted(names), "person_id": person_ids[ordered[0]], "mentions": len(members),
                "papers": [{"paper_id": self.mentions[i].paper_id, "title": self.mentions[i].title,
                            "year": self.mentions[i].year, "affiliation": self.mentions[i].affiliation}
                           for i in ordered[:5]]}


def resolve(mentions: Sequence[Mention], model: PairModel | None = None,
            decisions: Sequence[Decision] = ()) -> Resolution:
    """Cluster mentions into people; see the module docstring for the steps."""
    run = _Run(mentions, model or default_model(), decisions)
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()
    people, person_ids, confidences = run.people()
    return Resolution(run.mentions, person_ids, confidences, people, run.review_items(person_ids),
                      run.rejected, run.flags, run.clean)
