"""The venues MLSys Atlas knows, each with the community the overlap analysis assigns it.

`systems` and `ml` are the two parents of the MLSys community; a venue's community is
what "a systems background" or "an ML background" means in the organizer reports.
"""

from __future__ import annotations

from graph.ids import venue_id
from graph.records import Community, Provenance, Venue

# short name -> (full name, community)
KNOWN_VENUES: dict[str, tuple[str, Community]] = {
    "MLSys": ("Conference on Machine Learning and Systems (SysML until 2019)", "mlsys"),
    "OSDI": ("USENIX Symposium on Operating Systems Design and Implementation", "systems"),
    "SOSP": ("ACM Symposium on Operating Systems Principles", "systems"),
    "NSDI": ("USENIX Symposium on Networked Systems Design and Implementation", "systems"),
    "EuroSys": ("European Conference on Computer Systems", "systems"),
    "ATC": ("USENIX Annual Technical Conference", "systems"),
    "ASPLOS": ("Architectural Support for Programming Languages and Operating Systems", "systems"),
    "ISCA": ("International Symposium on Computer Architecture", "systems"),
    "MICRO": ("IEEE/ACM International Symposium on Microarchitecture", "systems"),
    "SIGCOMM": ("ACM SIGCOMM Conference", "systems"),
    "SoCC": ("ACM Symposium on Cloud Computing", "systems"),
    "VLDB": ("Proceedings of the VLDB Endowment", "systems"),
    "SIGMOD": ("ACM SIGMOD Conference on Management of Data", "systems"),
    "ICML": ("International Conference on Machine Learning", "ml"),
    "NeurIPS": ("Conference on Neural Information Processing Systems", "ml"),
    "ICLR": ("International Conference on Learning Representations", "ml"),
    "KDD": ("ACM SIGKDD Conference on Knowledge Discovery and Data Mining", "ml"),
    "arXiv": ("arXiv preprint", "other"),
    "Other": ("Other venue", "other"),
}

# Semantic Scholar / OpenAlex venue strings -> short name
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
    "international conference on architectural support for programming languages and operating systems":
        "ASPLOS",
    "international symposium on computer architecture": "ISCA",
    "acm symposium on cloud computing": "SoCC",
    "proceedings of the vldb endowment": "VLDB",
    "international conference on machine learning": "ICML",
    "neural information processing systems": "NeurIPS",
    "international conference on learning representations": "ICLR",
    "knowledge discovery and data mining": "KDD",
    "arxiv.org": "arXiv",
}
_SHORT_BY_FOLD = {name.lower(): name for name in KNOWN_VENUES}


def canonical_venue(raw: str) -> str | None:
    """Short name of a known venue for a raw venue string, or None when it is not one we track."""
    key = (raw or "").strip().lower()
    return _SHORT_BY_FOLD.get(key) or _ALIASES.get(key)


def venue_record(short_name: str, provenance: Provenance | None = None) -> Venue:
    full_name, community = KNOWN_VENUES.get(short_name, (short_name, "other"))
    return Venue(venue_id(short_name), short_name, full_name, community, provenance or Provenance())


def community_of(short_name: str) -> Community:
    return KNOWN_VENUES.get(short_name, ("", "other"))[1]
