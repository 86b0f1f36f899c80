"""How common a name is, from the whole snapshot, for corpora too small to say.

`namesakes.name_commonness` multiplies how many given names go with a surname by how
many surnames go with a given name, per distinct name. In the whole snapshot that tells
'Tao Li' (19.9) from 'Matei Zaharia' (0.001). In a set resolved alone, such as a few
thousand HPCA mentions given to `mlsys-atlas resolve`, most surnames have been seen with
one or two given names, so every name looks alike ('Changmin Lee' and 'Onur Mutlu' both
near 0.2). The prior keeps the counts of the snapshot's names (the same definitions as
`features.Corpus`: distinct surname + first given name pairs, folded) so that a small
corpus can borrow them; a corpus with more distinct names than the prior uses its own.

The table is `name_prior.json.gz`, written by `benchmarks/bench_identity.py --prior`
from the snapshot's author names (bibliographic facts; counts of 1 are left out, a name
part the prior does not hold counts as seen once).
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.identity.features import Corpus
from ingest.identity.names import ParsedName

PRIOR_PATH = Path(__file__).with_name("name_prior.json.gz")


@dataclass(frozen=True)
class NamePrior:
    surname_diversity: dict[str, int]  # folded surname -> distinct given names seen with it
    given_diversity: dict[str, int]  # folded first given name -> distinct surnames seen with it
    distinct_names: int
    source: str = ""

    def to_json(self) -> dict:
        keep = 2  # a part seen with one partner is what an unknown part counts as anyway
        return {"source": self.source, "distinct_names": self.distinct_names,
                "surname_diversity": {k: v for k, v in sorted(self.surname_diversity.items()) if v >= keep},
                "given_diversity": {k: v for k, v in sorted(self.given_diversity.items()) if v >= keep}}


def build(parsed: Iterable[ParsedName], source: str) -> NamePrior:
    """Counts of the names as `features.Corpus` counts them."""
    distinct = {(p.given, p.surname) for p in parsed}
    return NamePrior(dict(Counter(s for _, s in distinct)), dict(Counter(g for g, _ in distinct)),
                     len(distinct), source)


def write(prior: NamePrior, path: Path = PRIOR_PATH) -> None:
    path.write_bytes(gzip.compress(json.dumps(prior.to_json(), ensure_ascii=False, separators=(",", ":"))
                                   .encode(), mtime=0))


@lru_cache(maxsize=1)
def default_prior() -> NamePrior | None:
    if not PRIOR_PATH.exists():
        return None
    data = json.loads(gzip.decompress(PRIOR_PATH.read_bytes()))
    return NamePrior(data["surname_diversity"], data["given_diversity"], int(data["distinct_names"]),
                     data.get("source", ""))


def commonness(corpus: Corpus, prior: NamePrior | None = None) -> np.ndarray:
    """`namesakes.name_commonness` of each mention's name, from the prior unless the corpus knows more."""
    return commonness_of(corpus.parsed, corpus, prior)


def commonness_of(names: Sequence[ParsedName], corpus: Corpus, prior: NamePrior | None = None) -> np.ndarray:
    """`commonness` of the given parsed names, with the counts of `corpus` or of the prior."""
    from ingest.identity.namesakes import name_commonness  # namesakes imports evidence, which needs features

    prior = prior if prior is not None else default_prior()
    if prior is None or corpus.distinct_names >= prior.distinct_names:
        surnames, givens, distinct = corpus.surname_diversity, corpus.given_diversity, corpus.distinct_names
    else:
        surnames, givens, distinct = prior.surname_diversity, prior.given_diversity, prior.distinct_names
    return np.fromiter((name_commonness(max(surnames.get(p.surname, 0), 1), max(givens.get(p.given, 0), 1),
                                        distinct) for p in names),
                       dtype=np.float64, count=len(names))
