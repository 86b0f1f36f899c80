"""Does the embedded store's people search find everyone it should? A check on real names.

Builds the small snapshot subset (the test suite's: MLSys seed list, OSDI, NSDI, ICML 2023,
ICLR 2022) into DATA_DIR (once; reused when it exists) and asks, for single letters,
two-letter prefixes, sampled names, surnames and names cut to two letters a word, at limits 20
and 100:

- `search_people` (the build's name-prefix lists, else the full-text index with the query words
  expanded from the build's vocabulary),
- the full-text statement alone (every word a RediSearch prefix: the previous search_people),
- a brute-force scan of every person's search key (every query word a prefix of one of its
  words, most papers first, then name, then id): the meaning both should have.

    python benchmarks/search_exactness.py /tmp/atlas-search-check
"""

from __future__ import annotations

import random
import string
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atlas_cli import wiring  # noqa: E402
from graph import config, name_tops  # noqa: E402
from graph.falkor_store import FALKOR_SEARCH_PEOPLE, NAME_TOPS_SUFFIX, FalkorStore  # noqa: E402
from graph.fulltext import query_words, redisearch_query  # noqa: E402
from ingest.build import build  # noqa: E402

SUBSET = ("ML_Seed_Papers.csv", "osdi_base_data.json.gz", "nsdi_base_data.json.gz", "icml2023.json.gz",
          "iclr2022.json.gz")


def main() -> int:
    wiring.install()
    data = Path(sys.argv[1])
    store = FalkorStore(data, "atlas")
    try:
        if not store.exists():
            build(store, config.PROJECT_ROOT / "data" / "snapshot", data, quiet=True,
                  only_files=lambda p: p.name in SUBSET)
        rows = store.read("MATCH (a:Author) RETURN a.id AS id, a.name AS name, a.search_key AS key, "
                          "a.paper_count AS papers")
        print(f"{len(rows):,} people; {store.db.connection.hlen(f'atlas{NAME_TOPS_SUFFIX}')} name prefixes listed")
        rng = random.Random(1)
        texts = list(string.ascii_lowercase) + [a + b for a in "acjlmswyz" for b in "aehiou"]
        texts += [r["name"] for r in rng.sample(rows, 60)] + [r["name"].split()[-1] for r in rng.sample(rows, 60)]
        texts += [" ".join(w[:2] for w in r["name"].split()) for r in rng.sample(rows, 40)]
        outcome: Counter[str] = Counter()
        for text in texts:
            words = list(dict.fromkeys(query_words(text)))
            for limit in (20, 100):
                matching = (r for r in rows if words and name_tops.matches_all(name_tops.words_of(r["key"]), words))
                truth = [r["id"] for r in sorted(matching, key=name_tops.order_key)[:limit]]
                now = [r["id"] for r in store.search_people(text, limit)]
                before = [r["id"] for r in store.read(FALKOR_SEARCH_PEOPLE,
                                                      {"q": redisearch_query(text), "limit": limit})]
                outcome["checks"] += 1
                outcome["search_people differs from the scan"] += now != truth
                outcome["statement alone differs from the scan"] += before != truth
    finally:
        store.close()
    for what, n in outcome.items():
        print(f"{what}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
