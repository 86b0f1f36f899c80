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


def test_noisy_ids_join_only_with_recorded_evidence(systems_papers: list[Paper], data_dir) -> None:
    # S2 splits people into several author ids (Joseph E. Gonzalez's RubberBand paper has its
    # own); such duplicates are joined after clustering, and every join says why.
    papers = merge_papers(systems_papers)
    authors = {a.id: a for a in resolve_authors(papers)}
    ids_by_person: dict[str, set[str]] = defaultdict(set)
    for paper in papers:
        for a in paper.authorships:
            if a.s2_author_id:
                ids_by_person[a.author_id].add(a.s2_author_id)
    assert ids_by_person
    for person_id, ids in ids_by_person.items():
        if len(ids) > 1:
            assert any(r.startswith("duplicate") and "s2" in r.split(":")[0] for r in authors[person_id].merge_reasons)
    assert any(len(ids) > 1 for ids in ids_by_person.values())


def test_trusted_ids_are_never_joined() -> None:
    # Two DBLP person ids (or ORCIDs) are two people, however much evidence they share.
    from ingest.identity.mentions import Mention
    from ingest.identity.resolver import resolve

    shared = ["Ann Smith", "Bob Jones", "Carl Wu"]
    mentions = [Mention(f"p{k}#0", "Jane Rarename", f"p{k}", "a title", shared, None, "venue:x", 2020,
                        {"dblp": f"11/{k}"}) for k in range(2)]
    mentions += [Mention(f"q{k}#0", "Joan Rarename", f"q{k}", "a title", shared, None, "venue:x", 2020,
                         {"openreview": f"~Joan_Rarename{k + 1}"}) for k in range(2)]
    resolution = resolve(mentions)
    assert resolution.person_ids[0] != resolution.person_ids[1]  # dblp 11/0 vs 11/1
    assert resolution.person_ids[2] == resolution.person_ids[3]  # two tilde ids, three co-authors shared
    assert resolution.joins and "3 co-authors in common" in resolution.joins[0]["reason"]


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


def test_a_reviewer_may_join_two_ids_of_one_kind() -> None:
    # An accepted review item is an explicit human decision: unlike the resolver, it may join two OpenReview ids.
    from ingest.identity.mentions import Mention
    from ingest.identity.resolver import Decision, resolve

    mentions = [Mention("a#0", "Wei Wang", "a", "graphs", ["Ann Smith"], None, "venue:x", 2020,
                        {"openreview": "~Wei_Wang1"}),
                Mention("b#0", "Wei Wang", "b", "vision", ["Bob Jones"], None, "venue:y", 2021,
                        {"openreview": "~Wei_Wang7"})]
    assert len(set(resolve(mentions).person_ids)) == 2
    joined = resolve(mentions, decisions=[Decision("rv-1", "a#0", "b#0", accept=True)])
    assert len(set(joined.person_ids)) == 1
    person = joined.people[0]
    assert person.duplicate_ids == {"openreview": ["~Wei_Wang7"]} and "accepted by a reviewer" in person.reasons
