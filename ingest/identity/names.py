"""Author-name cleaning and parsing: the only place that knows how people's names are written.

Identity resolution compares names through a `ParsedName` (given name, middle names,
surname, initials) rather than raw strings, so that 'M. Zaharia', 'Matei A. Zaharia',
'ZAHARIA Matei' and 'Matei Zaharia 0001' (DBLP) all meet in one block. Cleaning comes
first and decides, for the bad inputs found in the snapshot, whether a string is a
person at all:

- rejected (quarantined with a reason): empty strings, 'et al.', e-mail fragments
  ('svetha.venkatesh}@deakin.edu.au'), organisations ('Deakin University');
- split: two people joined by 'and' ('Samuel L Smith and Quoc V Le');
- repaired and flagged: mojibake (through `ftfy`), footnote markers ('Sahil Sharma*'),
  an organisation glued before a name ('Facebook Rob Fergus'), CamelCase run-ons
  ('JaesungHwang');
- kept and flagged: initials only, a single token, unrepairable '\ufffd' characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ftfy

from graph import ids
from ingest.identity import hypocorisms

_ET_AL = re.compile(r"^(et\.?\s*al\.?|others|and others|\.\.\.|…)$", re.IGNORECASE)
_TRAILING_ET_AL = re.compile(r"\s*,?\s+et\.?\s*al\.?\s*$", re.IGNORECASE)
_MARKERS = re.compile(r"[\s*†‡§¶#∗]+$|^[\s*†‡§¶#∗]+|(?<=[A-Za-z.])\d{1,2}$")
_DBLP_NUMBER = re.compile(r"\s+(\d{4})$")
_EMAIL_LIKE = re.compile(r"[@{}|<>]|^[a-z]+[._][a-z]+$|^\d")
_AND_JOIN = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
# Words that only an organisation has; company names are *not* here because 'Huawei Shen'
# and 'Mit Kotak' are people.
_ORG_WORDS = re.compile(
    r"\b(university|universit[éäy]|universidad|institut[e]?|laborator(y|ies)|department|dept|college|school|"
    r"academy|centre|center|inc|corp|corporation|ltd|gmbh|foundation|consortium|team|group)\b",
    re.IGNORECASE)
# Organisations seen glued in front of a person's name in the snapshot ('Facebook Rob Fergus').
_ORG_PREFIX = re.compile(
    r"^(facebook|google|deepmind|microsoft|amazon|nvidia|intel|ibm|apple|meta|epfl|eth|mit|cmu|"
    r"department of [a-z]+( and [a-z]+)?)\s+(?=\S+\s+\S+)", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "2nd", "3rd", "phd", "md"}
# Honorifics printed before a name ('Dr. Jane Doe', 'Prof. Kan'): not part of the name (nameparser's idea).
# a title before the name, spaced ('Dr. Jane Doe', 'Prof Dr Enkelejda Kasneci') or glued to it by its full stop
# ('Dr.Saman Amarasinghe'; the capital after the stop keeps 'Drew' and 'Mrinmaya' whole)
_TITLE = re.compile(r"^(?:(?:(?:dr|prof|professor|mr|mrs|mx|sir|dame)\.?|ms\.)(?:-ing\.?)?\s+"
                    r"|(?:dr|prof|mr|mrs|ms)\.(?=[A-Z][a-z]))+(?=\S)", re.IGNORECASE)
# the conjunction of an author list left on its last name ('Yuhai Tu;and Gerald Tesauro'), when a name follows
_LEADING_AND = re.compile(r"^(?:and|&)\s+(?=\S+\s+\S)", re.IGNORECASE)
# A parenthesised or quoted nickname, 'Harry (Huazhe) Xu', 'Giorgos ('Yorgos') Mamakoukas': an
# alternative given name (nameparser's "nickname"), never a middle name.
_NICKNAME = re.compile(r"\s*\(\s*[\"'‘’“”]?([^()\"'‘’“”]+?)[\"'‘’“”]?\s*\)\s*")


# The one fold of the project (graph.ids.fold), memoised here: identity resolution folds the
# same few hundred thousand name tokens millions of times.
fold = lru_cache(maxsize=1_000_000)(ids.fold)


@dataclass(frozen=True, slots=True)
class CleanName:
    """A printed name after cleaning: the person's name, or the reason it is not one."""

    name: str
    flags: tuple[str, ...] = ()
    dblp_number: str | None = None  # DBLP's homonym number ('Wei Wang 0001' -> '0001')
    rejected: str | None = None  # reason the string is not a person, if it is not


