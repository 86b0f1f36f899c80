"""Country names and place words: read trailing "(United States)", tell a place from an organisation.

OpenAlex names carry the country in parentheses ("Google (United States)"); printed
affiliations end in "Seattle, WA, USA". Both are evidence of the country and neither
names an organisation, so the resolver strips them before matching. The lists are small
on purpose: they only have to recognise what affiliation strings actually end with.
"""

from __future__ import annotations

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


def is_place(folded: str) -> bool:
    """True when every word is a place word, a country name, or a number (postcodes)."""
    words = folded.split()
    if not words:
        return False
    if folded in COUNTRIES:
        return True
    return all(w in _PLACE_WORDS or w in COUNTRIES or w.isdigit() for w in words)
