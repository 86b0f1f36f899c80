"""How the explorer words lists of years (ui/text.py)."""

from __future__ import annotations

from ui.text import by_note, years_text


def test_consecutive_years_read_as_a_span() -> None:
    assert years_text([2025, 2023, 2024, 2019]) == "2019, 2023–2025"
    assert years_text([2020]) == "2020"
    assert years_text([]) == ""


def test_years_sharing_a_note_are_named_once() -> None:
    notes = {2019: "only 9 authors (small sample)", 2023: "the MLSys list is partial",
             2024: "the MLSys list is partial", 2025: "the MLSys list is partial"}
    assert by_note(notes) == "2019: only 9 authors (small sample); 2023–2025: the MLSys list is partial"
