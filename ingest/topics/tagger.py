"""The topic tagger: taxonomy terms matched on lemmas, turned into scored labels with evidence.

One PhraseMatcher holds every term of the taxonomy, keyed by its normalised form, so a
phrase that belongs to several groups is matched once. Overlapping matches are resolved
longest-first: that is how "long short-term memory" beats "memory" and "graph neural
network" beats "network", and how the block lists guard against classic false positives.

Scoring is a noisy-or: each distinct matched phrase is independent evidence of strength
`weight` (times `abstract_factor` outside the title) and a label is given when
1 - prod(1 - w) reaches the threshold. One strong term suffices; weak terms need company.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from graph.records import TopicTag
from ingest.topics.normalise import clean_text, make_nlp, split_joiners
from ingest.topics.taxonomy import LABELS, PILLARS, TOPICS, Taxonomy, TermGroup
from ingest.topics.text import (  # noqa: F401 - re-exported: the tagger's input, where callers look for it
    ABSTRACT,
    DERIVED_TERMS,
    TERM_JOINER,
    TITLE_ONLY,
    PaperText,
    _joined_terms,
    community_of_venue_id,
)

MAX_EVIDENCE = 6
STRONG = 0.9  # a term this strong counts even inside a longer term
IMPLY_MIN = 0.5  # weaker hints are evidence for their own label only, never for a pillar
PAIR_WEIGHT = 0.8  # an ML method and a systems object in one sentence
BATCH_SIZE = 512
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")

# Roles a matched phrase can play besides being evidence for a term group.
CONTEXT, WEAK_CONTEXT, BLOCK_ML, BLOCK_OTHER, STRONG_METHOD, WEAK_METHOD, SYSTEMS_OBJECT, YIELDS = (
    "context", "weak_context", "block_ml", "block_other", "strong_method", "weak_method", "object", "yields")


# How a weak ML-method word was directed at a systems object: by the word after it or before it.
_AFTER, _BEFORE = "after", "before"


@dataclass
class _Entry:
    """Everything one normalised phrase stands for."""

    groups: list[TermGroup] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    phrases: set[str] = field(default_factory=set)  # as written in the taxonomy
    # Facts about the groups and roles, computed once by `freeze` rather than for every match of every paper.
    blocks: bool = False  # a block-list phrase: nothing inside it counts
    strong: bool = False  # some group is STRONG: counts even inside a longer term
    yields: bool = False  # a modifier that yields to an overlapping longer term
    m4s: bool = False  # some group is ml_for_systems evidence
    context: bool = False  # a context, weak-context or block-ml phrase: a sign of ML
    free: bool = False  # some group needs no context

    def freeze(self) -> None:
        """Precompute the flags above from the groups and roles (call after both are complete)."""
        self.blocks = bool(self.roles & {BLOCK_ML, BLOCK_OTHER})
        self.strong = any(g.weight >= STRONG for g in self.groups)
        self.yields = YIELDS in self.roles
        self.m4s = any(g.label == "ml_for_systems" for g in self.groups)
        self.context = bool(self.roles & {CONTEXT, WEAK_CONTEXT, BLOCK_ML})
        self.free = any(not g.needs_context for g in self.groups)


@dataclass(frozen=True)
class Analysis:
    """One paper as the rules see it: the tags given, and every label's score and evidence (given or not)."""

    paper: PaperText
    doc: Doc
    tags: list[TopicTag]
    scores: dict[str, float]
    evidence: dict[str, list[str]]


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    start_char: int
    end_char: int
    key: str
    entry: _Entry  # self.entries[key], looked up once per match


