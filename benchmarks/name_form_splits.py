"""People a built graph keeps apart although one prints a form of the other's name: how many pairs, per form.

Why: identity resolution compares two mentions only when their given names can be one person's
(`names.given_relation`), and the labelled sets hold few printed variants of one name, so they cannot show such
splits. This counts them in a graph, pairs of people with one surname whose printed names are:

- `initial`: "<initial> <Name> <Surname>" and "<Name> <Surname>" ('J Zico Kolter', 'Zico Kolter');
- `two-letter`: "<Aa> <Bbb> <Surname>" and "<AaBbb> <Surname>" ('IL CHUL MOON', 'Il-chul Moon');
- `hypocorism`: given names the nicknames table relates, in one name block ('Tom' / 'Thomas'), with how many of
  those pairs share a co-author (the ones most likely one person);
- `goes-by`: "<Name> <Middle> <Surname>" and "<Middle> <Surname>" ('Hugh Brendan McMahan', 'Brendan McMahan';
  `goes_by.middle_gone_by`);
- `hypocorism-elsewhere`: given names of two initials the nicknames table relates ('Bill' / 'William';
  `hypocorisms.full_forms_elsewhere`).

`--dblp` counts the same `goes-by` pairs of printed names in the DBLP person-id set of `bench_identity.py`
(`benchmarks/data/identity/dblp_pid_mentions.jsonl.gz`), and how many of them are one person there. DBLP files
one person's name variants under one id; OpenReview does not (a profile's every name has an id of its own:
'~Seyed_Mehran_Kazemi1' and '~Mehran_Kazemi1'), so the OpenReview ids cannot judge these pairs.

`--pairs SURNAME` prints instead the pair model's probabilities between the printed forms of a surname, resolving
the snapshot's papers that hold it (as `resolve` would, strong ids kept): why two forms stay apart.

    ATLAS_DATA_DIR=DIR PYTHONPATH=$PWD .venv/bin/python benchmarks/name_form_splits.py [--top 10]
    PYTHONPATH=$PWD .venv/bin/python benchmarks/name_form_splits.py --pairs tenenbaum
    PYTHONPATH=$PWD .venv/bin/python benchmarks/name_form_splits.py --dblp
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest.identity.goes_by import middle_gone_by  # noqa: E402
from ingest.identity.hypocorisms import full_forms_elsewhere, relatives  # noqa: E402
from ingest.identity.names import parse_name  # noqa: E402

_INITIAL_FIRST = re.compile(r"^[A-Z]\.?\s+([A-Z][a-z]+.*)$")


def split_pairs(rows: list[dict], coauthors: dict[str, set[str]]) -> dict[str, list[tuple]]:
    """Form -> [(name, papers, other name, papers, co-authors in common)] over the graph's people."""
    by_name: dict[str, list[dict]] = defaultdict(list)
    by_given: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_name[r["name"].lower()].append(r)
        parsed = parse_name(r["name"])
        by_given[(parsed.surname, parsed.given)].append(r)
    found: dict[str, list[tuple]] = defaultdict(list)

    def add(form: str, a: dict, b: dict) -> None:
        shared = len(coauthors.get(a["id"], set()) & coauthors.get(b["id"], set()))
        found[form].append((a["name"], a["n"], b["name"], b["n"], shared))

    for r in rows:
        parsed = parse_name(r["name"])
        match = _INITIAL_FIRST.match(r["name"])
        for other in by_name.get(match.group(1).lower(), []) if match else []:
            add("initial", r, other)
        if len(parsed.given) == 2 and parsed.middles and len(parsed.middles[0]) > 1:
            for other in by_given.get((parsed.surname, parsed.given + parsed.middles[0]), []):
                add("two-letter", r, other)
        for name in relatives(parsed.given) if len(parsed.given) > 2 else ():
            if name > parsed.given:
                for other in by_given.get((parsed.surname, name), []):
                    add("hypocorism", r, other)
        middle = middle_gone_by(parsed)
        for other in by_given.get((parsed.surname, middle), []) if middle else ():
            add("goes-by", r, other)
        for name in full_forms_elsewhere(parsed.given):
            for other in by_given.get((parsed.surname, name), []):
                add("hypocorism-elsewhere", r, other)
    return found


def dblp_counts() -> None:
    rows = [json.loads(line) for line in gzip.open(Path(__file__).parent / "data" / "identity" /
                                                   "dblp_pid_mentions.jsonl.gz")]
    names: dict[str, set[str]] = defaultdict(set)  # printed name -> its DBLP person ids
    for row in rows:
        names[row["name"]].add(row["truth_dblp"])
    by_given: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in names:
        parsed = parse_name(name)
        by_given[(parsed.surname, parsed.given)].append(name)
    pairs = [(name, other) for name in sorted(names) for middle in [middle_gone_by(parse_name(name))] if middle
             for other in by_given.get((parse_name(name).surname, middle), [])]
    print(f"DBLP person-id set: {len(rows):,} mentions; goes-by pairs of printed names: {len(pairs)}")
    for name, other in pairs:
        print(f"    {name!r} / {other!r}: {'one person' if names[name] & names[other] else 'two people'}")


def graph_counts(top: int) -> None:
    from graph.open import open_store

    store = open_store()
    rows = store.read("MATCH (a:Author)-[:AUTHORED]->(p:Paper) RETURN a.id AS id, a.name AS name, count(p) AS n")
    coauthors = {r["a"]: set(r["bs"]) for r in store.read(
        "MATCH (a:Author)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(b:Author) "
        "RETURN a.id AS a, collect(DISTINCT b.id) AS bs")}
    print(f"people: {len(rows):,}")
    for form, pairs in sorted(split_pairs(rows, coauthors).items()):
        print(f"{form}: {len(pairs)} pairs of people, {sum(1 for p in pairs if p[4])} sharing a co-author")
        for pair in sorted(pairs, key=lambda p: (-p[4], -p[1] - p[3]))[:top]:
            print("   ", pair)


def form_probabilities(surname: str) -> None:
    from resolve_steps import merged_papers  # benchmarks/, the script's own folder

    from ingest.identity import resolver
    from ingest.identity.mentions import mentions_from_papers
    from ingest.identity.model import default_model

    papers = [p for p in merged_papers() if any(surname in a.name.lower() for a in p.authorships)]
    mentions = list(mentions_from_papers(papers))
    run = resolver._Run(mentions, default_model(), (), (), None, 1, None)
    run.clean_all()
    run.link_strong_ids()
    table = run.cluster_blocks()
    scores: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for left, right, p, shared in zip(table.left.tolist(), table.right.tolist(), table.probabilities.tolist(),
                                      table.shared.tolist(), strict=True):
        forms = tuple(sorted((mentions[left].name, mentions[right].name)))
        if surname in forms[0].lower() and surname in forms[1].lower():
            scores[forms].append((p, shared))
    for forms, values in sorted(scores.items()):
        p = np.array([v[0] for v in values])
        print(f"{forms}: {len(values)} pairs, probability mean {p.mean():.3f} max {p.max():.3f}, "
              f"{sum(1 for v in values if v[1])} sharing a co-author")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10, help="pairs printed per form, most co-authors in common first")
    parser.add_argument("--pairs", metavar="SURNAME", help="the pair model's probabilities between a surname's forms")
    parser.add_argument("--dblp", action="store_true", help="goes-by pairs in the DBLP person-id set")
    args = parser.parse_args()
    if args.dblp:
        dblp_counts()
    elif args.pairs:
        form_probabilities(args.pairs.lower())
    else:
        graph_counts(args.top)


if __name__ == "__main__":
    main()
