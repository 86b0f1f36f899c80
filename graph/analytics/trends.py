"""Trends: topic shares per year and venue, rising and falling topics, institution, country and sector mix.

Shares are of *all* papers in the group (not only tagged ones), so a topic's share is
comparable across years even when the tagger finds more in some years. Works with
whatever labels exist: the four pillars today, call-for-papers topics once the tagger
emits them (`kind` tells them apart).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from graph.analytics.projections import PaperRecord, Projection
from graph.analytics.sectors import classify_institution

GROUPINGS = ("year", "venue", "community", "year_venue", "year_community")


def _papers(proj: Projection, community: str | None, venue: str | None) -> Iterable[PaperRecord]:
    for paper in proj.papers.values():
        if (community is None or paper.community == community) and (venue is None or paper.venue == venue):
            yield paper


def _group(paper: PaperRecord, by: str) -> tuple[object, ...]:
    return {"year": (paper.year,), "venue": (paper.venue,), "community": (paper.community,),
            "year_venue": (paper.year, paper.venue), "year_community": (paper.year, paper.community)}[by]


def topic_shares(proj: Projection, by: str = "year", *, kind: str | None = None, community: str | None = None,
                 venue: str | None = None) -> list[dict[str, object]]:
    """Papers and share per (group, topic label); `by` is one of GROUPINGS, `kind` "pillar" or "topic"."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    keys = by.split("_")
    totals: Counter[tuple[object, ...]] = Counter()
    tagged: Counter[tuple[tuple[object, ...], str]] = Counter()
    for paper in _papers(proj, community, venue):
        group = _group(paper, by)
        totals[group] += 1
        for tag in proj.data.paper_topics.get(paper.id, ()):
            if kind is None or tag.kind == kind:
                tagged[(group, tag.label)] += 1
    kinds = proj.topic_kinds
    labels = sorted({label for _, label in tagged})
    out: list[dict[str, object]] = []
    for group in sorted(totals, key=lambda g: tuple((x is None, str(x)) for x in g)):
        for label in labels:
            n = tagged.get((group, label), 0)
            out.append({**dict(zip(keys, group, strict=True)), "label": label, "kind": kinds.get(label, "topic"),
                        "papers": n, "total": totals[group], "share": round(n / totals[group], 4)})
    return out


MIN_YEAR_PAPERS = 30  # the explorer's trends leave out a year with fewer papers in the venues chosen


@dataclass
class TopicMove:
    label: str
    kind: str
    early_share: float  # mean yearly share in the `window` years before the recent window
    recent_share: float  # mean yearly share in the last `window` years
    change_pp: float  # percentage points
    slope_pp_per_year: float  # least-squares trend over all years
    papers: int
    direction: str  # rising | falling | flat


def topic_movers(proj: Projection, *, window: int = 3, kind: str | None = None, min_papers: int = 5,
                 flat_pp: float = 0.5, community: str | None = None, min_year_papers: int = 0) -> list[TopicMove]:
    """Topics ordered from fastest rising to fastest falling (change of mean share between windows).

    `min_year_papers`: years with fewer papers (of `community`) are left out of the windows, as the explorer's
    trend chart leaves them out (`MIN_YEAR_PAPERS`): one paper of three is a share of 33 %, and a window ending
    in such a year called a topic rising or falling on noise.
    """
    rows = topic_shares(proj, "year", kind=kind, community=community)
    series: dict[str, dict[int, float]] = defaultdict(dict)
    papers: Counter[str] = Counter()
    for row in rows:
        if row["year"] is not None and int(row["total"]) >= min_year_papers:  # type: ignore[call-overload]
            series[str(row["label"])][int(row["year"])] = float(row["share"])  # type: ignore[arg-type]
            papers[str(row["label"])] += int(row["papers"])  # type: ignore[call-overload]
    years = sorted({y for s in series.values() for y in s})
    recent, early = years[-window:], years[-2 * window:-window]
    kinds = proj.topic_kinds
    out: list[TopicMove] = []
    for label, by_year in series.items():
        if papers[label] < min_papers or not early:
            continue
        recent_share = sum(by_year.get(y, 0.0) for y in recent) / len(recent)
        early_share = sum(by_year.get(y, 0.0) for y in early) / len(early)
        change = 100 * (recent_share - early_share)
        out.append(TopicMove(label, kinds.get(label, "topic"), round(early_share, 4), round(recent_share, 4),
                             round(change, 2), round(100 * _slope(years, [by_year.get(y, 0.0) for y in years]), 3),
                             papers[label], "rising" if change > flat_pp else "falling" if change < -flat_pp
                             else "flat"))
    return sorted(out, key=lambda m: (-m.change_pp, m.label))