@lru_cache(maxsize=500_000)
def clean_name(raw: str, has_strong_id: bool = False) -> tuple[CleanName, ...]:
    """Clean one printed author string; returns several names when it joined two people.

    `has_strong_id` marks a string that a source tied to a person profile (an OpenReview
    id, say): it is never rejected as an organisation, only flagged.
    """
    text = (raw or "").strip()
    flags: list[str] = []
    if not text:
        return (CleanName("", (), None, "empty name"),)
    if not text.isascii():
        fixed = ftfy.fix_text(text)
        if fixed != text:
            flags.append("mojibake_repaired")
            text = fixed
        if "\ufffd" in text:
            flags.append("mojibake_unrepairable")
    if _ET_AL.match(text):
        return (CleanName(text, tuple(flags), None, "'et al.' placeholder, not an author"),)
    if _TRAILING_ET_AL.search(text):
        text = _TRAILING_ET_AL.sub("", text)
        flags.append("et_al_stripped")
    stripped = _MARKERS.sub("", text).strip()
    if stripped != text:
        flags.append("marker_stripped")
        text = stripped
    if _EMAIL_LIKE.search(text):
        return (CleanName(text, tuple(flags), None, "e-mail address or fragment, not a name"),)
    conjoined = _LEADING_AND.sub("", text)
    if conjoined != text:
        flags.append("conjunction_stripped")
        text = conjoined
    untitled = _TITLE.sub("", text)
    if untitled != text:
        flags.append("title_stripped")
        text = untitled
    parts = _AND_JOIN.split(text)
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        return tuple(
            CleanName(c.name, tuple(sorted({*c.flags, "split_from_joined_names"})), c.dblp_number, c.rejected)
            for part in parts for c in clean_name(part, has_strong_id))
    dblp_number = None
    match = _DBLP_NUMBER.search(text)
    if match:
        dblp_number = match.group(1)
        text = text[: match.start()].strip()
    prefix = _ORG_PREFIX.match(text)
    if prefix:
        text = text[prefix.end():].strip()
        flags.append("organisation_prefix_removed")
    if _ORG_WORDS.search(text):
        if not has_strong_id:
            return (CleanName(text, tuple(flags), dblp_number, "organisation name in the author list"),)
        flags.append("organisation_name")
    tokens = text.split()
    if len(tokens) == 1 and len(_CAMEL.split(text)) in (2, 3) and not text.isupper():
        text = " ".join(_CAMEL.split(text))
        flags.append("camelcase_split")
        tokens = text.split()
    if len(tokens) == 1:
        flags.append("single_token_name")
    elif parse_name(text).initials_only:
        flags.append("initials_only")
    return (CleanName(text, tuple(flags), dblp_number, None),)


