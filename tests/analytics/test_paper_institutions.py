"""Which institutions a paper is credited to: the ones its authors printed on it, and only for an author who
printed none, the ones the author printed on the most papers that year.

The graph below (all 2021) is the whole truth. Lee printed Google on g1 and Berkeley on b1 and nothing on n1;
Max printed Google on g2 and g3 and Carnegie Mellon on c1 (the shape of a source record whose affiliations are out
of order), nothing on n2. Lee also printed DeepMind, a unit of Google, on u1: the analytics credit Google, as they
credit the affiliations of units, and count u1 as a paper printing Google. Kim printed Berkeley on k1 and Carnegie
Mellon on k2, a tie, and nothing on k3. Crediting every affiliation of the year gave g1, b1, g2 and g3 to both of
the author's institutions, and counted Max's four papers for Carnegie Mellon; crediting every affiliation of the
year to a paper with none printed gave n2 to Carnegie Mellon and n1 to Berkeley.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from stores import loaded_store

from graph import explore
from graph.analytics.projections import projection
from graph.falkor_store import FalkorStore
from graph.loader import GraphBatch
from graph.records import Author, Authorship, Institution, Paper, Provenance, Topic, TopicTag
from graph.venues import venue_record

PROV = Provenance(["test"], "2024-01-01T00:00:00Z")
GOOGLE, BERKELEY, CMU, DEEPMIND = "inst:google", "inst:berkeley", "inst:cmu", "inst:deepmind"
# paper -> [(author, printed institution or None)]
PAPERS = {
    "g1": [("lee", GOOGLE)], "b1": [("lee", BERKELEY)], "n1": [("lee", None)], "u1": [("lee", DEEPMIND)],
    "g2": [("max", GOOGLE)], "g3": [("max", GOOGLE), ("ray", CMU)], "c1": [("max", CMU)], "n2": [("max", None)],
    "k1": [("kim", BERKELEY)], "k2": [("kim", CMU)], "k3": [("kim", None)],
}
EXPECTED = {"g1": {GOOGLE}, "b1": {BERKELEY}, "n1": {GOOGLE}, "u1": {GOOGLE},
            "g2": {GOOGLE}, "g3": {GOOGLE, CMU}, "c1": {CMU}, "n2": {GOOGLE},
            "k1": {BERKELEY}, "k2": {CMU}, "k3": {BERKELEY, CMU}}


def batch() -> GraphBatch:
    papers = [Paper(id=f"paper:{pid}", title=f"Paper {pid}", year=2021, venue_id=venue_record("ICML").id,
                    venue_name="ICML", provenance=PROV, topics=[TopicTag("llm", 0.9, ["LLM"])],
                    authorships=[Authorship(f"paper:{pid}", i, person.title(), author_id=f"author:{person}",
                                            institution_id=institution)
                                 for i, (person, institution) in enumerate(people)])
              for pid, people in PAPERS.items()]
    return GraphBatch(papers=papers, venues=[venue_record("ICML", PROV)],
                      topics=[Topic("topic:llm", "llm", "Large language models", "topic")],
                      authors=[Author(f"author:{p}", p.title(), provenance=PROV) for p in ("lee", "max", "ray", "kim")],
                      institutions=[Institution(i, i.split(":")[1], "US", provenance=PROV)
                                    for i in (GOOGLE, BERKELEY, CMU)]
                      + [Institution(DEEPMIND, "deepmind", "GB", provenance=PROV, parent_id=GOOGLE)])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    with loaded_store(tmp_path_factory.mktemp("atlas-printed"), "printed", batch()) as store:
        yield store


def test_a_paper_is_credited_to_what_its_authors_printed_on_it(store: FalkorStore) -> None:
    proj = projection(store)
    assert {pid.split(":")[1]: proj.paper_institutions(p) for pid, p in proj.papers.items()} == EXPECTED


def test_topic_leaders_credit_the_same_institutions(store: FalkorStore) -> None:
    """Every paper is tagged llm: the store's reference count and the projection's one pass agree on the credit."""
    from graph import topic_analytics

    expected = {GOOGLE: 6, CMU: 4, BERKELEY: 3}  # from EXPECTED: g1 u1 g2 g3 n1 n2; g3 c1 k2 k3; b1 k1 k3
    assert {r["id"]: r["papers"] for r in topic_analytics.top_institutions(store, "llm")} == expected
    leaders = topic_analytics.leaders_from_projection(projection(store))
    assert {r["id"]: r["papers"] for r in leaders["llm"]["institutions"]} == expected


def test_the_institution_page_counts_the_papers_printed_there(store: FalkorStore) -> None:
    """Max printed Carnegie Mellon once and Google twice: he has 1 paper there (c1; n2, with nothing printed,
    goes to Google), not 4. Kim's k3 goes to both of her tied institutions."""
    people = {r["name"]: r for r in explore.institution_authors(store, CMU)}
    assert people["Max"]["papers_here"] == 1 and people["Max"]["papers"] == 4
    assert [r["name"] for r in explore.institution_authors(store, CMU)] == ["Kim", "Max", "Ray"]  # by papers here
    assert explore.institution_papers_by_year(store, CMU) == [{"year": 2021, "community": "ML", "papers": 4}]
    # Google's page counts its unit DeepMind too (u1), as the analytics do
    assert explore.institution_papers_by_year(store, GOOGLE) == [{"year": 2021, "community": "ML", "papers": 6}]
    assert explore.institution_units(store, GOOGLE) == [{"id": DEEPMIND, "name": "deepmind"}]
    assert {r["name"]: r["papers_here"] for r in explore.institution_authors(store, BERKELEY)} == {"Lee": 1,
                                                                                                   "Kim": 2}


