"""How a built graph's institution credit changes when a paper is credited to what its authors printed on it.

Why: `Projection.paper_institutions` used to credit a paper to every institution any of its authors was affiliated
with in the paper's year ("year"). Since session 62 an author who printed an affiliation on the paper credits only
that one, and an author who printed none credited the year's affiliations ("printed"); since session 63 only the
ones the author printed on the most papers that year ("printed, else most printed": the rule in force). This prints,
for the graph in ATLAS_DATA_DIR, the three rules side by side: (paper, institution) credits, papers credited, and the
institutions whose paper counts move most between the last two.

    ATLAS_DATA_DIR=DIR PYTHONPATH=$PWD .venv/bin/python benchmarks/institution_credit.py [--top 10]
    ATLAS_DATA_DIR=DIR PYTHONPATH=$PWD .venv/bin/python benchmarks/institution_credit.py --read-cost 3

`--read-cost N` times instead what the rule costs the projection's read: the paper rows query with and without
the printed institutions, and a separate query of the printed authorships alone, N alternating rounds.
`--shares INSTITUTION_ID` prints instead how many of the institution's members have under 20 % of their printed
papers there (`bridges.membership_shares`, the bridge institutions' fractional counting).
`--pages` checks instead that every organisation's Institution page counts the papers the analytics credit to it
(its units included) and prints the ones that differ.
`--faces N` prints instead the first N bridge institutions' bridge people, ranked by bridge rank alone (before
session 63) and by bridge score times the member's share there (since).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import queries as q  # noqa: E402
from graph.analytics.projections import PaperRecord, Projection, projection  # noqa: E402
from graph.credit import credited_institutions  # noqa: E402
from graph.open import open_store  # noqa: E402


def year_rule(proj: Projection, paper: PaperRecord) -> set[str]:
    """The old rule: every institution an author was affiliated with in the paper's year."""
    return set().union(*(proj.author_institutions.get(a, {}).get(paper.year, set()) for a in paper.authors))


def printed_rule(proj: Projection, paper: PaperRecord) -> set[str]:
    """Session 62's rule: what the authors printed; every affiliation of the year for an author who printed none."""
    return credited_institutions(paper.authors, paper.year, paper.listed,
                                 lambda author: proj.author_institutions.get(author, {}).get(paper.year, set()))


# ANALYTICS_PAPER_ROWS as it was before the printed institutions (`listed`) were read with it
WITHOUT_LISTED = ("MATCH (a:Author)-[:AUTHORED]->(p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
                  "RETURN p.id AS paper, p.title AS title, p.year AS year, v.name AS venue, "
                  "v.community AS community, collect(a.id) AS authors")


# The alternative to reading `listed` with the paper rows: the printed authorships alone
PRINTED_ALONE = ("MATCH (a:Author)-[r:AUTHORED]->(p:Paper) WHERE r.institution_id IS NOT NULL "
                 "RETURN p.id AS paper, a.id AS author, r.institution_id AS institution")


def read_cost(rounds: int) -> None:
    store = open_store()
    for i in range(rounds):
        for name, query in (("without listed", WITHOUT_LISTED), ("with listed", q.ANALYTICS_PAPER_ROWS),
                            ("printed authorships alone", PRINTED_ALONE)):
            start = time.perf_counter()
            rows = store.read(query)
            print(f"round {i + 1}: {name}: {time.perf_counter() - start:.2f} s ({len(rows):,} rows)")


def shares(institution: str) -> None:
    from graph.analytics.bridges import membership_shares

    proj = projection(open_store())
    share = membership_shares(proj)
    members = {a for (inst, _), people in proj.institution_members.items() if inst == institution for a in people}
    minor = sum(1 for a in members if share.get((a, institution), 1.0) < 0.2)
    print(f"{institution}: {len(members):,} members, {minor:,} with under 20 % of their printed papers there")


