"""How well an author's other papers of a year predict the institutions they print on one paper.

Why: a paper credits, for an author who printed no affiliation on it, some of that author's affiliations of the
paper's year (`graph.credit.credited_institutions`). Whether to impute all of them, or only the ones the author
printed most, needs labels, and the graph holds them: every authorship that did print an affiliation. Hide it,
predict it from the same author's other papers of that year, compare. The rules compared:

- `all`: every institution printed on the author's other papers of the year (the rule until session 63);
- `mode`: the institutions printed on the most of those papers, ties all of them (the rule since: AFFILIATED_WITH's
  `main`, graph.loader.rel_rows);
- `share>=S`: the institutions printed on at least the share S of those papers;
- `mode+years`: `mode`, with a tie broken by the author's papers of every year (the rule since session 64: three
  one-off affiliations of one year were all main). `--exclude` leaves authors out of the scores: the case that
  suggested this rule was a held-out author (J Zico Kolter, both of his profiles), so the held-out figure
  reported for it leaves him out.

Scores are micro precision / recall / F1 over (authorship, institution) credits. Authors are split in two halves by
a hash of their id, fixed before any rule was compared (`--split tune` / `held-out`): choose on `tune`, report on
`held-out`. A proxy with a known bias: the hidden authorships are ones that printed an affiliation, while the
imputed ones did not (other sources, other venues, other years).

    ATLAS_DATA_DIR=DIR PYTHONPATH=$PWD .venv/bin/python benchmarks/imputation_quality.py [--split held-out] \
        [--exclude AUTHOR_ID ...]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.analytics.projections import projection  # noqa: E402
from graph.loader import main_organisations  # noqa: E402
from graph.open import open_store  # noqa: E402

# (the other papers' counts of the year, how many papers those are, the author's counts of every year but this paper)
Rule = Callable[[Counter[str], int, Counter[str]], set[str]]


def in_split(author: str, split: str) -> bool:
    """`tune`: authors whose id's sha1 ends in an even hex digit; `held-out`: the others; `all`: everyone."""
    if split == "all":
        return True
    even = int(hashlib.sha1(author.encode()).hexdigest()[-1], 16) % 2 == 0
    return even == (split == "tune")


def rule_all(counts: Counter[str], papers: int, every: Counter[str]) -> set[str]:
    return set(counts)


def rule_mode(counts: Counter[str], papers: int, every: Counter[str]) -> set[str]:
    top = max(counts.values())
    return {inst for inst, n in counts.items() if n == top}


def rule_mode_years(counts: Counter[str], papers: int, every: Counter[str]) -> set[str]:
    return main_organisations(dict(counts), every)


def rule_share(share: float) -> Rule:
    def rule(counts: Counter[str], papers: int, every: Counter[str]) -> set[str]:
        return {inst for inst, n in counts.items() if n >= share * papers}
    return rule


def score(printed: dict[tuple[str, int], list[set[str]]], rule: Rule) -> tuple[float, float, float, int]:
    """(precision, recall, F1, authorships judged): each printed set hidden in turn and predicted from the others."""
    hit = predicted = truth = judged = 0
    ever: dict[str, Counter[str]] = defaultdict(Counter)  # author -> institution -> papers printing it, every year
    for (author, _year), sets in printed.items():
        for own in sets:
            ever[author].update(own)
    for (author, _year), sets in printed.items():
        if len(sets) < 2:
            continue
        total: Counter[str] = Counter()
        for own in sets:
            total.update(own)
        for own in sets:
            others = total.copy()
            others.subtract(own)
            others = +others
            every = ever[author].copy()
            every.subtract(own)
            guess = rule(others, len(sets) - 1, every) if others else set()
            hit += len(guess & own)
            predicted += len(guess)
            truth += len(own)
            judged += 1
    p = hit / predicted if predicted else 0.0
    r = hit / truth if truth else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, judged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "held-out", "all"), default="tune")
    parser.add_argument("--exclude", nargs="*", default=[], help="author ids left out of the scores")
    args = parser.parse_args()
    proj = projection(open_store())
    printed: dict[tuple[str, int], list[set[str]]] = defaultdict(list)
    for paper in proj.papers.values():
        if paper.year is None:
            continue
        by_author: dict[str, set[str]] = defaultdict(set)
        for author, institution in paper.listed:
            by_author[author].add(institution)
        for author, institutions in by_author.items():
            if in_split(author, args.split) and author not in args.exclude:
                printed[(author, paper.year)].append(institutions)
    rules: list[tuple[str, Rule]] = [("all", rule_all), ("mode", rule_mode), ("mode+years", rule_mode_years)]
    rules += [(f"share>={s:.2f}", rule_share(s)) for s in (0.2, 0.34, 0.5)]
    print(f"split {args.split}: {sum(len(v) for v in printed.values()):,} printed authorships, "
          f"{sum(1 for v in printed.values() if len(v) > 1):,} author-years with 2+")
    print(f"{'rule':<12} {'precision':>9} {'recall':>7} {'F1':>7} {'judged':>8}")
    for name, rule in rules:
        p, r, f, n = score(printed, rule)
        print(f"{name:<12} {p:>9.4f} {r:>7.4f} {f:>7.4f} {n:>8,}")


if __name__ == "__main__":
    main()
