"""The clusters after agglomeration, as a partition the post-clustering steps may still change.

Union-find can join but never split. The namesake guard (`namesakes.py`) must take a
mention out of a person, a curator's split must carve a person in two, and duplicate
profiles (`duplicates.py`) and curator merges must join clusters whose ids conflict.
So after clustering the union-find is frozen into this plain partition: a label per
mention, members and strong ids per label, and the evidence note of every change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.identity.cluster import ConstrainedUnionFind

TRUSTED_KINDS = frozenset({"orcid", "dblp", "dblp_homonym"})  # never joined automatically: one value, one person


@dataclass
class Partition:
    label: dict[int, int]  # mention index -> cluster label
    members: dict[int, list[int]]
    ids: dict[int, dict[str, set[str]]]  # label -> kind -> values (several only after a join)
    notes: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    mention_notes: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    next_label: int = 0

    @classmethod
    def from_union_find(cls, uf: ConstrainedUnionFind, mentions: Iterable[int]) -> Partition:
        items = list(mentions)
        roots = uf.roots()[items].tolist() if items else []  # every root at once, not one `find` per mention
        label: dict[int, int] = dict(zip(items, roots, strict=True))
        members: dict[int, list[int]] = defaultdict(list)
        for i, root in zip(items, roots, strict=True):
            members[root].append(i)
        ids = {root: {kind: uf.values(root, kind) for kind in uf.ids[root]} for root in members if root in uf.ids}
        return cls(label, dict(members), ids, next_label=len(uf.parent))

    def ids_of(self, cluster: int) -> dict[str, set[str]]:
        return self.ids.get(cluster, {})

    def conflict(self, a: int, b: int, kinds: Iterable[str] | None = None) -> set[str]:
        """Id kinds (of `kinds`, default all) for which clusters a and b hold disjoint values."""
        ids_a, ids_b = self.ids_of(a), self.ids_of(b)
        wanted = set(ids_a) & set(ids_b) if kinds is None else set(ids_a) & set(ids_b) & set(kinds)
        return {kind for kind in wanted if not ids_a[kind] & ids_b[kind]}

    def join(self, a: int, b: int, note: str) -> int:
        """Fold cluster b into a (ids of both kept); returns a."""
        if a == b:
            return a
        for i in self.members[b]:
            self.label[i] = a
        self.members[a].extend(self.members.pop(b))
        for kind, values in self.ids.pop(b, {}).items():
            self.ids.setdefault(a, {}).setdefault(kind, set()).update(values)
        self.notes[a].extend(self.notes.pop(b, []))
        self.notes[a].append(note)
        return a

    def detach(self, items: list[int], note: str, strong_ids: dict[str, str] | None = None,
               target: int | None = None) -> int:
        """Move mentions out of their clusters, into `target` or a new cluster; returns its label."""
        if target is None:
            target = self.next_label
            self.next_label += 1
            self.members[target] = []
        for i in items:
            old = self.label[i]
            self.members[old].remove(i)
            if not self.members[old]:
                del self.members[old]
                self.ids.pop(old, None)
            self.label[i] = target
            self.members[target].append(i)
            self.mention_notes[i].append(note)
        for kind, value in (strong_ids or {}).items():
            self.ids.setdefault(target, {}).setdefault(kind, set()).add(value)
        return target

    def recompute_ids(self, cluster: int, ids_of_mention: dict[int, dict[str, str]]) -> None:
        """Ids of a cluster from its members alone (after mentions left it)."""
        found: dict[str, set[str]] = defaultdict(set)
        for i in self.members.get(cluster, []):
            for kind, value in ids_of_mention.get(i, {}).items():
                found[kind].add(value)
        if found:
            self.ids[cluster] = dict(found)
        else:
            self.ids.pop(cluster, None)
