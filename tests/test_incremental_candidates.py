"""Which cached papers an ingested record may merge with (`incremental._candidates`), on real snapshot titles.

Why: the ingest merges a new record only into the cached papers `_candidates` names, so a paper it
misses becomes a duplicate that a full build would not make. The fuzzy part is the rule of
`identity.papers` (title keys within `TITLE_MATCH`, sharing a word on at most `_COMMON_WORD` cached
papers); this checks the ingest's batched form against that rule written out pair by pair.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from rapidfuzz import fuzz

from graph.records import Paper
from ingest import incremental
from ingest.identity.papers import TITLE_MATCH, title_key
from ingest.snapshot import read_snapshot
from tests.conftest import SNAPSHOT, in_small_subset


def _by_the_rule(cached: list[Paper], new: list[Paper]) -> set[int]:
    keys = [title_key(p.title) for p in cached]
    papers_of: dict[str, set[int]] = {}
    for index, key in enumerate(keys):
        for word in set(key.split()):
            papers_of.setdefault(word, set()).add(index)
    found = set()
    for paper in new:
        key = title_key(paper.title)
        near = {i for word in set(key.split()) if len(papers_of.get(word, ())) <= incremental._COMMON_WORD
                for i in papers_of.get(word, ())}
        found |= {i for i in near if fuzz.ratio(key, keys[i]) >= TITLE_MATCH}
        found |= {i for i, other in enumerate(keys) if other == key}
    return found


def test_records_with_retyped_titles_find_the_papers_the_rule_finds() -> None:
    cached = sorted(read_snapshot(SNAPSHOT, in_small_subset).papers, key=lambda p: p.id)[:3_000]
    originals = cached[::150]
    new = []
    for n, paper in enumerate(originals):  # a new source's record of a cached paper, its title retyped
        title = paper.title
        retyped = {0: title[:-1], 1: title.upper(), 2: title.replace(" ", "  ", 1), 3: f"{title} revisited "
                   "with a much longer subtitle"}[n % 4]
        new.append(dataclasses.replace(paper, id=f"new:{n}", title=retyped, doi=None, arxiv_id=None,
                                       s2_id=None, openalex_id=None, openreview_id=None, dblp_key=None,
                                       id_aliases=[]))
    state = SimpleNamespace(merged=cached, title_keys={})

    found = set(incremental._candidates(state, new))

    assert found == _by_the_rule(cached, new)
    at = {paper.id: i for i, paper in enumerate(cached)}
    dropped_letter = {at[p.id] for n, p in enumerate(originals) if n % 4 == 0}
    assert dropped_letter <= found  # within the fuzzy match only: their title keys differ
    assert {at[p.id] for n, p in enumerate(originals) if n % 4 in (1, 2)} <= found  # case, spacing: one key
    assert not {at[p.id] for n, p in enumerate(originals) if n % 4 == 3} & found  # another title
