"""Systems-ML overlap: where people and institutions publish, and where MLSys authors come from.

Venue communities are those of the venue table (`graph.venues`): systems (OSDI, SOSP,
NSDI, EuroSys, ATC, SoCC, FAST, ...), architecture (ISCA, MICRO, HPCA, ASPLOS — which also
counts as systems), data (SIGMOD, VLDB, CIDR), ml (NeurIPS, ICML, ICLR), mlsys and other.
Definitions, used everywhere in the explorer and the organizer notebook:

- An **MLSys author of year Y** wrote at least one paper published in year Y at the MLSys
  conference (community `mlsys`, kind `conference`; the MLSys workshop items never count).
- Their **background**, mode `prior` (the default: where people *come from*): they have
  a *systems background* if they published at a systems-side venue (systems, architecture
  or data) in a year before Y, an *ML background* likewise for ML venues. Classes: `both`,
  `systems`, `ml`, `neither`. Mode `any` counts such papers in any year of the data
  (before, during or after Y: a person's affinity rather than their origin).
- Each background community is also reported on its own (`community_shares` of a year:
  the share of that year's MLSys authors with a prior paper in it; an author can count in
  several, ASPLOS counts in architecture and systems).
- MLSys papers never count as background, and the data's coverage bounds what can be
  seen: see `graph.coverage` — the shares of a year whose MLSys list is partial, or that
  rest on fewer than `SMALL_SAMPLE` authors, carry a caveat.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Literal

from graph.analytics.projections import COMMUNITIES, Projection
from graph.venues import BACKGROUND_COMMUNITIES

BackgroundMode = Literal["prior", "any"]
CLASSES: tuple[str, ...] = ("systems", "ml", "both", "neither")
# A share computed over fewer authors than this is flagged as a small sample wherever it is shown.
SMALL_SAMPLE = 50


@dataclass
class AuthorBackground:
    """One MLSys author in one year, with the evidence behind their class."""

    author: str
    name: str
    year: int
    background: str  # systems | ml | both | neither
    systems_papers: int  # counted under the mode (before `year` for prior)
    ml_papers: int
    first_systems_year: int | None
    first_ml_year: int | None
    mlsys_papers: int  # their MLSys papers that year
    communities: tuple[str, ...] = ()  # background communities with a paper under the mode


@dataclass
class BackgroundYear:
    year: int
    authors: int
    systems: int
    ml: int
    both: int
    neither: int
    systems_share: float
    ml_share: float
    both_share: float
    neither_share: float
    # share of the year's MLSys authors with a (prior) paper in each background community
    community_shares: dict[str, float] = field(default_factory=dict)
    small_sample: bool = False  # fewer than SMALL_SAMPLE authors


def classify(has_systems: bool, has_ml: bool) -> str:
    return "both" if has_systems and has_ml else "systems" if has_systems else "ml" if has_ml else "neither"


def _years_by_community(proj: Projection, author: str) -> dict[str, list[int]]:
    """Years of an author's papers per side (`side:systems`, `side:ml`) and per community."""
    years: dict[str, list[int]] = defaultdict(list)
    for pid in proj.author_papers.get(author, ()):
        paper = proj.papers[pid]
        if paper.year is not None:
            years[f"side:{paper.side}"].append(paper.year)
            for community in paper.communities or (paper.community,):
                years[community].append(paper.year)
    return years


def is_mlsys_conference(paper: object, community: str = "mlsys") -> bool:
    return getattr(paper, "community", None) == community and getattr(paper, "kind", "conference") != "workshop"


def mlsys_author_backgrounds(proj: Projection, mode: BackgroundMode = "prior", *,
                             community: str = "mlsys") -> list[AuthorBackground]:
    """Every (MLSys author, year) with a background class and the paper counts behind it."""
    if mode not in ("prior", "any"):
        raise ValueError("mode must be 'prior' or 'any'")

    def compute() -> list[AuthorBackground]:
        out: list[AuthorBackground] = []
        mlsys_by_author: dict[str, Counter[int]] = defaultdict(Counter)
        for paper in proj.papers.values():
            if is_mlsys_conference(paper, community) and paper.year is not None:
                for author in paper.authors:
                    mlsys_by_author[author][paper.year] += 1
        for author in sorted(mlsys_by_author):
            years = _years_by_community(proj, author)
            sys_years, ml_years = sorted(years.get("side:systems", [])), sorted(years.get("side:ml", []))
            for year, n in sorted(mlsys_by_author[author].items()):
                if mode == "prior":
                    n_sys = sum(1 for y in sys_years if y < year)
                    n_ml = sum(1 for y in ml_years if y < year)
                    communities = tuple(c for c in BACKGROUND_COMMUNITIES if any(y < year for y in years.get(c, ())))
                else:
                    n_sys, n_ml = len(sys_years), len(ml_years)
                    communities = tuple(c for c in BACKGROUND_COMMUNITIES if years.get(c))
                out.append(AuthorBackground(
                    author, proj.name(author), year, classify(n_sys > 0, n_ml > 0), n_sys, n_ml,
                    sys_years[0] if sys_years else None, ml_years[0] if ml_years else None, n, communities))
        return out

    return proj.memo(("backgrounds", mode, community), compute)


