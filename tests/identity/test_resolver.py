"""Author resolution on real snapshot mentions."""

from __future__ import annotations

import random
from collections import defaultdict

from graph.records import Paper
from ingest.identity import merge_papers, resolve_authors
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.resolver import resolve
from ingest.sources import papercopilot
from tests.identity.conftest import read


def test_initials_in_s2_meet_full_names_in_dblp(systems_papers: list[Paper], data_dir) -> None:
    papers = merge_papers(systems_papers)
    authors = {a.id: a for a in resolve_authors(papers)}
    zaharia = {a.author_id for p in papers for a in p.authorships
               if a.name in ("M. Zaharia", "Matei Zaharia") and a.s2_author_id in (None, "143834867")}
    assert len(zaharia) == 1
    person = authors[zaharia.pop()]
    assert person.name == "Matei Zaharia" and "M. Zaharia" in person.aliases
    assert person.s2_id == "143834867" and person.merge_reasons


def test_conflicting_strong_ids_are_never_merged(systems_papers: list[Paper], data_dir) -> None:
    # S2 gives one 'Matei Zaharia' mention its own author id (2288067224): it stays apart.
    papers = merge_papers(systems_papers)
    resolve_authors(papers)
    ids_by_person: dict[str, set[str]] = defaultdict(set)
    for paper in papers:
        for a in paper.authorships:
            if a.s2_author_id:
                ids_by_person[a.author_id].add(a.s2_author_id)
    assert ids_by_person and all(len(ids) == 1 for ids in ids_by_person.values())


def test_every_mention_gets_a_person_and_non_people_are_quarantined(iclr2022_papers: list[Paper],
                                                                    data_dir) -> None:
    # Paper Copilot's own ICLR 2022 list, before the OpenReview pulls replace its author strings
    papers = [p for p in iclr2022_papers if p.provenance.sources == ["papercopilot"]]
    quarantine: list = []
    authors = resolve_authors(papers, quarantine=quarantine)
    known = {a.id for a in authors}
    assert all(a.author_id in known for p in papers for a in p.authorships)
    reasons = {q.reason for q in quarantine}
    assert "organisation name in the author list" in reasons  # 'Deakin University'
    assert "e-mail address or fragment, not a name" in reasons
    assert not any(a.name == "Deakin University" for p in papers for a in p.authorships)


def test_duplicate_author_on_one_paper_is_kept_once(data_dir) -> None:
    papers = read(papercopilot, "papercopilot/iclr/iclr2023.json.gz")
    paper = next(p for p in papers if sum(a.name == "Ronghang Zhu" for a in p.authorships) == 2)
    quarantine: list = []
    resolve_authors(papers, quarantine=quarantine)
    assert sum(a.name == "Ronghang Zhu" for a in paper.authorships) == 1
    assert any(q.reason.startswith("duplicate author in one paper") for q in quarantine)


def test_person_ids_do_not_depend_on_input_order(iclr2022_papers: list[Paper]) -> None:
    mentions = list(mentions_from_papers(merge_papers(iclr2022_papers)))[:4000]
    first = resolve(mentions)
    shuffled = mentions[:]
    random.Random(3).shuffle(shuffled)
    second = resolve(shuffled)
    by_mention = dict(zip((m.mention_id for m in second.mentions), second.person_ids, strict=True))
    assert all(by_mention[m.mention_id] == pid for m, pid in zip(first.mentions, first.person_ids, strict=True))