class _cached_key:  # noqa: N801 - used as a decorator, like the functools.cached_property it stands in for
    """`functools.cached_property` without its lock: Python 3.11's takes an RLock on each first access,
    and every one of the ~250k distinct parsed names has its keys read once (~1 s of a resolution).

    A non-data descriptor: the first access stores the value in the instance's `__dict__`, which
    later accesses read directly (as with cached_property); the value is the function's.
    """

    def __init__(self, function: Callable[[ParsedName], str]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __get__(self, instance: ParsedName | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


@dataclass(frozen=True)  # no slots: block_key and group_key are cached in the instance's __dict__
class ParsedName:
    """A name split into the parts that identity resolution compares."""

    given: str  # folded first given name without spaces or hyphens ('yuxiong'); may be one letter
    middles: tuple[str, ...]  # folded middle names or initials
    surname: str  # folded last surname token: the blocking key ('molina' for 'Garcia-Molina')
    surname_full: str  # every surname token ('garcia molina')
    tokens: tuple[str, ...] = field(default=(), compare=False)
    alt_givens: tuple[str, ...] = ()  # a nickname printed in parentheses ('Harry (Huazhe) Xu' -> ('huazhe',))

    def given_names(self) -> tuple[str, ...]:
        """The given name and its alternatives: a mention can be compared under any of them."""
        return (self.given, *self.alt_givens)

    @property
    def initial(self) -> str:
        return self.given[:1]

    @property
    def initials_only(self) -> bool:
        return len(self.given) <= 1

    # cached: resolution reads the keys of each (memoised, shared) parsed name millions of times
    @_cached_key
    def block_key(self) -> str:
        """Surname plus first initial: every spelling of one person shares it."""
        return f"{self.surname}|{self.initial}"

    @_cached_key
    def group_key(self) -> str:
        """Surname plus full given name: the mentions compared pair by pair."""
        return f"{self.surname}|{self.given}"

    @property
    def middle_initials(self) -> str:
        return "".join(m[:1] for m in self.middles)


_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "della", "dos", "du", "la", "le", "ter", "ten",
              "bin", "ibn", "al", "el"}


@lru_cache(maxsize=500_000)
def parse_name(name: str) -> ParsedName:
    """Split a cleaned name into given / middle / surname.

    Handles 'Last, First', East Asian family-name-first order when the source marks it
    by capitals ('ZHANG Wei'), hyphenated given names ('Yu-Xiong' -> 'yuxiong'),
    hyphenated and particle surnames (blocked on the last token, so 'Garcia-Molina'
    and 'Garcia Molina' meet), suffixes ('Jr.'), titles ('Dr.'), initials glued together
    ('J.D.') and parenthesised nicknames: 'Harry (Huazhe) Xu' is given name 'harry' with the
    alternative 'huazhe', so it can meet both 'Harry Xu' and 'Huazhe Xu'. A first initial followed by a
    full name is read the same way: 'M. Frans Kaashoek' can meet 'Frans Kaashoek' (in another name block,
    kaashoek|f), whom a block of first initials alone never compared with him; and a two-letter given name
    followed by another part, 'Il Chul Moon', also reads as the one name 'ilchul' ('Il-chul Moon').
    """
    text = _TITLE.sub("", name.strip())
    alternatives: list[str] = []
    if "(" in text:
        for match in _NICKNAME.finditer(text):
            alternative = fold(match.group(1)).replace(" ", "")
            if alternative and not alternative.isdigit():
                alternatives.append(alternative)
        text = _NICKNAME.sub(" ", text).strip()
    if "," in text:
        last, _, first = text.partition(",")
        if first.strip() and fold(first) not in _SUFFIXES:
            text = f"{first.strip()} {last.strip()}"
        else:
            text = last
    raw_tokens = [t for t in text.replace(".", ". ").split() if fold(t)]
    if len(raw_tokens) >= 2:
        upper = [t for t in raw_tokens if len(t) > 1 and t.isupper() and t.isalpha()]
        if len(upper) == 1 and raw_tokens[0] == upper[0] and not all(t.isupper() for t in raw_tokens):
            raw_tokens = [*raw_tokens[1:], raw_tokens[0]]  # 'ZHANG Wei' -> 'Wei ZHANG'
    while len(raw_tokens) > 2 and fold(raw_tokens[-1]) in _SUFFIXES:
        raw_tokens.pop()
    if not raw_tokens:
        return ParsedName("", (), "", "", ())
    if len(raw_tokens) == 1:
        surname = fold(raw_tokens[0]).replace(" ", "")
        return ParsedName("", (), surname, surname, (surname,))
    surname_tokens = [raw_tokens[-1]]
    rest = raw_tokens[:-1]
    while len(rest) > 1 and fold(rest[-1]) in _PARTICLES:
        surname_tokens.insert(0, rest.pop())
    surname_full = fold(" ".join(surname_tokens))
    surname = surname_full.split()[-1]
    given = fold(rest[0]).replace(" ", "")
    middles = tuple(fold(t).replace(" ", "") for t in rest[1:])
    if len(given) <= 2 and middles and len(middles[0]) > 1:
        # 'J. Zico Kolter', 'M. Frans Kaashoek': an initial, then the given name the person goes by and also
        # signs alone ('Zico Kolter'), so it is an alternative given name as a nickname is. 'Il Chul Moon',
        # 'Yu Guang Wang': a two-syllable given name written apart, which the same person also writes as one
        # ('Il-chul Moon', 'Yuguang Wang'); a short form must have 3 letters ('given_relation'), so the two
        # forms were never compared
        alternatives.append(middles[0] if len(given) == 1 else given + middles[0])
    alt_givens = tuple(dict.fromkeys(a for a in alternatives if a != given))
    return ParsedName(given, middles, surname, surname_full, tuple(fold(t) for t in raw_tokens), alt_givens)


@lru_cache(maxsize=1_000_000)
def given_relation(a: str, b: str) -> str | None:
    """How two folded given names can belong to one person: 'same', 'initial', 'prefix', 'hypocorism' or None.

    'initial' is 'm' (from 'M.') against 'matei'; 'prefix' is a short form ('matt',
    'matthew'); 'hypocorism' one that is not a prefix ('tom', 'thomas': ingest/identity/hypocorisms.py).
    Any other difference means two people: names are compared, never guessed.

    A relation added here must be looked up in `given_index.GivenIndex` too (an ingest's online run finds related
    names there without calling this); tests/identity/test_given_index.py compares the two.
    """
    if a == b:
        return "same"
    if not a or not b:
        return None
    if len(a) == 1 or len(b) == 1:
        return "initial" if a[0] == b[0] else None
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short):
        return "prefix"
    if b in hypocorisms.relatives(a):
        return "hypocorism"
    return None


def display_key(name: str, uses: int) -> tuple[int, int, int, int, str]:
    """Sort key for the printed form to show: a full given name, then the form printed most often.

    Frequency before completeness, so Matei Zaharia is shown as he signs his papers, not
    as the one source that adds a middle initial ('Matei A Zaharia').
    """
    parsed = parse_name(name)
    full_tokens = sum(1 for t in parsed.tokens if len(t) > 1)
    return (0 if parsed.initials_only else 1, uses, full_tokens, len(name), name)