def background_by_year(proj: Projection, mode: BackgroundMode = "prior", *, year_from: int | None = None,
                       year_to: int | None = None) -> list[BackgroundYear]:
    """For each year: how many MLSys authors had a systems, ML, both or neither background."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    by_community: dict[int, Counter[str]] = defaultdict(Counter)
    for row in mlsys_author_backgrounds(proj, mode):
        if (year_from is None or row.year >= year_from) and (year_to is None or row.year <= year_to):
            counts[row.year][row.background] += 1
            by_community[row.year].update(row.communities)
    out = []
    for year in sorted(counts):
        c = counts[year]
        total = sum(c.values())
        shares = {k: round(by_community[year][k] / total, 4) for k in BACKGROUND_COMMUNITIES}
        out.append(BackgroundYear(year, total, c["systems"], c["ml"], c["both"], c["neither"],
                                  *(round(c[k] / total, 4) for k in CLASSES), community_shares=shares,
                                  small_sample=total < SMALL_SAMPLE))
    return out


def change_start(rows: list[BackgroundYear], since: int = 2018) -> int | None:
    """The year `background_change` measures from: `since`, or the first year after it that has MLSys authors
    (the conference's first edition is 2019, so "since 2018" is measured from 2019 and must say so)."""
    return next((r.year for r in rows if r.year >= since), None)


def background_change(rows: list[BackgroundYear], since: int = 2018) -> dict[str, float]:
    """Percentage-point change of each class share from `change_start` to the last year."""
    rows = [r for r in rows if r.year >= since]
    if len(rows) < 2:
        return {}
    first, last = rows[0], rows[-1]
    return {f"{k}_pp": round(100 * (getattr(last, f"{k}_share") - getattr(first, f"{k}_share")), 1) for k in CLASSES}


def community_shares(counts: Counter[str]) -> dict[str, float]:
    total = sum(counts.values())
    return {c: round(counts.get(c, 0) / total, 4) if total else 0.0 for c in COMMUNITIES}


def author_shares(proj: Projection, authors: list[str] | None = None, *,
                  by_year: bool = True) -> list[dict[str, object]]:
    """Share of each author's papers at systems / ML / MLSys / other venues, per year (or overall)."""
    out: list[dict[str, object]] = []
    for author in sorted(authors if authors is not None else proj.author_papers):
        groups: dict[int | None, Counter[str]] = defaultdict(Counter)
        for pid in proj.author_papers.get(author, ()):
            paper = proj.papers[pid]
            groups[paper.year if by_year else None][paper.community] += 1
        for year in sorted(groups, key=lambda y: y or 0):
            row: dict[str, object] = {"author": author, "name": proj.name(author)}
            if by_year:
                row["year"] = year
            row["papers"] = sum(groups[year].values())
            row.update(community_shares(groups[year]))
            out.append(row)
    return out


def institution_shares(proj: Projection, *, by_year: bool = True, min_papers: int = 1,
                       institutions: list[str] | None = None) -> list[dict[str, object]]:
    """Share of each institution's papers per venue community (a paper counts once per institution it is
    credited to: `Projection.paper_institutions`)."""
    groups: dict[tuple[str, int | None], Counter[str]] = defaultdict(Counter)
    wanted = set(institutions) if institutions is not None else None
    for paper in proj.papers.values():
        for institution in proj.paper_institutions(paper):
            if wanted is None or institution in wanted:
                groups[(institution, paper.year if by_year else None)][paper.community] += 1
    totals: Counter[str] = Counter()
    for (institution, _), counts in groups.items():
        totals[institution] += sum(counts.values())
    out: list[dict[str, object]] = []
    for (institution, year), counts in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        if totals[institution] < min_papers:
            continue
        name, country = proj.institution_info.get(institution, (institution, None))
        row: dict[str, object] = {"institution": institution, "name": name, "country": country}
        if by_year:
            row["year"] = year
        row["papers"] = sum(counts.values())
        row.update(community_shares(counts))
        out.append(row)
    return out


def venue_communities(proj: Projection) -> list[dict[str, object]]:
    """Venues with their community and paper counts in range: the classification the overlap uses."""
    counts: Counter[tuple[str, str]] = Counter((p.venue, p.community) for p in proj.papers.values())
    return [{"venue": v, "community": c, "papers": n} for (v, c), n in sorted(counts.items(), key=lambda kv: -kv[1])]
