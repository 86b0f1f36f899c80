"""Draw the frozen held-out sample of "tail" affiliation strings for the country check (issue 14).

Tail strings are the distinct printed affiliations of the snapshot that the resolver could not
match to the organisation table (method "new") and that no source gave a country for: exactly the
strings whose country has to come from the string itself. The sample was drawn once, at commit
c8df261 (before any country rule was written), with seed 14, and hand-labelled from the string
alone into tests/data/institutions_tail_countries.jsonl. Re-running prints the same 150 strings
only with the resolver of that commit; the frozen file, not this script, is the test set.

    PYTHONPATH=$PWD .venv/bin/python scripts/sample_tail_affiliations.py > sample.txt
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.config import PROJECT_ROOT  # noqa: E402
from ingest.institutions import InstitutionResolver  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402

SEED, SIZE = 14, 150


def tail_strings() -> list[str]:
    snapshot = read_snapshot(PROJECT_ROOT / "data" / "snapshot")
    resolver = InstitutionResolver()
    strings: dict[str, bool] = {}  # string -> some authorship gave it a country
    for paper in snapshot.papers:
        for a in paper.authorships:
            if not a.affiliation:
                continue
            source = snapshot.institutions.get(a.institution_id or "")
            country = a.country or (source.country if source else None)
            if resolver.resolve(a.affiliation, country).method == "new":
                strings[a.affiliation] = strings.get(a.affiliation, False) or bool(country)
    return sorted(s for s, has_country in strings.items() if not has_country)


def main() -> None:
    for text in random.Random(SEED).sample(tail_strings(), SIZE):
        print(text)


if __name__ == "__main__":
    main()
