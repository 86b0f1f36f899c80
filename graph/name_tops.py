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
  least `limit` survive or the list is complete;
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
    """The first people (ids, in search order) whose name has this prefix, and how many have it.

    `matches` is an upper bound (people counted once per word of theirs with the prefix); it only
    picks the rarest word of a query, never the answer."""

    matches: int
    ids: tuple[str, ...]

    def complete(self, keep: int) -> bool:
        """A list shorter than `keep` holds every person with the prefix."""
        return len(self.ids) < keep


def build_table(rows: Iterable[Row], *, min_matches: int = MIN_MATCHES, keep: int = KEEP) -> dict[str, Top]:
    """prefix -> Top for every prefix of a name word shared by more than `min_matches` people.

    `rows`: every person with `id`, `name`, `key` (the search key) and `papers`. One sort of all
    people, then one pass in search order that stops once every list is full.
    """
    people = sorted(({"id": r["id"], "name": r.get("name") or "", "papers": r.get("papers") or 0,
                      "words": frozenset(words_of(r.get("key")))} for r in rows if r.get("id")), key=order_key)
    per_word: dict[str, int] = defaultdict(int)
    for person in people:
        for word in person["words"]:
            per_word[word] += 1
    estimate: dict[str, int] = defaultdict(int)  # people per prefix, counted once per word: an upper bound
    for word, count in per_word.items():
        for end in range(1, len(word) + 1):
            estimate[word[:end]] += count
    common = {prefix: n for prefix, n in estimate.items() if n > min_matches}
    if not common:
        return {}
    prefixes_of = {word: tuple(word[:end] for end in range(1, len(word) + 1) if word[:end] in common)
                   for word in per_word}
    lists: dict[str, list[str]] = {prefix: [] for prefix in common}
    open_lists = len(lists)
    for person in people:
        mine = {prefix for word in person["words"] for prefix in prefixes_of[word]}
        for prefix in mine:
            ids = lists[prefix]
            if len(ids) < keep:
                ids.append(person["id"])
                if len(ids) == keep:
                    open_lists -= 1
        if not open_lists:
            break
    return {prefix: Top(common[prefix], tuple(ids)) for prefix, ids in lists.items()}


def plan(words: Sequence[str], tops: Sequence[Top | None], limit: int, keep: int) -> tuple[Top, bool] | None:
    """Which stored list answers the query, and whether it must be filtered by the other words.

    None: ask the index (a word without a list is rare, so the index's answer is small and fast)."""
    if not words or limit > keep or any(t is None for t in tops):
        return None
    known = [t for t in tops if t is not None]
    rarest = min(known, key=lambda t: (t.matches, len(t.ids)))
    return rarest, len(set(words)) > 1  # one word: its list's first `limit` (limit <= keep) are the answer


def answer(words: Sequence[str], top: Top, filtered: bool, rows: Sequence[Row], limit: int,
           keep: int) -> list[Row] | None:
    """The page from the stored list's rows (in list order, each with its `key`); None if the list
    cannot prove it holds `limit` matches (then the index answers)."""
    if not filtered:
        return list(rows[:limit])
    hits = [r for r in rows if matches_all(words_of(r.get("key")), words)]
    if len(hits) >= limit or top.complete(keep):
        return hits[:limit]
    return None
