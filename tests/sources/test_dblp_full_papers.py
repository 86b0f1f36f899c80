"""The full-paper rule: page forms, volumes beside the main one, and the counts it gives on real DBLP data.

The expected counts are public numbers fixed before the rule was written: Frachtenberg &
Koster's 2017 lists (eitanf/sysconf: SOSP 39, SoCC 45, ASPLOS 56, ATC 60, EuroSys 41,
FAST 27, Middleware 20, HotOS 29; SIGMOD 96 research papers, NSDI 42, HPCA 50, CIDR 32)
and DBLP's own table of contents for SOSP 2017 (39 papers) and FAST 2017 (27 papers and
a keynote). Where the rule keeps more, the test pins the difference and says why.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ingest.identity.papers import merge_papers
from ingest.snapshot import read_snapshot
from ingest.sources.dblp_full_papers import Listing, Pages, full_paper_verdict, listings, read_pages

SNAP = Path(__file__).resolve().parents[2] / "data" / "snapshot"


@pytest.mark.parametrize(("raw", "expected"), [
    ("1-18", Pages(length=18, first=1)), ("647-664", Pages(length=18, first=647)),
    ("4-1", Pages(article=4)), ("1-1", Pages(article=1)), ("12", Pages(article=12)),
    ("14:1-14:16", Pages(length=16, article=14)), ("i-vi", Pages(roman=True)), ("", Pages()), (None, Pages()),
])
def test_page_forms(raw: str | None, expected: Pages) -> None:
    assert read_pages(raw) == expected


def _verdict(key: str, pages: str | None, listing: Listing, title: str = "A paper", venue: str = "SOSP",
             confirmed: bool = False, **extra: str) -> str | None:
    return full_paper_verdict(venue=venue, year=2017, dblp_key=key, stream="conf/sosp", pages=pages, title=title,
                              authors=2, listing=listing, confirmed=confirmed, **extra)


def test_a_workshop_volume_paginated_beside_the_main_one_is_found() -> None:
    group = ("SOSP", 2017, "")
    main = [("conf/sosp/M1", "1-18"), ("conf/sosp/M2", "19-33"), ("conf/sosp/M3", "34-50"), ("conf/sosp/M4", "51-68")]
    workshop = [("conf/sosp/W1", "1-7"), ("conf/sosp/W2", "8-14"), ("conf/sosp/W3", "15-21"), ("conf/sosp/W4", "22-32")]
    listing = listings([(group, k, p) for k, p in main + workshop])[group]
    assert listing.other_volume == {"conf/sosp/W1", "conf/sosp/W2", "conf/sosp/W3", "conf/sosp/W4"}
    assert _verdict("conf/sosp/W4", "22-32", listing) == "another volume (pages overlap the main volume's)"
    assert _verdict("conf/sosp/M2", "19-33", listing) is None


def test_rule_order_and_reasons() -> None:
    mixed = Listing(paginated=True)
    assert _verdict("conf/vldb/X17", "1-14", mixed) == "another stream"
    assert _verdict("conf/sosp/X17", "1-14", mixed, api_venue="SysTEX@SOSP") == "workshop volume"
    assert _verdict("conf/sosp/X17", "i-vi", mixed) == "front matter"
    assert _verdict("conf/sosp/X17", None, mixed, title="Keynote: the future") == "front matter"
    assert _verdict("conf/sosp/X17", "5-11", mixed) == "short (<10 pages)"
    assert _verdict("conf/sosp/X17", "5-11", mixed, confirmed=True) is None  # a curated list has it
    assert _verdict("conf/sosp/X17", "3-1", mixed) == "length unknown in a mixed listing"
    assert _verdict("conf/sosp/X17", "3-1", Listing()) is None  # one unpaginated volume
    assert _verdict("conf/sosp/X17", "3-1", Listing(repeated_articles=True)) == "length unknown in a mixed listing"
    assert _verdict("conf/sosp/X17", None, Listing(), venue="CIDR") is None
    assert full_paper_verdict(venue="CIDR", year=2017, dblp_key="conf/cidr/X17", stream="conf/cidr", pages=None,
                              title="A talk", authors=1, listing=Listing(), confirmed=False) \
        == "one-author abstract (CIDR)"
    assert full_paper_verdict(venue="SIGMOD", year=2023, dblp_key="conf/sigmod/X23", stream="conf/sigmod",
                              pages="1-14", title="T", authors=2, listing=mixed, confirmed=False) == "companion volume"


# venue file -> (venue, 2017 papers kept, public count, why they differ)
KNOWN_2017 = {
    "sosp": ("SOSP", 39, 39, ""),
    "socc": ("SoCC", 45, 45, ""),
    "asplos": ("ASPLOS", 56, 56, ""),
    "atc": ("ATC", 60, 60, ""),  # 57 by pages; 3 short papers kept as the systems list has them
    "eurosys": ("EuroSys", 41, 41, ""),
    "fast": ("FAST", 27, 27, ""),
    "middleware": ("Middleware", 20, 20, ""),
    "hotos": ("HotOS", 29, 29, ""),
    "sigmod": ("SIGMOD", 100, 96, "4 industry papers (Aurora, Spanner, ...) the research count leaves out"),
    "nsdi": ("NSDI", 46, 42, "4 papers of the DBLP proceedings (FlexCore, RAIL, ...) that list lacks"),
    "cidr": ("CIDR", 35, 32, "multi-author abstracts CIDR prints without pages"),
}


@pytest.mark.parametrize("venue_file", sorted(KNOWN_2017))
def test_2017_counts_against_the_public_lists(venue_file: str) -> None:
    venue, kept, public, why = KNOWN_2017[venue_file]
    # as the build reads it: the systems list of the venue (if any) first, then DBLP
    names = (f"{venue_file}.xtx.gz", f"{venue_file}_base_data.json.gz")
    read = read_snapshot(SNAP, only_files=lambda p: p.name in names)
    papers = [p for p in read.papers if p.provenance.sources == ["dblp"] and p.year == 2017]
    assert {p.venue_name for p in papers} == {venue}
    assert len(papers) == kept, why
    assert kept - public <= 0.1 * public


def test_sysconf_and_dblp_records_of_one_paper_become_one_node() -> None:
    read = read_snapshot(SNAP, only_files=lambda p: p.name in ("osdi_base_data.json.gz", "osdi.xtx.gz"))
    merged = merge_papers(read.papers)
    sources = Counter(tuple(p.provenance.sources) for p in merged)
    # 418 of OSDI's 419 listed papers merge; BlockFlex (2022) does not: the systems list gives it
    # another paper's authors, so the title alone must not merge it.
    assert sources[("dblp", "sysconf")] == 418
    assert sources[("sysconf",)] == 1 and sources[("dblp",)] == 1
    both = next(p for p in merged if p.title.startswith("Sabre"))
    assert both.dblp_key == "conf/osdi/LazarevGTACZD24" and both.provenance.sources == ["dblp", "sysconf"]
    # DBLP's author list wins; the systems list's affiliations fill it in
    assert both.authorships[0].affiliation == "Massachusetts Institute of Technology (MIT), CSAIL"


def test_a_re_presented_paper_joins_the_listing_of_its_own_venue_and_year() -> None:
    # ATC 2019 re-presented FAST 2018's "Protocol-Aware Recovery" and FAST 2019's "DistCache" under the same
    # titles; the systems list's ATC 2019 records must join DBLP's ATC 2019 records, not the FAST ones.
    names = ("atc_base_data.json.gz", "atc.xtx.gz", "fast.xtx.gz")
    merged = merge_papers(read_snapshot(SNAP, only_files=lambda p: p.name in names).papers)
    for title in ("Protocol-Aware Recovery for Consensus-Based Storage", "DistCache: Provable Load Balancing"):
        nodes = {(p.venue_name, p.year): p.provenance.sources for p in merged if p.title.startswith(title)}
        assert nodes[("ATC", 2019)] == ["dblp", "sysconf"]
        assert [v for v in nodes if v[0] == "FAST"] and all(
            s == ["dblp"] for v, s in nodes.items() if v[0] == "FAST")
