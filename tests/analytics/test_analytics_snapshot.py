"""Sanity of every analysis on the small real build (MLSys seed, OSDI, NSDI, ICML 2023, ICLR 2022)."""

from __future__ import annotations

import io
import random
import re

from graph.analytics.bridges import bridge_people
from graph.analytics.communities import louvain_communities
from graph.analytics.overlap import CLASSES, background_by_year, is_mlsys_conference, mlsys_author_backgrounds
from graph.analytics.paths import connection_paths
from graph.analytics.pc_audit import audit_program_committee, read_members_csv, read_submissions_csv
from graph.analytics.profile import person_profile
from graph.analytics.projections import Projection
from graph.analytics.suggest import suggest_collaborators
from graph.analytics.trends import topic_shares
from graph.falkor_store import FalkorStore


def connected_people(proj: Projection, n: int, seed: int = 0) -> list[str]:
    people = sorted(a for a in proj.graph if proj.graph.degree(a) >= 3)
    return random.Random(seed).sample(people, n)


def test_every_mlsys_author_has_a_background_class(small_projection: Projection) -> None:
    mlsys_people = {(a, p.year) for p in small_projection.papers.values() if is_mlsys_conference(p) and p.year
                    for a in p.authors}
    assert len(mlsys_people) > 300
    for mode in ("prior", "any"):
        rows = mlsys_author_backgrounds(small_projection, mode)
        assert {(r.author, r.year) for r in rows} == mlsys_people
        assert all(r.background in CLASSES for r in rows)
        for r in rows:  # the class follows from the evidence counted for it
            assert (r.background in ("systems", "both")) == (r.systems_papers > 0)
            assert (r.background in ("ml", "both")) == (r.ml_papers > 0)
        per_year = background_by_year(small_projection, mode)
        assert all(y.systems + y.ml + y.both + y.neither == y.authors for y in per_year)


def test_paths_have_evidence_on_every_hop(small_projection: Projection) -> None:
    people = connected_people(small_projection, 10)
    found = 0
    for source, target in zip(people[::2], people[1::2], strict=True):
        result = connection_paths(small_projection, source, target, k=2)
        assert result.status in ("found", "no_path") and result.message
        for path in result.paths:
            found += 1
            assert path.authors[0] == source and path.authors[-1] == target
            for hop in path.hops:
                assert hop.joint_papers >= 1 and hop.papers and hop.years
    assert found > 0


def _has_friend_of_friend(proj: Projection, author: str) -> bool:
    coauthors = set(proj.graph[author])
    return any(set(proj.graph[c]) - coauthors - {author} for c in coauthors)


def test_suggestions_exclude_coauthors_and_explain_themselves(small_projection: Projection) -> None:
    people = connected_people(small_projection, 40, seed=1)
    reachable = [a for a in people if _has_friend_of_friend(small_projection, a)][:5]
    assert len(reachable) == 5
    for author in reachable:
        suggestions = suggest_collaborators(small_projection, author, 10)
        coauthors = set(small_projection.graph[author])
        assert suggestions and not {s.author for s in suggestions} & (coauthors | {author})
        assert all(s.explanation and s.hops in (2, 3) for s in suggestions)
    # a closed circle of co-authors (one paper, nobody else) has nobody to suggest: empty, not an error
    closed = next(a for a in people if not _has_friend_of_friend(small_projection, a))
    assert suggest_collaborators(small_projection, closed, 10) == []


def test_profile_bridges_communities_trends(small_projection: Projection) -> None:
    author = connected_people(small_projection, 1, seed=2)[0]
    profile = person_profile(small_projection, author)
    assert profile.papers == len(small_projection.author_papers[author])
    assert abs(sum(float(v["share"]) for v in profile.venue_mix) - 1.0) < 0.01
    top = bridge_people(small_projection, 5)
    assert top and all(b.systems_links > 0 and b.ml_links > 0 for b in top)
    communities = louvain_communities(small_projection, top=5)
    assert [c.size for c in communities] == sorted((c.size for c in communities), reverse=True)
    assert all(c.label for c in communities)
    assert topic_shares(small_projection)


def test_every_conflict_has_evidence(small_projection: Projection) -> None:
    prolific = sorted(small_projection.author_papers, key=lambda a: -len(small_projection.author_papers[a]))[:25]
    members = "name\n" + "".join(f'"{small_projection.name(a)}"\n' for a in prolific) + "Nobody Atall Here\n"
    papers = sorted(small_projection.papers.values(), key=lambda p: p.id)[:400]
    subs = "title,authors\n" + "".join(
        f'"{p.title.replace(chr(34), "")}","{"; ".join(small_projection.name(a) for a in p.authors)}"\n'
        for p in papers if p.authors)
    audit = audit_program_committee(small_projection, read_members_csv(io.StringIO(members)),
                                    read_submissions_csv(io.StringIO(subs)), tagger=None)
    assert audit.conflicts
    for conflict in audit.conflicts:
        assert conflict.evidence
        if conflict.kind == "coauthor":
            assert conflict.papers
    assert [u["name"] for u in audit.unmatched if u["kind"] == "pc_member"] == ["Nobody Atall Here"]
    # Exact names: each member is matched, or - when identity resolution keeps two same-named people
    # apart - listed as ambiguous with the intended person among the candidates.
    for author, member in zip(prolific, audit.members, strict=False):
        assert member.status in ("matched", "ambiguous")
        if member.status == "ambiguous":
            assert author in {c["id"] for a in audit.ambiguous if a["name"] == member.name for c in a["candidates"]}


def test_explanations_name_topics_as_people_read_them(small_store: FalkorStore, small_projection: Projection) -> None:
    """"both work on llm, metrics" read like code: the explanation quotes the Topic nodes' names (which may hold
    commas: "Testing, debugging and monitoring")."""
    names = {r["name"] for r in small_store.read("MATCH (t:Topic) RETURN t.name AS name")}
    said: list[str] = []
    for author in connected_people(small_projection, 40, seed=1):
        for suggestion in suggest_collaborators(small_projection, author, 10, mode="complementary"):
            for part in suggestion.explanation.split("; "):
                if part.startswith(("both work on ", "strong on ")):
                    said += re.findall(r"“([^”]+)”", part)
    assert said, "some suggestion in the small build names a topic"
    assert set(said) <= names, set(said) - names
