"""No taxonomy phrase may have been learned from held-out papers (issue 15).

A term or block phrase that matches held-out papers of the labelled sets and no other paper
— no tuning paper, no paper of the whole bundled snapshot — is a fragment of those papers
that entered the rules by reading them. Such a phrase must not be in the taxonomy: it
inflates every held-out number. Matching uses the tagger's own tokeniser and matcher.
"""

from __future__ import annotations

import pytest

from ingest.topics import default_tagger
from ingest.topics.leak import CorpusPaper, leaked_phrases, merge_universe, repository_universe
from ingest.topics.tagger import PaperText


@pytest.fixture(scope="module")
def universe() -> list[CorpusPaper]:
    return repository_universe()


def test_no_taxonomy_phrase_matches_only_held_out_papers(universe: list[CorpusPaper]) -> None:
    assert sum(p.heldout for p in universe) >= 150  # both labelled sets are in
    assert len(universe) > 40_000  # and the snapshot
    leaked = leaked_phrases(default_tagger(), universe)
    assert leaked == {}, f"phrases matching only held-out papers (remove them): {leaked}"


def test_the_check_finds_a_planted_leak() -> None:
    # The same machinery on a tiny universe: "model serving" occurs only in a held-out paper.
    papers = merge_universe(
        [CorpusPaper("a", PaperText("Fast model serving"), "heldout"),
         CorpusPaper("b", PaperText("Quantized training"), "tuning")],
        [CorpusPaper("c", PaperText("Quantized transformers")), CorpusPaper("a", PaperText("Fast model serving"))])
    leaked = leaked_phrases(default_tagger(), papers)
    assert leaked["model serving"] == ["Fast model serving"]
    assert "quantized" not in leaked and "training" not in leaked
