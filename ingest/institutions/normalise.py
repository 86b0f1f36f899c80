"""Clean a printed affiliation before matching: entities, ligatures, e-mails, country suffixes, non-organisations.

Kept apart from matching because the same cleaning feeds the resolver, the unknown-
organisation fallback (which needs a readable name) and the "not an organisation" answer.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from graph.ids import fold
from ingest.institutions.places import country_code, is_place

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_FOOTNOTE = re.compile(r"[∗*†‡§¶♭♮♯$]+")  # "DeepMind♭University College London", "Engineering$"
# A footnote digit glued to a word: before a capitalised word ("1University of Cambridge") or after a lower-case
# letter ("Oxford1"); before or after an all-capitals word only when that word is a name the table knows
# ("2MPI for Intelligent Systems", "KAIST1"). A glued token that is itself a known name stays whole
# ("4Paradigm", "Layer6", "3M"): see `_strip_digit_marks`.
_LEADING_DIGIT = re.compile(r"(?<![\w.])\d([^\W\d_]+)\b")
_TRAILING_DIGIT = re.compile(r"\b([^\W\d_]+)\d\b")
# An accent a PDF extractor printed apart from its letter ("Universit ´e du Qu ´ebec `a Montr ´eal",
# "Montanuniversit ¨at"): NFKC turns the spacing marks into a space + combining mark.
_LOOSE_ACCENT = re.compile(r"(?<=[A-Za-z]) ?\s?([\u0300\u0301\u0302\u0303\u0308]) ?(?=[A-Za-z])")
_MARK_BEFORE_LETTER = re.compile(r"([\u0300\u0301\u0302\u0303\u0308])([A-Za-z])")
_LEFT_MARK = re.compile(r"[\u0300\u0301\u0302\u0303\u0308]")
_LOOSE_GRAVE_A = re.compile(r"(?<![\w`])\s?\u0300 ?a(?!\w)")  # "`a" printed alone is the word "à"
# A bare web domain ("fsu.edu", "hp.com"): the organisation's own name for itself.
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+(?:edu|com|org|net|gov|ac\.[a-z]{2}|edu\.[a-z]{2}|[a-z]{2})$", re.I)
# Strings that say "no organisation" (folded).
_NOT_ORG = re.compile(
    r"^(?:independent|independant|self|unaffiliated|not affiliated|no affiliation|none|null|n a|na|nil|"
    r"private|personal|freelance|freelancer|retired|student|researcher|individual|home)"
    r"(?: (?:researcher|research|scholar|consultant|scientist|contributor|employed|affiliation|"
    r"investigator|developer|engineer))*$")
# Not an affiliation at all: a membership, an honour, a platform, a parser's note (folded, whole string).
_NOT_AFFILIATION = re.compile(
    r"^(?:no|none given|no affiliation\b.*|not (?:provided|available|given)|unknown|"
    r"(?:ieee|acm)(?: senior| life)? (?:member|fellow)|open ?review|"
    r".*\b(?:scholar|fellow|fellowship|awardee))$")
_INDEPENDENT = "independent"
_WEBMAIL = frozenset({"gmail com", "outlook com", "hotmail com", "yahoo com", "qq com", "163 com", "126 com",
                      "foxmail com", "protonmail com", "icloud com", "live com"})


@dataclass
class Cleaned:
    text: str  # printable, e-mails and the "(Country)" suffix removed
    country_hint: str | None  # from a "(United States)" suffix or a trailing ", USA"
    not_organisation: str | None  # the reason, when the string names no organisation
    is_domain: bool = False
    is_place: bool = False  # only places; the resolver still tries aliases first ("UC Davis")


def clean(raw: str, known_words: frozenset[str] = frozenset()) -> Cleaned:
    """`known_words`: the folded words of the table's names and aliases, so that footnote-digit stripping
    keeps "4Paradigm" and still strips "2MPI" (see `_strip_digit_marks`)."""
    text = html.unescape(raw or "").replace("’", "'").replace("`", "\u0300")
    text = _join_loose_accents(unicodedata.normalize("NFKC", text))  # NFKC: "´" -> " " + U+0301
    text = _FOOTNOTE.sub(" ", text)
    text = _strip_digit_marks(text, known_words)  # "1University of Cambridge", "University of Oxford1"
    had_email = bool(_EMAIL.search(text))
    text = _EMAIL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;.-+/")
    hint = None
    paren = _TRAILING_PAREN.search(text)
    if paren and country_code(paren.group(1)):
        hint = country_code(paren.group(1))
        text = text[: paren.start()].strip(" ,;")
    parts = [p.strip() for p in text.split(",")]
    if hint is None and len(parts) > 1:
        hint = country_code(parts[-1])
    folded = fold(text)
    if not folded:
        return Cleaned("", hint, "an e-mail address only" if had_email else "empty")
    if folded in _WEBMAIL:
        return Cleaned(text, hint, "a web-mail domain")
    first = fold(parts[0])
    if _NOT_ORG.match(folded) or _NOT_ORG.match(first) or _misspelt_independent(first):
        return Cleaned(text, hint, "says the person has no organisation")
    if _NOT_AFFILIATION.match(folded):
        return Cleaned(text, hint, "a title, membership or note, not an organisation")
    return Cleaned(text, hint, None, is_domain=bool(_DOMAIN.match(text)), is_place=is_place(folded))


def _misspelt_independent(folded: str) -> bool:
    """"Indepenent", "Independet": a typo of "independent" (one or two edits), alone or before "researcher"."""
    words = folded.split()
    if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("researcher", "research", "scholar")):
        return False
    return words[0] != _INDEPENDENT and abs(len(words[0]) - len(_INDEPENDENT)) <= 2 \
        and OSA.distance(words[0], _INDEPENDENT) <= 2


def _join_loose_accents(text: str) -> str:
    """"Universit ´e du Qu ´ebec `a Montr ´eal" -> "Université du Québec à Montréal": a combining accent printed
    apart goes back onto the letter after it, and that letter onto the word before it (the extractor split the
    word at the accent); a grave "a" printed alone is the French word "à". A mark with no letter before it
    (a quote mark "`word'") is left alone."""
    if not any(mark in text for mark in "\u0300\u0301\u0302\u0303\u0308"):
        return text
    text = _LOOSE_GRAVE_A.sub(" à", text)
    text = _LOOSE_ACCENT.sub(lambda m: m.group(1), text)
    # each mark now stands before its letter ("´Ecole" too): move it after, then compose; drop what is left
    text = _MARK_BEFORE_LETTER.sub(r"\2\1", text)
    return _LEFT_MARK.sub("", unicodedata.normalize("NFC", text))


def _strip_digit_marks(text: str, known_words: frozenset[str]) -> str:
    """Footnote digits glued to a word go; a glued token the table knows as a name stays ("4Paradigm",
    "Layer6"). A digit beside an all-capitals word goes only when the word is a known name ("2MPI", "KAIST1"),
    so that unknown codes ("MSI3", "3M") are not cut."""

    def strip(match: re.Match[str], leading: bool) -> str:
        token, word = match.group(0), match.group(1)
        if fold(token) in known_words:
            return token
        if len(word) >= 2 and word.isupper():
            return word if fold(word) in known_words else token
        if leading:
            return word if word[0].isupper() and len(word) > 1 and word[1].islower() else token
        return word if word[-1].islower() else token

    text = _LEADING_DIGIT.sub(lambda m: strip(m, True), text)
    return _TRAILING_DIGIT.sub(lambda m: strip(m, False), text)
