"""LaTeX in titles: kept as written for a .bib file, rendered as text for a reader.

Titles from ML venues carry their own LaTeX ("Analyzing $D^\\alpha$ seeding for $k$-means",
"\\emph{De Novo}"): 515 of the snapshot's 57,942. A BibTeX field must keep it and escape the
rest; a table cell, a link label or a heading must show "D^α" and "De Novo", not the source.
Both walk the same pieces (`_pieces`), so what counts as the title's own LaTeX is decided once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

# What LaTeX reads as markup in running text; pylatexenc writes the replacement (with `{}` after
# a macro, so `\textasciitilde{}x` stays one word). Every other character stays as UTF-8.
_LATEX_SPECIAL = {
    "\\": r"\textbackslash", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde", "^": r"\textasciicircum",
}


@functools.cache
def _text_encoder() -> Any:  # pylatexenc loads its tables on first use (~0.1 s), not when a page imports this
    from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, {ord(c): tex for c, tex in _LATEX_SPECIAL.items()})],
        replacement_latex_protection="braces-after-macro", unknown_char_policy="keep", unknown_char_warning=False)


@functools.cache
def _latex_to_text() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text")


# LaTeX a title already carries: math ($^2$, \(\varepsilon\)) and one-argument text macros
# (\emph{De Novo}). It is kept as written; everything around it is escaped as text.
_TEX_PIECE = re.compile(
    r"\$\$(?:[^$\\]|\\.)+\$\$"
    r"|(?<!\\)\$(?:[^$\\]|\\.)+\$"
    r"|\\\(.+?\\\)"
    r"|\\\[.+?\\\]"
    r"|\\(?:emph|textit|textbf|texttt|textsc|textrm|textsf|mathrm|mathbf|mathcal|mbox)\{[^{}]*\}")


# Titles come from outside: a kept piece must not read or write files or redefine anything when a
# user's document is compiled (`$\input{/etc/passwd}$`); such a piece is escaped as text instead.
_UNSAFE_MACRO = re.compile(r"\\(?:input|include|write|immediate|open|read|def|edef|gdef|xdef|let|new|renew|provide|"
                           r"catcode|csname|usepackage|special|jobname|loop|makeat|expandafter|DeclareRobust|"
                           r"url|href)", re.IGNORECASE)


def _keepable(piece: str) -> bool:
    """Safe to keep as LaTeX: no file or definition macro, braces balanced."""
    if _UNSAFE_MACRO.search(piece):
        return False
    depth = 0
    for match in re.finditer(r"\\.|[{}]", piece):
        token = match.group()
        depth += token == "{"
        depth -= token == "}"
        if depth < 0:
            return False
    return depth == 0


def _pieces(text: str) -> Iterator[tuple[bool, str]]:
    """(is_latex, piece) in order: the title's own LaTeX, and the plain text between."""
    at = 0
    for match in _TEX_PIECE.finditer(text):
        if not _keepable(match.group()):
            continue
        if match.start() > at:
            yield False, text[at:match.start()]
        yield True, match.group()
        at = match.end()
    if at < len(text):
        yield False, text[at:]


def latex_escape(text: str) -> str:
    """Plain text as LaTeX: the ten special characters escaped (via pylatexenc), the rest unchanged."""
    if not any(ch in _LATEX_SPECIAL for ch in text):
        return text  # most names and titles: pylatexenc's per-character walk is the slow part of a .bib
    return _text_encoder().unicode_to_latex(text)


def tex_text(text: str) -> str:
    """A title or name for a .bib field: its math and text macros kept ("DDM$^2$" stays "DDM$^2$"),
    every other special character escaped ("50% & more" becomes "50\\% \\& more")."""
    return "".join(piece if is_latex else latex_escape(piece) for is_latex, piece in _pieces(text))


def plain_text(text: str | None) -> str:
    """The title as a reader sees it (pylatexenc renders the LaTeX pieces): "DDM$^2$" -> "DDM^2"."""
    if not text or ("$" not in text and "\\" not in text):
        return text or ""  # almost every title and name: no LaTeX to render (a row without a title: none)
    return "".join(_rendered(piece) if is_latex else piece for is_latex, piece in _pieces(text))


_MARKUP = re.compile(r"\\[A-Za-z]+|[${}]")


def _rendered(piece: str) -> str:
    """One LaTeX piece as text. In math, pylatexenc drops text macros with their argument: "$\\texttt{TACO}$" (a
    system's name, 14 titles of the snapshot) came out empty. Such a piece shows its words without the markup."""
    text = _latex_to_text().latex_to_text(piece)
    if text.strip():
        return text
    return _MARKUP.sub("", piece).strip() or piece