def test_an_institutions_page_counts_the_papers_the_analytics_credit_to_it(store: FalkorStore) -> None:
    proj = projection(store)
    for institution in (GOOGLE, BERKELEY, CMU):
        credited = sum(1 for p in proj.papers.values() if institution in proj.paper_institutions(p))
        assert sum(r["papers"] for r in explore.institution_papers_by_year(store, institution)) == credited


def test_affiliation_coverage_is_the_share_of_each_years_papers_with_one(store: FalkorStore) -> None:
    """n1, n2 and k3 of the eleven papers have no affiliation printed."""
    assert explore.affiliation_coverage(store) == {2021: 8 / 11}


def test_a_persons_institutions_count_the_papers_printing_them(store: FalkorStore) -> None:
    """Max's Carnegie Mellon rests on one paper, his Google on two; his main affiliation is Google."""
    from graph import profiles

    rows = store.author_institutions("author:max")
    assert {(r["id"], r["year"], r["papers"]) for r in rows} == {(GOOGLE, 2021, 2), (CMU, 2021, 1)}
    assert {r["id"]: r["printed"] for r in explore.institutions_over_time(rows)} == {GOOGLE: 2, CMU: 1}
    assert profiles.main_affiliation(rows) == "google"
    # one paper printing Zeta Univ against nine printing Alpha Corp, the same year: by years alone a tie, which
    # the later name broke for Zeta Univ
    one_off = [{"name": "Zeta Univ", "year": 2021, "papers": 1}, {"name": "Alpha Corp", "year": 2021, "papers": 9}]
    assert profiles.main_affiliation(one_off) == "Alpha Corp"


def tie_batch() -> GraphBatch:
    """Zoe printed Berkeley on z1 and Carnegie Mellon on z2 in 2021, a tie, and nothing on z3; in 2020 she printed
    Carnegie Mellon on z4 and z5."""
    rows = [("z1", 2021, BERKELEY), ("z2", 2021, CMU), ("z3", 2021, None), ("z4", 2020, CMU), ("z5", 2020, CMU)]
    papers = [Paper(id=f"paper:{pid}", title=f"Paper {pid}", year=year, venue_id=venue_record("ICML").id,
                    venue_name="ICML", provenance=PROV,
                    authorships=[Authorship(f"paper:{pid}", 0, "Zoe", author_id="author:zoe", institution_id=printed)])
              for pid, year, printed in rows]
    return GraphBatch(papers=papers, venues=[venue_record("ICML", PROV)],
                      authors=[Author("author:zoe", "Zoe", provenance=PROV)],
                      institutions=[Institution(i, i.split(":")[1], "US", provenance=PROV) for i in (BERKELEY, CMU)])


