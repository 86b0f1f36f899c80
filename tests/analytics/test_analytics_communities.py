"""Louvain communities: two obvious groups are found, labelled, and identical on every run."""

from __future__ import annotations

import random

from graph.analytics.communities import community_of, louvain_communities, modularity, partition
from graph.analytics.projections import GraphData, Projection


def two_cliques(shuffle_seed: int | None = None) -> GraphData:
    """Two 4-person teams that each wrote three papers together, and one paper joining a1 and b1."""
    rows = []
    for team, venue in (("a", "OSDI"), ("b", "ICML")):
        people = [f"author:{team}{i}" for i in range(1, 5)]
        for n in range(3):
            rows.append({"paper": f"paper:{team}{n}", "title": f"{team} {n}", "year": 2020 + n, "venue": venue,
                         "community": "systems" if team == "a" else "ml", "authors": people})
    rows.append({"paper": "paper:ab", "title": "joint", "year": 2022, "venue": "MLSys", "community": "mlsys",
                 "authors": ["author:a1", "author:b1"]})
    topics = [{"paper": r["paper"], "label": "hardware" if r["paper"].startswith("paper:a") else "metrics",
               "kind": "pillar", "score": 1.0} for r in rows if r["paper"] != "paper:ab"]
    institutions = [{"author": f"author:a{i}", "institution": "inst:sys", "name": "Systems U", "country": "US",
                     "year": 2020} for i in range(1, 5)]
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(rows)
        for row in rows:
            row["authors"] = list(reversed(row["authors"]))
    nodes = [{"label": "hardware", "kind": "pillar", "name": "Hardware systems for ML"},
             {"label": "metrics", "kind": "pillar", "name": "ML beyond accuracy"}]
    return GraphData.from_rows(rows, topics, institutions, topic_nodes=nodes)


def test_two_cliques_are_two_labelled_communities() -> None:
    proj = Projection(two_cliques())
    communities = louvain_communities(proj, min_size=2)
    assert [c.size for c in communities] == [4, 4]
    a_side = next(c for c in communities if "author:a1" in {m[0] for m in c.top_members})
    # the topic as people read it (the Topic node's name), then the institution and the venue
    assert a_side.label.startswith("Hardware systems for ML · ") and "Systems U" in a_side.label
    assert "OSDI" in a_side.label
    assert a_side.top_topics[0] == ("hardware", 0.75)  # 3 of its 4 papers (the joint one is untagged)
    assert modularity(proj) > 0.3


def test_partition_is_stable_across_runs_and_input_order() -> None:
    first = partition(Projection(two_cliques()), seed=7)
    again = partition(Projection(two_cliques(shuffle_seed=3)), seed=7)
    assert first == again


def test_community_of_a_person(tiny: Projection) -> None:
    community = community_of(tiny, "author:ana")
    assert community is not None and "author:ana" in {m[0] for m in community.top_members} | {"author:ana"}
    assert community_of(tiny, "author:nobody") is None
    assert partition(tiny)["author:ana"] == partition(tiny)["author:ben"]  # same OSDI team
