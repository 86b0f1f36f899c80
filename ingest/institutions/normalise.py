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
_DIGIT_MARK = re.compile(r"(?<![\w.])\d(?=[A-Z][a-z])|(?<=[a-z])\d\b")
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


def clean(raw: str) -> Cleaned:
    text = html.unescape(raw or "").replace("´", "").replace("’", "'")
    text = unicodedata.normalize("NFKC", text)
    text = _FOOTNOTE.sub(" ", text)
    text = _DIGIT_MARK.sub("", text)  # "1University of Cambridge", "University of Oxford1"
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