def test_a_tie_of_the_year_goes_to_what_the_author_printed_most_in_every_year(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Zoe's 2021 is a tie; over every year she printed Carnegie Mellon three times and Berkeley once, so z3 goes
    to Carnegie Mellon alone (Kim, above, is tied in every year: her k3 still goes to both)."""
    with loaded_store(tmp_path_factory.mktemp("atlas-tie"), "tie", tie_batch()) as tie_store:
        proj = projection(tie_store)
        assert proj.paper_institutions(proj.papers["paper:z3"]) == {CMU}
        assert [(r["name"], r["papers_here"]) for r in explore.institution_authors(tie_store, BERKELEY)] == [
            ("Zoe", 1)]
        assert [(r["name"], r["papers_here"]) for r in explore.institution_authors(tie_store, CMU)] == [("Zoe", 4)]


def test_membership_shares_split_each_authors_printed_papers(store: FalkorStore) -> None:
    """Lee printed Google on g1 and (as DeepMind) u1, Berkeley on b1; Max Google on g2 and g3, Carnegie Mellon on c1."""
    from graph.analytics.bridges import membership_shares

    shares = membership_shares(projection(store))
    assert shares == pytest.approx({("author:lee", GOOGLE): 2 / 3, ("author:lee", BERKELEY): 1 / 3,
                                    ("author:max", GOOGLE): 2 / 3, ("author:max", CMU): 1 / 3,
                                    ("author:ray", CMU): 1.0, ("author:kim", BERKELEY): 0.5,
                                    ("author:kim", CMU): 0.5})


def bridge_batch() -> GraphBatch:
    """Xu co-authors two OSDI papers with Sam (systems only) and two ICML papers with Mia (ML only), printing
    MIT on three of them and Berkeley on one OSDI paper."""
    papers = []
    for pid, venue, printed in (("s1", "OSDI", "inst:mit"), ("s2", "OSDI", BERKELEY), ("m1", "ICML", "inst:mit"),
                                ("m2", "ICML", "inst:mit")):
        other = "sam" if venue == "OSDI" else "mia"
        papers.append(Paper(id=f"paper:{pid}", title=f"Paper {pid}", year=2021, venue_id=venue_record(venue).id,
                            venue_name=venue, provenance=PROV, authorships=[
                                Authorship(f"paper:{pid}", 0, "Xu", author_id="author:xu", institution_id=printed),
                                Authorship(f"paper:{pid}", 1, other.title(), author_id=f"author:{other}")]))
    return GraphBatch(papers=papers, venues=[venue_record(v, PROV) for v in ("OSDI", "ICML")],
                      authors=[Author(f"author:{p}", p.title(), provenance=PROV) for p in ("xu", "sam", "mia")],
                      institutions=[Institution("inst:mit", "mit", "US", provenance=PROV),
                                    Institution(BERKELEY, "berkeley", "US", provenance=PROV)])


def test_a_bridge_institution_counts_a_members_links_by_their_share_there(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Xu's balanced links make both institutions bridges; Berkeley, printed on one of Xu's four papers, gets a
    quarter of them and MIT three quarters. Counted whole, the two scored the same."""
    from graph.analytics.bridges import bridge_institutions

    with loaded_store(tmp_path_factory.mktemp("atlas-bridge-share"), "shares", bridge_batch()) as bridge_store:
        rows = {r.institution: r for r in bridge_institutions(projection(bridge_store))}
    assert rows.keys() == {"inst:mit", BERKELEY} and rows[BERKELEY].members == rows["inst:mit"].members == 1
    assert rows[BERKELEY].score == pytest.approx(rows["inst:mit"].score / 3, rel=1e-3)
    assert (rows["inst:mit"].systems_links, rows["inst:mit"].ml_links) == (1.5, 1.5)


def face_batch() -> GraphBatch:
    """Ada bridges three OSDI and three ICML papers but printed MIT on one of them (Yale on the rest); Bo bridges
    one OSDI and one ICML paper and printed MIT on both. Every co-author publishes on one side only."""
    papers, people = [], {"ada", "bo"}
    rows = [("a", n, venue, "inst:mit" if n == 1 else "inst:yale") for n, venue in
            enumerate(("OSDI", "OSDI", "OSDI", "ICML", "ICML", "ICML"), start=1)]
    rows += [("b", n, venue, "inst:mit") for n, venue in ((1, "OSDI"), (2, "ICML"))]
    for lead, n, venue, printed in rows:
        other = f"{'sam' if venue == 'OSDI' else 'mia'}{lead}{n}"
        people.add(other)
        name = "ada" if lead == "a" else "bo"
        papers.append(Paper(id=f"paper:{lead}{n}", title=f"Paper {lead}{n}", year=2021,
                            venue_id=venue_record(venue).id, venue_name=venue, provenance=PROV, authorships=[
                                Authorship(f"paper:{lead}{n}", 0, name.title(), author_id=f"author:{name}",
                                           institution_id=printed),
                                Authorship(f"paper:{lead}{n}", 1, other.title(), author_id=f"author:{other}")]))
    return GraphBatch(papers=papers, venues=[venue_record(v, PROV) for v in ("OSDI", "ICML")],
                      authors=[Author(f"author:{p}", p.title(), provenance=PROV) for p in sorted(people)],
                      institutions=[Institution("inst:mit", "mit", "US", provenance=PROV),
                                    Institution("inst:yale", "yale", "US", provenance=PROV)])


def test_an_institutions_bridge_people_are_ranked_by_their_share_there(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Ada is the stronger bridge, but one sixth of her printed papers print MIT: Bo, all of whose do, leads MIT's
    list, and Ada leads Yale's."""
    from graph.analytics.bridges import bridge_institutions, bridge_people

    with loaded_store(tmp_path_factory.mktemp("atlas-bridge-face"), "face", face_batch()) as face_store:
        proj = projection(face_store)
        assert [b.name for b in bridge_people(proj, 2)] == ["Ada", "Bo"]
        rows = {r.institution: r for r in bridge_institutions(proj)}
    assert rows["inst:mit"].bridge_people == ["Bo", "Ada"]
    assert rows["inst:yale"].bridge_people == ["Ada"]
