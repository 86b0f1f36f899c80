"""Institution resolution: quality on the hand-labelled set, nodes before/after, and its cost in a build.

Quality: B³ precision/recall/F1 of string -> organisation on the frozen held-out split and on the
tuning split, accuracy and B³-F1 on the unit where the label has one, precision/recall of "not an
organisation", and whether any look-alike pair (UC Berkeley / Berkeley College / LBNL, WashU /
UW, UC campuses, ...) was put together (tests/data/institutions_labelled.md).

Nodes: on the full snapshot, the institution nodes the build made before this resolver (one per
distinct raw string id) against organisation nodes now, for the top 200 organisations and overall,
plus the "Carnegie Mellon" / "Stanford" variants a user searching would see.

Speed: resolving every affiliation of the snapshot (fresh resolver, table load included), against
the baseline measured in the same run: the build's read stage (parsing the snapshot).

    .venv/bin/python benchmarks/bench_institutions.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import ids  # noqa: E402
from graph.config import PROJECT_ROOT  # noqa: E402
from graph.ids import fold  # noqa: E402
from ingest.institutions import InstitutionResolver  # noqa: E402
from ingest.institutions.decisions import CorrectedResolver  # noqa: E402
from ingest.institutions.evaluate import load_labelled, score, score_countries  # noqa: E402
from ingest.institutions.link import link_institutions  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402

SNAPSHOT = PROJECT_ROOT / "data" / "snapshot"
LABELLED = PROJECT_ROOT / "tests" / "data" / "institutions_labelled.jsonl"
TAIL_COUNTRIES = PROJECT_ROOT / "tests" / "data" / "institutions_tail_countries.jsonl"


def quality() -> None:
    resolver = InstitutionResolver()
    print("quality on the hand-labelled set (tests/data/institutions_labelled.jsonl)")
    print(f"  {'split':8} {'items':>5} {'orgs':>5} {'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} {'unit acc':>10} "
          f"{'unit B3-F1':>10} {'not-org P':>9} {'not-org R':>9} {'look-alike pairs':>17}")
    for split in ("heldout", "tuning"):
        s = score(resolver, load_labelled(LABELLED, split))
        print(f"  {split:8} {s.items:5} {s.organisations:5} {s.b3_precision:6.3f} {s.b3_recall:6.3f} {s.b3_f1:6.3f} "
              f"{s.unit_accuracy:6.3f} ({s.unit_items:2}) {s.unit_b3_f1:10.3f} {s.not_org_precision:9.3f} "
              f"{s.not_org_recall:9.3f} "
              f"{len(s.look_alike_pairs_merged):>4} merged of {s.look_alike_pairs_checked:2}")
    items = [json.loads(line) for line in TAIL_COUNTRIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    c = score_countries(resolver, items)
    print(f"countries of held-out tail strings (tests/data/institutions_tail_countries.jsonl): {c.items} strings, "
          f"{c.labelled} placeable by hand; country given {c.given}, right {c.correct}: "
          f"precision {c.precision:.3f}, coverage {c.coverage:.3f}")
    for basis in ("place", "known"):
        b = score_countries(resolver, [i for i in items if i["basis"] == basis])
        print(f"  basis {basis:5}: {b.labelled} labelled, {b.correct} right, {b.given - b.correct} wrong, "
              f"coverage {b.coverage:.3f}")


def nodes(papers: list, institutions: list) -> None:
    by_id = {i.id: i for i in institutions}
    old_ids: dict[str, set[str]] = defaultdict(set)  # organisation -> raw-string node ids it replaces
    counts: Counter[str] = Counter()
    old_nodes: set[str] = set()
    for paper in papers:
        for a in paper.authorships:
            if not a.affiliation:
                continue
            old = ids.institution_id(a.affiliation)
            old_nodes.add(old)
            if a.institution_id:
                org = by_id[a.institution_id].parent_id or a.institution_id
                counts[org] += 1
                old_ids[org].add(old)
    top = [org for org, _ in counts.most_common(200)]
    print("nodes on the full snapshot")
    print(f"  institution nodes       before {len(old_nodes):6,}  after {len(institutions):6,} "
          f"({sum(1 for i in institutions if i.curated):,} from the table, "
          f"{sum(1 for i in institutions if not i.curated):,} named from unmatched strings)")
    print(f"  top 200 organisations   before {sum(len(old_ids[o]) for o in top):6,}  after {len(top):6,} "
          f"(max {max(len(old_ids[o]) for o in top)} raw-string nodes for one: "
          f"{by_id[max(top, key=lambda o: len(old_ids[o]))].name})")
    without_country = sum(1 for i in institutions if not i.country)
    print(f"  nodes without a country after: {without_country:,} (all outside the table); "
          f"top-200 nodes with country and type: {sum(1 for o in top if by_id[o].country and by_id[o].type)}/200")
    country_sources = Counter(i.country_source for i in institutions)
    type_sources = Counter(i.type_source for i in institutions)
    print(f"  country from: {dict(country_sources.most_common())}")
    print(f"  type from:    {dict(type_sources.most_common())} (type 'other' with no evidence: "
          f"{sum(1 for i in institutions if i.type_source == 'none')})")
    old_names = {fold(a.affiliation) for p in papers for a in p.authorships if a.affiliation}
    for query in ("carnegie mellon", "stanford", "google", "microsoft"):
        before = sum(1 for n in old_names if query in n)
        after = sum(1 for i in institutions if query in fold(i.name))
        print(f"  search {query!r:18} before {before:4} names  after {after:3} nodes")


def speed(runs: int) -> None:
    read_times, link_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        snapshot = read_snapshot(SNAPSHOT)
        read_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        institutions, report = link_institutions(snapshot.papers, snapshot.institutions,
                                                 resolver=CorrectedResolver(InstitutionResolver(), {}, {}))
        link_times.append(time.perf_counter() - start)
    read_s, link_s = statistics.median(read_times), statistics.median(link_times)
    print(f"speed (median of {runs})")
    print(f"  baseline: read stage      {read_s:6.2f} s  ({len(snapshot.papers):,} records)")
    print(f"  resolve all affiliations  {link_s:6.2f} s  ({report.authorships:,} authorships, {report.strings:,} "
          f"distinct strings; {link_s / read_s:.2f}x the read stage)")
    print(f"  answers: {report.methods}")
    return snapshot.papers, institutions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    quality()
    papers, institutions = speed(args.runs)
    nodes(papers, institutions)


if __name__ == "__main__":
    main()
