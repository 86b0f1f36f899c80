"""Names a person goes by that a name block cannot see: a middle name ('Hugh Brendan McMahan' also signs 'Brendan
McMahan') and a hypocorism of another initial ('Bill Dally' for William J. Dally, 'Becca' for Rebecca).

Why: a name block is surname + first initial, so 'mcmahan|h' and 'mcmahan|b' never met, and people who print
a first name they do not use were split in two: H. Brendan McMahan (8 + 11 papers, 16 co-authors in common),
Zhiwei Steven Wu (6 + 65), Guoqing Harry Xu, P. Brighten Godfrey; and so were Bill Dally, Bill Freeman (10 +
18, 14 co-authors in common) and Becca Roelofs, whose short forms start with another letter than the name.

Reading every full middle name as an alternative given name would also compare 'Jian Wei Zhang' with every
'Wei Zhang', whose middle name is half of a given name written apart; and the nicknames table relates names
that are also names of their own ('Ian' / 'John', 'Nathan' / 'Jonathan'). So a printed name goes by such a name
only where the corpus shows it: one of its mentions shares a co-author with a mention of '<that name>
<surname>', and no paper prints both names (co-authors of one paper are two people). Then that name is an
alternative given name, as a parenthesised nickname is: the two name blocks become one (`join_blocks`), the
two names are compared (`pairs._block_pairs`) and count as one given name (`pairs.PairFeaturizer`); the rest
of the evidence decides, as for any pair.

Two blocks are joined only while the joined block stays small enough to compare all its candidate pairs
(`sparse_groups.MAX_BLOCK_PAIRS`): such joins chain through common surnames ('Alex Jinpeng Wang', 'Yu-Chiang
Frank Wang', ...), and a block past the limit is split by given name, which would take apart the very names
joined and stop comparing 'J. Li' with 'Jun Li' in it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence

from graph.ids import fold
from ingest.identity import hypocorisms, sparse_groups
from ingest.identity.mentions import Mention
from ingest.identity.names import ParsedName

MIN_LETTERS = 3  # a full name, not an initial ('Matei A Zaharia') nor a two-letter syllable


def middle_gone_by(parsed: ParsedName) -> str | None:
    """The middle name this printed name may go by: its first middle name when both it and the given name are
    full names with different initials (with one initial they already share a name block)."""
    if len(parsed.given) < MIN_LETTERS or not parsed.middles:
        return None
    middle = parsed.middles[0]
    if len(middle) < MIN_LETTERS or not middle.isalpha() or middle[0] == parsed.given[0] \
            or middle in parsed.alt_givens:
        return None
    return middle


def names_it_may_go_by(parsed: ParsedName) -> tuple[str, ...]:
    """The given names this printed name may go by in another name block: its middle name (`middle_gone_by`)
    and the names of another initial its given name is a hypocorism of ('bill' -> 'william')."""
    middle = middle_gone_by(parsed)
    forms = [] if middle is None else [middle]
    if len(parsed.given) >= MIN_LETTERS:
        forms += sorted(hypocorisms.full_forms_elsewhere(parsed.given) - {middle, *parsed.alt_givens})
    return tuple(forms)


def names_gone_by(mentions: Sequence[Mention], parsed: Sequence[ParsedName]) -> dict[ParsedName, ParsedName]:
    """Printed name -> the same with the names it goes by in other name blocks among its alternative given names,
    for the names the corpus shows doing so (module docstring); `parsed` holds one name per mention."""
    candidates: dict[ParsedName, tuple[str, ...]] = {}
    for name in set(parsed):
        forms = names_it_may_go_by(name)
        if forms:
            candidates[name] = forms
    if not candidates:
        return {}
    targets = {(name.surname, form) for name, forms in candidates.items() for form in forms}
    coauthors: dict[ParsedName, set[str]] = defaultdict(set)  # candidate name -> its mentions' co-authors
    printed: dict[ParsedName, set[str]] = defaultdict(set)  # candidate name -> its printed forms
    target_coauthors: dict[tuple[str, str], set[str]] = defaultdict(set)
    target_printed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mention, name in zip(mentions, parsed, strict=True):
        if name in candidates:
            coauthors[name].update(map(fold, mention.coauthors))
            printed[name].add(fold(mention.name))
        key = (name.surname, name.given)
        if key in targets:
            target_coauthors[key].update(map(fold, mention.coauthors))
            target_printed[key].add(fold(mention.name))
    chosen: dict[ParsedName, ParsedName] = {}
    for name, forms in candidates.items():
        shown = []
        for form in forms:
            key = (name.surname, form)
            others = target_coauthors.get(key)
            if not others or not coauthors[name].isdisjoint(target_printed[key]) \
                    or not others.isdisjoint(printed[name]):
                continue  # no mention of that name, or a paper prints both names
            if not coauthors[name].isdisjoint(others):
                shown.append(form)
        if shown:
            chosen[name] = dataclasses.replace(name, alt_givens=(*name.alt_givens, *shown))
    return chosen


def join_blocks(blocks: dict[str, list[int]], parsed: Sequence[ParsedName], gone_by: Mapping[ParsedName, ParsedName],
                max_pairs: int | None = None) -> dict[str, list[int]]:
    """`blocks` (name blocks, maybe already joined: key -> mention indices) with the block of each name `gone_by`
    made (-> the name as printed) joined to the blocks of the names it goes by, in key order, unless the joined
    block would have more candidate pairs than `max_pairs` (`sparse_groups.MAX_BLOCK_PAIRS`): see the module
    docstring."""
    max_pairs = sparse_groups.MAX_BLOCK_PAIRS if max_pairs is None else max_pairs
    home = {block_key: key for key, members in blocks.items() for block_key in {parsed[i].block_key for i in members}}
    bridges = sorted({(name.block_key, f"{name.surname}|{form[:1]}") for name, as_printed in gone_by.items()
                      for form in name.alt_givens if form not in as_printed.alt_givens})
    parent: dict[str, str] = {}
    members = {key: list(block) for key, block in blocks.items()}

    def find(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for source, target in bridges:
        if source not in home or target not in home:
            continue
        a, b = sorted((find(home[source]), find(home[target])))
        if a == b:
            continue
        joined = members[a] + members[b]
        if len(joined) * (len(joined) - 1) // 2 > max_pairs and sparse_groups.pair_count(joined, parsed) > max_pairs:
            continue
        parent[b] = a
        members[a] = joined
        del members[b]
    return {key: sorted(block) for key, block in sorted(members.items())} if parent else blocks


__all__ = ["join_blocks", "middle_gone_by", "names_gone_by", "names_it_may_go_by"]