def explorer_movers(proj: Projection, kind: str | None, community: str | None = None) -> list[TopicMove]:
    """The explorer's "Rising and falling" table: `topic_movers` over the years its trend chart shows.

    Why one function: the page and `mlsys-atlas warm` (which saves the all-venue answers with the build) must
    memoise it under one key, or the page never reads what warm saved. All venues keep the key warm saves."""
    scope = () if community is None else (community,)
    return proj.memo(("answer", "topic_movers", kind, MIN_YEAR_PAPERS, *scope),
                     lambda: topic_movers(proj, kind=kind, community=community, min_year_papers=MIN_YEAR_PAPERS))


def _slope(xs: list[int], ys: list[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def _mix(proj: Projection, key_of: str, *, top: int, community: str | None, venue: str | None,
         by_year: bool) -> list[dict[str, object]]:
    """Share of papers per (year, institution | country | sector); a paper counts once per value."""
    totals: Counter[int | None] = Counter()
    counts: Counter[tuple[int | None, str]] = Counter()
    types = proj.institution_types()  # once, not per paper
    for paper in _papers(proj, community, venue):
        year = paper.year if by_year else None
        institutions = proj.paper_institutions(paper)
        totals[year] += 1
        if key_of == "institution":
            values = institutions
        elif key_of == "country":
            values = {proj.institution_info.get(i, (i, None))[1] or "unknown" for i in institutions}
        else:
            sectors = {classify_institution(proj.institution_info.get(i, (i, None))[0], types.get(i))
                       for i in institutions}  # the organisation's type where known, else its name
            known = sectors - {"unknown"}
            values = {"collaboration" if len(known) > 1 else next(iter(known)) if known else "unknown"}
        for value in values or ({"unknown"} if key_of != "institution" else set()):
            counts[(year, value)] += 1
    overall: Counter[str] = Counter()
    for (_, value), n in counts.items():
        overall[value] += n
    keep = {v for v, _ in overall.most_common(top)} if top else set(overall)
    out: list[dict[str, object]] = []
    for (year, value), n in sorted(counts.items(), key=lambda kv: (kv[0][0] or 0, -kv[1], kv[0][1])):
        if value not in keep:
            continue
        row: dict[str, object] = {"year": year} if by_year else {}
        row[key_of] = value
        if key_of == "institution":
            name, country = proj.institution_info.get(value, (value, None))
            row.update({"name": name, "country": country})
        row.update({"papers": n, "share": round(n / totals[year], 4)})
        out.append(row)
    return out


def institution_mix(proj: Projection, *, top: int = 15, community: str | None = None, venue: str | None = None,
                    by_year: bool = True) -> list[dict[str, object]]:
    """Top institutions by papers (overall), with their share of each year's papers."""
    return _mix(proj, "institution", top=top, community=community, venue=venue, by_year=by_year)


def country_mix(proj: Projection, *, top: int = 15, community: str | None = None, venue: str | None = None,
                by_year: bool = True) -> list[dict[str, object]]:
    """Share of each year's papers with an author affiliated in each country ('unknown' when no country)."""
    return _mix(proj, "country", top=top, community=community, venue=venue, by_year=by_year)


def sector_mix(proj: Projection, *, community: str | None = None, venue: str | None = None,
               by_year: bool = True) -> list[dict[str, object]]:
    """Papers from academia only, industry only, collaborations of both, or unknown affiliations."""
    return _mix(proj, "sector", top=0, community=community, venue=venue, by_year=by_year)
