"""What a resolution keeps once it has clustered (ICLR 2022): only what later steps read.

Why (issue 20, bounded memory): everything kept after clustering stays until the people are made.
- Merge records: a resolution keeps only those a reviewer can see; a threshold fit keeps them all.
  Nine merge records in ten are confident merges (linkage at or above `review_high`). The review
  queue skips them and each copies both sides' members, so they grow faster than the corpus. Dropping
  them must change no review item and no confidence, while the fit of the review band
  (`training.py`) still reads every merge's outcome.
- Each cluster's tally of reasons shares one string per reason text (~75 texts, millions of merges).
- The mention-id index is made only for reviewers' decisions and curation.
- The co-author-of-co-author caches of `ClusterEvidence.linked` serve the namesake guard and the
  duplicate joins only.
"""

from __future__ import annotations

from graph.records import Paper
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.resolver import _Run


def _resolved(mentions: list, keep_confident_merges: bool) -> tuple[_Run, list[str], list[float], list[dict]]:
    run = _Run(mentions, default_model(), ())
    run.keep_confident_merges = keep_confident_merges
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()
    run.after_clustering()
    _, person_ids, confidences = run.people()
    return run, person_ids, confidences, run.review_items(person_ids)


def test_confident_merges_are_not_kept_and_change_nothing_a_user_sees(_iclr2022_papers: list[Paper]) -> None:
    mentions = list(mentions_from_papers(_iclr2022_papers))
    lean, lean_ids, lean_confidences, lean_items = _resolved(mentions, keep_confident_merges=False)
    full, full_ids, full_confidences, full_items = _resolved(mentions, keep_confident_merges=True)
    review_high = default_model().review_high
    confident = [r for r in full.records if r.merged and r.linkage >= review_high]
    assert len(confident) > 50  # what the fit reads (training.py) and a build no longer keeps
    assert not any(r.merged and r.linkage >= review_high for r in lean.records)
    assert len(lean.records) == len(full.records) - len(confident)
    assert (lean_ids, lean_confidences) == (full_ids, full_confidences)
    assert lean_items == full_items and any(item["action"] == "merged" for item in lean_items)
    texts = [text for tally in lean.reasons.values() for text in tally]
    assert len(texts) > 1_000 and len({id(text) for text in texts}) == len(set(texts))
    assert "index" not in vars(lean)  # no decision, no curation: never made
    assert lean.evidence._papers_of_key is None and not lean.evidence._reach  # built for the guard, then dropped
