"""Counts written for people to read ("1 paper", "2 papers"), shared by the command line and the explorer.

Why a module of its own: the explorer had the helper (`ui.text`), and the command line, which must not import the
explorer's package, wrote "1 papers".
"""

from __future__ import annotations


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural_word or word + 's')}"
