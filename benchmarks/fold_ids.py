"""What the text fold does to the ids of the full snapshot: empty ids, lost rows, changed ids.

Runs the build's own stages (read, merge, resolve, tag, rows; `ingest.cache.prepare`, no
store) on the bundled snapshot and counts, in the rows the loader would receive:
- AUTHORED / AFFILIATED_WITH rows keyed on an empty author id (loaded, they match no node
  and are dropped without a word) and nodes whose id is empty after its prefix ('inst:');
- relationship rows whose end is not a node of the batch (dangling);
- per label, nodes whose id changed with id scheme 2 (they carry the old one in `id_aliases`);
- people, and quarantined records by reason.
Written to run on both sides of the change (main's code has no `id_aliases`), so the same
command compares them:

    .venv/bin/python benchmarks/fold_ids.py --json before.json   # in a checkout of the old code
    .venv/bin/python benchmarks/fold_ids.py --json after.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.config import PROJECT_ROOT  # noqa: E402
from ingest import cache  # noqa: E402

_END_LABEL = {"author_id": "Author", "paper_id": "Paper", "institution_id": "Institution", "venue_id": "Venue",
              "cited_id": "Paper"}


def measure(snapshot_dir: Path) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        prepared = cache.prepare(snapshot_dir, Path(data_dir), include_ingested=False, use_cache=False)
    nodes, rels = prepared.nodes, prepared.rels
    ids = {label: {row["id"] for row in rows} for label, rows in nodes.items()}
    empty_nodes = {label: sorted(r["id"] for r in rows if not r["id"] or r["id"].endswith(":"))
                   for label, rows in nodes.items()}
    report: dict = {
        "people": len(nodes.get("Author", [])),
        "papers": len(nodes.get("Paper", [])),
        "institutions": len(nodes.get("Institution", [])),
        "authorships": len(rels.get("AUTHORED", [])),
        "affiliations": len(rels.get("AFFILIATED_WITH", [])),
        "authored_empty_author_id": sum(1 for r in rels.get("AUTHORED", []) if not r["author_id"]),
        "affiliated_empty_author_id": sum(1 for r in rels.get("AFFILIATED_WITH", []) if not r["author_id"]),
        "nodes_with_empty_id": {label: found for label, found in empty_nodes.items() if found},
        "empty_id_node_names": [r["props"].get("name") for rows in nodes.values() for r in rows
                                if r["id"].endswith(":")],
    }
    dangling: Counter = Counter()
    for kind, rows in rels.items():
        for row in rows:
            for key, label in _END_LABEL.items():
                if key in row and row[key] not in ids.get(label, ()):
                    dangling[f"{kind}.{key}"] += 1
    report["dangling_rows"] = dict(dangling)
    report["nodes_with_id_aliases"] = {label: sum(1 for r in rows if r["props"].get("id_aliases"))
                                       for label, rows in nodes.items() if label in ("Author", "Paper", "Institution")}
    reasons = Counter(f"{q.source}: {q.reason.split(':', 1)[0].split(' (', 1)[0]}" for q in prepared.quarantined)
    report["quarantined"] = len(prepared.quarantined)
    report["quarantined_by_reason"] = dict(reasons.most_common(25))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshot", type=Path, default=PROJECT_ROOT / "data" / "snapshot")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    report = measure(args.snapshot)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