class TopicTagger:
    """Tags texts with pillar and topic labels; build once (loading takes ~1 s), reuse for batches."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        abbreviations = {t.lower() for g in taxonomy.groups for t in g.terms if t.isupper() and " " not in t}
        self.nlp = make_nlp(taxonomy.keep_forms, abbreviations)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.entries: dict[str, _Entry] = defaultdict(_Entry)
        rule = taxonomy.ml_for_systems
        for group in taxonomy.groups:
            for term in group.terms:
                self._add(term).groups.append(group)
        for terms, role in ((taxonomy.context_terms, CONTEXT), (taxonomy.weak_context_terms, WEAK_CONTEXT),
                            (taxonomy.block_ml, BLOCK_ML), (taxonomy.block_other, BLOCK_OTHER),
                            (rule.strong_methods, STRONG_METHOD), (rule.weak_methods, WEAK_METHOD),
                            (rule.objects, SYSTEMS_OBJECT), (taxonomy.yields, YIELDS)):
            for term in terms:
                self._add(term).roles.add(role)
        self.entries = dict(self.entries)
        self._dedupe_groups()
        for entry in self.entries.values():
            entry.freeze()
        # Topics of systems areas (software pillar): on an ML-for-systems paper they need an ML workload.
        self._systems_topics = frozenset(d.label for d in taxonomy.labels
                                         if d.kind == "topic" and "software" in d.pillars)
        # Compared with token norms, so normalised the same way ("based" -> "base").
        self._method_after = {self.nlp.vocab[w].norm_ for w in rule.method_after}
        self._method_before = {self.nlp.vocab[w].norm_ for w in rule.method_before}

    # ------------------------------------------------------------ building
    def _key(self, doc: Doc) -> str:
        return " ".join(t.norm_ for t in doc)

    def _add(self, term: str) -> _Entry:
        doc = self.nlp.make_doc(split_joiners(clean_text(term)))
        key = self._key(doc)
        if key not in self.entries:
            self.matcher.add(key, [doc])
        self.entries[key].phrases.add(term)
        return self.entries[key]

    def _dedupe_groups(self) -> None:
        for entry in self.entries.values():
            seen: set[int] = set()
            entry.groups = [g for g in entry.groups if not (id(g) in seen or seen.add(id(g)))]

    # ------------------------------------------------------------ tagging
    def docs(self, papers: Iterable[PaperText], batch_size: int = BATCH_SIZE
             ) -> Iterator[tuple[Doc, tuple[PaperText, str, str]]]:
        """Tokenised papers with (paper, cleaned title, cleaned body): the text every tagging path reads."""
        items = ((p, clean_text(p.title), p.body) for p in papers)
        prepared = ((split_joiners(f"{title}. {body}" if body else title), (p, title, body))
                    for p, title, body in items)
        yield from self.nlp.pipe(prepared, batch_size=batch_size, as_tuples=True)

    def matched_keys(self, doc: Doc) -> set[str]:
        """Every taxonomy phrase (normalised key) found in a doc, before overlaps are resolved."""
        strings = self.nlp.vocab.strings
        return {strings[m] for m, _, _ in self.matcher(doc)}

    def tag(self, papers: Iterable[PaperText], batch_size: int = BATCH_SIZE) -> Iterator[list[TopicTag]]:
        """Yield the tags of each paper, in order, tokenising in batches with nlp.pipe.

        Title + abstract and title + derived terms go through this one path: only the text
        after the title differs (see `PaperText.body`).
        """
        for analysis in self.analyse(papers, batch_size):
            yield analysis.tags

    def analyse(self, papers: Iterable[PaperText], batch_size: int = BATCH_SIZE) -> Iterator[Analysis]:
        """Like `tag`, with what a learned layer needs too: the doc and every label's rule score."""
        for doc, (paper, title, body) in self.docs(papers, batch_size):
            original = f"{title}. {body}" if body else title
            tags, scores, evidence = self._tags(doc, original, len(title), paper.community)
            yield Analysis(paper, doc, tags, scores, evidence)

    def _spans(self, doc: Doc) -> tuple[list[_Span], list[_Span]]:
        """All matches, and those that survive inside longer matches.

        A phrase inside a longer blocking phrase never counts ("memory" in "long short-term
        memory"). Inside a longer term it counts only if it is strong on its own: "LLM" in
        "LLM serving" still says llm, "memory" in "memory-aware scheduling" says nothing.
        """
        strings, entries = self.nlp.vocab.strings, self.entries
        spans = []
        for m, s, e in self.matcher(doc):
            key, last = strings[m], doc[e - 1]
            spans.append(_Span(s, e, doc[s].idx, last.idx + len(last), key, entries[key]))
        kept = []
        for span, inside in zip(spans, _inside_longer(spans), strict=True):
            if span.entry.yields and any(span.start < o.start < span.end < o.end for o in spans):
                continue  # a modifier, not the head: "low-latency [prediction serving]" is no latency prediction
            if not inside:
                kept.append(span)
            elif span.entry.strong and not any(
                    o.entry.blocks and o.start <= span.start and span.end <= o.end
                    and o.end - o.start > span.end - span.start for o in spans):
                kept.append(span)
        kept.sort(key=_position)
        return spans, kept

    def _tags(self, doc: Doc, text: str, title_len: int, community: str | None
              ) -> tuple[list[TopicTag], dict[str, float], dict[str, list[str]]]:
        tax = self.taxonomy
        all_spans, kept = self._spans(doc)
        if not kept:
            return [], {}, {}
        has_context, implies_context, m4s_evidence = self._context(doc, text, title_len, community, all_spans, kept)

        # label -> normalised phrase -> (weight, quoted phrase, position)
        evidence: dict[str, dict[str, tuple[float, str, int]]] = defaultdict(dict)

        def add(label: str, key: str, weight: float, quote: str, pos: int) -> None:
            old = evidence[label].get(key)
            if old is None or weight > old[0]:
                evidence[label][key] = (weight, quote, pos)

        deferred: list[tuple[TermGroup, _Span, float]] = []  # (group, span, weight)
        m4s_paper = bool(m4s_evidence) or any(s.entry.m4s for s in kept)
        for span in kept:
            groups = span.entry.groups
            if not groups:
                continue
            in_title = span.start_char < title_len
            factor = 1.0 if in_title else tax.abstract_factor
            for group in groups:
                if group.title_only and not in_title:
                    continue
                if group.needs_context and not has_context:
                    continue
                if group.needs_context and not implies_context and (
                        group.label in PILLARS or (m4s_paper and group.label in self._systems_topics)):
                    # Pillar vocabulary ("platform", "chip") speaks for a pillar only about ML workloads,
                    # and a learned component of a non-ML system gets no topic of that system
                    # ("a learned scheduler for generic cluster jobs gets only ml_for_systems").
                    continue
                if group.venues and community not in group.venues:
                    continue
                weight = group.weight * factor if in_title or group.abstract_weight is None else group.abstract_weight
                if group.requires or group.unless:
                    deferred.append((group, span, weight))
                    continue
                quote = text[span.start_char:span.end_char]
                add(group.label, span.key, weight, quote, span.start_char)
                if group.weight >= IMPLY_MIN and (not group.needs_context or implies_context):
                    for pillar in group.implies:
                        add(pillar, span.key, weight, quote, span.start_char)
        for key, (weight, quote, pos) in m4s_evidence.items():
            add("ml_for_systems", key, weight, quote, pos)

        scores = {label: _noisy_or(w for w, _, _ in ev.values()) for label, ev in evidence.items()}
        given = {label for label, score in scores.items() if score >= tax.threshold}
        for group, span, weight in deferred:
            if (not group.requires or given.intersection(group.requires)) and not given.intersection(group.unless):
                quote = text[span.start_char:span.end_char]
                add(group.label, span.key, weight, quote, span.start_char)
                if not group.requires and group.weight >= IMPLY_MIN and (not group.needs_context or implies_context):
                    for pillar in group.implies:
                        add(pillar, span.key, weight, quote, span.start_char)
        scores = {label: _noisy_or(w for w, _, _ in ev.values()) for label, ev in evidence.items()}
        tags = []
        quotes = {label: _distinct([q for _, q, _ in sorted(ev.values(), key=lambda e: (-e[0], e[2]))])[:MAX_EVIDENCE]
                  for label, ev in evidence.items()}
        for label in LABELS:
            score = scores.get(label, 0.0)
            if score >= tax.threshold:
                tags.append(TopicTag(label, round(score, 3), quotes[label]))
        return tags, scores, quotes

    def _context(self, doc: Doc, text: str, title_len: int, community: str | None, all_spans: Sequence[_Span],
                 kept: Sequence[_Span]) -> tuple[bool, bool, dict[str, tuple[float, str, int]]]:
        """Is the paper about ML at all, is ML its workload, and any ML-for-systems evidence.

        Returns (has_context, implies_context, ml_for_systems evidence). `has_context` lets
        ordinary systems words count for their topic; `implies_context` lets them count for
        a pillar. They differ in an ML-for-systems paper, where the ML is the method and not
        the workload: "scheduler" then says which systems topic it improves, not that it is
        a system *for* ML.
        """
        blocked = [s for s in kept if BLOCK_OTHER in s.entry.roles]
        candidates = [s for s in all_spans if s.entry.context
                      and not any(b.start <= s.start and s.end <= b.end for b in blocked)]
        candidates += [s for s in kept if s.entry.free]
        # In the title any sign of ML is enough. An abstract needs two different outermost ones:
        # a systems abstract that says "machine learning" once, or "attention", "training" or
        # "clustering", is not about ML ("... as in machine learning" is a mention).
        if any(s.start_char < title_len for s in candidates) or len(_outermost_keys(candidates, title_len)) >= 2:
            context_spans = candidates
        else:
            context_spans = []
        venue_context = community in self.taxonomy.context_venues
        methods, m4s_evidence = self._ml_for_systems(doc, text, title_len, kept)
        m4s_terms = [s for s in kept if s.entry.m4s]
        # Once the paper is ML-for-systems, every ML-as-a-tool phrase in it is method, not workload.
        method_spans = methods + m4s_terms if (m4s_evidence or m4s_terms) else []
        workload_context = any(not any(m.start <= s.start < m.end for m in method_spans) for s in context_spans)
        has_context = venue_context or bool(context_spans)
        return has_context, workload_context or (venue_context and not method_spans), m4s_evidence

    def _ml_for_systems(self, doc: Doc, text: str, title_len: int, kept: Sequence[_Span]
                        ) -> tuple[list[_Span], dict[str, tuple[float, str, int]]]:
        """ML-as-a-tool phrases, and evidence from those sharing a sentence with a systems object."""
        methods, objects = [], []
        object_after: set[int] = set()  # weak methods directed by the word after them: "deep learning for X"
        for span in kept:
            roles = span.entry.roles
            direction = self._directed(doc, span) if WEAK_METHOD in roles and STRONG_METHOD not in roles else ""
            if STRONG_METHOD in roles or direction:
                methods.append(span)
                if direction == _AFTER:
                    object_after.add(id(span))
            if SYSTEMS_OBJECT in roles:
                objects.append(span)
        if not methods or not objects:
            return methods, {}
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]

        def sentence(span: _Span) -> int:
            return bisect.bisect_right(ends, span.start_char)

        found = {}
        for m in methods:
            for o in objects:
                # "deep learning for cluster scheduling" names its object after the method;
                # in "scheduling of neural networks for edge devices" the network is the workload.
                if id(m) in object_after and o.start < m.end:
                    continue
                if m is not o and sentence(m) == sentence(o):
                    first, last = sorted((m, o), key=lambda s: s.start)
                    quote = text[first.start_char:first.end_char] + " … " + text[last.start_char:last.end_char]
                    factor = 1.0 if first.start_char < title_len else self.taxonomy.abstract_factor
                    found[f"{m.key}|{o.key}"] = (PAIR_WEIGHT * factor, quote, first.start_char)
        return methods, found

    def _directed(self, doc: Doc, span: _Span) -> str:
        """A weak method word counts when it is used as a tool: 'deep learning for X' (_AFTER), 'using RL' (_BEFORE)."""
        after = doc[span.end].norm_ if span.end < len(doc) else ""
        if after in self._method_after:
            return _AFTER
        # "through large-scale machine learning", "with deep learning": the tool word may sit
        # up to three words before the method, never across punctuation.
        for i in range(span.start - 1, max(span.start - 4, -1), -1):
            if doc[i].is_punct:
                return ""
            if doc[i].norm_ in self._method_before:
                return _BEFORE
        return ""


