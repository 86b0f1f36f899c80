"""Which taxonomy phrases are evidence learned from held-out papers (issue 15).

A phrase that matches held-out papers and nothing else — no tuning paper, no other paper of
the whole snapshot — can only have entered the taxonomy by reading the held-out split: it is
a verbatim fragment of their titles, and it inflates the held-out score. `leaked_phrases`
finds them; a test keeps the list empty. Phrases are matched exactly as the tagger matches
them (same tokeniser, lemma norms and PhraseMatcher), on every input a paper has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.topics.tagger import PaperText, TopicTagger


@dataclass(frozen=True)
class CorpusPaper:
    """One paper of the matching universe; labelled papers carry their split, others None."""

    key: str  # normalised title: the same paper from two sources counts once
    text: PaperText
    split: str | None = None

    @property
    def heldout(self) -> bool:
        return self.split == "heldout"


def phrase_hits(tagger: TopicTagger, papers: Sequence[CorpusPaper]) -> dict[str, set[int]]:
    """For every matched taxonomy phrase (normalised key): the indices of the papers it occurs in."""
    hits: dict[str, set[int]] = defaultdict(set)
    for index, (doc, _) in enumerate(tagger.docs(p.text for p in papers)):
        for key in tagger.matched_keys(doc):
            hits[key].add(index)
    return dict(hits)


def merge_universe(labelled: Iterable[CorpusPaper], others: Iterable[CorpusPaper]) -> list[CorpusPaper]:
    """Labelled papers first (a held-out label wins over a tuning one), then unlabelled papers not already in."""
    by_key: dict[str, CorpusPaper] = {}
    for paper in labelled:
        old = by_key.get(paper.key)
        if old is None or (paper.heldout and not old.heldout):
            by_key[paper.key] = paper
    out = list(by_key.values())
    for paper in others:
        if paper.key not in by_key:
            by_key[paper.key] = paper
            out.append(paper)
    return out


def repository_universe() -> list[CorpusPaper]:
    """Both labelled sets (with their effective splits) and every paper of the bundled snapshot."""
    from graph import config
    from ingest.snapshot import read_snapshot
    from ingest.topics import paper_text
    from ingest.topics.evaluate import load_dev_set, load_v3_set, title_key

    dev = load_dev_set()
    labelled = [CorpusPaper(title_key(p.title), p.text(), p.split) for p in dev + load_v3_set(dev=dev)]
    snapshot = (CorpusPaper(title_key(p.title), paper_text(p)) for p in read_snapshot(config.snapshot_dir()).papers)
    return merge_universe(labelled, snapshot)


def leaked_phrases(tagger: TopicTagger, papers: Sequence[CorpusPaper]) -> dict[str, list[str]]:
    """Taxonomy phrases (as written) that match at least one paper, all of them held out -> their titles."""
    hits = phrase_hits(tagger, papers)
    out: dict[str, list[str]] = {}
    for key, where in hits.items():
        if all(papers[i].heldout for i in where):
            for phrase in sorted(tagger.entries[key].phrases):
                out[phrase] = sorted(papers[i].text.title for i in where)
    return out


def tuning_only_phrases(tagger: TopicTagger, papers: Sequence[CorpusPaper]) -> dict[str, list[str]]:
    """Phrases that match only labelled tuning papers (candidates for over-fitted title fragments)."""
    hits = phrase_hits(tagger, papers)
    out: dict[str, list[str]] = {}
    for key, where in hits.items():
        if all(papers[i].split in ("dev", "tuning") for i in where):
            for phrase in sorted(tagger.entries[key].phrases):
                out[phrase] = sorted(papers[i].text.title for i in where)
    return out
