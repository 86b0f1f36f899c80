"""The text fold of id scheme 1, frozen: only to compute the ids earlier builds gave a node.

Scheme 1 deleted every letter NFKD could not turn into ASCII, so Greek, Cyrillic and CJK
names folded to "" (and an author or institution id with them). Scheme 2 (`graph.ids.fold`)
transliterates instead. A node whose id differs between the two keeps its scheme-1 id in
`id_aliases`, so old deep links and saved ids still resolve. Never change this file: its
output *is* the old ids.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPECIAL_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE",
                                  "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i",
                                  "ð": "d", "Ð": "D"})
_LATEX = re.compile(r"\\[a-zA-Z]+\{([^}]*)\}|[{}$\\]")


def legacy_fold(text: str) -> str:
    """`graph.ids.fold` as it was under id scheme 1 (accents stripped, other scripts deleted)."""
    if not text:
        return ""
    if "\\" in text or "{" in text or "$" in text:
        text = _LATEX.sub(lambda m: m.group(1) or "", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS)).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub(" ", text.lower()).strip()
