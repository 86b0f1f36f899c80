"""Stable, deterministic ids.

Ids are derived from content (a strong external id where one exists, otherwise a
normalised title/name), never from load order, so that building twice - or on two
machines - yields the same graph and re-loading MERGEs onto the same nodes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from anyascii import anyascii

from graph._legacy_fold import legacy_fold

# Version of the way ids are derived from text. 1: accents stripped, other scripts deleted
# (graph/_legacy_fold.py). 2: every script transliterated by anyascii. A node whose id changed
# keeps the scheme-1 id in its `id_aliases` property, and id look-ups fall back to it.
ID_SCHEME = 2

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LATEX = re.compile(r"\\[a-zA-Z]+\{([^}]*)\}|[{}$\\]")


def fold(text: str) -> str:
    """The one text fold: LaTeX braces stripped, transliterated to ASCII, lower case, runs of
    anything but [0-9a-z] collapsed to one space.

    Used for ids, search keys, name keys and BibTeX keys alike, so that two parts of the
    product never disagree about whether two strings are "the same". Transliteration
    (anyascii, ISC) rather than deletion: "Дмитрий Ветров" -> "dmitriy vetrov",
    "Þórður" -> "thordur", "μLayer" -> "mlayer", U+2010 hyphen -> a space like "-". ASCII
    text (most of it) skips the transliteration.
    """
    if not text:
        return ""
    if "\\" in text or "{" in text or "$" in text:
        text = _LATEX.sub(lambda m: m.group(1) or "", text)
    if not text.isascii():
        text = anyascii(text)
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def fold_or_lower(text: str) -> str:
    """A string whose runs of [0-9a-z] are those of `fold(text)`: the text lowered where `fold` would only lower
    it and turn the other characters into spaces (ASCII without LaTeX markup: the checks `fold` makes), else the
    fold. For callers that split words out of many texts (identity's title words), where the fold's substitution
    was most of the cost; tests/identity/test_title_words.py compares the words of both."""
    if text.isascii() and "\\" not in text and "{" not in text and "$" not in text:
        return text.lower()
    return fold(text)


Fold = Callable[[str], str]


def normalise_title(title: str, fold_with: Fold = fold) -> str:
    """Title key used to match the same paper across lists (case, accents, DBLP's trailing period)."""
    return fold_with(title.rstrip(". "))


def digest(*parts: str, length: int = 16) -> str:
    joined = "\x1f".join(parts)
    return hashlib.blake2b(joined.encode("utf-8"), digest_size=16).hexdigest()[:length]


def slug(text: str, max_len: int = 40, fold_with: Fold = fold) -> str:
    return fold_with(text).replace(" ", "-")[:max_len].strip("-")


def paper_id(*, doi: str | None = None, openreview_id: str | None = None, s2_id: str | None = None,
             arxiv_id: str | None = None, openalex_id: str | None = None, dblp_key: str | None = None,
             title: str = "", year: int | None = None, first_author: str = "", fold_with: Fold = fold) -> str:
    """The strongest available external id wins; otherwise title + year + first author's surname.

    The surname keeps apart distinct papers that share a title in one year (NeurIPS 2024
    has two "Reproducibility study of ..." papers by different teams) while tolerating
    initials ("M. Zaharia" vs "Matei Zaharia"). `fold_with=legacy_fold` gives the id scheme 1
    gave the same paper (`legacy_paper_id`).
    """
    for kind, value in (("doi", doi), ("openreview", openreview_id), ("s2", s2_id), ("arxiv", arxiv_id),
                        ("openalex", openalex_id), ("dblp", dblp_key)):
        if value:
            value = value.strip()
            # DOIs are case-insensitive; OpenReview, S2 and other ids are not.
            return f"paper:{kind}:{value.lower() if kind in ('doi', 'arxiv') else value}"
    surname = fold_with(first_author).split(" ")[-1] if first_author else ""
    return f"paper:t:{digest(normalise_title(title, fold_with), str(year or ''), surname)}"


def legacy_paper_id(**fields: object) -> str:
    """The id scheme 1 gave a paper with these fields (see `paper_id`)."""
    return paper_id(**fields, fold_with=legacy_fold)  # type: ignore[arg-type]


def venue_id(short_name: str) -> str:
    return f"venue:{slug(short_name)}"


def institution_id(name: str, ror: str | None = None, fold_with: Fold = fold) -> str:
    if ror:
        return f"inst:ror:{ror.rsplit('/', 1)[-1].lower()}"
    return f"inst:{slug(name, 60, fold_with)}"


def legacy_institution_id(name: str, ror: str | None = None) -> str:
    """The id scheme 1 gave this institution (`inst:` alone for a name in another script)."""
    return institution_id(name, ror, legacy_fold)


def is_empty_id(node_id: str) -> bool:
    """An id with nothing after its kind prefix ('', 'inst:', 'paper:t:'): a text that folded to nothing.

    Such an id would merge unrelated records into one node, or match no node at all; the
    pipeline quarantines the record instead of loading it."""
    return not node_id or node_id.endswith(":")


def topic_id(label: str) -> str:
    return f"topic:{label}"
