"""The tagger's large tokenizer cache (normalise.TOKENIZER_CACHE_CHUNKS) changes no token and no tag.

spaCy's default cache holds 10,000 chunks; the snapshot has ~70,000, and re-splitting the
rest on every sighting was most of the build's tagging time. A cached chunk must yield the
tokens a fresh split would: compared here on the 800 labelled papers (titles and derived
terms, far more distinct chunks than a cache of 500 can hold) against a tagger whose cache
is switched off.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.topics.normalise import TOKENIZER_CACHE_CHUNKS
from ingest.topics.tagger import PaperText, TopicTagger
from ingest.topics.taxonomy import load_taxonomy

LABELLED = Path(__file__).resolve().parents[1] / "data" / "topics_v3.jsonl"


def test_cached_and_uncached_tokenizers_give_the_same_tokens_and_tags() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [PaperText(r["title"], r.get("abstract"), None, tuple(r.get("derived_terms") or ())) for r in rows]
    cached, uncached = TopicTagger(load_taxonomy()), TopicTagger(load_taxonomy())
    assert cached.nlp.tokenizer.max_cache_size == TOKENIZER_CACHE_CHUNKS
    uncached.nlp.tokenizer.max_cache_size = 0
    for _ in range(2):  # the second pass reads every chunk from the cache
        fast, slow = list(cached.analyse(texts)), list(uncached.analyse(texts))
        assert [[(t.orth_, t.norm_, t.idx, t.whitespace_) for t in a.doc] for a in fast] == \
            [[(t.orth_, t.norm_, t.idx, t.whitespace_) for t in a.doc] for a in slow]
        assert [a.tags for a in fast] == [a.tags for a in slow]
    distinct = {chunk for a in fast for chunk in a.doc.text.split()}
    assert len(distinct) > 10_000  # more than spaCy's default cache holds
    assert sum(bool(a.tags) for a in fast) > 200
