"""Institution answers kept in the incremental state (ingest/link_answers.py) link exactly as fresh ones."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

from graph.records import Authorship, Paper, Provenance
from ingest import link_answers
from ingest.institutions.link import link_institutions

_AFFILIATIONS = [
    ("MIT CSAIL, Cambridge, MA", None),  # a unit of a table organisation
    ("University of California, Berkeley", "US"),
    ("Widgetron Research Labs, Bonn, Germany", None),  # no table entry: an organisation made up from the string
    ("Department of Computer Science", None),  # names no organisation
    ("Google and Stanford University", None),  # names several
]


def _papers() -> list[Paper]:
    return [Paper(id=f"paper:{k}", title=f"T{k}", year=2024, venue_id="venue:v",
                  authorships=[Authorship(f"paper:{k}", 0, "Ada Lovelace", "author:ada", text, None, country)],
                  provenance=Provenance(["dblp"], "2026-01-01"))
            for k, (text, country) in enumerate(_AFFILIATIONS)]


def test_kept_answers_link_like_fresh_ones(tmp_path: Path) -> None:
    fresh_papers = _papers()
    fresh, _ = link_institutions(fresh_papers, {}, tmp_path)
    kept = link_answers.answers_for(_papers(), {})
    assert set(kept) == set(_AFFILIATIONS)
    kinds = {type(org).__name__ for org, *_rest in kept.values()}
    assert kinds == {"str", "tuple", "NoneType"}  # table organisations by key, made-up ones by field, none
    kept = pickle.loads(pickle.dumps(kept))  # as the state stores them
    resolver = link_answers.resolver_with(tmp_path, kept)
    again_papers = _papers()
    again, _ = link_institutions(again_papers, {}, tmp_path, resolver)
    assert again == fresh
    assert [a.institution_id for p in again_papers for a in p.authorships] == \
        [a.institution_id for p in fresh_papers for a in p.authorships]
    # nothing new was resolved, so the kept answers come back as they were; a new string adds its answer
    assert link_answers.answers_of(resolver, kept) is kept
    more = copy.deepcopy(_papers()[:1])
    more[0].authorships[0].affiliation = "ETH Zurich"
    link_institutions(more, {}, tmp_path, resolver)
    grown = link_answers.answers_of(resolver, kept)
    assert set(grown) == set(kept) | {("ETH Zurich", None)}
