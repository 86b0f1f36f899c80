"""People search at scale: the store's full-text index against the substring scan and the in-memory index.

Loads N synthetic people (names from `benchmarks/synth.py`'s tables, with middle initials,
so common names have thousands of namesakes, as "Wei Zhang" does) into a fresh embedded
FalkorDB graph, then asks the same queries — full names, names in the other order,
prefixes of both words, a bare common surname — of:

- `search_people`: the build's top people per common name prefix (graph/name_tops.py) when
  they hold the page, else FalkorDB's full-text (RediSearch) index, every word a prefix (what
  the explorer and `mlsys-atlas search` use to name people);
- the full-text statement alone (`search_people` before the table), whose answers
  `search_people` must equal, query by query (counted and printed);
- `search_authors`: the substring scan (`CONTAINS` on the folded key), the baseline;
- `graph.search.NameIndex`: the in-memory fuzzy index (kept for "did you mean").

    python benchmarks/bench_search.py --authors 1000000 [--queries 200] [--seed 7]

Ratios are against the scan, measured in the same run. The scan and the in-memory index
are slow at 1M, so they answer a sample of the queries (`--baseline-queries`).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import FIRST_NAMES, LAST_NAMES  # noqa: E402

from graph.falkor_store import FALKOR_SEARCH_PEOPLE, FalkorStore  # noqa: E402
from graph.fulltext import redisearch_query  # noqa: E402
from graph.ids import fold  # noqa: E402
from graph.search import NameIndex  # noqa: E402

CREATE = ("UNWIND $rows AS r CREATE (:Author {id: r.id, name: r.name, search_key: r.key, paper_count: r.papers, "
          "aliases: []})")


def names(n: int, rng: random.Random) -> list[str]:
    return [f"{rng.choice(FIRST_NAMES)} {chr(65 + rng.randrange(26))}. {rng.choice(LAST_NAMES)}" for _ in range(n)]


KINDS = ("full name", "other order", "prefixes", "bare surname")


def queries(people: list[str], k: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) pairs, the kinds in turn."""
    out = []
    for number, name in enumerate(rng.sample(people, k)):
        first, _, last = name.split(" ")
        kind = KINDS[number % len(KINDS)]
        out.append((kind, {"full name": f"{first} {last}", "other order": f"{last} {first}",
                           "prefixes": f"{first[:3]} {last[:4]}", "bare surname": last}[kind]))
    return out


def timed(run: Callable[[str], object], texts: list[str]) -> list[float]:
    spent = []
    for text in texts:
        start = time.perf_counter()
        run(text)
        spent.append((time.perf_counter() - start) * 1000)
    return spent


def timed_pair(first: Callable[[str], object], second: Callable[[str], object],
               texts: list[str]) -> tuple[list[float], list[float]]:
    """Both asked each query in turn, alternating which goes first, so load spikes hit both alike."""
    one, two = [], []
    for number, text in enumerate(texts):
        for run, spent in ((first, one), (second, two))[::1 if number % 2 else -1]:
            start = time.perf_counter()
            run(text)
            spent.append((time.perf_counter() - start) * 1000)
    return one, two


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline-queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    people = names(args.authors, rng)
    kinds_and_texts = queries(people, args.queries, rng)
    texts = [text for _, text in kinds_and_texts]
    with tempfile.TemporaryDirectory(prefix="atlas-search-") as tmp:
        store = FalkorStore(Path(tmp), "search")
        try:
            start = time.perf_counter()
            with store.building() as target:
                everyone = [{"id": f"author:s{i}", "name": name, "key": fold(name), "papers": 1 + (i * 7919) % 40}
                            for i, name in enumerate(people)]
                table_start, table_cpu = time.perf_counter(), time.process_time()
                target.index_people(everyone)  # what the loader does with the people of a build
                table_s, table_cpu = time.perf_counter() - table_start, time.process_time() - table_cpu
                for offset in range(0, len(people), 20_000):
                    target.write(CREATE, {"rows": everyone[offset:offset + 20_000]})
                index_start = time.perf_counter()
                target.ensure_schema()  # creates the full-text index and waits until it answers completely
            print(f"loaded {len(people):,} people in {index_start - start - table_s:.1f} s; "
                  f"full-text index ready {time.perf_counter() - index_start:.1f} s later; "
                  f"name-prefix table computed in {table_s:.1f} s ({table_cpu:.1f} s of CPU; "
                  f"{store.db.connection.hlen('search__name_tops'):,} prefixes)")
            hits = [len(store.search_people(t, 20)) for t in texts]

            def index_only(text: str) -> list[dict[str, object]]:
                return store.read(FALKOR_SEARCH_PEOPLE, {"q": redisearch_query(text), "limit": 20})

            differ = [t for t in texts if store.search_people(t, 20) != index_only(t)]
            matches = [store.read("CALL db.idx.fulltext.queryNodes('Author', $q) YIELD node RETURN count(node) AS n",
                                  {"q": redisearch_query(t)})[0]["n"] for t in texts]
            fulltext, before = timed_pair(lambda t: store.search_people(t, 20), index_only, texts)
            sample = texts[:args.baseline_queries]
            scan = timed(lambda t: store.search_authors(t, 20), sample)
            start = time.perf_counter()
            memory = NameIndex(({"id": f"author:s{i}", "name": n, "key": fold(n), "papers": 1}
                                for i, n in enumerate(people)), weight_field="papers")
            built = time.perf_counter() - start
            in_memory = timed(lambda t: memory.search(t, limit=20), sample)
        finally:
            store.close()
    base = statistics.median(scan)
    print(f"\n{args.authors:,} people; {len(texts)} queries ({sum(1 for h in hits if h)} with hits); "
          f"baselines on {len(sample)}; search_people differs from the full-text statement on "
          f"{len(differ)} of {len(texts)} queries {differ[:5]}")
    print("| Search | p50 ms | p95 ms | p50 vs scan |")
    print("|---|---|---|---|")
    for label, values in (("search_people (name-prefix table, else full-text index)", fulltext),
                          ("full-text statement alone (search_people before the table)", before),
                          ("search_authors (CONTAINS scan)", scan),
                          (f"NameIndex in memory (built in {built:.1f} s)", in_memory)):
        print(f"| {label} | {statistics.median(values):.1f} | {p95(values):.1f} | "
              f"{statistics.median(values) / base:.3f}× |")
    print("\nby kind of query (hits are capped at 20 rows): search_people, and the statement alone")
    print("| Query | p50 ms | p95 ms | before: p50 ms | before: p95 ms | median matches |")
    print("|---|---|---|---|---|---|")
    for kind in KINDS:
        mine = [ms for (k, _), ms in zip(kinds_and_texts, fulltext, strict=True) if k == kind]
        old = [ms for (k, _), ms in zip(kinds_and_texts, before, strict=True) if k == kind]
        matched = [n for (k, _), n in zip(kinds_and_texts, matches, strict=True) if k == kind]
        print(f"| {kind} | {statistics.median(mine):.1f} | {p95(mine):.1f} | {statistics.median(old):.1f} | "
              f"{p95(old):.1f} | {statistics.median(matched):,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
