"""How a built graph's institution credit changes when a paper is credited to what its authors printed on it.

Why: `Projection.paper_institutions` used to credit a paper to every institution any of its authors was affiliated
with in the paper's year. Now an author who printed an affiliation on the paper credits only that one; an author
who printed none still credits the year's affiliations. This prints, for the graph in ATLAS_DATA_DIR, both rules
side by side: (paper, institution) credits, papers credited, and the institutions whose paper counts move most.

    ATLAS_DATA_DIR=DIR PYTHONPATH=$PWD .venv/bin/python benchmarks/institution_credit.py [--top 10]
    ATLAS_DATA_DIR=DIR PYTHONPATH=$PWD .venv/bin/python benchmarks/institution_credit.py --read-cost 3

`--read-cost N` times instead what the rule costs the projection's read: the paper rows query with and without
the printed institutions, and a separate query of the printed authorships alone, N alternating rounds.
`--shares INSTITUTION_ID` prints instead how many of the institution's members have under 20 % of their printed
papers there (`bridges.membership_shares`, the bridge institutions' fractional counting).
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
from graph.open import open_store  # noqa: E402


def year_rule(proj: Projection, paper: PaperRecord) -> set[str]:
    """The old rule: every institution an author was affiliated with in the paper's year."""
    return set().union(*(proj.author_institutions.get(a, {}).get(paper.year, set()) for a in paper.authors))


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10, help="institutions listed, by papers lost")
    parser.add_argument("--read-cost", type=int, metavar="N", help="time the projection's paper rows instead")
    parser.add_argument("--shares", metavar="INSTITUTION_ID", help="members with a small share there instead")
    args = parser.parse_args()
    if args.read_cost:
        read_cost(args.read_cost)
        return
    if args.shares:
        shares(args.shares)
        return
    proj = projection(open_store())
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    by_community: Counter[tuple[str, str]] = Counter()
    credited = [0, 0]
    for paper in proj.papers.values():
        old, new = year_rule(proj, paper), proj.paper_institutions(paper)
        assert new <= old, paper.id  # printed affiliations are among the year's: the rule only removes credit
        before.update(old)
        after.update(new)
        credited[0] += bool(old)
        credited[1] += bool(new)
        by_community[(paper.community, "before")] += len(old)
        by_community[(paper.community, "after")] += len(new)
    total_before, total_after = sum(before.values()), sum(after.values())
    print(f"papers {len(proj.papers):,}; credited to an institution: {credited[0]:,} before, {credited[1]:,} after")
    print(f"(paper, institution) credits: {total_before:,} before, {total_after:,} after "
          f"({100 * (total_before - total_after) / total_before:.1f} % fewer)")
    for community in sorted({c for c, _ in by_community}):
        b, a = by_community[(community, "before")], by_community[(community, "after")]
        if b:
            print(f"  {community}: {b:,} -> {a:,} ({100 * (b - a) / b:.1f} % fewer)")
    print(f"\ninstitutions losing most papers (of {len(before):,} credited):")
    print(f"{'institution':<45} {'before':>7} {'after':>7} {'lost':>6}")
    for institution, lost in sorted(((i, before[i] - after[i]) for i in before), key=lambda x: (-x[1], x[0]))[
            :args.top]:
        name = proj.institution_info.get(institution, (institution, None))[0]
        print(f"{name[:45]:<45} {before[institution]:>7,} {after[institution]:>7,} {lost:>6,}")


if __name__ == "__main__":
    main()
