"""English hypocorisms: 'Tom' for Thomas, 'Andy' for Andrew, 'Mike' for Michael.

Why: a person signs both forms (Tom Griffiths and Thomas L. Griffiths, Josh Tenenbaum and Joshua B.
Tenenbaum), and such people were split in two. A short form that is not a prefix of the full name ('tom',
'thomas') was never compared with it (`names.given_relation` knew initials and prefixes only); one that is
('josh', 'joshua') was compared, but as a "prefix" the pair model reads it as two people's names, because
most short forms it was fitted on are syllables of Chinese given names ('jun', 'junyi'): it gave Josh and
Joshua B. Tenenbaum ~0 with dozens of co-authors in common. So a related pair is compared, and its given
names count as one (`pairs.PairFeaturizer`), as a parenthesised nickname's do; the rest of the evidence
decides. The pairs come from `nicknames` (Apache-2.0, a hand-curated table of English given names and their
nicknames, https://github.com/carltonnorthern/nicknames) rather than a list written here.

Only pairs inside one name block (same first initial) are related here: 'Bill' and 'William' sit in two blocks,
and joining blocks for every such name would chain the blocks of common surnames (see BENCHMARKS.md,
"Identity resolution", session 64). Those (`full_forms_elsewhere`) count only where the corpus shows a person
going by both (ingest/identity/goes_by.py).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from graph.ids import fold

MIN_LETTERS = 3  # 'al', 'ed', 'jo': two-letter forms are too often a whole given name of their own


@lru_cache(maxsize=1)
def _hypocorisms() -> tuple[tuple[str, str], ...]:
    """(short form, full name) of every hypocorism in the table, folded."""
    from nicknames import NickNamer

    pairs: list[tuple[str, str]] = []
    for name, nicknames in NickNamer().nickname_lookup.items():
        full = fold(name).replace(" ", "")
        for nickname in nicknames:
            short = fold(nickname).replace(" ", "")
            # a hypocorism is shorter than its name: the table also lists two names of equal standing both
            # ways ('andrea' / 'andrew', 'jack' / 'john'), which are two people's names, not one person's
            if MIN_LETTERS <= len(short) < len(full) and short.isalpha() and full.isalpha():
                pairs.append((short, full))
    return tuple(pairs)


@lru_cache(maxsize=1)
def _relatives() -> dict[str, frozenset[str]]:
    related: dict[str, set[str]] = defaultdict(set)
    for short, full in _hypocorisms():
        if short[0] == full[0]:
            related[full].add(short)
            related[short].add(full)
    return {name: frozenset(names) for name, names in related.items()}


@lru_cache(maxsize=1)
def _full_forms_elsewhere() -> dict[str, frozenset[str]]:
    forms: dict[str, set[str]] = defaultdict(set)
    for short, full in _hypocorisms():
        if short[0] != full[0]:
            forms[short].add(full)
    return {name: frozenset(names) for name, names in forms.items()}


def full_forms_elsewhere(given: str) -> frozenset[str]:
    """The folded given names of another first letter that the table gives this one as a hypocorism of ('bill' ->
    'william'): never related by themselves, only where co-authors show one person signing both (goes_by.py)."""
    return _full_forms_elsewhere().get(given, frozenset())


def relatives(given: str) -> frozenset[str]:
    """The folded given names the table relates to this one, with the same first letter."""
    return _relatives().get(given, frozenset())
