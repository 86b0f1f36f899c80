"""A title's words for the pair model's title similarity are those of its fold, whichever way they are found.

`features._words` skips the fold for ASCII titles without LaTeX markup (`graph.ids.fold_or_lower`). A word it found
differently would move every title similarity of that paper's mentions, and with them the people. Checked against
the fold itself on drawn titles that mix cases, digits, punctuation, LaTeX markup and non-ASCII letters.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.ids import fold
from ingest.identity.features import _STOP, _WORD, _words

_ALPHABET = "abcXYZ019 -_:;,.!?()[]{}$\\'\"/éüßŁ中–"


def _fold_words(title: str) -> set[str]:
    return {w for w in _WORD.findall(fold(title)) if w not in _STOP}


@settings(max_examples=500, deadline=None)
@given(title=st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40)
       | st.lists(st.sampled_from(["Deep", "the", "GPU", "x86", "3D", "Zero-Shot", "$\\alpha$", "\\emph{Fast}",
                                   "Schrödinger", "{BERT}", "LLMs:", "on-device", "Net.",
                                   "Sparse\\Dense", "cost$gpu", "Pipe{line}"]),
                  max_size=8).map(" ".join))
def test_the_words_are_those_of_the_fold(title: str) -> None:
    assert _words(title) == _fold_words(title)


def test_real_titles() -> None:
    for title in ["MLPerf Training Benchmark.", "Zero-Shot Text-to-Image Generation",
                  "A$^3$: Accelerating Attention Mechanisms", "\\textsc{TVM}: An Automated End-to-End Compiler",
                  "Efficient Memory Management for Large Language Model Serving with PagedAttention",
                  "Über die Schärfe von GPUs", "FlashAttention-2: Faster Attention with Better Parallelism",
                  "Sparse\\Dense Kernels"]:  # a lone backslash is dropped by the fold: 'sparsedense'
        assert _words(title) == _fold_words(title), title
    assert _words("Zero-Shot Text-to-Image Generation") == {"zero", "shot", "text", "image", "generation"}