def _position(span: _Span) -> tuple[int, int]:
    return span.start, span.end


def _inside_longer(spans: Sequence[_Span]) -> list[bool]:
    """For each span, whether a longer span contains it (same start and end or wider).

    Why a sweep: comparing every pair was a list per match of every paper (~15 matches each);
    sorted by (start, -end), a span is inside a longer one exactly when some earlier span with
    another extent ends at or after its end, so one pass with a running maximum decides all.
    """
    inside = [False] * len(spans)
    best, current = -1, (-1, -1)  # the largest end of the extents before the current one
    for i in sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end)):
        span = spans[i]
        if (span.start, span.end) != current:
            best, current = max(best, current[1]), (span.start, span.end)
        inside[i] = best >= span.end
    return inside


def _outermost_keys(candidates: Sequence[_Span], title_len: int) -> set[str]:
    """Keys of the candidates after the title that no candidate of another, wider extent contains."""
    return {s.key for s, inside in zip(candidates, _inside_longer(candidates), strict=True)
            if s.start_char >= title_len and not inside}


def _noisy_or(weights: Iterable[float]) -> float:
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


def _distinct(quotes: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for q in quotes:
        if q.lower() not in seen:
            seen.add(q.lower())
            out.append(q)
    return out


def pillars_and_topics(tags: Sequence[TopicTag]) -> tuple[list[str], list[str]]:
    """Split tags into pillar labels and topic labels (`ml_for_systems` is in both)."""
    return [t.topic for t in tags if t.topic in PILLARS], [t.topic for t in tags if t.topic in TOPICS]
