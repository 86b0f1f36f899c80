"""What the topic tagger reads of a paper, without the tagger (no spaCy import).

Why a module of its own: an ingest or a build needs `paper_text` (to key the tag cache and
to count tagging inputs) in the parent process, while the tagging itself runs in a worker
process. Importing the tagger for these few definitions imported spaCy (~0.25 s) on the
parent's critical path; `ingest.topics.tagger` re-exports them.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from graph.ids import venue_id
from graph.venues import KNOWN_VENUES, community_of


def clean_text(text: str) -> str:
    """Unicode-normalise (ligatures such as 'ﬂ' from PDF extraction) and collapse whitespace."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


# Which text a paper was tagged from (reported per paper: the Paper page and `stats` say which).
TITLE_ONLY, ABSTRACT, DERIVED_TERMS = "title_only", "abstract", "derived_terms"
# Derived terms are joined with a sentence-ending separator, so no phrase spans two terms
# and the one-sentence ML-for-systems rule never pairs words from different terms.
TERM_JOINER = "; "


# Derived terms repeat across papers (4.8M terms, 48k distinct in the snapshot): clean each once.
_clean_term = functools.lru_cache(maxsize=1 << 18)(clean_text)


@dataclass(frozen=True)
class PaperText:
    """What the tagger reads: the title, an abstract or the terms derived from one, and the venue's community.

    An abstract wins over derived terms when both are given: the terms stand in for an
    abstract whose text may not be shipped, never add to it.
    """

    title: str
    abstract: str | None = None
    community: str | None = None  # "ml", "mlsys", "systems", "other" or unknown
    derived_terms: tuple[str, ...] = ()

    @property
    def input_kind(self) -> str:
        """"abstract", "derived_terms" or "title_only": the input the tagger reads for this paper."""
        if self.abstract and self.abstract.strip():
            return ABSTRACT
        if any(t.strip() for t in self.derived_terms):
            return DERIVED_TERMS
        return TITLE_ONLY

    @property
    def body(self) -> str:
        """The text read after the title: the abstract, the joined derived terms, or nothing."""
        kind = self.input_kind
        if kind == ABSTRACT:
            return clean_text(self.abstract or "")
        if kind == DERIVED_TERMS:
            return _joined_terms(self.derived_terms)
        return ""


def _joined_terms(terms: Sequence[str]) -> str:
    """The non-blank terms, each cleaned (`clean_text`), joined with TERM_JOINER.

    Why the fast path: the snapshot has 4.8M terms and nearly all are clean already; cleaning
    each (even from a cache) was ~3 s. The raw join is returned only when it proves every term
    clean, i.e. equal to its `clean_text`: all ASCII (NFKC leaves ASCII alone); whitespace only
    single spaces, none at either end (so no term holds a tab or a double space, the first has
    no leading space and the last no trailing one, and a later term's leading space would be a
    double space after "; "); and no " ;" (an earlier term's trailing space would read " ; ").
    """
    raw = TERM_JOINER.join(filter(str.strip, terms))
    if raw.isascii() and " ;" not in raw and raw == " ".join(raw.split()):
        return raw
    return TERM_JOINER.join(map(_clean_term, filter(str.strip, terms)))


_COMMUNITY_BY_VENUE_ID = {venue_id(name): community_of(name) for name in KNOWN_VENUES}


def community_of_venue_id(venue: str | None) -> str | None:
    """The community of a known venue id ("venue:osdi" -> "systems"); None when unknown."""
    return _COMMUNITY_BY_VENUE_ID.get(venue or "")
