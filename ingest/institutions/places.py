"""Country names and place words: read trailing "(United States)", tell a place from an organisation.

OpenAlex names carry the country in parentheses ("Google (United States)"); printed
affiliations end in "Seattle, WA, USA". Both are evidence of the country and neither
names an organisation, so the resolver strips them before matching. The lists are small
on purpose: they only have to recognise what affiliation strings actually end with.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.ids import fold

# Folded country name or common short form -> ISO 3166-1 alpha-2.
COUNTRIES: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "us": "US", "u s a": "US",
    "america": "US", "china": "CN", "p r china": "CN", "pr china": "CN", "people s republic of china": "CN",
    "united kingdom": "GB", "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "great britain": "GB",
    "germany": "DE", "france": "FR", "switzerland": "CH", "canada": "CA", "japan": "JP", "south korea": "KR",
    "korea": "KR", "republic of korea": "KR", "singapore": "SG", "israel": "IL", "india": "IN", "italy": "IT",
    "spain": "ES", "portugal": "PT", "netherlands": "NL", "the netherlands": "NL", "belgium": "BE", "austria": "AT",
    "sweden": "SE", "norway": "NO", "denmark": "DK", "finland": "FI", "poland": "PL", "russia": "RU",
    "russian federation": "RU", "australia": "AU", "new zealand": "NZ", "brazil": "BR", "mexico": "MX",
    "hong kong": "HK", "hong kong sar": "HK", "taiwan": "TW", "macau": "MO", "macao": "MO", "ireland": "IE",
    "greece": "GR", "czech republic": "CZ", "czechia": "CZ", "hungary": "HU", "romania": "RO", "turkey": "TR",
    "iran": "IR", "saudi arabia": "SA", "united arab emirates": "AE", "uae": "AE", "qatar": "QA", "egypt": "EG",
    "south africa": "ZA", "nigeria": "NG", "kenya": "KE", "chile": "CL", "argentina": "AR", "colombia": "CO",
    "vietnam": "VN", "viet nam": "VN", "thailand": "TH", "malaysia": "MY", "indonesia": "ID", "pakistan": "PK",
    "bangladesh": "BD", "luxembourg": "LU", "estonia": "EE", "ukraine": "UA", "cyprus": "CY", "slovenia": "SI",
}

# Words that only ever name a place or a postal detail in an affiliation string.
_PLACE_WORDS = frozenset(fold(w) for w in """
seattle berkeley redmond pittsburgh boston cambridge stanford palo alto mountain view menlo park sunnyvale san
francisco jose diego los angeles new york nyc york chicago austin atlanta princeton ithaca philadelphia baltimore
providence evanston ann arbor madison urbana champaign houston dallas toronto montreal montréal vancouver waterloo
quebec québec london oxford paris lyon grenoble berlin munich münchen tübingen tuebingen darmstadt saarbrücken
saarbrucken zurich zürich lausanne geneva amsterdam delft copenhagen stockholm helsinki vienna beijing shanghai
shenzhen hangzhou nanjing wuhan guangzhou hefei xi an chengdu harbin seoul daejeon pohang tokyo kyoto osaka
singapore sydney melbourne tel aviv haifa jerusalem bangalore bengaluru delhi mumbai moscow cupertino bellevue
kirkland irvine davis santa barbara cruz riverside merced la jolla durham raleigh nashville st louis saint louis
salt lake city yorktown heights almaden hillsboro portland denver boulder tucson phoenix miami orlando gainesville
washington dc wa ca ma ny pa nj il tx ga md nc mi wi mn co az ut va ct oh in or ri ut
north south east west northern southern eastern western central greater area campus bay
""".split())

POSTAL_TOKENS = frozenset({"usa", "uk", "prc"})


def country_code(text: str) -> str | None:
    """ISO code for a country name ("United States", "USA", "P.R. China"), None otherwise."""
    return COUNTRIES.get(fold(text))


@lru_cache(maxsize=65536)
def is_place(folded: str) -> bool:
    """True when every word is a place word, a country name, or a number (postcodes), or the whole text is
    one gazetteer place ("Uppsala", "Trondheim", "Rio Grande do Sul"): a town is not an organisation."""
    words = folded.split()
    if not words:
        return False
    if folded in COUNTRIES or folded in _AMBIGUOUS_TOWNS:
        return True
    if all(w in _PLACE_WORDS or w in COUNTRIES or w.isdigit() for w in words):
        return True
    return any(kind in _PLACE_KINDS for kind, _ in gazetteer()[0].get(" ".join(w for w, _ in _words(folded)), ()))


# Towns left out of the gazetteer because they name places in several countries: still only places.
_AMBIGUOUS_TOWNS = frozenset({"athens", "dublin", "perth", "potsdam", "richmond", "birmingham", "newcastle",
                              "hamilton", "kingston", "victoria", "cambridge", "london", "waterloo", "durham",
                              "melbourne", "moscow", "portland", "lebanon", "paris"})
_PLACE_KINDS = frozenset({"country", "country_part", "us_state", "province", "city"})


# -- country evidence from the words of a printed affiliation (issue 14) -----------------------------------

GAZETTEER_PATH = Path(__file__).with_name("places.tsv")
# Two-letter US state codes that are also ISO country codes seen in affiliations ("IL" Israel, "IN" India,
# "CA" Canada, "DE" Germany, ...): on their own they say nothing; with a ZIP code they are a US address.
_AMBIGUOUS_STATE_CODES = frozenset("AL AR AZ CA CO DE GA ID IL IN LA MA MD ME MN MO MS MT NC NE PA SC SD TN VA".split())
_DIGIT = re.compile(r"\d")
_US_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")
_CA_POSTCODE = re.compile(r"^[A-Z]\d[A-Z]$|^\d[A-Z]\d$")
_TOKEN_SPLIT = re.compile(r"[\s,;()\[\]/.:&+|\"“”]+")
_PART_SPLIT = re.compile(r"[,;()\[\]]+")
_DOMAIN_TEXT = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.I)
_SHORT = 3  # entries this short ("UK", "USA", "NYC") count only when printed in capitals
_TIER_OF_KIND = {"country": 2, "us_state": 2, "province": 2, "city": 2, "national_word": 3}
_WHOLE_PART_KINDS = ("country", "country_part", "us_state", "province")


@dataclass(frozen=True)
class CountryEvidence:
    """A country read from an affiliation string, and why: `detail` names the words that said so."""

    country: str | None
    detail: str


@lru_cache(maxsize=65536)
def _word(token: str) -> str:
    """One token folded into one word: "Urbana-Champaign", "Xi'an", "Tel-Aviv" stay single words."""
    return fold(token.replace("-", "").replace("'", "").replace("’", "")).replace(" ", "")


def _words(text: str) -> list[tuple[str, str]]:
    """(folded word, token as printed) pairs, in reading order."""
    return [(w, t) for t in _TOKEN_SPLIT.split(text) if t and (w := _word(t))]


@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[str, list[tuple[str, str]]], dict[str, str], dict[str, str], int]:
    """(words -> [(kind, country)], US state code -> US, province code -> country, longest entry in words)."""
    entries: dict[str, list[tuple[str, str]]] = {}
    codes: dict[str, str] = {}
    domains: dict[str, str] = {}
    with open(GAZETTEER_PATH, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        kind, name, country = row["kind"].strip(), row["name"].strip(), row["country"].strip()
        if kind in ("us_state_code", "province_code"):
            codes[name] = country
        elif kind == "domain":
            domains[name.lower()] = country
        else:
            key = " ".join(w for w, _ in _words(name))
            entries.setdefault(key, []).append((kind, country))
    return entries, codes, domains, max(len(k.split()) for k in entries)


def _domain_country(text: str) -> CountryEvidence | None:
    """"cs.wisc.edu" -> US, "pku.edu.cn" -> CN: only the top-level label, and only where it names a country."""
    if not _DOMAIN_TEXT.match(text):
        return None
    tld = text.rsplit(".", 1)[-1].lower()
    country = gazetteer()[2].get(tld)
    return CountryEvidence(country, f"domain .{tld}") if country else None


def _code_part(part: str, previous_has_us: bool) -> tuple[str, str] | None:
    """A comma part that is a state/province code, maybe with a postcode ("PA 15213", "QC H3A 0G4", "CA")."""
    tokens = part.split()
    if not tokens or not re.fullmatch(r"[A-Z]{2}", tokens[0]):
        return None
    rest = tokens[1:]
    code = tokens[0]
    codes = gazetteer()[1]
    if code not in codes:
        return None
    if codes[code] == "CA":  # Canadian province code, alone or with a postcode
        if not rest or all(_CA_POSTCODE.match(t) for t in rest):
            return "CA", f"province code {code}"
        return None
    if len(rest) == 1 and _US_ZIP.match(rest[0]):
        return "US", f"state and ZIP {code} {rest[0]}"
    if not rest and (code not in _AMBIGUOUS_STATE_CODES or previous_has_us):
        return "US", f"state code {code}"
    return None


@lru_cache(maxsize=65536)
def country_evidence(text: str) -> CountryEvidence:
    """The country an affiliation string names, or None with the reason (no place, or places disagreeing).

    Tier 1: a whole comma part that is a country, US state or province (name or postal code) or a
    web domain's top-level label. Tier 2: a country, state, province or one-country city named
    anywhere ("University of Bonn"). Tier 3: a national word ("German Aerospace Center"). The best
    tier present decides, and only when every hint on it agrees; otherwise no country.
    """
    text = (text or "").strip()
    domain = _domain_country(text)
    if domain is not None:
        return domain
    entries = gazetteer()[0]
    hints: list[tuple[int, str, str]] = []  # (tier, country, detail)
    previous_has_us = False
    for part in (p.strip() for p in _PART_SPLIT.split(text)):
        if not part:
            continue
        words = _words(part)
        stripped = " ".join(t for _, t in words if not _DIGIT.search(t))
        coded = _code_part(part, previous_has_us)
        key = " ".join(w for w, t in words if not _DIGIT.search(t))
        whole = [c for kind, c in entries.get(key, ()) if kind in _WHOLE_PART_KINDS]
        if coded is not None:
            hints.append((1, coded[0], coded[1]))
        elif whole and (len(key) > _SHORT or stripped.isupper()):
            hints.extend((1, c, f"'{stripped}'") for c in dict.fromkeys(whole))
        part_hints = _scan(words, entries)
        hints.extend(part_hints)
        previous_has_us = any(c == "US" for _, c, _ in part_hints) or bool(whole and "US" in whole)
    if not hints:
        return CountryEvidence(None, "no place named")
    best = min(t for t, _, _ in hints)
    top = [(c, d) for t, c, d in hints if t == best]
    countries = sorted({c for c, _ in top})
    if len(countries) > 1:
        return CountryEvidence(None, "places disagree: " + "; ".join(f"{c} ({d})" for c, d in top))
    return CountryEvidence(countries[0], top[0][1])


def _scan(words: list[tuple[str, str]], entries: dict[str, list[tuple[str, str]]]) -> list[tuple[int, str, str]]:
    """Gazetteer entries named inside one part, read left to right, longest entry at each word first and
    not overlapping ("New South Wales" is not Wales). Only words that start some entry are tried."""
    folded = [w for w, _ in words]
    sizes = _sizes_by_first_word()
    found: list[tuple[int, str, str]] = []
    start = 0
    while start < len(words):
        step = 1
        for size in sizes.get(folded[start], ()):
            if start + size > len(words):
                continue
            key = " ".join(folded[start:start + size])
            hits = [(kind, c) for kind, c in entries.get(key, ()) if kind in _TIER_OF_KIND]
            if not hits:
                continue
            printed = " ".join(t for _, t in words[start:start + size])
            if len(key.replace(" ", "")) <= _SHORT and not printed.replace(".", "").isupper():
                continue  # "us" in running text is not the USA
            found.extend((_TIER_OF_KIND[kind], country, f"{kind.replace('_', ' ')} '{printed}'")
                         for kind, country in hits)
            step = size
            break
        start += step
    return found


@lru_cache(maxsize=1)
def _sizes_by_first_word() -> dict[str, list[int]]:
    """Entry lengths in words by first word, longest first: the scan tries only these."""
    sizes: dict[str, set[int]] = {}
    for key in gazetteer()[0]:
        words = key.split()
        sizes.setdefault(words[0], set()).add(len(words))
    return {w: sorted(n, reverse=True) for w, n in sizes.items()}
