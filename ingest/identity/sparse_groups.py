"""Very large name blocks: split by given name, and big groups resolved from their evidence pairs.

Why (issue 20): a name block's candidate pairs grow with the square of its mentions. At 1M
synthetic papers the blocks held 312M pairs (31M at 250k: x10 for x4 papers), and resolution
took x18.6 the time of 250k. Real data has the same shape at scale: a 'Wei Wang' of all DBLP
is tens of thousands of mentions. So:

1. A block with more than `MAX_BLOCK_PAIRS` candidate pairs is split into one block per printed
   given name: 'J. Li' is no longer compared with 'Jun Li', nor 'Jun' with 'Junyi' (an initial
   paired with every name of the block was most of the pairs of the largest blocks).
2. Of those, a given name with more than `SPARSE_GROUP_MENTIONS` mentions enumerates only pairs
   with evidence: a co-author's full name or an affiliation as printed in common, and neighbours
   in corpus order (the group itself is a key). Each mention is paired with the next `WINDOW`
   holders of each of its keys (sorted neighbourhood), so the group's pairs grow with its
   mentions, not their square.

Average linkage still needs every pair between two clusters. The pairs not enumerated count
with one imputed probability per group: the model's mean over a fixed-seed sample of them
(`SAMPLE_PAIRS`), scored with the same features, so a mention that shares nothing printed with
a prolific namesake's papers is weighed as the exact average would weigh it on average. Without
the imputation a missing pair would be a cannot-link, as an unscored pair of incompatible names
is elsewhere (tests/identity/test_sparse_groups.py: ICLR 2022 B3-F1 0.995 -> 0.87 without it).

Nothing changes below the limits: the bundled snapshot's largest block has 42,786 candidate pairs
('wang|x') and its largest group 227 mentions (Sergey Levine), so every labelled set this project
measures resolves as before (`benchmarks/resolve_steps.py` digest unchanged). What the limits cost
above them is measured against synthetic corpora's true people (BENCHMARKS.md, "session 35").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from graph.ids import digest
from ingest.identity.names import ParsedName

MAX_BLOCK_PAIRS = 100_000  # a block with more candidate pairs than this is split by given name
SPARSE_GROUP_MENTIONS = 300  # in a split block, a given name with more mentions than this is resolved sparsely
WINDOW = 32  # mentions of one shared key each mention is paired with, when the key has more
SAMPLE_PAIRS = 2_048  # pairs without evidence scored per sparse group for its imputed probability


def pair_count(block: Sequence[int], parsed: Sequence[ParsedName]) -> int:
    """The block's candidate pairs by its given names, as `pairs._block_pairs` makes them but for
    the short forms ('Matt'/'Matthew') and nicknames, which add few: the pairs of one given name,
    and an initial's with every other name of the block."""
    counts = Counter(parsed[i].given for i in block)
    total = 0
    for given, count in counts.items():
        total += count * (count - 1) // 2
        if len(given) == 1:
            total += count * (len(block) - count)
    return total


def split_large_groups(blocks: dict[str, list[int]], parsed: Sequence[ParsedName], max_pairs: int | None = None,
                       sparse_from: int | None = None) -> tuple[dict[str, list[int]], set[str]]:
    """The blocks, with each block of more than `max_pairs` candidate pairs split into one block per
    given name ('li|j|jun', 'li|j|j'), and the keys of those with more than `sparse_from` mentions.

    A split block's given names are no longer compared with each other ('J. Li' with 'Jun Li',
    'Jun' with 'Junyi'): in a block this large a bare initial or a prefix is no evidence anyway."""
    max_pairs = MAX_BLOCK_PAIRS if max_pairs is None else max_pairs  # read when called: tests lower them
    sparse_from = SPARSE_GROUP_MENTIONS if sparse_from is None else sparse_from
    split: dict[str, list[int]] = {}
    sparse: set[str] = set()
    for key, block in blocks.items():
        if len(block) * (len(block) - 1) // 2 <= max_pairs or pair_count(block, parsed) <= max_pairs:
            split[key] = block
            continue
        by_given: dict[str, list[int]] = defaultdict(list)
        for i in block:
            by_given[parsed[i].given].append(i)
        for given, members in by_given.items():
            split[f"{key}|{given}"] = members
            if len(members) > sparse_from:
                sparse.add(f"{key}|{given}")
    return dict(sorted(split.items())), sparse


def evidence_pairs(block: Sequence[int], coauthors: Sequence[tuple[int, ...]], affiliations: Sequence[str | None],
                   paper: np.ndarray, window: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of `block` sharing a co-author key, a printed affiliation or a neighbourhood in the block's
    order (left < right, unique, sorted; never two mentions of one paper): each mention with its next
    `window` holders of each key."""
    holders: dict[tuple[int, object], list[int]] = defaultdict(list)
    # the group itself is a key too: every mention meets its neighbours in corpus order, so a mention
    # that shares nothing printed with the rest still has links for its imputed average to act on
    holders[(2, None)] = list(block)
    for i in block:
        for coauthor in coauthors[i]:
            holders[(0, coauthor)].append(i)
        affiliation = affiliations[i]
        if affiliation:
            holders[(1, affiliation)].append(i)
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    for members in holders.values():
        if len(members) < 2:
            continue
        owners = np.asarray(members, dtype=np.int64)  # in block order: the corpus's order
        for step in range(1, min(window, len(owners) - 1) + 1):
            lefts.append(owners[:-step])
            rights.append(owners[step:])
    if not lefts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    left, right = np.concatenate(lefts), np.concatenate(rights)
    left, right = np.minimum(left, right), np.maximum(left, right)
    keep = paper[left] != paper[right]
    codes = np.unique(left[keep] * len(paper) + right[keep])
    return codes // len(paper), codes % len(paper)


def sample_pairs(key: str, block: Sequence[int], left: np.ndarray, right: np.ndarray, paper: np.ndarray,
                 size: int = SAMPLE_PAIRS) -> tuple[np.ndarray, np.ndarray]:
    """Up to `size` distinct pairs of `block` not among (`left`, `right`), drawn with a seed of the key:
    the same sample on every run and machine (with the numpy `constraints.txt` pins)."""
    members = np.asarray(block, dtype=np.int64)
    seed = int(digest("sparse-sample", key, length=16), 16)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(members), size=(2, size * 2))
    a, b = members[draws[0]], members[draws[1]]
    a, b = np.minimum(a, b), np.maximum(a, b)
    n = len(paper)
    codes = a * n + b
    keep = (a != b) & (paper[a] != paper[b]) & ~np.isin(codes, left.astype(np.int64) * n + right)
    codes = np.unique(codes[keep])[:size]  # sorted: an order independent of the draw
    return codes // n, codes % n
