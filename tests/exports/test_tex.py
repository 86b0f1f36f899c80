"""LaTeX in titles as a reader sees it (graph/tex.py): what the explorer shows and the BibTeX key reads."""

from __future__ import annotations

import pytest

from graph.exports import bibtex_key
from graph.tex import plain_text, tex_text


@pytest.mark.parametrize(("title", "shown"), [
    ("Analyzing $D^\\alpha$ seeding for $k$-means", "Analyzing D^α seeding for k-means"),
    ("Towards Robust \\emph{De Novo} Peptide Sequencing", "Towards Robust De Novo Peptide Sequencing"),
    ("Differentiable $ k $-NN Graph Learning", "Differentiable k-NN Graph Learning"),
    # pylatexenc drops a text macro inside math with its argument: the system's name must stay
    ("$\\texttt{AVROBUSTBENCH}$: Benchmarking Robustness", "AVROBUSTBENCH: Benchmarking Robustness"),
    ("$\\texttt{pfl-research}$: simulation framework", "pfl-research: simulation framework"),
    # a piece that renders to nothing and has no words of its own is shown as written
    ("Bandits with $\\sqrtT$ regret", "Bandits with $\\sqrtT$ regret"),
    ("Just Add $100 More: Augmenting Point Clouds", "Just Add $100 More: Augmenting Point Clouds"),
    ("Plain title, 50% & more", "Plain title, 50% & more"),
    (None, ""),  # a row without a title
])
def test_a_title_reads_as_text(title: str | None, shown: str) -> None:
    assert plain_text(title) == shown


def test_the_bib_keeps_the_latex_and_the_key_reads_the_name() -> None:
    title = "$\\texttt{TACO}$: Benchmarking Generalizable Bimanual Tool-ACtion-Object Understanding"
    assert tex_text(title).startswith("$\\texttt{TACO}$")
    assert bibtex_key(["Yun Liu"], 2024, title, "CVPR") == "liu2024cvpr-taco"
