"""The frozen held-out split of the labelled topic sets: a seeded hash of the paper id.

Frozen before any rule was written against the v3 labelled set (issue 15): a paper is
held out when the first 8 hex digits of sha256(SEED + id), modulo 1000, are below
HELDOUT_PER_MILLE. The rule depends on nothing but the id, so it cannot drift with the
labels, the order of the file or the tagger's output, and anyone can recompute it. Never
change SEED or HELDOUT_PER_MILLE: every number reported on the held-out split would stop
meaning "never tuned on".

The older dev set (tests/data/topics_dev.jsonl) keeps the `split` field it was labelled with.
"""

from __future__ import annotations

import hashlib

SEED = "mlsys-atlas/topics-v3/heldout"
HELDOUT_PER_MILLE = 300  # 30% of papers held out
HELDOUT, TUNING = "heldout", "tuning"


def split_of(paper_id: str) -> str:
    """"heldout" or "tuning" for a labelled paper, from its id alone."""
    digest = hashlib.sha256(f"{SEED}:{paper_id}".encode()).hexdigest()
    return HELDOUT if int(digest[:8], 16) % 1000 < HELDOUT_PER_MILLE else TUNING


def is_heldout(paper_id: str) -> bool:
    return split_of(paper_id) == HELDOUT
