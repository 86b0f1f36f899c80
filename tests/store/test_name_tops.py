"""Top people per common name prefix (graph/name_tops.py): the same page as the full-text query.

The table answers only when it can prove its answer; these tests hold it to the store's own
full-text statement (and, without a store, to a brute-force scan) on names built so that
common first names, surnames and initials share prefixes, with ties in paper counts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import name_tops
from graph.falkor_store import FALKOR_SEARCH_PEOPLE, NAME_TOPS_SUFFIX, FalkorStore
from graph.fulltext import query_words, redisearch_query
from graph.ids import fold, paper_id, venue_id
from graph.loader import GraphBatch, load
from graph.records import Author, Authorship, Paper, Provenance
from graph.venues import venue_record

PROV = Provenance(["test"], "2026-01-01")
FIRST = ["wei", "wen", "ana", "anna", "jose", "li", "lin", "james", "jia", "min"]
LAST = ["zhang", "zhao", "zhou", "chen", "cheng", "garcia", "li", "liu", "smith", "lee"]
QUERIES = ["zhang", "zh", "z", "wei", "w", "wei zhang", "zhang wei", "we zh", "a", "an", "anna garcia",
           "li", "li li", "j", "j z", "wei a", "wen z chen", "lee", "x", "min li zhang", "ch"]


def people(n: int, seed: int = 3) -> list[dict[str, object]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        name = f"{rng.choice(FIRST)} {chr(97 + rng.randrange(4)).upper()}. {rng.choice(LAST)}"
        aliases = [f"{name.split()[0][0]}. {name.split()[-1]}"] if i % 5 == 0 else []
        out.append({"id": f"author:p{i:04d}", "name": name, "aliases": aliases, "papers": 1 + rng.randrange(6)})
    return out


def as_rows(persons: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{"id": p["id"], "name": p["name"], "papers": p["papers"],
             "key": " | ".join(sorted({fold(n) for n in [p["name"], *p["aliases"]]}))} for p in persons]


def brute_force(rows: list[dict[str, object]], text: str, limit: int) -> list[str]:
    words = query_words(text)
    hits = [r for r in rows if words and name_tops.matches_all(name_tops.words_of(r["key"]), words)]
    return [r["id"] for r in sorted(hits, key=name_tops.order_key)[:limit]]


def from_table(table: dict[str, name_tops.Top], text: str, limit: int, keep: int) -> list[str] | None:
    words = list(dict.fromkeys(query_words(text)))
    return name_tops.page(words, [table.get(w) for w in words], limit, keep)


@pytest.mark.parametrize(("min_matches", "keep"), [(0, 5), (10, 8), (30, 25), (1000, 200)])
def test_table_answers_are_the_brute_force_answers(min_matches: int, keep: int) -> None:
    rows = as_rows(people(400))
    table = name_tops.build_table(rows, min_matches=min_matches, keep=keep)
    answered = 0
    for text in QUERIES:
        for limit in (1, 3, keep):
            got = from_table(table, text, limit, keep)
            if got is not None:
                answered += 1
                assert got == brute_force(rows, text, limit), (text, limit)
    if min_matches < 100:
        assert answered > len(QUERIES)  # the table, not the fallback, answered most of them


def test_only_common_prefixes_get_a_list() -> None:
    rows = as_rows(people(400))
    table = name_tops.build_table(rows, min_matches=30, keep=10)
    assert "z" in table and "zh" in table
    assert all(top.matches > 30 for top in table.values())
    assert all(len(top.ids) <= 10 for top in table.values())
    assert name_tops.build_table(rows, min_matches=10_000) == {}


def graph_batch(persons: list[dict[str, object]]) -> GraphBatch:
    """Each person authors `papers` papers (so the loader computes their paper_count)."""
    papers = []
    for k in range(max(int(p["papers"]) for p in persons)):
        for start in range(0, len(persons), 4):
            group = [p for p in persons[start:start + 4] if int(p["papers"]) > k]
            if not group:
                continue
            pid = paper_id(title=f"Paper {k} {start}", year=2020)
            papers.append(Paper(id=pid, title=f"Paper {k} {start}", year=2020, venue_id=venue_id("MLSys"),
                                venue_name="MLSys", provenance=PROV,
                                authorships=[Authorship(pid, i, str(p["name"]), author_id=str(p["id"]))
                                             for i, p in enumerate(group)]))
    authors = [Author(str(p["id"]), str(p["name"]), aliases=list(p["aliases"]), provenance=PROV) for p in persons]
    return GraphBatch(papers=papers, authors=authors, venues=[venue_record("MLSys", PROV)])


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[FalkorStore]:
    s = FalkorStore(tmp_path, "t")
    s.name_tops_min_matches, s.name_tops_keep = 10, 12
    yield s
    s.close()


def index_answer(store: FalkorStore, text: str, limit: int) -> list[dict[str, object]]:
    """What the full-text statement alone answers (the search before the table)."""
    query = redisearch_query(text)
    return store.read(FALKOR_SEARCH_PEOPLE, {"q": query, "limit": limit}) if query else []


def test_the_store_answers_from_its_table_as_the_index_would(store: FalkorStore) -> None:
    persons = people(300)
    with store.building() as target:
        load(target, graph_batch(persons))  # the loader hands the people to the store's table
    assert store.db.connection.exists(f"t{NAME_TOPS_SUFFIX}")
    served = 0
    for text in QUERIES:
        for limit in (1, 5, 12, 20):
            served += store._people_from_name_tops(list(dict.fromkeys(query_words(text))), limit) is not None
            assert store.search_people(text, limit) == index_answer(store, text, limit), (text, limit)
    assert served > len(QUERIES)


def test_a_write_to_the_live_graph_drops_the_table_and_answers_stay_right(store: FalkorStore) -> None:
    persons = people(300)
    with store.building() as target:
        load(target, graph_batch(persons))
    more = [{"id": f"author:new{i}", "name": "Wei Q. Zhang", "aliases": [], "papers": 9} for i in range(3)]
    load(store, graph_batch(more))  # an in-place merge: the new people have more papers than anyone listed
    assert not store.db.connection.exists(f"t{NAME_TOPS_SUFFIX}")
    assert [r["id"] for r in store.search_people("zhang", 3)] == [f"author:new{i}" for i in range(3)]
    assert store.search_people("zhang", 10) == index_answer(store, "zhang", 10)


def test_a_rebuild_without_common_names_leaves_no_old_table(store: FalkorStore) -> None:
    with store.building() as target:
        load(target, graph_batch(people(300)))
    assert store.db.connection.exists(f"t{NAME_TOPS_SUFFIX}")
    with store.building() as target:
        load(target, graph_batch(people(5, seed=9)))
    assert not store.db.connection.exists(f"t{NAME_TOPS_SUFFIX}")
    assert store.search_people("zhang", 5) == index_answer(store, "zhang", 5)


def test_a_short_prefix_finds_everyone_it_begins(store: FalkorStore) -> None:
    """FalkorDB's RediSearch stops expanding a prefix early (the small snapshot: "c*" found 221 of 1,828);
    the store expands query words from the build's vocabulary, so every match is found."""
    rng = random.Random(5)
    persons = []
    for i in range(450):  # 450 different surnames beginning with "c", and a few first names beginning with "g"
        surname = "C" + "".join(rng.choice("aeioulnrst") for _ in range(6))
        persons.append({"id": f"author:c{i:03d}", "name": f"{rng.choice(['Gan', 'Gao', 'Wei'])} {surname}",
                        "aliases": [], "papers": 1 + rng.randrange(6)})
    with store.building() as target:
        load(target, graph_batch(persons))
    rows = as_rows(persons)
    for text, limit in (("c", 12), ("c", 200), ("ca", 100), ("ga c", 100), ("c g", 5), ("ca ga", 100), ("cq", 5)):
        assert [r["id"] for r in store.search_people(text, limit)] == brute_force(rows, text, limit), (text, limit)
    assert len(store.search_people("c", 500)) == 450


def test_expansion_names_the_indexed_words() -> None:
    assert name_tops.expansion(["ch", "ga"], [["chen", "cheng"], ["gan"]]) == '("chen"|"cheng") ("gan")'
    assert name_tops.expansion(["ch", "zz"], [["chen"], []]) is None  # a word that begins no name: nobody
    assert name_tops.expansion(["c"], [["c" + str(i) for i in range(3)]], max_terms=2) == "c*"


def test_an_expanded_word_is_never_stemmed(store: FalkorStore) -> None:
    """RediSearch stems a bare query term ("balle" would find "Ball", "running" "Run"); prefixes and the
    store's quoted expansions are not."""
    persons = [{"id": "author:ball", "name": "Philip Ball", "aliases": [], "papers": 3},
               {"id": "author:balle", "name": "Jona Balle", "aliases": [], "papers": 1},
               {"id": "author:run", "name": "Run Peng", "aliases": [], "papers": 2}]
    with store.building() as target:
        load(target, graph_batch(persons))
    assert [r["id"] for r in store.search_people("Ballé")] == ["author:balle"]
    assert [r["id"] for r in store.search_people("ball")] == ["author:ball", "author:balle"]
    assert store.search_people("running") == []
