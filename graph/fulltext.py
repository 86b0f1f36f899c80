"""Words of a full-text query, the same on both stores.

Neo4j (Lucene) and FalkorDB (RediSearch) each have a query syntax; user text must never
reach either as syntax. Both stores therefore query with folded words only ([0-9a-z]),
drop the stop words Lucene's analyzers leave out of their indexes (so "Will Smith" asks
both stores for "smith", not one store for more than the other), and match every word as
a prefix, so "mat zah" finds Matei Zaharia in any word order.
"""

from __future__ import annotations

from graph.ids import fold

# The English stop words Lucene's standard analyzers leave out of a full-text index (so a
# query term "with" would never match): dropped from queries, as the index dropped them.
LUCENE_STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these they "
    "this to was will with".split())
MAX_WORDS = 12  # a pasted abstract is not a name; more words only slow the index down


def query_words(text: str) -> list[str]:
    """Folded words to match; a text of stop words only keeps its last word ("a" finds "Ana")."""
    folded = fold(text).split()[:MAX_WORDS]
    if not folded:
        return []
    return [w for w in folded if w not in LUCENE_STOP_WORDS] or folded[-1:]


def lucene_query(text: str, *, every_word_a_prefix: bool = False) -> str:
    """A Lucene query: every word must match; the last (with `every_word_a_prefix`, each) may be a prefix."""
    words = query_words(text)
    if not words:
        return ""
    if every_word_a_prefix:
        return " AND ".join(f"{w}*" for w in words)
    return " AND ".join([*words[:-1], f"{words[-1]}*"])


def redisearch_query(text: str) -> str:
    """The same question for FalkorDB's RediSearch index: space means AND, `*` a prefix."""
    return " ".join(f"{w}*" for w in query_words(text))
