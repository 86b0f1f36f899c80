"""Text and token normalisation: one key per word however it is inflected, cased or hyphenated.

Why lexeme norms instead of a lemmatizer component: spaCy computes a lexeme's attributes
once per distinct string and caches them in the vocabulary, so putting the lemma into
`NORM` costs nothing per token after the first sighting, and the C-level PhraseMatcher
can match on it. A per-token lemmatizer in the pipeline would cost a Python call per
token on ~400k words. The lemmas come from spaCy's own English lookup table
(`spacy-lookups-data`), so the default pipeline is `spacy.blank("en")` and runs offline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.lookups import load_lookups

from ingest.topics.text import clean_text  # noqa: F401 - re-exported: callers import it from here

# Whitespace-separated chunks the tokenizer remembers (spaCy's default is 10,000). The snapshot's
# titles and derived terms hold ~70,000 distinct chunks; past the default every new chunk went
# through the prefix/suffix/infix regexes again on every sighting, 80% of tagging time (measured:
# 54 s -> 7.6 s of CPU to tokenise the snapshot). A cached chunk yields exactly the lexemes its
# affix splitting would (spaCy caches only chunks without special cases), so output is unchanged;
# an entry is a few dozen bytes, so a million of them stays under ~100 MB.
TOKENIZER_CACHE_CHUNKS = 1_000_000

# Hyphens, dashes, slashes and underscores between word characters become spaces, so
# "low-precision", "low precision" and "Low Precision" tokenise alike. Replacing one
# character by one keeps every character offset, so evidence can quote the original text.
# The joiner is matched first and its left neighbour checked after ("(?<=\w.)" looks back over
# the joiner itself): the same matches as "(?<=\w)[...](?=\w)", but the regex engine can skip
# ahead to the next joiner character instead of trying the lookbehind at every position
# (1.2 s -> 0.3 s of CPU on the snapshot's texts).
_JOINERS = re.compile(r"[-\u2010\u2011\u2012\u2013/_](?<=\w.)(?=\w)")
# An upper-case abbreviation with a plural s: GPUs, LLMs, FPGAs, DNNs.
_CAPS_PLURAL = re.compile(r"^[A-Z][A-Z0-9]*[A-Z0-9]s$")
_NO_STRIP_ENDINGS = ("ss", "us", "is", "os")
# Lookup entries that come from contractions ("ai n't" -> have, "'m" -> be, "ca n't" -> can):
# applied to ordinary text they turn "AI" into "have", so every "has" read as AI (issue 15).
_CONTRACTION_FORMS = frozenset({"ai", "'s", "s", "m", "'m", "'d", "d", "'ll", "ll", "'re", "re", "'ve", "ve", "ca",
                                "wo", "sha", "n't", "nt"})


def split_joiners(text: str) -> str:
    """Turn word-joining hyphens and slashes into spaces without moving any character."""
    return _JOINERS.sub(" ", text)


# British -ise/-isation spellings ("quantisation", "optimised", "parallelise") are keyed as the
# American -ize ones the taxonomy is written in; without this "quantisation" matched nothing.
_ISATION = re.compile(r"(?<=\w{3})isation(s?)$")
_ISE_FORMS = re.compile(r"^(\w{3,})(is|ys)(e|ed|es|er|ers|ing)$")
# Ordinary -ise words (and words containing them: "denoising", "unsupervised"), never -ize verbs,
# although the lookup table knows some archaic -ize spellings ("surprized").
_NOT_IZE = ("surpris", "advertis", "apprais", "chastis", "compris", "devis", "revis", "supervis", "exercis",
            "promis", "enterpris", "merchandis", "franchis", "improvis", "televis", "despis", "nois", "precis",
            "concis", "wis", "rais", "pois", "guis")


def lemma_function(keep: Iterable[str] = (), abbreviations: Iterable[str] = ()) -> Callable[[str], str]:
    """The norm of one string: lower-cased lookup lemma, with plural fall-backs for unknown words.

    `keep` are forms left as they are (the lemma would merge "learning" into "learned");
    `abbreviations` (lower case) lose a plural s even when written in lower case ("gpus").
    British -ise spellings take their American -ize form when the lookup table knows that
    verb ("optimised" -> "optimize") or the word is unknown ("vectorised"), so "promise",
    "noise" or "supervised" are left alone.
    """
    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    keep_set, abbrev_set = frozenset(keep), frozenset(abbreviations)

    def american(word: str) -> str:
        if _ISATION.search(word):
            return _ISATION.sub(r"ization\1", word)
        m = _ISE_FORMS.match(word)
        if not m or any(stem in word for stem in _NOT_IZE):
            return word
        # "optimised" -> "optimized" is an American verb form; an unknown word ("vectorised") is
        # a technical verb unless it hides an ordinary -ise word ("unsupervised", "denoising").
        if f"{m[1]}{m[2][0]}zed" in table or (word not in table and m[3] != "e"):
            return f"{m[1]}{m[2][0]}z{m[3]}"
        return word

    def norm(string: str) -> str:
        low = string.lower()
        if low in keep_set or low in _CONTRACTION_FORMS or low in abbrev_set:
            return low
        if _CAPS_PLURAL.match(string) or (low.endswith("s") and low[:-1] in abbrev_set):
            return low[:-1]
        low = american(low)
        lemma = table.get(low)
        if isinstance(lemma, str):
            return lemma
        if len(low) > 3 and low.endswith("s") and not low.endswith(_NO_STRIP_ENDINGS) and low.isalpha():
            return low[:-1]  # unknown plural: "embeddings", "dataloaders"
        return low

    return norm


def make_nlp(keep: Iterable[str] = (), abbreviations: Iterable[str] = ()) -> Language:
    """A blank English pipeline whose lexeme NORM is the lemma; it owns its vocabulary."""
    nlp = spacy.blank("en")
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS
    norm = lemma_function(keep, abbreviations)
    nlp.vocab.lex_attr_getters[NORM] = norm
    for lexeme in nlp.vocab:  # lexemes created before the getter was set
        lexeme.norm_ = norm(lexeme.orth_)
    return nlp
