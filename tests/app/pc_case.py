"""A programme-committee case from the small real build: an ambiguous PC member and a co-author of
theirs given by id on a submission, so the audit must report the conflict (as possible) and warn."""

from __future__ import annotations

from dataclasses import dataclass

from graph.analytics.people import dominant_candidate, name_index
from graph.analytics.projections import projection
from graph.store import GraphStore


@dataclass(frozen=True)
class PCCase:
    member_name: str  # fits several people, none with by far the most papers
    candidate: str  # the namesake who wrote with the co-author
    coauthor: str  # author id
    coauthor_name: str

    def members_csv(self) -> str:
        return f"name,affiliation\n{self.member_name},\nNobody Inparticular,Nowhere\n"

    def submissions_csv(self) -> str:
        return f"id,title,authors\nS1,Serving many models,{self.coauthor_name} [{self.coauthor}]\n"


def pc_case(store: GraphStore) -> PCCase:
    proj = projection(store)
    index = name_index(proj)
    window = (proj.ref_year or 0) - 3
    for key in index.keys:
        people = sorted(index.by_key[key])
        if len(people) < 2 or dominant_candidate(proj, [{"id": a} for a in people]):
            continue
        for candidate in people:
            for pid in reversed(proj.author_papers.get(candidate, [])):
                paper = proj.papers[pid]
                if (paper.year or 0) < window:
                    break
                others = [a for a in paper.authors if a not in people]
                if others:
                    return PCCase(proj.name(candidate), candidate, others[0], proj.name(others[0]))
    raise AssertionError("no ambiguous name with a recent co-author in the small build")
