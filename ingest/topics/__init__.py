"""Topic tagging with spaCy: the four MLSys pillars and the call-for-papers topics.

`tag_papers` sets `Paper.topics` (pillars and topics share `TopicTag`, each with a score
and the phrases or features that earned it) from the title plus the abstract or, when the
abstract may not be shipped, its derived terms; `tag_input()` says which a paper was tagged
from. Rules (`tagger.py`, vocabulary in `taxonomy.toml`) with a learned layer on top
(`learned.py`, refit with `python -m ingest.topics.fit_learned`, changes judged with
`python -m ingest.topics.tuning_cv` on the tuning papers only); `taxonomy()` gives the
Topic nodes and their PART_OF links. Labels are defined in
`tests/data/topics_labelling_guide.md`; the measured quality is in BENCHMARKS.md.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graph import config
from graph.records import Paper, Topic
from ingest.topics.taxonomy import LABELS, PILLARS, TOPICS, Taxonomy, load_taxonomy, topic_nodes

if TYPE_CHECKING:
    from ingest.topics.learned import LearnedModel, LearnedTagger
    from ingest.topics.tagger import (
        ABSTRACT,
        DERIVED_TERMS,
        TITLE_ONLY,
        PaperText,
        TopicTagger,
        community_of_venue_id,
        pillars_and_topics,
    )

# The spaCy-backed parts are imported on first use (PEP 562): importing spaCy costs ~0.5 s, and a cold
# build tags in a forked worker, so the build's own process (whose path is the build's length) never needs it.
_LAZY = {name: "ingest.topics.tagger" for name in ("ABSTRACT", "DERIVED_TERMS", "TITLE_ONLY", "PaperText",
                                                   "TopicTagger", "community_of_venue_id", "pillars_and_topics")}
_LAZY.update({"LearnedModel": "ingest.topics.learned", "LearnedTagger": "ingest.topics.learned"})


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value

# Bump whenever the taxonomy or the scoring changes what gets tagged, so a build knows
# that stored tags are stale.
TAGGER_VERSION = 3

__all__ = ["ABSTRACT", "DERIVED_TERMS", "LABELS", "PILLARS", "TAGGER_VERSION", "TITLE_ONLY", "TOPICS", "LearnedModel",
           "LearnedTagger", "PaperText", "TopicTagger", "community_of_venue_id", "default_tagger", "paper_text",
           "pillars_and_topics", "product_tagger", "tag_input", "tag_papers", "taxonomy"]


@lru_cache(maxsize=1)
def _bundled_taxonomy() -> Taxonomy:
    return load_taxonomy()


@lru_cache(maxsize=1)
def default_tagger() -> TopicTagger:
    """The rule tagger for the bundled taxonomy, built once per process (about a second)."""
    from ingest.topics.tagger import TopicTagger

    return TopicTagger(_bundled_taxonomy())


@lru_cache(maxsize=1)
def product_tagger() -> LearnedTagger:
    """What the build and `mlsys-atlas tag` use: the rules with the learned layer on top.

    Chosen because it beats the rules alone on the frozen v3 held-out split (BENCHMARKS.md,
    topic section); every tag still carries the rule phrases and the features behind it.
    """
    from ingest.topics.learned import LearnedModel, LearnedTagger

    return LearnedTagger(default_tagger(), LearnedModel.load())


def taxonomy() -> tuple[list[Topic], list[tuple[str, str]]]:
    """Topic nodes (pillars and topics) and the (topic id, pillar id) PART_OF pairs.

    Reads only the taxonomy file, so a build that does not tag pays nothing for spaCy.
    """
    return topic_nodes(_bundled_taxonomy())


def paper_text(paper: Paper) -> PaperText:
    """What the tagger reads of a paper record: title, abstract or derived terms, venue community."""
    from ingest.topics.text import PaperText, community_of_venue_id

    return PaperText(paper.title, paper.abstract, community_of_venue_id(paper.venue_id),
                     tuple(paper.derived_terms or ()))


def tag_input(paper: Paper) -> str:
    """Which input a paper's tags come from: "abstract", "derived_terms" or "title_only"."""
    return paper_text(paper).input_kind


def tag_papers(papers: Iterable[Paper], client: Any | None = None) -> Counter[str]:
    """Set `paper.topics` on every paper (nlp.pipe batches); return how many were tagged from each input.

    With a Dask `client`, or ATLAS_DASK set, the papers are tagged in partitions on the cluster
    instead, with identical results (ingest/distributed.py).
    """
    papers = list(papers)
    if client is not None or config.settings().dask:
        from ingest.distributed import client_from_settings, tag_papers_distributed

        if client is not None:
            return tag_papers_distributed(papers, client)
        with client_from_settings() as opened:
            return tag_papers_distributed(papers, opened)
    texts = [paper_text(p) for p in papers]
    for paper, tags in zip(papers, product_tagger().tag(texts), strict=True):
        paper.topics = tags
    return Counter(t.input_kind for t in texts)
