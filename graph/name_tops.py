"""Top people per common name prefix: a bare "Zhang" answered by a lookup, not a sort of 25k people.

Why: `search_people` asks the full-text index for everyone whose name has every query word
as a word prefix, most papers first. The index finds the matches fast, but the store then
reads and sorts every one of them: at 1M people a bare common surname matches ~25k and takes
65 ms on a quiet machine, 358 ms p95 under load (BENCHMARKS.md, issue 20). The first page of
such a query never changes between builds, so it is computed once per build: for every
prefix of a name word that more than `MIN_MATCHES` people share, the first `KEEP` of them in
the search's own order (papers descending, then name, then id).

A stored list answers exactly what the store's query would:
- one query word: its list's first `limit` ids (a list shorter than `KEEP` holds every match);
- several words, each with a list: the list of the rarest word, filtered by the other words
  (the matches of all words, in the same order, are a subsequence of it), as long as at
  least `limit` survive or the list is complete. The lists keep each person's search key, so
  the filter reads nothing from the store;
- anything else (a rare word, a larger limit) goes to the index, where it is already fast.

Prefixes are over the words of `Author.search_key` (the folded name and aliases), the text the
full-text index holds. The words are [0-9a-z] runs, as both stores' tokenizers split them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]

MIN_MATCHES = 1000  # fewer matches sort in a few ms inside the store: not worth a stored list
KEEP = 200  # ids kept per prefix: the largest page served from the table (the explorer asks 100, the CLI 20)
MAX_TERMS = 5000  # a query word expanded into more indexed words than this stays a (truncated) prefix

_WORD = re.compile(r"[0-9a-z]+")


def words_of(search_key: str | None) -> list[str]:
    """The words the full-text index holds for one search key ("wei a zhang | w zhang")."""
    return _WORD.findall(search_key or "")


def matches_all(key_words: Iterable[str], query_words: Sequence[str]) -> bool:
    """Whether every query word is a prefix of some word of the key: the full-text query's meaning."""
    held = tuple(key_words)
    return all(any(w.startswith(q) for w in held) for q in query_words)


def order_key(row: Row) -> tuple[int, str, str]:
    """The search's order: most papers first, then name, then id (as ORDER BY papers DESC, name, id)."""
    return -int(row.get("papers") or 0), row.get("name") or "", row["id"]


@dataclass(frozen=True)
class Top:
    """The first people (ids and search keys, in search order) whose name has this prefix, and how
    many have it.

    `matches` is an upper bound (people counted once per word of theirs with the prefix); it only
    picks the rarest word of a query, never the answer."""

    matches: int
    ids: tuple[str, ...]
    keys: tuple[str, ...]

    def complete(self, keep: int) -> bool:
        """A list shorter than `keep` holds every person with the prefix."""
        return len(self.ids) < keep


def build_table(rows: Iterable[Row], *, min_matches: int = MIN_MATCHES, keep: int = KEEP) -> dict[str, Top]:
    """prefix -> Top for every prefix of a name word shared by more than `min_matches` people."""
    return build_tables(rows, min_matches=min_matches, keep=keep)[0]


def build_tables(rows: Iterable[Row], *, min_matches: int = MIN_MATCHES,
                 keep: int = KEEP) -> tuple[dict[str, Top], list[str]]:
    """The prefix lists (`build_table`) and every word of every name, sorted (the vocabulary a store
    expands a query word's prefix with: FalkorDB's own prefix expansion stops early, see
    `expansion`).

    `rows`: every person with `id`, `name`, `key` (the search key) and `papers`. One sort of all
    people, then one pass in search order that stops once every list is full.
    """
    # (-papers, name, id, key, words): tuples sort in the search's order natively (ids are unique)
    people = sorted((-int(r.get("papers") or 0), r.get("name") or "", r["id"], r.get("key") or "",
                     frozenset(words_of(r.get("key")))) for r in rows if r.get("id"))
    per_word: dict[str, int] = defaultdict(int)
    for person in people:
        for word in person[4]:
            per_word[word] += 1
    estimate: dict[str, int] = defaultdict(int)  # people per prefix, counted once per word: an upper bound
    for word, count in per_word.items():
        for end in range(1, len(word) + 1):
            estimate[word[:end]] += count
    common = {prefix: n for prefix, n in estimate.items() if n > min_matches}
    vocabulary = sorted(per_word)
    if not common:
        return {}, vocabulary
    prefixes_of: dict[frozenset[str], frozenset[str]] = {}  # a person's words -> their common prefixes
    lists: dict[str, list[tuple[str, str]]] = {prefix: [] for prefix in common}
    open_lists = len(lists)
    for _, _, person_id, key, person_words in people:
        mine = prefixes_of.get(person_words)
        if mine is None:
            mine = prefixes_of[person_words] = frozenset(
                word[:end] for word in person_words for end in range(1, len(word) + 1) if word[:end] in common)
        for prefix in mine:
            ids = lists[prefix]
            if len(ids) < keep:
                ids.append((person_id, key))
                if len(ids) == keep:
                    open_lists -= 1
        if not open_lists:
            break
    return {prefix: Top(common[prefix], tuple(i for i, _ in ids), tuple(k for _, k in ids))
            for prefix, ids in lists.items()}, vocabulary


def page(words: Sequence[str], tops: Sequence[Top | None], limit: int, keep: int) -> list[str] | None:
    """The ids of the first `limit` people matching every word (distinct, folded), in search order,
    from the stored lists; None when they cannot prove it (then the index answers: a word without a
    list is rare, so the index's answer is small and fast)."""
    if not words or limit < 1 or limit > keep or any(t is None for t in tops):
        return None
    rarest = min((t for t in tops if t is not None), key=lambda t: (t.matches, len(t.ids)))
    if len(words) == 1:
        return list(rarest.ids[:limit])
    hits = [i for i, key in zip(rarest.ids, rarest.keys, strict=True) if matches_all(words_of(key), words)]
    return hits[:limit] if len(hits) >= limit or rarest.complete(keep) else None


def expansion(words: Sequence[str], expanded: Sequence[Sequence[str]], max_terms: int = MAX_TERMS) -> str | None:
    """A RediSearch query naming every indexed word each query word is a prefix of: '("chen"|"cheng") ("gan")'.

    Why: FalkorDB's RediSearch stops expanding a prefix early - on the small snapshot "c*" finds
    221 of the 1,828 people with a word starting with "c", and "ch* ga*" finds nobody although 8
    people match - so the store names the words itself (they come from the build's vocabulary, and
    are [0-9a-z] runs, never syntax). Each is quoted: a bare term is stemmed at query time ("balle"
    also finds "ball", "running" finds "run"). A word with more than `max_terms` expansions stays a prefix
    (today's answer). None: a word is the prefix of no indexed word, so nobody matches.
    """
    parts = []
    for word, terms in zip(words, expanded, strict=True):
        if not terms:
            return None
        parts.append(f"{word}*" if len(terms) > max_terms else "(" + "|".join(f'"{t}"' for t in terms) + ")")
    return " ".join(parts)
