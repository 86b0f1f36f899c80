"""The venues MLSys Atlas knows: one table saying which community each belongs to, and why.

A venue's community is what "a systems background" or "an ML background" means in the
organizer reports, so the table is data with a reason per row, not a keyword rule.
Communities:

- `mlsys`: the MLSys conference (SysML 2018-2019). Its workshop items (the SysML 2018
  workshop, pre-conference items) are the separate venue `MLSys-WS`, kind `workshop`,
  never counted as the conference.
- `systems`: operating, distributed, networked, storage, cloud and HPC systems.
- `architecture`: computer architecture (ISCA, MICRO, HPCA). ASPLOS spans architecture and
  systems: its primary community is `architecture` (its programme committee and most of its
  papers are architecture and its own call puts architecture first) and it is *also* counted
  as `systems` by analyses that care (`communities_of`).
- `data`: data management (SIGMOD, VLDB/PVLDB, CIDR).
- `ml`: the machine-learning venues.

`SYSTEMS_SIDE` is the systems half of the systems-ML axis the organizer analyses use
(systems, architecture and data together); every analysis also reports each community on
its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.ids import venue_id
from graph.records import Community, Provenance, Venue, VenueKind


@dataclass(frozen=True)
class VenueInfo:
    full_name: str
    community: Community
    kind: VenueKind = "conference"
    also: tuple[str, ...] = ()  # further communities the venue counts in
    why: str = ""


_SYS = "systems"
KNOWN_VENUES: dict[str, VenueInfo] = {
    "MLSys": VenueInfo("Conference on Machine Learning and Systems (SysML until 2019)", "mlsys",
                       why="the community this project maps"),
    "MLSys-WS": VenueInfo("MLSys / SysML workshops and pre-conference items", "mlsys", "workshop",
                          why="SysML 2018 was a workshop-style meeting; items before 2018 are workshop papers"),
    "OSDI": VenueInfo("USENIX Symposium on Operating Systems Design and Implementation", _SYS,
                      why="flagship operating-systems venue"),
    "SOSP": VenueInfo("ACM Symposium on Operating Systems Principles", _SYS, why="flagship operating-systems venue"),
    "NSDI": VenueInfo("USENIX Symposium on Networked Systems Design and Implementation", _SYS,
                      why="networked and distributed systems"),
    "EuroSys": VenueInfo("European Conference on Computer Systems", _SYS, why="general computer systems"),
    "ATC": VenueInfo("USENIX Annual Technical Conference", _SYS, why="general computer systems"),
    "SoCC": VenueInfo("ACM Symposium on Cloud Computing", _SYS, why="cloud systems"),
    "FAST": VenueInfo("USENIX Conference on File and Storage Technologies", _SYS, why="storage systems"),
    "Middleware": VenueInfo("ACM/IFIP International Middleware Conference", _SYS, why="distributed-systems middleware"),
    "HotOS": VenueInfo("Workshop on Hot Topics in Operating Systems", _SYS, "workshop",
                       why="operating-systems position papers (a workshop)"),
    "SIGCOMM": VenueInfo("ACM SIGCOMM Conference", _SYS, why="networking systems"),
    "SC": VenueInfo("International Conference for High Performance Computing, Networking, Storage and Analysis",
                    _SYS, why="HPC systems, where large-scale training runs"),
    "PPoPP": VenueInfo("ACM SIGPLAN Symposium on Principles and Practice of Parallel Programming", _SYS,
                       why="parallel programming systems"),
    "HPDC": VenueInfo("International Symposium on High-Performance Parallel and Distributed Computing", _SYS,
                      why="HPC and distributed systems"),
    "ISCA": VenueInfo("International Symposium on Computer Architecture", "architecture",
                      why="flagship architecture venue"),
    "MICRO": VenueInfo("IEEE/ACM International Symposium on Microarchitecture", "architecture",
                       why="flagship architecture venue"),
    "HPCA": VenueInfo("IEEE International Symposium on High-Performance Computer Architecture", "architecture",
                      why="flagship architecture venue"),
    "ASPLOS": VenueInfo("Architectural Support for Programming Languages and Operating Systems", "architecture",
                        also=(_SYS,), why="spans architecture and systems: primary architecture, also systems"),
    "SIGMOD": VenueInfo("ACM SIGMOD Conference on Management of Data", "data", why="flagship data-management venue"),
    "VLDB": VenueInfo("Proceedings of the VLDB Endowment (PVLDB) and the VLDB conference", "data", "journal",
                      why="flagship data-management venue; PVLDB issues are its proceedings"),
    "CIDR": VenueInfo("Conference on Innovative Data Systems Research", "data", why="data-systems venue"),
    "ICML": VenueInfo("International Conference on Machine Learning", "ml", why="flagship ML venue"),
    "NeurIPS": VenueInfo("Conference on Neural Information Processing Systems", "ml", why="flagship ML venue"),
    "ICLR": VenueInfo("International Conference on Learning Representations", "ml", why="flagship ML venue"),
    "KDD": VenueInfo("ACM SIGKDD Conference on Knowledge Discovery and Data Mining", "ml",
                     why="data mining, counted with ML"),
    "arXiv": VenueInfo("arXiv preprint", "other", "preprint", why="not a venue"),
    "Other": VenueInfo("Other venue", "other", "other", why="venues the project does not track"),
}

# Every community an organizer analysis reports, in display order.
COMMUNITY_ORDER: tuple[str, ...] = ("mlsys", "systems", "architecture", "data", "ml", "other")
# The systems half of the systems-ML axis.
SYSTEMS_SIDE: frozenset[str] = frozenset({"systems", "architecture", "data"})
# Communities that count as a person's background (MLSys itself never does).
BACKGROUND_COMMUNITIES: tuple[str, ...] = ("systems", "architecture", "data", "ml")

# Semantic Scholar / OpenAlex / DBLP venue strings -> short name
_ALIASES = {
    "mlsys": "MLSys",
    "sysml": "MLSys",
    "conference on machine learning and systems": "MLSys",
    "usenix symposium on operating systems design and implementation": "OSDI",
    "symposium on operating systems principles": "SOSP",
    "acm symposium on operating systems principles": "SOSP",
    "symposium on networked systems design and implementation": "NSDI",
    "european conference on computer systems": "EuroSys",
    "usenix annual technical conference": "ATC",
    "usenix atc": "ATC",
    "international conference on architectural support for programming languages and operating systems":
        "ASPLOS",
    "international symposium on computer architecture": "ISCA",
    "international symposium on microarchitecture": "MICRO",
    "international symposium on high-performance computer architecture": "HPCA",
    "high-performance computer architecture": "HPCA",
    "acm symposium on cloud computing": "SoCC",
    "socc": "SoCC",
    "international middleware conference": "Middleware",
    "usenix conference on file and storage technologies": "FAST",
    "file and storage technologies": "FAST",
    "proceedings of the vldb endowment": "VLDB",
    "pvldb": "VLDB",
    "proc. vldb endow.": "VLDB",
    "sigmod conference": "SIGMOD",
    "international conference on management of data": "SIGMOD",
    "international conference on machine learning": "ICML",
    "neural information processing systems": "NeurIPS",
    "nips": "NeurIPS",
    "international conference on learning representations": "ICLR",
    "knowledge discovery and data mining": "KDD",
    "arxiv.org": "arXiv",
}
_SHORT_BY_FOLD = {name.lower(): name for name in KNOWN_VENUES}


def canonical_venue(raw: str) -> str | None:
    """Short name of a known venue for a raw venue string, or None when it is not one we track."""
    key = (raw or "").strip().lower()
    return _SHORT_BY_FOLD.get(key) or _ALIASES.get(key)


def venue_info(short_name: str) -> VenueInfo:
    return KNOWN_VENUES.get(short_name) or VenueInfo(short_name, "other", "other", why="not in the venue table")


def venue_record(short_name: str, provenance: Provenance | None = None) -> Venue:
    info = venue_info(short_name)
    return Venue(venue_id(short_name), short_name, info.full_name, info.community, provenance or Provenance(),
                 kind=info.kind, also_communities=list(info.also))


def community_of(short_name: str) -> Community:
    return venue_info(short_name).community


def communities_of(short_name: str) -> tuple[str, ...]:
    """The primary community first, then any the venue also counts in (ASPLOS: architecture, systems)."""
    info = venue_info(short_name)
    return (info.community, *info.also)


def side_of(community: str) -> str:
    """Where a community sits on the systems-ML axis: `systems`, `ml`, `mlsys` or `other`."""
    if community in SYSTEMS_SIDE:
        return "systems"
    return community if community in ("ml", "mlsys") else "other"


def venue_table() -> list[dict[str, object]]:
    """The table as rows, for the Data page, `stats --json` and data/PROVENANCE.md."""
    return [{"venue": short, "full_name": info.full_name, "community": info.community, "kind": info.kind,
             "also": list(info.also), "why": info.why} for short, info in KNOWN_VENUES.items()]
