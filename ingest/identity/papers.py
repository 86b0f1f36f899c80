"""Paper identity: fold the records of one real paper from several sources into one `Paper`.

Two records are the same paper when they share a strong id (DOI, arXiv, S2, OpenAlex,
OpenReview, DBLP key), or when their normalised titles match (`rapidfuzz` ratio >= 95,
case, accents, LaTeX and DBLP's trailing period ignored), their years differ by at
most one, their author surnames overlap and they come from different sources (pairs with
the closest years, then the same venue, are joined first; two papers that already hold a record
of one source are never joined by title). Records holding *different* ids of one
kind (two DOIs: a workshop and a journal version) are never merged.

Field precedence, first non-empty value wins, sources ranked by `SOURCE_RANK`
(curated bibliographic sources over scraped lists, arXiv last because its year and
venue are the preprint's): title, year, venue, abstract, derived terms, url. Every external id of
every record is kept. Authorships come from the highest-ranked record that has any;
the others are aligned to them by name (surname + first initial, then position when
the lists have the same length) and fill in missing ids and affiliations. The merged
id is recomputed from the merged strong ids, so the same input always gives the same id.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from graph import ids
from graph.records import Authorship, Paper
from ingest.identity.cluster import ConstrainedUnionFind
from ingest.identity.names import clean_name, fold, parse_name

# mlsys_proceedings, sysconf_eitanf, micro2018: the venues' own index pages and programs, so their
# title, year and venue win over S2's (SLAQ is SoCC 2017, not an "MLSys 2017" item)
SOURCE_RANK = {"openreview": 0, "aicpl": 1, "dblp": 2, "sysconf": 3, "mlsys_proceedings": 3, "openalex": 4,
               "sysconf_eitanf": 4, "micro2018": 4, "papercopilot": 5, "s2": 6, "mlsys_seed_s2": 6, "arxiv": 8}
_DEFAULT_RANK = 7
TITLE_MATCH = 95.0
_ALL_PAIRS_UP_TO = 8  # records sharing one exact title key: compare all pairs up to this many
_ID_FIELDS = ("doi", "arxiv_id", "s2_id", "openalex_id", "openreview_id", "dblp_key")
_AUTHORSHIP_FILL = ("affiliation", "institution_id", "country", "s2_author_id", "openreview_id", "openalex_id",
                    "orcid", "dblp_pid")
_LATEX = re.compile(r"\\[a-zA-Z]+\{([^}]*)\}|\$[^$]*\$|[{}\\]")


def title_key(title: str) -> str:
    """Normalised title: LaTeX markup, case, accents, punctuation and a trailing period ignored."""
    return fold(_LATEX.sub(lambda m: m.group(1) or " ", title or "").rstrip(". "))


def _rank(paper: Paper) -> tuple[int, str]:
    best = min((SOURCE_RANK.get(s, _DEFAULT_RANK) for s in paper.provenance.sources), default=_DEFAULT_RANK)
    return best, paper.id


def _strong_ids(paper: Paper) -> dict[str, str]:
    found = {}
    for attr in _ID_FIELDS:
        value = getattr(paper, attr)
        if value:
            found[attr] = value.strip().lower() if attr in ("doi", "arxiv_id") else value.strip()
    return found


def _surnames(paper: Paper) -> set[str]:
    return {parse_name(clean_name(a.name)[0].name).surname for a in paper.authorships} - {""}


def _same_by_title(a: Paper, b: Paper) -> bool:
    # One source lists each of its papers once: two of its entries with one title are two
    # publications (USENIX ATC 2019 re-presented OSDI 2018's "Orca" under the same title;
    # NeurIPS 2024 has two "Reproducibility study of ..." papers by different teams).
    if set(a.provenance.sources) & set(b.provenance.sources):
        return False
    if a.year and b.year and abs(a.year - b.year) > 1:
        return False
    surnames_a, surnames_b = _surnames(a), _surnames(b)
    if surnames_a and surnames_b:
        overlap = len(surnames_a & surnames_b) / min(len(surnames_a), len(surnames_b))
        if overlap < 0.5:
            return False
    return True


def _title_pairs(papers: list[Paper]) -> Iterable[tuple[int, int]]:
    """Candidate pairs by title: exact key, then fuzzy among titles sharing their rarest words."""
    keys = [title_key(p.title) for p in papers]
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        by_key[key].append(i)
    for members in by_key.values():
        if len(members) <= _ALL_PAIRS_UP_TO:  # every pair, so the closest years can be joined first
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    yield i, j
        else:
            for j in members[1:]:
                yield members[0], j
    doc_freq = Counter(w for key in by_key for w in set(key.split()))
    by_word: dict[str, list[str]] = defaultdict(list)
    for key in by_key:
        words = sorted(set(key.split()), key=lambda w: (doc_freq[w], w))[:2]
        for word in words:
            by_word[word].append(key)
    matched: set[tuple[str, str]] = set()  # yielded once, at their first word, as a pairwise loop would
    for candidates in by_word.values():
        if not 2 <= len(candidates) <= 200:  # one title has no pair; a word that common says nothing about identity
            continue
        for x, y in _similar_title_pairs(candidates):
            key_a, key_b = candidates[x], candidates[y]
            pair = (key_a, key_b) if key_a < key_b else (key_b, key_a)
            if pair not in matched:
                matched.add(pair)
                yield by_key[key_a][0], by_key[key_b][0]


def _similar_title_pairs(keys: list[str]) -> list[tuple[int, int]]:
    """Index pairs x < y of `keys` whose `fuzz.ratio` reaches TITLE_MATCH, in row-major order.

    One C call (`rapidfuzz.process.cdist`, float64 like `fuzz.ratio`'s own result) instead of a
    Python loop over every pair: ~0.6 s of a ~3 s merge on the full snapshot. The scores are
    the same numbers (tests/identity/test_paper_merge_fast.py compares them with the loop).
    """
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, dtype=np.float64)
    rows, cols = np.nonzero(np.triu(scores >= TITLE_MATCH, k=1))  # row-major: the loop's order
    return list(zip(rows.tolist(), cols.tolist(), strict=True))


def _align(primary: list[Authorship], other: list[Authorship]) -> dict[int, Authorship]:
    """Map positions in `primary` to the authorship of `other` that is the same person."""
    def key(a: Authorship) -> str:
        return parse_name(clean_name(a.name)[0].name).block_key

    matched: dict[int, Authorship] = {}
    free = defaultdict(list)
    for theirs in other:
        free[key(theirs)].append(theirs)
    for index, mine in enumerate(primary):
        candidates = free.get(key(mine))
        if candidates:
            matched[index] = candidates.pop(0)
    if len(matched) < len(primary) and len(primary) == len(other):
        for index, (mine, theirs) in enumerate(zip(primary, other, strict=True)):
            if index not in matched and key(mine).split("|")[0] == key(theirs).split("|")[0]:
                matched[index] = theirs
    return matched


def _combine(group: list[Paper]) -> Paper:
    group = sorted(group, key=_rank)
    merged = group[0]
    for attr in ("title", "year", "venue_id", "abstract", "url"):
        value = next((getattr(p, attr) for p in group if getattr(p, attr) not in (None, "")), None)
        setattr(merged, attr, value)
    merged.derived_terms = next((p.derived_terms for p in group if p.derived_terms), [])
    for attr in _ID_FIELDS:
        setattr(merged, attr, next((getattr(p, attr) for p in group if getattr(p, attr)), None))
    with_authors = [p for p in group if p.authorships]
    if with_authors:
        merged.authorships = with_authors[0].authorships
        for other in with_authors[1:]:
            for index, theirs in _align(merged.authorships, other.authorships).items():
                mine = merged.authorships[index]
                for attr in _AUTHORSHIP_FILL:
                    if not getattr(mine, attr) and getattr(theirs, attr):
                        setattr(mine, attr, getattr(theirs, attr))
    merged.references = sorted({r for p in group for r in p.references})
    topics = {t.topic: t for p in reversed(group) for t in p.topics}
    merged.topics = [topics[k] for k in sorted(topics)]
    for other in group[1:]:
        merged.provenance = merged.provenance.merged(other.provenance)
    id_fields = dict(doi=merged.doi, openreview_id=merged.openreview_id, s2_id=merged.s2_id,
                     arxiv_id=merged.arxiv_id, openalex_id=merged.openalex_id, dblp_key=merged.dblp_key,
                     title=merged.title, year=merged.year,
                     first_author=merged.authorships[0].name if merged.authorships else "")
    merged.id = ids.paper_id(**id_fields)
    legacy = ids.legacy_paper_id(**id_fields)  # the id scheme 1 gave it: old links keep resolving
    merged.id_aliases = [legacy] if legacy != merged.id else []
    for authorship in merged.authorships:
        authorship.paper_id = merged.id
    return merged


def merge_papers(papers: Iterable[Paper]) -> list[Paper]:
    """One Paper per real paper, sorted by id; see the module docstring for the rules."""
    return [paper for paper, _members in merge_groups(list(papers))]


def merge_groups(papers: Sequence[Paper]) -> list[tuple[Paper, list[int]]]:
    """`merge_papers`, with the positions in `papers` of the records each paper was merged from.

    Why: an ingest that meets an updated or deleted record merges that record's paper again from its records
    (ingest/incremental.py), so a build must say which records each paper holds."""
    order = sorted(range(len(papers)), key=lambda i: (papers[i].id, _rank(papers[i])))
    records = [papers[i] for i in order]
    uf = ConstrainedUnionFind(len(records))
    for i, paper in enumerate(records):
        uf.add_ids(i, _strong_ids(paper))
    first: dict[tuple[str, str], int] = {}
    for i, paper in enumerate(records):
        for kind, value in [("id", paper.id), *_strong_ids(paper).items()]:
            if (kind, value) in first:
                uf.union(first[(kind, value)], i)
            else:
                first[(kind, value)] = i
    # Closest years, then the same venue, first: ATC 2019 re-presented FAST 2018's "Protocol-Aware
    # Recovery" and FAST 2019's "DistCache"; the systems list's ATC 2019 records must join DBLP's
    # ATC 2019 records, not the FAST ones.
    def closeness(pair: tuple[int, int]) -> tuple[int, bool, int, int]:
        a, b = records[pair[0]], records[pair[1]]
        gap = abs(a.year - b.year) if a.year and b.year else 1
        return gap, a.venue_id != b.venue_id, pair[0], pair[1]

    # A title join is refused between papers that already hold a record of one source, not only between two
    # records of one source: joined through a third record of another source, the ICML 2022 "Scalable MCMC
    # Sampling for Nonsymmetric DPPs" (papercopilot) went into ICLR 2022's "Scalable Sampling for ..." (aicpl and
    # papercopilot), and the ICML paper was lost (the one such join in the snapshot; session 56). The ingest
    # already refused it (`incremental`: a cached paper holding the new record's source).
    sources: dict[int, frozenset[str]] = {}
    for i, paper in enumerate(records):
        root = uf.find(i)
        sources[root] = sources.get(root, frozenset()) | frozenset(paper.provenance.sources)
    for i, j in sorted(_title_pairs(records), key=closeness):
        root_i, root_j = uf.find(i), uf.find(j)
        if root_i != root_j and sources[root_i].isdisjoint(sources[root_j]) \
                and _same_by_title(records[i], records[j]) and uf.union(i, j):
            sources[uf.find(i)] = sources[root_i] | sources[root_j]
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        groups[uf.find(i)].append(i)
    merged = ((_combine([records[i] for i in group]), sorted(order[i] for i in group)) for group in groups.values())
    return sorted(merged, key=lambda pair: pair[0].id)
