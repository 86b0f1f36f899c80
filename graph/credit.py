"""Which institutions a paper is credited to: one rule for the analytics projection and the store's queries.

Why a module of its own: `graph.analytics.projections` (networkx) and `graph.topic_analytics` (the store's
reference counts) both need it, and the explorer's pages import the latter without the analytics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence


def printed_by_author(listed: Iterable[Sequence[str]]) -> dict[str, set[str]]:
    """author -> the institutions they printed on one paper, from its (author, institution) pairs."""
    printed: dict[str, set[str]] = {}
    for author, institution in listed:
        printed.setdefault(author, set()).add(institution)
    return printed


def credited_institutions(authors: Iterable[str], year: int | None, listed: Iterable[Sequence[str]],
                          of_the_year: Callable[[str], set[str]]) -> set[str]:
    """The institutions a paper is credited to (`Projection.paper_institutions`, and the store's reference
    `topic_analytics.top_institutions`): each author's printed ones, `of_the_year(author)` for an author who
    printed none (the callers give the institutions the author printed most that year: AFFILIATED_WITH's `main`).
    A paper without a year gets none, as affiliations (and the names of their institutions) are recorded per
    year."""
    if year is None:
        return set()
    printed = printed_by_author(listed)
    result: set[str] = set()
    for author in authors:
        own = printed.get(author)
        result |= own if own is not None else of_the_year(author)
    return result
