"""Reader for the 2017 systems-conference survey data (`sysconf_eitanf/<CONF>.json.gz`, CC BY-SA 4.0).

From eitanf/sysconf (Frachtenberg & Koster, "A survey of accepted authors in computer
systems conferences", PeerJ CS 2020). One file per conference, as upstream's
`data/conf/<CONF>.json` reduced to `{key, conference, postdate, papers: [{key, title,
authors, s2pid, abstract}]}` when vendored (the abstract joined from upstream's
`data/abstract/<paper key>.txt`). Authors are ordered and often carry the affiliation in
parentheses after the name ("Norman P. Jouppi (Google)"); it is kept as printed. The
abstracts are shipped: CC BY-SA allows it with attribution, and the share-alike terms
are recorded in data/PROVENANCE.md. `s2pid` (a Semantic Scholar paper id of the 2018 S2
dump) is vendored but not used as a strong id: for 2 of the 3 papers the MLSys seed also
has, S2 has since changed the id, and two different S2 ids forbid a merge (SLAQ, SoCC 2017,
would stay a duplicate of the seed's row); the title match merges them instead.

Only the venues the atlas tracks are vendored (`VENUES`); ICML/NIPS/KDD and the other
fields' conferences carry no abstracts or ids there and are already covered elsewhere.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from graph import ids
from graph.records import Institution, Paper, Provenance
from ingest.sources.common import ReadStream, printed_authorship, quarantine

SOURCE = "sysconf_eitanf"
# upstream conference key -> the atlas's short venue name (docs/briefs: venues.md)
VENUES = {
    "ASPLOS": "ASPLOS", "ATC": "ATC", "CIDR": "CIDR", "EuroSys": "EuroSys", "FAST": "FAST", "HPCA": "HPCA",
    "HPDC": "HPDC", "HotOS": "HotOS", "ISCA": "ISCA", "MICRO": "MICRO", "Middleware": "Middleware",
    "NSDI": "NSDI", "PPoPP": "PPoPP", "SC": "SC", "SIGCOMM": "SIGCOMM", "SIGMOD": "SIGMOD", "SOCC": "SoCC",
    "SOSP": "SOSP",
}
_KEY = re.compile(r"^(?P<conf>[A-Za-z]+)_(?P<yy>\d{2})$")
_PARENTHESISED = re.compile(r"\([^()]*\)")


def split_affiliation(printed: str) -> tuple[str, str | None]:
    """'Xuda Zhou (USTC)' -> ('Xuda Zhou', 'USTC').

    The affiliation is the parenthesised group that closes the string, so nested
    parentheses stay in it ('Jordà Polo (Barcelona Supercomputing Center (BSC))') and a
    nickname before it is dropped from the name ('Ben (Ching-Pei) Lin (UT Austin)' ->
    'Ben Lin').
    """
    printed = " ".join(printed.split())
    if not printed.endswith(")"):
        return printed, None
    depth = 0
    for i in range(len(printed) - 1, -1, -1):
        depth += (printed[i] == ")") - (printed[i] == "(")
        if depth == 0:
            name = " ".join(_PARENTHESISED.sub(" ", printed[:i]).split())
            return name, printed[i + 1:-1].strip() or None
    return printed, None


def split_glued(printed: str) -> list[str]:
    """'Gunjae Koo (USC), Yunho Oh (Yonsei)' -> two entries; commas inside parentheses stay."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(printed):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0 and printed[:i].rstrip().endswith(")"):
            parts.append(printed[start:i])
            start = i + 1
    parts.append(printed[start:])
    return [p.strip() for p in parts if p.strip()]


def read(path: Path, retrieved_at: str, institutions: dict[str, Institution] | None = None) -> ReadStream:
    try:
        conf = json.load(gzip.open(path))
        match = _KEY.match(str(conf["key"]))
        venue = VENUES.get(match.group("conf")) if match else None
        papers = conf["papers"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        yield quarantine(SOURCE, path.name, f"not a sysconf conference file: {exc!r}")
        return
    if venue is None or not isinstance(papers, list):
        yield quarantine(SOURCE, path.name, f"conference key is not a tracked venue: {conf.get('key')!r}")
        return
    year = 2000 + int(match.group("yy"))
    provenance = Provenance([SOURCE], retrieved_at)
    for index, entry in enumerate(papers):
        locator = f"{path.name}[{index}]"
        if not isinstance(entry, dict):
            yield quarantine(SOURCE, locator, "entry is not an object", entry)
            continue
        title = " ".join(str(entry.get("title") or "").split())
        if not title:
            yield quarantine(SOURCE, locator, "empty title", entry)
            continue
        printed = []
        for raw in entry.get("authors") or []:
            pieces = split_glued(str(raw))
            if len(pieces) > 1:
                yield quarantine(SOURCE, locator, "two authors glued into one entry; split", raw)
            printed.extend(pieces)
        if not printed:
            yield quarantine(SOURCE, locator, "no authors listed", {"title": title})
        paper = Paper(
            id=ids.paper_id(title=title, year=year,
                            first_author=split_affiliation(printed[0])[0] if printed else ""),
            title=title, year=year, venue_id=ids.venue_id(venue), venue_name=venue,
            abstract=" ".join(str(entry.get("abstract") or "").split()) or None, provenance=provenance)
        for position, raw in enumerate(printed):
            name, affiliation = split_affiliation(raw)
            if not name:
                yield quarantine(SOURCE, f"{locator}.author[{position}]", "author without a name", raw)
                continue
            paper.authorships.append(printed_authorship(paper, position, name, affiliation, provenance, institutions))
        yield paper
