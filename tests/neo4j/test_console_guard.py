"""The read-only console guard (graph/console.py), and the embedded store's own refusal behind it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny_graph import tiny_batch

from graph.console import WRITE_KEYWORDS, check_read_only, refusal_reason, tokenize
from graph.errors import ReadOnlyQueryError
from graph.falkor_store import FalkorStore
from graph.loader import load

ALLOWED = [
    "MATCH (n) RETURN n LIMIT 5",
    "match (a:Author)-[:AUTHORED]->(p:Paper) return a.name, count(p) order by count(p) desc",
    "RETURN 'DELETE everything; CREATE (x)' AS harmless_text",
    'RETURN "a \\" MERGE (n)" AS escaped_quote',
    "MATCH (n:`Set`) RETURN n.set, n.create, n.delete",
    "MATCH (n) WHERE n.x = $set RETURN {merge: 1, remove: 2} AS m",
    "// CREATE (n)\nMATCH (n) RETURN count(n) /* DETACH DELETE n */",
    "MATCH (start:Author), (stop:Paper) RETURN start, stop",
    "MATCH (n) RETURN n.x AS set, n.y AS delete",
    "CALL db.labels() YIELD label RETURN label",
    "CALL `db`.`relationshipTypes`()",
    "CALL db.index.fulltext.queryNodes('atlas_paper_text', 'serving') YIELD node RETURN node.title",
    "CALL { MATCH (p:Paper) RETURN p } RETURN count(p)",
    "EXPLAIN MATCH (n) RETURN n",
    "SHOW INDEXES",
    "MATCH (n) RETURN n;",
    "RETURN apoc.text.join(['a', 'b'], ',') AS s",
]

REFUSED = {
    "CREATE (n:Paper {id: 'x'})": "`CREATE`",
    "MATCH (n) SET n.x = 1": "`SET`",
    "MATCH (n) /* sneaky */ DeTaCh DeLeTe n": "`DeTaCh`",
    "MATCH (n)\nREMOVE n.title": "`REMOVE`",
    "MERGE (n:Paper {id: 'x'})": "`MERGE`",
    "MATCH (n) FOREACH (x IN [1] | SET n.y = x)": "`FOREACH`",
    "LOAD CSV FROM 'https://example.org/x.csv' AS row RETURN row": "`LOAD`",
    "DROP INDEX atlas_paper_year": "`DROP`",
    "INSERT (n:Paper)": "`INSERT`",
    "USE system SHOW USERS": "`USE`",
    "CALL { CREATE (n) } RETURN 1": "`CREATE`",
    "MATCH (n) CALL { WITH n RETURN n } IN TRANSACTIONS RETURN n": "IN TRANSACTIONS",
    "CALL apoc.create.node(['X'], {})": "procedure `apoc.create.node`",
    "CALL db.createLabel('X')": "procedure `db.createLabel`",
    "CALL db.idx.fulltext.createNodeIndex('Paper', 'title')": "procedure `db.idx.fulltext.createNodeIndex`",
    "CALL dbms.security.createUser('x', 'y')": "procedure `dbms.security.createUser`",
    "RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {})": "function `apoc.cypher",
    "RETURN `apoc`.cypher.run('x', {})": "function `apoc.cypher.run`",
    "START DATABASE atlas": "`START`",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'": "`TERMINATE`",
    "GRANT ROLE admin TO bob": "`GRANT`",
    "MATCH (n) RETURN n; MATCH (m) DELETE m": "one statement",
    "RETURN 'unclosed": "Unclosed string",
    "/*/ DELETE": "Unclosed comment",
    "   ": "empty",
}


@pytest.mark.parametrize("query", ALLOWED)
def test_reads_are_allowed(query: str) -> None:
    assert refusal_reason(query) is None
    check_read_only(query)


@pytest.mark.parametrize(("query", "reason"), REFUSED.items())
def test_writes_and_side_effects_are_refused_with_a_reason(query: str, reason: str) -> None:
    with pytest.raises(ReadOnlyQueryError, match="(?i)" + reason.replace("(", r"\(").replace(".", r"\.")):
        check_read_only(query)


def test_tokens_keep_strings_and_quoted_names_apart_from_keywords() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("MATCH (`my ``odd`` node`) WHERE n.x = 'it\\'s' // c\nRETURN $p")]
    assert kinds == [("word", "MATCH"), ("punct", "("), ("name", "my `odd` node"), ("punct", ")"),
                     ("word", "WHERE"), ("word", "n"), ("punct", "."), ("word", "x"), ("punct", "="),
                     ("string", "'it\\'s'"), ("word", "RETURN"), ("param", "$p")]


hidden_text = st.text(alphabet=st.characters(blacklist_characters="'\\\n*/", blacklist_categories=("Cs",)),
                      max_size=30)


@settings(max_examples=150, deadline=None)
@given(keyword=st.sampled_from(sorted(WRITE_KEYWORDS)), before=hidden_text, after=hidden_text)
def test_write_keywords_inside_strings_and_comments_are_harmless(keyword: str, before: str, after: str) -> None:
    for query in (f"RETURN '{before} {keyword} {after}' AS s", f"MATCH (n) /* {before}{keyword}{after} */ RETURN n",
                  f"MATCH (n) RETURN n // {before} {keyword} {after}"):
        assert refusal_reason(query) is None, query


@settings(max_examples=150, deadline=None)
@given(keyword=st.sampled_from(sorted(WRITE_KEYWORDS)), case=st.sampled_from([str.lower, str.upper, str.title]),
       gap=st.sampled_from([" ", "\n", "\t", " /* x */ ", "\n// c\n"]))
def test_write_keywords_as_clauses_are_refused_in_any_case_and_spacing(keyword: str, case: object,
                                                                       gap: str) -> None:
    query = f"MATCH (n){gap}{case(keyword)}{gap}n.x"  # type: ignore[operator]
    assert refusal_reason(query) is not None, query


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    store = FalkorStore(Path(tmp_path_factory.mktemp("console")), "console")
    with store.building() as target:
        load(target, tiny_batch())
    yield store
    store.close()


def test_the_embedded_store_itself_refuses_a_write_that_skips_the_guard(embedded: FalkorStore) -> None:
    """The second line: GRAPH.RO_QUERY refuses writes even when the guard is not asked."""
    with pytest.raises(ReadOnlyQueryError, match="refused a write"):
        embedded.run_read_only("CREATE (n:Paper {id: 'injected'}) RETURN n")
    assert embedded.node("injected") is None


def test_the_embedded_console_answers_reads_with_a_row_limit(embedded: FalkorStore) -> None:
    check_read_only("MATCH (p:Paper) RETURN p.id AS id ORDER BY id")
    rows = embedded.run_read_only("MATCH (p:Paper) RETURN p.id AS id ORDER BY id", limit=2)
    assert rows == [{"id": "paper:doi:10.1/p1"}, {"id": "paper:doi:10.1/p2"}]
