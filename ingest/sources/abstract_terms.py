"""Derived terms: what the tagger may know of an abstract whose text may not be shipped.

mlanthology's abstracts come from PMLR, the NeurIPS proceedings and OpenReview, whose
terms do not let us redistribute them (data/PROVENANCE.md). At vendoring time each
abstract is reduced to a sorted, de-duplicated bag of lowercased 1–3-word terms, and
only terms used by at least `min_df` abstracts of the whole corpus survive: word order,
rare words and therefore any original expression are gone, while the phrases a topic
tagger matches ("model parallelism", "kv cache", "federated learning") stay.

Terms never start or end with a stopword and contain no purely numeric word, so
"of the" or "2 x" never survive. The bag is stored as indexes into one shared,
sorted vocabulary, as gaps between sorted indexes (`encode_ids` / `decode_ids`), which
is what keeps the snapshot small.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

MAX_WORDS = 3
_MATH = re.compile(r"\$[^$]*\$|\\\(.*?\\\)|\\[a-zA-Z]+")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Clause breaks: a term never spans punctuation other than an in-word hyphen or apostrophe.
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"“”‘’/|<>=+*&%#@~`^]|\s-\s|--")
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words and a few of our own. Imported when terms are made (vendoring time), not
    when a build decodes them: importing spaCy costs the build's own process ~0.5 s."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"et", "al", "e.g", "i.e", "eg", "ie", "vs", "etc"}


def _is_numeric(word: str) -> bool:
    return not any(ch.isalpha() for ch in word)


def candidate_terms(abstract: str) -> set[str]:
    """Every 1–3-word term of one abstract that may become a derived term (before the frequency cut)."""
    text = _URL.sub(" . ", _MATH.sub(" . ", (abstract or "").lower()))
    stop = stop_words()
    terms: set[str] = set()
    for clause in _CLAUSE.split(text):
        words = _WORD.findall(clause)
        for i, first in enumerate(words):
            if first in stop or _is_numeric(first) or len(first) < 2:
                continue
            for n in range(1, MAX_WORDS + 1):
                if i + n > len(words):
                    break
                last = words[i + n - 1]
                if _is_numeric(last):
                    break  # a numeric word ends every longer term through it too
                if last in stop or len(last) < 2:
                    continue
                terms.add(" ".join(words[i:i + n]))
    return terms


def document_frequencies(abstracts: Iterable[str]) -> Counter:
    counts: Counter = Counter()
    for abstract in abstracts:
        counts.update(candidate_terms(abstract))
    return counts


def vocabulary(doc_freq: Counter, min_df: int) -> list[str]:
    """The sorted list of terms used by at least `min_df` abstracts."""
    return sorted(term for term, n in doc_freq.items() if n >= min_df)


def derive(abstract: str, index: dict[str, int]) -> list[int]:
    """Sorted vocabulary indexes of one abstract's terms (sorted ids = alphabetically sorted terms)."""
    return sorted(index[t] for t in candidate_terms(abstract) if t in index)


def encode_ids(ids: Sequence[int]) -> list[int]:
    """Sorted ids as gaps, e.g. [3, 40, 41] -> [3, 37, 1]: small numbers that JSON and gzip store compactly."""
    gaps = [b - a for a, b in zip([0, *ids], ids, strict=False)]  # the first list is one longer
    if any(g < 0 for g in gaps):
        raise ValueError("ids must be sorted")
    return gaps


def decode_ids(gaps: Sequence[int]) -> list[int]:
    """Inverse of `encode_ids`; runs for ~47k papers in every build, hence `accumulate`."""
    return list(accumulate(gaps))
