"""Which cached people an ingest's online resolver takes into its run (ingest/incremental.py, `_online_subset`).

Built by hand from the rule in its docstring: a cached person is taken, whole, when one of their mentions sits in a
new mention's name block with a compatible given name, or in a block a nickname joins, when they share a strong id
with a new mention, or when they are on a paper the ingest replaced. Everyone else stays out of the run.
"""

from __future__ import annotations

import types

from graph.records import Authorship, Paper
from ingest.identity.incremental import name_info
from ingest.identity.mentions import mentions_from_papers
from ingest.incremental import _online_subset


def _paper(paper_id: str, *authors: tuple[str, str] | tuple[str, str, str]) -> Paper:
    """Authors as (printed name, person id[, OpenReview id])."""
    return Paper(paper_id, f"Title of {paper_id}", 2024, "icml", authorships=[
        Authorship(paper_id, position, author[0], author[1], openreview_id=author[2] if len(author) > 2 else None)
        for position, author in enumerate(authors)])


def _run(kept: list[Paper], dropped: list[Paper], new: list[Paper]) -> tuple[set[str], dict[str, list[str]]]:
    cached = {m.mention_id: name_info(m) for m in mentions_from_papers([*kept, *dropped])}
    new_mentions = list(mentions_from_papers(new))
    names = {mid: info for mid, info in cached.items() if not mid.startswith(tuple(f"{p.id}#" for p in dropped))}
    names.update((m.mention_id, name_info(m)) for m in new_mentions)
    state = types.SimpleNamespace(names=names)
    return _online_subset(state, kept, dropped, cached, new_mentions)


def test_compatible_people_of_the_block_are_taken_whole_and_the_others_stay_out() -> None:
    kept = [
        _paper("p1", ("Yi Wang", "yi"), ("Ana Lopez", "ana")),
        _paper("p2", ("Yi Wang", "yi"), ("Yu Wang", "yu")),
        _paper("p3", ("Y. Wang", "initial"), ("Bo Chen", "bo")),
        _paper("p4", ("Wang Yi-Ting", "other-block"), ("Yi Wang", "yi-2")),
        _paper("p5", ("Dana Ross", "dana"), ("Wang Yi", "yi")),  # another printed form: another block
    ]
    subset, people = _run(kept, [], [_paper("n1", ("Yi Wang", ""), ("Ana Lopez", ""))])
    # 'Yi' meets 'Yi' and the initial 'Y.', not 'Yu'; 'Ana Lopez' meets her own block
    assert set(people) == {"yi", "initial", "yi-2", "ana"}
    assert people["yi"] == ["p1#0", "p2#0", "p5#1"]  # whole, in the cached papers' order
    assert people["ana"] == ["p1#1"]
    assert subset == {"n1#0", "n1#1", "p1#0", "p2#0", "p3#0", "p4#1", "p5#1", "p1#1"}


def test_a_shared_strong_id_takes_a_person_from_another_block() -> None:
    kept = [_paper("p1", ("Jonathan Smyth", "jon", "~Jonathan_Smyth1")), _paper("p2", ("Jonathan Smyth", "jon"))]
    _, people = _run(kept, [], [_paper("n1", ("J. Smith", "", "~Jonathan_Smyth1"))])
    assert people == {"jon": ["p1#0", "p2#0"]}
    _, people = _run(kept, [], [_paper("n1", ("J. Smith", "", "~Someone_Else1"))])
    assert people == {}


def test_the_people_of_a_replaced_paper_are_taken() -> None:
    kept = [_paper("p1", ("Carla Diaz", "carla"))]
    dropped = [_paper("p2", ("Carla Diaz", "carla"), ("Dev Patel", "dev"))]
    subset, people = _run(kept, dropped, [_paper("n1", ("Eve Stone", ""))])
    assert people == {"carla": ["p1#0"], "dev": []}  # the replaced paper's own mentions are gone from the names
    assert subset == {"n1#0", "p1#0"}


def test_in_the_block_of_a_name_one_may_go_by_only_that_names_people_are_taken() -> None:
    # 'Zhiwei Steven Wu' may go by Steven (goes_by.py): a new 'Steven Wu' takes him, a new 'Sam Wu' does not, and a
    # new 'Zhiwei Steven Wu' takes the Steven Wus of block wu|s, not every person of that block
    kept = [_paper("p1", ("Zhiwei Steven Wu", "zsw"), ("Ada Lee", "ada")),
            _paper("p2", ("Steven Wu", "sw"), ("Sam Wu", "sam"))]
    _, people = _run(kept, [], [_paper("n1", ("Steven Wu", ""))])
    assert set(people) == {"zsw", "sw"}
    _, people = _run(kept, [], [_paper("n1", ("Sam Wu", ""))])
    assert set(people) == {"sam"}
    _, people = _run(kept, [], [_paper("n1", ("Zhiwei Steven Wu", ""))])
    assert set(people) == {"zsw", "sw"}
