"""Collaborator suggestions: Adamic-Adar on known neighbourhoods, exclusions, explanations, evaluation."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graph.analytics.projections import Projection
from graph.analytics.suggest import (
    adamic_adar,
    baseline_suggestions,
    cosine,
    evaluate_time_split,
    rank_candidates,
    suggest_collaborators,
)
from graph.errors import AtlasError
from tests.analytics.conftest import aid


def test_adamic_adar_known_values(tiny: Projection) -> None:
    # Ana and Emil share only Dana (5 co-authors); Ana and Gao only Chen (3); Ana and Kim1 only Ben (4).
    assert adamic_adar(tiny, aid("ana"), aid("emil")) == pytest.approx(1 / math.log(5))
    assert adamic_adar(tiny, aid("ana"), aid("gao")) == pytest.approx(1 / math.log(3))
    assert adamic_adar(tiny, aid("ana"), aid("kim1")) == pytest.approx(1 / math.log(4))
    ((_, _, nx_value),) = nx.adamic_adar_index(tiny.graph, [(aid("ana"), aid("emil"))])
    assert adamic_adar(tiny, aid("ana"), aid("emil")) == pytest.approx(nx_value)


def test_suggestions_are_two_hop_non_coauthors_with_explanations(tiny: Projection) -> None:
    suggestions = suggest_collaborators(tiny, aid("ana"), k=10)
    people = {s.author for s in suggestions}
    assert people == {aid(p) for p in ("kim1", "gao", "emil", "fatima", "hiro")}
    assert not people & set(tiny.graph[aid("ana")])
    emil = next(s for s in suggestions if s.author == aid("emil"))
    assert emil.hops == 2 and emil.shared_coauthors == ["Dana Bridge"] and emil.shared_coauthor_count == 1
    assert emil.adamic_adar == pytest.approx(1 / math.log(5), abs=1e-4)
    assert emil.explanation == "1 shared co-author (Dana Bridge); active in 2021"
    assert suggestions[0].score == 1.0 and all(0 < s.score <= 1.0 for s in suggestions)


def test_three_hop_candidates_only_when_asked(tiny: Projection) -> None:
    two = {a for a, _ in rank_candidates(tiny, aid("kim1"), max_hops=2, limit=50)}
    assert two == {aid("ana"), aid("chen"), aid("dana")}
    three = suggest_collaborators(tiny, aid("kim1"), k=50, max_hops=3)
    far = {s.author for s in three if s.hops == 3}
    assert far == {aid(p) for p in ("gao", "emil", "fatima", "hiro")}
    hiro = next(s for s in three if s.author == aid("hiro"))
    assert hiro.explanation.startswith("3 hops away via Dana Bridge")
    # A 3-hop person never outranks the 2-hop ones here (damped local-path term).
    assert [s.hops for s in three] == sorted(s.hops for s in three)


def test_complementarity_needs_a_shared_topic_and_opposite_leans(tiny: Projection) -> None:
    chen = suggest_collaborators(tiny, aid("chen"), k=10, mode="complementary")
    dana = next(s for s in chen if s.author == aid("dana"))
    # Chen: software only, lean 0.75; Dana: software 3, hardware 2, metrics 2, lean 0.5.
    assert dana.complementarity == pytest.approx(abs(0.75 - 0.5) * 3 / math.sqrt(17), abs=1e-4)
    emil = next(s for s in chen if s.author == aid("emil"))
    assert emil.complementarity == 0.0  # no shared topic: opposite sides alone are not complementarity


def test_cosine() -> None:
    from collections import Counter

    assert cosine(Counter(a=1), Counter(a=2)) == pytest.approx(1.0)
    assert cosine(Counter(a=1), Counter(b=1)) == 0.0
    assert cosine(None, Counter(a=1)) == 0.0


def test_people_without_coauthors_and_unknown_ids(tiny: Projection) -> None:
    assert suggest_collaborators(tiny, aid("zoe")) == []
    with pytest.raises(AtlasError):
        suggest_collaborators(tiny, "author:nobody")


def test_baseline_is_most_published_in_topic_minus_coauthors(tiny: Projection) -> None:
    # Emil's dominant topic is metrics; metrics people by papers: Dana (7), Fatima (2), Paul (2), Qi (1).
    assert baseline_suggestions(tiny, aid("emil"), 3) == [aid("paul"), aid("qi")]


def test_time_split_evaluation_known_answer(tiny: Projection) -> None:
    # Hidden 2021 pairs between people active before: Dana-Fatima (2 hops in 2018-2020), Chen-Gao (4 hops).
    result = evaluate_time_split(tiny.data, test_year=2021, k=10)
    assert (result.queries, result.positives) == (4, 4)
    assert result.suggestions.recall_at_k == 0.5 and result.suggestions.hit_rate == 0.5
    assert result.reachable_within_3_hops == 0.5
    assert 0 < result.suggestions.mrr <= 0.5
    # The baseline finds Dana for Fatima: the most-published metrics person who is not yet her co-author.
    assert result.baseline.recall_at_k == 0.25 and result.baseline.mrr == 0.25
