"""Load and check the topic taxonomy (`taxonomy.toml`): pillars -> topics -> term groups.

The taxonomy is data, not code, so organisers can read and amend it without touching the
tagger; this module turns it into typed objects once and refuses a file that names an
unknown label or pillar, because a typo there would silently drop a whole topic.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.ids import topic_id
from graph.records import Topic

DEFAULT_PATH = Path(__file__).with_name("taxonomy.toml")

PILLARS: tuple[str, ...] = ("hardware", "software", "metrics", "ml_for_systems")
TOPICS: tuple[str, ...] = (
    "training", "inference_serving", "distributed", "compilers", "hardware_accelerators",
    "hardware_efficient_ml", "privacy_security", "fairness_interpretability", "testing_debugging_monitoring",
    "data_management", "programming_models", "edge_mobile", "scheduling_resource_mgmt", "ml_for_systems", "llm",
    "graph_learning_systems", "recommendation_systems",
)
# `ml_for_systems` is both a pillar and a topic: one label, one Topic node.
LABELS: tuple[str, ...] = PILLARS + tuple(t for t in TOPICS if t not in PILLARS)


class TaxonomyError(ValueError):
    """The taxonomy file is malformed; the message names the offending entry."""


@dataclass(frozen=True)
class TermGroup:
    """Terms that are evidence, with one strength, for one label and the pillars it implies."""

    label: str
    terms: tuple[str, ...]
    weight: float = 0.9
    implies: tuple[str, ...] = ()
    needs_context: bool = False
    requires: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()  # the group does not count when one of these labels is given
    title_only: bool = False  # evidence only in the title: in an abstract these words are mere mentions
    abstract_weight: float | None = None  # strength outside the title (default weight * abstract_factor)


@dataclass(frozen=True)
class LabelDef:
    label: str
    name: str
    kind: str  # "pillar" or "topic"
    pillars: tuple[str, ...]


@dataclass(frozen=True)
class MlForSystemsRule:
    """ML used as the method on a systems object, within one sentence."""

    strong_methods: tuple[str, ...]
    weak_methods: tuple[str, ...]
    method_after: frozenset[str]
    method_before: frozenset[str]
    objects: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    version: int
    threshold: float
    abstract_factor: float
    keep_forms: frozenset[str]
    context_terms: tuple[str, ...]
    weak_context_terms: tuple[str, ...]
    context_venues: frozenset[str]
    block_ml: tuple[str, ...]
    block_other: tuple[str, ...]
    yields: tuple[str, ...]
    labels: tuple[LabelDef, ...]
    groups: tuple[TermGroup, ...]
    ml_for_systems: MlForSystemsRule
    source: str = field(default="", compare=False)

    def label(self, name: str) -> LabelDef:
        return next(d for d in self.labels if d.label == name)


def _strings(value: Any, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{where}: expected a list of non-empty strings")
    if not value and not allow_empty:
        raise TaxonomyError(f"{where}: the list is empty")
    return tuple(v.strip() for v in value)


def _labels(value: Any, allowed: tuple[str, ...], where: str) -> tuple[str, ...]:
    names = _strings(value, where, allow_empty=True)
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise TaxonomyError(f"{where}: unknown label(s) {unknown}; expected some of {list(allowed)}")
    return names


def _groups(label: str, raw: dict[str, Any], default_implies: tuple[str, ...], where: str) -> list[TermGroup]:
    groups = []
    for i, g in enumerate(raw.get("groups", [])):
        at = f"{where}.groups[{i}]"
        weight = float(g.get("weight", 0.9))
        if not 0 < weight <= 1:
            raise TaxonomyError(f"{at}.weight must be in (0, 1], got {weight}")
        groups.append(TermGroup(
            label=label, terms=_strings(g.get("terms"), f"{at}.terms"), weight=weight,
            implies=_labels(g["implies"], PILLARS, f"{at}.implies") if "implies" in g else default_implies,
            needs_context=bool(g.get("needs_context", False)),
            requires=_labels(g.get("requires", []), LABELS, f"{at}.requires"),
            venues=_strings(g.get("venues", []), f"{at}.venues", allow_empty=True),
            unless=_labels(g.get("unless", []), LABELS, f"{at}.unless"),
            title_only=bool(g.get("title_only", False)),
            abstract_weight=float(g["abstract_weight"]) if "abstract_weight" in g else None,
        ))
    return groups


def parse_taxonomy(data: dict[str, Any], source: str = "") -> Taxonomy:
    """Build a Taxonomy from parsed TOML, raising TaxonomyError with the path of any bad entry."""
    pillars_raw, topics_raw = data.get("pillars", {}), data.get("topics", {})
    if sorted(pillars_raw) != sorted(PILLARS):
        raise TaxonomyError(f"[pillars] must define exactly {list(PILLARS)}, got {sorted(pillars_raw)}")
    if sorted(topics_raw) != sorted(TOPICS):
        missing, extra = sorted(set(TOPICS) - set(topics_raw)), sorted(set(topics_raw) - set(TOPICS))
        raise TaxonomyError(f"[topics] must define the CFP topics; missing {missing}, unexpected {extra}")
    labels: list[LabelDef] = []
    groups: list[TermGroup] = []
    for name in PILLARS:
        raw = pillars_raw[name]
        labels.append(LabelDef(name, str(raw.get("name", name)), "pillar", (name,)))
        groups += _groups(name, raw, (name,), f"pillars.{name}")
    for name in TOPICS:
        raw = topics_raw[name]
        pillars = _labels(raw.get("pillars"), PILLARS, f"topics.{name}.pillars")
        if not pillars:
            raise TaxonomyError(f"topics.{name}.pillars: every topic belongs to at least one pillar")
        implies = _labels(raw["implies"], PILLARS, f"topics.{name}.implies") if "implies" in raw else pillars
        if name not in PILLARS:
            labels.append(LabelDef(name, str(raw.get("name", name)), "topic", pillars))
        groups += _groups(name, raw, implies, f"topics.{name}")
    rule = data.get("ml_for_systems", {})
    context, block = data.get("context", {}), data.get("block", {})
    return Taxonomy(
        version=int(data.get("version", 1)),
        threshold=float(data.get("threshold", 0.5)),
        abstract_factor=float(data.get("abstract_factor", 0.8)),
        keep_forms=frozenset(w.lower() for w in data.get("normalise", {}).get("keep", [])),
        context_terms=_strings(context.get("ml", []), "context.ml", allow_empty=True),
        weak_context_terms=_strings(context.get("weak", []), "context.weak", allow_empty=True),
        context_venues=frozenset(context.get("venue_communities", [])),
        block_ml=_strings(block.get("ml", []), "block.ml", allow_empty=True),
        block_other=_strings(block.get("other", []), "block.other", allow_empty=True),
        yields=_strings(data.get("overlap", {}).get("yields", []), "overlap.yields", allow_empty=True),
        labels=tuple(labels),
        groups=tuple(groups),
        ml_for_systems=MlForSystemsRule(
            strong_methods=_strings(rule.get("strong_methods", []), "ml_for_systems.strong_methods", allow_empty=True),
            weak_methods=_strings(rule.get("weak_methods", []), "ml_for_systems.weak_methods", allow_empty=True),
            method_after=frozenset(w.lower() for w in rule.get("method_after", [])),
            method_before=frozenset(w.lower() for w in rule.get("method_before", [])),
            objects=_strings(rule.get("objects", []), "ml_for_systems.objects", allow_empty=True),
        ),
        source=source,
    )


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    path = path or DEFAULT_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{path}: not valid TOML ({exc})") from exc
    return parse_taxonomy(data, str(path))


def topic_nodes(tax: Taxonomy) -> tuple[list[Topic], list[tuple[str, str]]]:
    """Topic nodes for every label and (topic id, pillar id) PART_OF pairs (no self-loops)."""
    nodes = [Topic(topic_id(d.label), d.label, d.name, "pillar" if d.kind == "pillar" else "topic", list(d.pillars))
             for d in tax.labels]
    parents = sorted({(topic_id(d.label), topic_id(p)) for d in tax.labels if d.kind == "topic" for p in d.pillars})
    return nodes, parents