def pages() -> None:
    from graph import explore

    store = open_store()
    proj = projection(store)
    credited = Counter(i for paper in proj.papers.values() for i in proj.paper_institutions(paper))
    units = {r["unit"] for r in store.read(q.INSTITUTION_PARENTS)}
    organisations = [r["id"] for r in explore.institution_index_rows(store) if r["id"] not in units]
    differ = []
    for institution in organisations:
        page = sum(r["papers"] for r in explore.institution_papers_by_year(store, institution))
        if page != credited.get(institution, 0):
            differ.append((credited.get(institution, 0) - page, institution, page))
    print(f"{len(organisations):,} organisations; {len(differ)} pages differ from the analytics")
    for missing, institution, page in sorted(differ, reverse=True)[:10]:
        print(f"  {institution}: page {page:,}, analytics {page + missing:,}")


def faces(top: int) -> None:
    from graph.analytics.bridges import bridge_institutions, bridge_people

    proj = projection(open_store())
    bridges = bridge_people(proj, top=500)
    rank = {b.author: i for i, b in enumerate(bridges)}
    members: dict[str, set[str]] = {}
    for (institution, _), people in proj.institution_members.items():
        members.setdefault(institution, set()).update(people)
    for row in bridge_institutions(proj, top, bridge_list=bridges):
        by_rank = sorted((a for a in members[row.institution] if a in rank), key=rank.__getitem__)[:5]
        print(f"{row.name}: by rank: {', '.join(proj.name(a) for a in by_rank)}\n"
              f"{'':<{len(row.name)}}  by share: {', '.join(row.bridge_people)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10, help="institutions listed, by papers lost")
    parser.add_argument("--read-cost", type=int, metavar="N", help="time the projection's paper rows instead")
    parser.add_argument("--shares", metavar="INSTITUTION_ID", help="members with a small share there instead")
    parser.add_argument("--pages", action="store_true", help="compare the Institution pages with the analytics")
    parser.add_argument("--faces", type=int, metavar="N", help="the first N bridge institutions' bridge people")
    args = parser.parse_args()
    if args.read_cost:
        read_cost(args.read_cost)
        return
    if args.shares:
        shares(args.shares)
        return
    if args.pages:
        pages()
        return
    if args.faces:
        faces(args.faces)
        return
    proj = projection(open_store())
    rules = {"year": year_rule, "printed": printed_rule, "printed, else most printed": Projection.paper_institutions}
    counts: dict[str, Counter[str]] = {name: Counter() for name in rules}
    credited: Counter[str] = Counter()
    by_community: Counter[tuple[str, str]] = Counter()
    for paper in proj.papers.values():
        sets = {name: rule(proj, paper) for name, rule in rules.items()}
        # printed affiliations are among the year's, and the most printed among them: each rule only removes credit
        assert sets["printed, else most printed"] <= sets["printed"] <= sets["year"], paper.id
        for name, credit in sets.items():
            counts[name].update(credit)
            credited[name] += bool(credit)
            by_community[(paper.community, name)] += len(credit)
    print(f"papers {len(proj.papers):,}")
    first = sum(counts["year"].values())
    print(f"{'rule':<28} {'papers credited':>15} {'credits':>9} {'vs year':>8}")
    for name in rules:
        total = sum(counts[name].values())
        print(f"{name:<28} {credited[name]:>15,} {total:>9,} {100 * (total - first) / first:>7.1f}%")
    for community in sorted({c for c, _ in by_community}):
        print(f"  {community}: " + " -> ".join(f"{by_community[(community, name)]:,}" for name in rules))
    before, after = counts["printed"], counts["printed, else most printed"]
    print(f"\ninstitutions losing most papers from 'printed' to 'printed, else most printed' (of {len(before):,}):")
    print(f"{'institution':<45} {'before':>7} {'after':>7} {'lost':>6}")
    for institution, lost in sorted(((i, before[i] - after[i]) for i in before), key=lambda x: (-x[1], x[0]))[
            :args.top]:
        name = proj.institution_info.get(institution, (institution, None))[0]
        print(f"{name[:45]:<45} {before[institution]:>7,} {after[institution]:>7,} {lost:>6,}")

if __name__ == "__main__":
    main()
