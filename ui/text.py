"""Text from the data, made safe for Streamlit's markdown.

Streamlit does not render raw HTML in markdown, but its markdown still interprets
`*`, `_`, `[..](..)`, `$..$` (LaTeX), `:red[..]` directives and `:emoji:` shortcodes.
A title like "Hao Liu*" or "$O(n)$ attention" would be reformatted and a crafted one
could add links or images, so every string from the data passes through
`escape_markdown` before it reaches `st.markdown`, a heading, a label or a link.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=&\"'^])")
_SPACE = re.compile(r"\s+")


def escape_markdown(text: object, max_len: int | None = None) -> str:
    """Backslash-escape every markdown-active character; collapse newlines so a value stays inline."""
    value = _SPACE.sub(" ", "" if text is None else str(text)).strip()
    if max_len is not None and len(value) > max_len:
        value = value[: max_len - 1].rstrip() + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", value)


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural_word or word + 's')}"


def truncate(text: object, max_len: int) -> str:
    value = _SPACE.sub(" ", "" if text is None else str(text)).strip()
    return value if len(value) <= max_len else value[: max_len - 1].rstrip() + "…"
