"""Canonical records: the one shape every source is turned into before it reaches a store.

Plain dataclasses (not pydantic) because the build creates a few hundred thousand of
them and validation happens once, in the readers, where the reason for a rejection is
known and can be quarantined.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal, TypeVar

R = TypeVar("R")

Community = Literal["mlsys", "systems", "architecture", "data", "ml", "other"]
VenueKind = Literal["conference", "journal", "workshop", "preprint", "other"]


def pickled_by_fields(cls: type[R]) -> type[R]:
    """Pickle a slotted dataclass as its constructor call: `cls(*field values)`.

    Why: `dataclass(slots=True)` pickles through generated `__getstate__`/`__setstate__` that
    call `dataclasses.fields()` for every object. The build cache writes a few hundred thousand
    of these records per cold build (merged papers, resolved people, tags), in forked writers
    that compete with the build for the two cores (and graph/analytics/projections.py saves ~240k
    of its own for the server's preload). With the field values fetched by one C-level
    `attrgetter`, pickling the merge and resolve entries went from ~1.9 / ~2.3 s to ~1.5 / ~1.4 s
    of CPU and loading them from ~1.0 / ~1.1 s to ~0.6 s each (benchmarks/cache_codec.py;
    BENCHMARKS.md, "Build", session 30).
    Only for classes whose `__init__` takes every field and does nothing else (no
    `__post_init__`, no `init=False` fields), so `copy.copy` makes the same shallow copy, and
    with no subclasses (one would pickle as this class).
    """
    values_of = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: R) -> tuple[type[R], tuple[Any, ...]]:  # noqa: N807 - the pickle protocol's name
        values = values_of(self)
        return cls, values if isinstance(values, tuple) else (values,)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


@pickled_by_fields
@dataclass(slots=True)
class Provenance:
    """Which source(s) a record came from and when they were retrieved."""

    sources: list[str] = field(default_factory=list)
    retrieved_at: str = ""

    def merged(self, other: Provenance) -> Provenance:
        sources = sorted(set(self.sources) | set(other.sources))
        return Provenance(sources, max(self.retrieved_at, other.retrieved_at))


@pickled_by_fields
@dataclass(slots=True)
class Venue:
    id: str
    name: str  # short name, e.g. "OSDI"
    full_name: str
    community: Community
    provenance: Provenance = field(default_factory=Provenance)
    kind: VenueKind = "conference"
    also_communities: list[str] = field(default_factory=list)  # e.g. ASPLOS: architecture, also systems


@pickled_by_fields
@dataclass(slots=True)
class Institution:
    """One real organisation (or a well-known unit of one, with `parent_id`), as ingest/institutions resolves it."""

    id: str
    name: str
    country: str | None = None
    ror: str | None = None
    provenance: Provenance = field(default_factory=Provenance)
    type: str | None = None  # ROR type: education, company, facility, nonprofit, government, healthcare, other
    parent_id: str | None = None  # the organisation a unit (MIT CSAIL, Google DeepMind) is PART_OF
    aliases: list[str] = field(default_factory=list)  # other names, including raw strings seen in sources
    openalex_id: str | None = None
    curated: bool = False  # from the shipped organisation table (country and type checked by hand)
    # Where `country` / `type` came from: table | source-field | string | sibling | none (country);
    # table | name | none (type). "none" says no evidence was found, so nothing was guessed.
    country_source: str = "none"
    type_source: str = "none"
    id_aliases: list[str] = field(default_factory=list)  # ids earlier id schemes gave this node (graph/ids.py)


@pickled_by_fields
@dataclass(slots=True)
class Author:
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    s2_id: str | None = None
    openreview_id: str | None = None
    openalex_id: str | None = None
    orcid: str | None = None
    dblp_pid: str | None = None
    merge_confidence: float = 1.0
    merge_reasons: list[str] = field(default_factory=list)  # why the mentions were merged (identity)
    provenance: Provenance = field(default_factory=Provenance)
    id_aliases: list[str] = field(default_factory=list)  # ids earlier id schemes gave this person (graph/ids.py)


@pickled_by_fields
@dataclass(slots=True)
class Authorship:
    """One author as printed on one paper: the mention that identity resolution clusters."""

    paper_id: str
    position: int
    name: str
    author_id: str = ""  # filled by identity resolution
    affiliation: str | None = None  # as printed
    institution_id: str | None = None  # resolved
    country: str | None = None
    s2_author_id: str | None = None
    openreview_id: str | None = None
    openalex_id: str | None = None
    orcid: str | None = None
    dblp_pid: str | None = None
    flags: list[str] = field(default_factory=list)


@pickled_by_fields
@dataclass(slots=True)
class TopicTag:
    topic: str  # label name, e.g. "inference_serving" or pillar "software"
    score: float
    evidence: list[str] = field(default_factory=list)


@pickled_by_fields
@dataclass(slots=True)
class Paper:
    id: str
    title: str
    year: int | None
    venue_id: str
    venue_name: str = ""  # short name as the venue is known ("OSDI", or the raw string of an untracked venue)
    abstract: str | None = None
    # Key terms derived from an abstract whose text may not be shipped (see data/PROVENANCE.md):
    # the tagger reads them in place of the abstract, never both.
    derived_terms: list[str] = field(default_factory=list)
    doi: str | None = None
    arxiv_id: str | None = None
    s2_id: str | None = None
    openreview_id: str | None = None
    openalex_id: str | None = None
    dblp_key: str | None = None
    url: str | None = None
    authorships: list[Authorship] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # external ids of cited papers ("s2:...", "openalex:...")
    topics: list[TopicTag] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)
    id_aliases: list[str] = field(default_factory=list)  # ids earlier id schemes gave this paper (graph/ids.py)

    def external_ids(self) -> dict[str, str]:
        ids = {
            "doi": self.doi, "arxiv": self.arxiv_id, "s2": self.s2_id, "openreview": self.openreview_id,
            "openalex": self.openalex_id, "dblp": self.dblp_key,
        }
        return {k: v for k, v in ids.items() if v}


@pickled_by_fields
@dataclass(slots=True)
class Topic:
    id: str
    label: str
    name: str
    kind: Literal["pillar", "topic"]
    pillars: list[str] = field(default_factory=list)


@pickled_by_fields
@dataclass(slots=True)
class Quarantined:
    """A record a reader could not turn into canonical form, kept with the reason."""

    source: str
    locator: str  # file + row/index, or request URL
    reason: str
    raw: Any = None


def to_dict(record: Any) -> dict[str, Any]:
    return asdict(record)
