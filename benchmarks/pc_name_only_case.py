"""A name-only programme-committee case on the built graph, with the truth from the graph's person ids.

    .venv/bin/python benchmarks/pc_name_only_case.py --out /tmp/pc-case          # write the case
    .venv/bin/mlsys-atlas pc-audit /tmp/pc-case/members.csv --submissions /tmp/pc-case/submissions.csv \
        --coi-years 3 --reference-year YEAR --out /tmp/pc-case/audit
    .venv/bin/python benchmarks/pc_name_only_case.py --out /tmp/pc-case --score /tmp/pc-case/audit/pc_conflicts.csv

The case mimics issue 16's acceptance test: the systems conference-year (2022 or later)
with the number of papers closest to 66 as submissions (author names only), and the 45
people most published at systems and MLSys venues in the three years before as the PC
(names only). The truth is every (member, submission) pair where the member is an author
or wrote a paper with one of its authors in the window, by the graph's person ids. So this
measures only what matching *names* loses (namesakes, split profiles), not identity errors;
the independent case in the issue takes its truth from DBLP person ids instead.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.ids import fold  # noqa: E402

PC_SIZE, SUBMISSIONS, COI_YEARS = 45, 66, 3


def write_case(out: Path) -> None:
    from graph.analytics.projections import projection
    from graph.open import open_store

    store = open_store()
    try:
        proj = projection(store)
    finally:
        store.close()
    sizes = Counter((p.venue, p.year) for p in proj.papers.values() if p.side == "systems" and (p.year or 0) >= 2022)
    venue, year = min(sizes, key=lambda vy: (abs(sizes[vy] - SUBMISSIONS), vy))
    subs = sorted((p for p in proj.papers.values() if (p.venue, p.year) == (venue, year)), key=lambda p: p.id)
    window = range(year - COI_YEARS, year + 1)
    active = Counter(a for p in proj.papers.values() if p.year in window and p.side in ("systems", "mlsys")
                     for a in p.authors)
    pc = [a for a, _ in active.most_common(PC_SIZE)]
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "members.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name"])
        writer.writerows([proj.name(a)] for a in pc)
    truth = set()
    with open(out / "submissions.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "authors"])
        for i, paper in enumerate(subs):
            writer.writerow([f"S{i}", paper.title, "; ".join(proj.name(a) for a in paper.authors)])
            for member in pc:
                joint = any(set(paper.authors) & set(proj.papers[q].authors) and (proj.papers[q].year or 0) in window
                            for q in proj.author_papers.get(member, []) if q != paper.id)
                if member in paper.authors or joint:
                    truth.add((proj.name(member), f"S{i}"))
    (out / "truth.json").write_text(json.dumps({"venue": venue, "year": year, "pairs": sorted(truth)}, indent=1))
    print(f"{venue} {year}: {len(subs)} submissions, {len(pc)} members, {len(truth)} true author/co-author "
          f"conflicts; reference year {year}")


def score(out: Path, conflicts_csv: Path) -> None:
    truth = {(fold(m), s) for m, s in json.loads((out / "truth.json").read_text())["pairs"]}
    with open(conflicts_csv, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["kind"] in ("author", "coauthor")]

    def pairs(selected: list[dict[str, str]]) -> set[tuple[str, str]]:
        return {(fold(r["member_name"]), r["submission"]) for r in selected}

    for label, found in (("definite", pairs([r for r in rows if r.get("certainty", "definite") == "definite"])),
                         ("definite + possible", pairs(rows))):
        hit = len(truth & found)
        print(f"{label}: recall {hit}/{len(truth)} = {hit / len(truth):.1%}; pairs reported {len(found)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--score", type=Path, default=None, help="a pc_conflicts.csv to score against the truth")
    args = parser.parse_args()
    if args.score:
        score(args.out, args.score)
    else:
        write_case(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
