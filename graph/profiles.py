"""A person at a glance: years, main affiliation, top venues and ids, read from the built graph.

Two profiles with one name must be told apart without opening either: the command line
(`mlsys-atlas people show`), search results and the Person page all show this summary.
The main affiliation comes from the person's own most recent papers (their affiliation
edges of the last three years they have any), never from a namesake's.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.store import GraphStore

ID_FIELDS = (("orcid", "ORCID"), ("dblp_pid", "DBLP"), ("openreview_id", "OpenReview"), ("s2_id", "S2"))
RECENT_YEARS = 3


def main_affiliation(institutions: list[dict[str, Any]]) -> str | None:
    """The institution the person printed most often over their last RECENT_YEARS affiliated years (ties: latest).

    Each row counts its `papers` (the papers of that year printing it; 1 where a row has no count): by years
    alone, one paper whose source printed its affiliations out of order weighed as much as a year of papers.
    """
    dated = [row for row in institutions if row.get("name")]
    if not dated:
        return None
    years = sorted({row["year"] for row in dated if row.get("year") is not None}, reverse=True)[:RECENT_YEARS]
    recent = [row for row in dated if row.get("year") in years] or dated
    counts: Counter[str] = Counter()
    for row in recent:
        counts[row["name"]] += int(row.get("papers") or 1)
    latest = {row["name"]: row.get("year") or 0 for row in recent}
    return max(counts, key=lambda name: (counts[name], latest[name], name))


def no_affiliation_after(papers: list[dict[str, Any]], latest_year: int | None) -> str:
    """'; no affiliation recorded for their 14 later papers': said beside a latest affiliation older than their papers.

    Why: the latest affiliation is the one printed on the person's latest papers that print any. Where the later
    papers' sources print none (many ML-venue records carry no affiliations), 'MIT (2018)' beside 'Active
    2018–2025' read as if the person had left, or as an error; the note says what the graph knows."""
    if not latest_year:
        return ""
    later = sum(1 for row in papers if (row.get("year") or 0) > latest_year)
    if not later:
        return ""
    return f"; no affiliation recorded for their {later} later paper{'s' if later > 1 else ''}"


def summarise(author: dict[str, Any], papers: list[dict[str, Any]], institutions: list[dict[str, Any]]) -> dict:
    years = [row["year"] for row in papers if row.get("year")]
    venues = Counter(row["venue"] for row in papers if row.get("venue"))
    return {
        "id": author.get("id"), "name": author.get("name"), "aliases": list(author.get("aliases") or []),
        "papers": len(papers), "years": (min(years), max(years)) if years else None,
        "main_affiliation": main_affiliation(institutions),
        "top_venues": [venue for venue, _ in venues.most_common(3)],
        "ids": {label: author[field] for field, label in ID_FIELDS if author.get(field)},
        "reasons": list(author.get("merge_reasons") or []),
        "mentions": sorted(f"{row['id']}#{row['position']}" for row in papers if row.get("position") is not None),
    }


def profile(store: GraphStore, author_id: str) -> dict | None:
    author = store.author(author_id)
    if author is None:
        return None
    return summarise(dict(author), store.author_papers(author_id), store.author_institutions(author_id))


def one_line(summary: dict) -> str:
    """'2012–2025 · UC Berkeley · NSDI, ICML, OSDI · DBLP s/IonStoica': the distinguishing facts."""
    parts = []
    if summary.get("years"):
        first, last = summary["years"]
        parts.append(f"{first}" if first == last else f"{first}–{last}")
    if summary.get("main_affiliation"):
        parts.append(summary["main_affiliation"])
    if summary.get("top_venues"):
        parts.append(", ".join(summary["top_venues"]))
    parts += [f"{label} {value}" for label, value in summary.get("ids", {}).items() if label in ("ORCID", "DBLP")]
    return " · ".join(parts)
