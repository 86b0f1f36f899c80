"""Moved to `graph.profiles` (the explorer's pages read it, and they never import ingest); kept for old imports."""

from graph.profiles import ID_FIELDS, RECENT_YEARS, main_affiliation, one_line, profile, summarise

__all__ = ["ID_FIELDS", "RECENT_YEARS", "main_affiliation", "one_line", "profile", "summarise"]
