"""Affiliation string (+ country) -> one organisation, a well-known unit of one, or "not an organisation".

Matching works on word n-grams of the folded string against the alias table, longest
first, so "Lawrence Berkeley National Laboratory" is never read as "Berkeley" and
"Washington University in St. Louis" never as "University of Washington". The string
is first split where printed lists join organisations ("A + B", "A / B"); if the
pieces name two different organisations the string is not forced onto either. A
string that matches no alias falls back to a typo-tolerant rapidfuzz match (same
number of words, every word close, country must agree for non-companies), and
failing that becomes an organisation of its own, named by its most organisation-like
part, so tail strings still get a node.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from graph import ids
from graph.ids import fold
from ingest.institutions.normalise import clean
from ingest.institutions.places import country_code, country_evidence, is_place
from ingest.institutions.table import Organisation, OrgTable, match_key, shipped_table

FUZZY_CUTOFF = 90.0  # whole-string ratio; tuned on the tuning split only
_SEGMENT_SPLIT = re.compile(r"\s*\+\s*|\s*/\s*|\s*;\s*")
_DEPARTMENT = re.compile(r"^(?:the )?(?:school of|faculty of|division of|program in|programme in|college of|"
                         r"graduate school of|chair of|group of|key laboratory|state key laboratory|laboratory of|"
                         r"unit of)\b|\b(?:department|departments|dept|depts|departement|departamento|departament|"
                         r"dipartimento)\b")
_ORG_WORD = re.compile(r"\b(?:universit\w*|universidad\w*|universidade|institut\w*|college|school|polytechn\w*|"
                       r"hochschule|ecole|academy|"
                       r"laborator\w*|labs?|inc|corp\w*|ltd|llc|gmbh|company|technolog\w*|hospital|clinic|"
                       r"foundation|center|centre|research|group|ag|sa|systems|ai|network\w*|software)\b")

# Head words of a whole organisation: preferred over a lab, group or centre named before it
# ("Algorithms Group, University of Sheffield" is the University of Sheffield; the group is not a unit we keep).
_STRONG_ORG_WORD = re.compile(r"\b(?:universit\w*|univ|universidad\w*|universidade|universitat|universite|"
                              r"college|polytechn\w*|politecnico|hochschule|ecole|institute of technology|"
                              r"inc|corp|corporation|ltd|llc|gmbh|limited|plc|co ltd|hospital)\b")
# A street address ("Linshan Road Shanghai", "54 Welbeck Street"): a part with a street word and no word of an
# organisation names where someone sits, not who they work for.
_ADDRESS = re.compile(r"\b(?:road|rd|street|avenue|ave|boulevard|blvd|lane|strasse|rue|calle|suite|floor)\b")
_AND = re.compile(r"\s+and\s+")
_CORPORATE_SUFFIX = re.compile(r",\s*(inc|ltd|llc|gmbh|corp|co|limited|plc|ag)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Resolution:
    """The answer for one affiliation string.

    `organisation` is the most specific node (a unit such as MIT CSAIL, or the organisation);
    None when the string names no organisation or several (`reason` says which).
    """

    organisation: Organisation | None
    confidence: float
    method: str  # alias | fuzzy | new | not_organisation | several
    reason: str | None = None
    named: tuple[str, ...] = field(default=())  # organisations a "several" string names


_DOMAIN_SUFFIXES = frozenset({"edu", "com", "org", "net", "gov", "ac", "co", "int", "mil"})


def _is_address(folded_part: str) -> bool:
    return bool(_ADDRESS.search(folded_part)) and not _ORG_WORD.search(folded_part)


def _typo(word: str, other: str) -> bool:
    """Two words a typo apart ("Univeristy", "Standford"), not two words ("Northwest", "Northwestern")."""
    if word == other:
        return True
    if len(word) < 5 or abs(len(word) - len(other)) > 1:
        return False
    return OSA.distance(word, other) <= (2 if len(word) >= 8 else 1)  # "Munich" is not "Zurich"


# Words that say what kind of organisation a name is, checked in this order (first match wins).
_TYPE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("healthcare", re.compile(r"\b(hospital|clinic|medical center|medical centre|health system|"
                              r"healthcare network|cancer center|cancer institute)\b")),
    ("education", re.compile(r"^tu\b|\bedu( [a-z]{2})?$|\bac [a-z]{2}$|"  # TU Dortmund, cs.wisc.edu, ox.ac.uk
                             r"\bu of\b|\bu$|"  # "U. of Minnesota", "SUNY State U. of New York", "Stony Brook U."
                             r"\b(universit\w*|uniwersytet|univerzita|college|school|polytechn\w*|politecnico|"
                             r"hochschule|fachhochschule|ecole|escuela|scuola|universidad|universidade|technion|"
                             r"institut(e|ion) of technology|business school|(naval|military|air force) academy)\b|"
                             r"\b(?!universal|universe)(univ|unv|uinv)[a-z]{5,8}\b|"  # "Univeristy", "Unversity"
                             r"\bacademy$")),  # "Fusion Academy" (a national academy of sciences is named "of")
    ("government", re.compile(r"\b(national )?academy of (sciences?|engineering)\b")),  # as the table types CAS
    ("facility", re.compile(r"\b(national laborator\w*|national lab|research center|research centre|key lab|"
                            r"key laborator\w*|"  # "Shenzhen Key Lab for Cloud Computing": a state/provincial key lab
                            r"research laboratory of the army|army research laborator\w*|naval research laborator\w*|"
                            r"helmholtz|forschungszentrum|zentrum|accelerator laborator\w*|supercomputing cent(er|re)|"
                            r"observator(y|ies)|space flight center)\b")),
    ("company", re.compile(r"\b(inc|corp\w*|ltd|limited|llc|llp|gmbh|co|company|technologies|technology co|ag|plc|sa|"
                           r"bv|b v|nv|ab|oy|oyj|pty|spa|s p a|asa|srl|sarl|sas|kk|k k|labs|holdings|ventures|capital|"
                           r"bank|semiconductors?)\b|\bcom$")),  # "58.com"
    ("nonprofit", re.compile(r"\b(foundation|society|association|institute|institut|istituto|instituto|fondazione|"
                             r"fundacion|fundacao|fundacio|fondation|stiftung)\b")),
    ("government", re.compile(r"\b(ministry|agency|government|office|administration|army|navy|air force)\b|\bgov$")),
    ("company", re.compile(r"\b(ai|io)$")),  # "Sakana AI", "kumo.ai"; after "institute" ("Allen Institute for AI")
    # A final word that names a line of business ("Cloudius Systems", "Jeeva Wireless", "Verisk Analytics"),
    # unless the name also has a word of a research unit ("Middleware Systems Research Group").
    ("company", re.compile(r"^(?!.*\b(laborator\w*|lab|center|centre|group|department|school|institute|unit|chair|"
                           r"faculty|division|program)\b).*\b(systems|networks?|dynamics|security|innovations?|wireless|"
                           r"photonics|robotics|software|solutions|analytics|consulting|genomics|markets|computing|cloud|"
                           r"devices|electronics|instruments|motors|pharmaceuticals?|therapeutics|biosciences|energy|"
                           r"automotive|airways|airlines|telecom|communications|media|games|insurance|insure|"
                           r"financial|logistics|messenger)$")),
)


def _guess_type(name: str) -> tuple[str, str]:
    """(type, type_source) of an organisation outside the table, from the words of its own name; ("other",
    "none") when no word says (the table's types are by hand). "Sakana AI" and "kumo.ai" read as companies."""
    key = fold(name)
    for org_type, words in _TYPE_WORDS:
        if words.search(key):
            return org_type, "name"
    return "other", "none"


AMBIGUOUS_PATH = Path(__file__).with_name("ambiguous.tsv")


@lru_cache(maxsize=1)
def ambiguous_strings() -> dict[str, str]:
    """Match key -> why it names no one organisation (`ambiguous.tsv`: "PSU", "Institute of Computer Science")."""
    with open(AMBIGUOUS_PATH, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return {match_key(row["name"]): row["reason"].strip() for row in rows if match_key(row["name"] or "")}


def _country(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    return country_code(value)


class InstitutionResolver:
    """Resolves affiliation strings against one table; answers are cached per (string, country)."""

    def __init__(self, table: OrgTable | None = None) -> None:
        self.table = table or shipped_table()
        # Fuzzy candidates grouped by word count (a typo never changes it); n-gram sizes by first word,
        # so the scan only builds the n-grams some alias could be.
        self._fuzzy_keys: dict[int, list[str]] = defaultdict(list)
        self._sizes_by_first: dict[str, list[int]] = defaultdict(list)
        for key in self.table.index:
            words = key.split()
            if len(key) >= 8 and len(words) > 1:
                self._fuzzy_keys[len(words)].append(key)
            if len(words) not in self._sizes_by_first[words[0]]:
                self._sizes_by_first[words[0]].append(len(words))
        self._cache: dict[tuple[str, str | None], Resolution] = {}
        # every word of a name or alias: footnote-digit stripping keeps a glued name it knows ("4Paradigm")
        self._known_words = frozenset(w for key in self.table.index for w in key.split())

    # -- public -------------------------------------------------------------------------------
    def resolve(self, affiliation: str, country: str | None = None) -> Resolution:
        cache_key = (affiliation, country)
        hit = self._cache.get(cache_key)
        if hit is None:
            hit = self._cache[cache_key] = self._resolve(affiliation, _country(country))
        return hit

    def answers(self) -> dict[tuple[str, str | None], Resolution]:
        """Every answer given so far, by (affiliation, country): what an incremental ingest keeps
        (ingest/link_answers.py) so the next one does not resolve those strings again."""
        return dict(self._cache)

    def remember(self, answers: dict[tuple[str, str | None], Resolution]) -> None:
        """Take answers an earlier resolver over the same table gave (`answers()`); `resolve` is a pure
        function of the pair and the table, so a remembered answer is the one it would compute."""
        self._cache.update(answers)

    # -- steps --------------------------------------------------------------------------------
    def _resolve(self, affiliation: str, country: str | None) -> Resolution:
        cleaned = clean(affiliation, self._known_words)
        if cleaned.not_organisation:
            return Resolution(None, 0.95, "not_organisation", cleaned.not_organisation)
        reason = ambiguous_strings().get(match_key(cleaned.text))
        if reason is not None:
            return Resolution(None, 0.9, "not_organisation", f"names no one organisation: {reason}")
        source_country = country
        country = country or cleaned.country_hint
        if cleaned.is_domain:
            org_key = self._domain(cleaned.text, country)
            if org_key is not None:
                return Resolution(self.table.orgs[org_key], 0.9, "alias")
        if cleaned.is_place:
            found = self._scan(cleaned.text, country)
            if not found:
                return Resolution(None, 0.9, "not_organisation", "a place, not an organisation")
        keys: list[str] = []
        fuzzy_used = False
        unknown: list[str] = []
        for segment in filter(None, _SEGMENT_SPLIT.split(cleaned.text)):
            found = self._scan(segment, country)
            if not found:
                match = self._fuzzy(segment, country)
                if match:
                    found, fuzzy_used = [match], True
            glued = None if found else self._glued_pair(segment, country)
            if glued is not None:  # "Columbia Unversity and MADO AI Research": two organisations
                keys.append(glued[0])
                unknown.append(glued[1])
            elif found:
                keys.extend(k for k in found if k not in keys)
            elif not self._is_noise(segment):
                unknown.append(segment)
        tops = self._distinct_tops(keys)
        if len(tops) + len(unknown) >= 2:
            named = tuple([self.table.orgs[t].name for t in tops] + unknown)
            return Resolution(None, 0.9, "several", f"names {len(named)} organisations", named)
        if tops:
            org = self._most_specific(keys, tops[0])
            return Resolution(org, 0.85 if fuzzy_used else 1.0, "fuzzy" if fuzzy_used else "alias")
        if unknown and self._department_only(unknown[0]):
            return Resolution(None, 0.8, "not_organisation", "a department or subject without its organisation")
        if unknown:
            return Resolution(self._new_organisation(unknown[0], source_country, affiliation), 0.5, "new")
        return Resolution(None, 0.8, "not_organisation", "names a department or place but no organisation")

    def _scan(self, segment: str, country: str | None) -> list[str]:
        """Organisation keys named in the segment, longest alias first, in reading order."""
        words: list[str] = []
        part_ends: set[int] = set()  # word positions where a comma-separated part ends
        for part in segment.split(","):
            words.extend(match_key(part).split())
            part_ends.add(len(words))
        candidates: list[tuple[int, int, str]] = []  # (-size, start, key): longest first, then leftmost
        for start, word in enumerate(words):
            for size in self._sizes_by_first.get(word, ()):
                if start + size > len(words):
                    continue
                key = " ".join(words[start:start + size])
                if key in self.table.index and self._acronym_ok(key, segment) \
                        and not self._name_goes_on(words, start + size, part_ends):
                    candidates.append((-size, start, key))
        covered = [False] * len(words)
        found: list[tuple[int, str]] = []
        for neg_size, start, key in sorted(candidates):
            if any(covered[start:start - neg_size]):
                continue
            found.append((start, self._pick(self.table.index[key], country)))
            covered[start:start - neg_size] = [True] * -neg_size
        return [key for _, key in sorted(found)]

    def _domain(self, text: str, country: str | None) -> str | None:
        """A bare web domain names its organisation by its own labels: "ece.ubc.ca" is UBC, "uwaterloo.ca" the
        University of Waterloo; the registrable label is tried first, then sub-domains. Acronym aliases count
        here in any case (domains are written in lower case)."""
        labels = text.lower().split(".")
        while len(labels) > 1 and (labels[-1] in _DOMAIN_SUFFIXES or len(labels[-1]) == 2):
            labels.pop()
        for label in reversed(labels):
            if label in self.table.index:
                return self._pick(self.table.index[label], country)
        return None

    @staticmethod
    def _name_goes_on(words: list[str], end: int, part_ends: set[int]) -> bool:
        """"Zhejiang University" inside "Zhejiang University of Technology" is another organisation:
        a match followed, in the same part, by "of"/"for" and a word that is not a place is rejected."""
        if end in part_ends or end + 1 >= len(words) or words[end] not in ("of", "for"):
            return False
        return not is_place(words[end + 1])

    def _acronym_ok(self, key: str, segment: str) -> bool:
        """Short all-capitals aliases ("MIT", "CAS") count only as a capitalised word on their own
        (not inside "L-CAS"), or when they are the whole string ("ucsb")."""
        written = self.table.acronyms.get(key)
        if written is None:
            return True
        if fold(segment) == key:
            return True
        return re.search(rf"(?<![\w-]){re.escape(written)}(?![\w-])", segment) is not None

    def _pick(self, holders: list[str], country: str | None) -> str:
        if country and len(holders) > 1:
            for key in holders:
                if self.table.orgs[key].country == country:
                    return key
        return holders[0]

    def _fuzzy(self, segment: str, country: str | None) -> str | None:
        candidates = [segment, *[p for p in segment.split(",") if p.strip()]] if "," in segment else [segment]
        for text in candidates:
            key = match_key(text)
            if len(key) < 8 or is_place(key):
                continue
            choices = self._fuzzy_keys.get(len(key.split()))
            if not choices:
                continue
            best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is None:
                continue
            alias = best[0]
            words, alias_words = key.split(), alias.split()
            if len(words) != len(alias_words) or not all(
                    _typo(a, b) for a, b in zip(words, alias_words, strict=True)):
                continue
            org_key = self._pick(self.table.index[alias], country)
            org = self.table.orgs[org_key]
            if country and org.country and org.country != country and org.type != "company":
                continue  # "Southeast University" (BD) is not Southeast University (CN)
            return org_key
        return None

    def _glued_pair(self, segment: str, country: str | None) -> tuple[str, str] | None:
        """A segment no alias matches that is "<a whole known organisation> and <another organisation>":
        (the known one's key, the other as printed). The part before "and" must be a name of the table on
        its own (maybe misspelt), so "Department of Electrical and Computer Engineering" is never split."""
        pieces = _AND.split(segment)
        if len(pieces) != 2:
            return None
        left, right = (p.strip(" ,") for p in pieces)
        key = match_key(left)
        org_key = self._pick(self.table.index[key], country) if key in self.table.index else self._fuzzy(left, country)
        if org_key is None or not _ORG_WORD.search(fold(right)) or _DEPARTMENT.search(fold(right)):
            return None
        return org_key, right

    def _is_noise(self, segment: str) -> bool:
        """Pieces that name no organisation: places, postcodes, street addresses, departments, footnote marks."""
        parts = [fold(p) for p in segment.split(",") if fold(p)]
        return all(is_place(p) or _DEPARTMENT.search(p) or len(p) <= 1 or _is_address(p) for p in parts)

    @staticmethod
    def _department_only(segment: str) -> bool:
        """"School of Informatics, Computing, and Engineering", "Depts. of EE, Computer Science and Engineering":
        a department is named and no part has a word of an organisation; the string stays raw (issue 14)."""
        parts = [fold(p) for p in segment.split(",") if fold(p)]
        departments = [p for p in parts if _DEPARTMENT.search(p)]
        return bool(departments) and not any(_ORG_WORD.search(p) for p in parts if p not in departments)

    def _distinct_tops(self, keys: list[str]) -> list[str]:
        tops: list[str] = []
        for key in keys:
            top = self.table.top(key)
            if top not in tops:
                tops.append(top)
        # A host named beside its institute ("Mila, University of Montreal") is one affiliation.
        hosted = {h for t in tops for h in self.table.orgs[t].flags.get("hosted_by", [])}
        tops = [t for t in tops if t not in hosted or not any(
            t in self.table.orgs[o].flags.get("hosted_by", []) for o in tops if o != t)]
        # OpenAlex look-alike mis-links ("Berkeley College" beside UC Berkeley) yield to the other name.
        if len(tops) > 1:
            real = [t for t in tops if not self.table.orgs[t].mislink]
            tops = real or tops
        return tops

    def _most_specific(self, keys: list[str], top: str) -> Organisation:
        units = [k for k in keys if k != top and self.table.top(k) == top]
        if len(set(units)) == 1:
            return self.table.orgs[units[0]]
        return self.table.orgs[top]

    def _new_organisation(self, segment: str, source_country: str | None, printed: str) -> Organisation:
        segment = _CORPORATE_SUFFIX.sub(r" \1", segment)  # "Dropbox, Inc." is one name
        parts = [p.strip() for p in segment.split(",") if p.strip()]
        ambiguous = ambiguous_strings()
        named = [p for p in parts if not is_place(fold(p)) and not _DEPARTMENT.search(fold(p))
                 and match_key(p) not in ambiguous]  # "Institute of Computer Science, Czech Academy of Sciences"
        org_like = [p for p in named if _ORG_WORD.search(fold(p))]
        strong = [p for p in named if _STRONG_ORG_WORD.search(fold(p))]  # "IMUV A, Universidad de Valladolid"
        name = (strong or org_like or named or parts or [segment])[0]
        name = re.sub(r"\s+", " ", name).strip(" .-")
        node_id = ids.institution_id(name)
        if source_country:
            country, country_source = source_country, "source-field"
        else:  # only what the printed string itself says ("..., Bonn, Germany", "University of Bonn")
            country = country_evidence(printed).country
            country_source = "string" if country else "none"
        org_type, type_source = _guess_type(name)
        return Organisation(key=node_id.split(":", 1)[1], name=name, country=country, type=org_type,
                            node_id=node_id, curated=False, country_source=country_source, type_source=type_source)
