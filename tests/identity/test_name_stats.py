"""`names_and_stats` (a full build's names and statistics for its incremental state, one parse per distinct
name) against the mention-by-mention pass it replaced: the same info per mention and the same counters,
keys in the same order, on real snapshot files."""

from __future__ import annotations

from graph.records import Paper
from ingest.identity.incremental import NameStats, name_info, names_and_stats
from ingest.identity.mentions import mentions_from_papers, strong_ids_of
from ingest.snapshot import read_snapshot
from tests.conftest import SNAPSHOT, in_small_subset


def _one_at_a_time(papers: list[Paper]) -> tuple[dict, NameStats]:
    names, stats = {}, NameStats()
    for mention in mentions_from_papers(papers):
        info = names[mention.mention_id] = name_info(mention)
        stats.add(info)
    return names, stats


def test_the_same_names_and_counters_as_one_mention_at_a_time() -> None:
    papers = read_snapshot(SNAPSHOT, in_small_subset).papers
    with_ids = sum(1 for p in papers for a in p.authorships if a.openreview_id or a.dblp_pid)
    assert with_ids > 1000  # both sides of the "has a strong id" flag are met
    names, stats = names_and_stats(papers)
    want_names, want_stats = _one_at_a_time(papers)
    assert list(names) == list(want_names) and names == want_names
    distinct = {(a.name, bool(strong_ids_of(a))) for p in papers for a in p.authorships}
    assert len(set(map(id, names.values()))) <= len(distinct) < len(names)  # each distinct name parsed once
    for field, counter in vars(want_stats).items():
        got = getattr(stats, field)
        assert got == counter, field
        if isinstance(counter, dict):
            assert list(got) == list(counter), f"{field}: keys in another order"
    assert stats.size == sum(len(p.authorships) for p in papers) > len(names) > 10_000  # unmerged: ids repeat


def test_one_mention_leaves_as_it_came() -> None:
    """A count added at once is taken back one mention at a time (an ingest drops a paper's mentions)."""
    papers = read_snapshot(SNAPSHOT, in_small_subset).papers[:200]
    names, stats = names_and_stats(papers)
    for info in names.values():
        stats.add(info, -1)
    assert stats.size == 0
    assert not +stats.group_counts and not +stats.name_pairs and not +stats.surname_diversity
    assert not +stats.given_diversity


def test_the_whole_corpus_statistics_give_a_subset_the_title_vectors_a_full_corpus_computes() -> None:
    """`NameStats.apply` (an ingest's online run) makes each paper's title vector from the whole corpus's word
    counts; over the whole corpus they must be the vectors `Corpus` computes itself, float for float and word
    for word in the same order (title similarity is a pair feature: a last-bit change can move a decision)."""
    from ingest.identity.features import Corpus
    from ingest.identity.names import parse_name

    records = read_snapshot(SNAPSHOT, in_small_subset).papers  # one paper per id, as after merging: each counted once
    papers = list({p.id: p for p in records if p.authorships}.values())
    mentions = list(mentions_from_papers(papers))
    parsed = [parse_name(m.name) for m in mentions]
    full = Corpus(mentions, parsed)
    _names, stats = names_and_stats(papers)
    for paper in papers:
        stats.add_title(paper.title)
    subset = Corpus(mentions, parsed, statistics=False)
    assert subset.vectors == {}
    stats.apply(subset)
    assert list(subset.vectors) == list(full.vectors) and len(full.vectors) > 1000
    assert all(list(subset.vectors[k].items()) == list(vector.items()) for k, vector in full.vectors.items())


def test_the_kept_coauthor_groups_give_the_coauthor_keys_parsing_gives() -> None:
    """An ingest's state keeps each printed name's group key (`coauthor_groups_of`) and the online run's Corpus
    reads co-authors there: the same co-author keys and printed forms as parsing every name, and a name the map
    lacks is parsed and added."""
    from ingest.identity.features import Corpus
    from ingest.identity.incremental import coauthor_groups_of
    from ingest.identity.names import parse_name

    records = read_snapshot(SNAPSHOT, in_small_subset).papers
    papers = list({p.id: p for p in records if p.authorships}.values())
    mentions = list(mentions_from_papers(papers))
    parsed = [parse_name(m.name) for m in mentions]
    parsing = Corpus(mentions, parsed, statistics=False)
    groups = coauthor_groups_of(papers)
    missing = next(name for name in groups if groups[name] is not None)
    del groups[missing]
    reading = Corpus(mentions, parsed, statistics=False, coauthor_groups=groups)
    assert reading.coauthors == parsing.coauthors and reading.coauthor_names == parsing.coauthor_names
    assert groups[missing] == parse_name(missing).group_key
