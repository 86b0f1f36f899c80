"""Key terms derived from an abstract whose text may not be shipped (`Paper.derived_terms`).

Some sources (mlanthology's PMLR/NeurIPS/OpenReview abstracts) allow computing derived data
from their abstracts but not redistributing the text. What the tagger needs of an abstract
is its phrases, not its sentences, so the product ships a sorted bag of distinct lower-cased
1-3-word terms instead: cut at punctuation (no term spans two clauses), without terms that
start or end with a stop word. The order of the text is gone and so is every sentence;
what remains is the vocabulary the taxonomy matches ("low latency", "model serving").
"""

from __future__ import annotations

import re

from ingest.topics.normalise import clean_text

MAX_WORDS = 3
# Words that carry no topic on their own; a term may contain them inside ("time to accuracy")
# but never start or end with them.
STOP_WORDS = frozenset("""
a an the and or but nor of for to in on at by with from into onto over under via as is are was were be been being
this that these those it its we our us they their them he she his her which who whom whose what when where why how
than then so such not no can could may might must shall should will would do does did done has have had having
also both each either neither all any some more most other another same own only very just over about against
between through during before after above below up down out off again further once here there while if because
until whether per vs e.g i.e et al
""".split())
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"“”‘’]|\s[-–—]\s")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#'/-]*")


def derive_terms(abstract: str, max_words: int = MAX_WORDS) -> list[str]:
    """The sorted distinct 1-3-word terms of `abstract` (lower case, clause-bounded, no edge stop words)."""
    terms: set[str] = set()
    for clause in _CLAUSE.split(clean_text(abstract)):
        words = [w.lower().strip("'/-") for w in _WORD.findall(clause)]
        words = [w for w in words if w]
        for n in range(1, max_words + 1):
            for i in range(len(words) - n + 1):
                gram = words[i:i + n]
                if gram[0] in STOP_WORDS or gram[-1] in STOP_WORDS:
                    continue
                terms.add(" ".join(gram))
    return sorted(terms)
