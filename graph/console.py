"""The read-only guard in front of the free-form Cypher console.

Power users may type any Cypher into the explorer's console; this module refuses
anything that could write, load outside data or change the server *before* it is sent.
It is the first of two lines: both stores also run console queries in a mode where the
database itself refuses writes (FalkorDB `GRAPH.RO_QUERY`, a Neo4j READ-mode session),
so a statement that slipped past this guard would still be stopped, and the guard exists
to give a clear message and to keep side effects that a read session does not stop
(`LOAD CSV` fetching URLs, APOC procedures that export files) from ever being attempted.

The check works on tokens, not on raw text: comments, string literals and
back-quoted names are recognised first, so `RETURN "DELETE"` or a label called
`` `Set` `` is fine while `MATCH (n) /* */ DeTaCh DeLeTe n` is refused.
Procedures are allow-listed (reading ones only) rather than deny-listed: an unknown
procedure is refused, since a new writing procedure must never get through by default.

Size and nesting are limited too: FalkorDB's parser takes time exponential in the depth
of nested brackets (measured: `RETURN [[…1…]]` 14 deep 0.1 s, 18 deep 1.5 s, 22 deep
15 s) before any timeout applies, so a deeply nested query could hold one of the
server's two worker threads for ever. Hand-written Cypher is rarely more than 5 deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from graph.errors import ReadOnlyQueryError

TokenKind = Literal["word", "name", "string", "param", "punct", "number"]

MAX_QUERY_CHARS = 20_000
MAX_NESTING = 12  # brackets of any kind: ( [ {
_OPENING, _CLOSING = "([{", ")]}"


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str  # for "name" tokens: the back-quoted name without its quotes
    offset: int


# Clauses that write data or the schema, or read from outside the database. Refused
# wherever they appear as a keyword (multi-word forms are matched on their first word).
WRITE_KEYWORDS: frozenset[str] = frozenset({
    "CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "DROP", "FOREACH", "INSERT",
    "LOAD",  # LOAD CSV reads files and URLs: refused even in a read transaction
    "USE",  # would leave the configured database
    "PERIODIC",  # USING PERIODIC COMMIT (Neo4j 4 bulk writes)
    "ALTER", "RENAME", "GRANT", "DENY", "REVOKE", "DEALLOCATE", "REALLOCATE", "DRYRUN",  # administration
})
# Administration commands whose first word is also a common variable name (`start`,
# `stop`): refused only when followed by the word that makes them a command.
ADMIN_COMMANDS: dict[str, frozenset[str]] = {
    "START": frozenset({"DATABASE", "DATABASES"}),
    "STOP": frozenset({"DATABASE", "DATABASES"}),
    "ENABLE": frozenset({"SERVER"}),
    "TERMINATE": frozenset({"TRANSACTION", "TRANSACTIONS"}),
}

# Procedures that only read (checked against Neo4j's own READ/DBMS modes in the tests).
READ_PROCEDURES: frozenset[str] = frozenset({
    # Neo4j
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties", "db.index.fulltext.queryNodes",
    "db.index.fulltext.queryRelationships", "db.index.vector.queryNodes", "db.index.vector.queryRelationships",
    "db.info", "db.ping", "dbms.components",
    # FalkorDB
    "db.indexes", "db.constraints", "db.idx.fulltext.queryNodes", "db.idx.fulltext.queryRelationships",
    "db.idx.vector.queryNodes", "db.idx.vector.queryRelationships", "dbms.procedures",
    "algo.pageRank", "algo.BFS", "algo.SPpaths", "algo.SSpaths", "algo.betweenness", "algo.WCC",
    "algo.labelPropagation", "algo.MSF",
})

# Functions that run Cypher of their own or touch files and URLs.
REFUSED_FUNCTION_PREFIXES: tuple[str, ...] = (
    "apoc.cypher.", "apoc.do.", "apoc.periodic.", "apoc.load.", "apoc.import.", "apoc.export.", "apoc.trigger.",
    "apoc.refactor.", "apoc.create.", "apoc.merge.", "apoc.nodes.", "apoc.lock.",
)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<name>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)*`|\d+))
  | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens, dropping whitespace and comments."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        text = match.group()
        if kind == "block_comment" and (len(text) < 4 or not text.endswith("*/")):
            raise ReadOnlyQueryError(f"Unclosed comment at character {match.start() + 1}.")
        if kind in ("ws", "line_comment", "block_comment"):
            continue
        if kind in ("string", "name") and (len(text) < 2 or text[-1] != text[0]):
            raise ReadOnlyQueryError(f"Unclosed {'string' if kind == 'string' else 'back-quoted name'} "
                                     f"at character {match.start() + 1}.")
        if kind == "name":
            text = text[1:-1].replace("``", "`")
        tokens.append(Token(kind, text, match.start()))  # type: ignore[arg-type]
    return tokens


def _is_identifier(tokens: list[Token], i: int) -> bool:
    """A word used as a property, label, parameter or map key is not a clause."""
    before = tokens[i - 1].text if i > 0 and tokens[i - 1].kind == "punct" else ""
    after = tokens[i + 1].text if i + 1 < len(tokens) and tokens[i + 1].kind == "punct" else ""
    alias = i > 0 and tokens[i - 1].kind == "word" and tokens[i - 1].text.upper() == "AS"
    return alias or before in (".", ":", "$") or after == "." or (after == ":" and before in ("{", ","))


def _qualified_name(tokens: list[Token], i: int) -> tuple[str, int]:
    """Read `a.b.c` (words or back-quoted names) starting at token i."""
    parts: list[str] = []
    while i < len(tokens) and tokens[i].kind in ("word", "name"):
        parts.append(tokens[i].text)
        if i + 1 < len(tokens) and tokens[i + 1].text == "." and tokens[i + 1].kind == "punct":
            i += 2
        else:
            i += 1
            break
    return ".".join(parts), i


def _too_deep(tokens: list[Token]) -> Token | None:
    depth = 0
    for token in tokens:
        if token.kind != "punct":
            continue
        if token.text in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                return token
        elif token.text in _CLOSING:
            depth = max(0, depth - 1)
    return None


def shape_reason(query: str) -> str | None:
    """Why `query` is too large or too deeply nested to send at all (whatever it does), or None."""
    if len(query) > MAX_QUERY_CHARS:
        return f"The query is {len(query):,} characters long; the console takes at most {MAX_QUERY_CHARS:,}."
    try:
        tokens = tokenize(query)
    except ReadOnlyQueryError as exc:
        return str(exc)
    if not tokens:
        return "The query is empty."
    deep = _too_deep(tokens)
    if deep is not None:
        return (f"Brackets nest more than {MAX_NESTING} deep (character {deep.offset + 1}); the database would "
                "spend minutes parsing it. Flatten the expression.")
    return None


def check_shape(query: str) -> None:
    """Raise ReadOnlyQueryError if the query is too large or too deep; the stores call this themselves."""
    reason = shape_reason(query)
    if reason:
        raise ReadOnlyQueryError(reason)


def refusal_reason(query: str) -> str | None:
    """Why `query` may not run in the read-only console, or None if it may."""
    reason = shape_reason(query)
    if reason:
        return reason
    tokens = tokenize(query)
    for i, token in enumerate(tokens):
        if token.kind == "punct" and token.text == ";" and any(t.text != ";" for t in tokens[i + 1:]):
            return "Only one statement at a time: remove the `;` in the middle."
        if token.kind not in ("word", "name"):
            continue
        previous = tokens[i - 1] if i > 0 else None
        after_call = previous is not None and previous.kind == "word" and previous.text.upper() == "CALL"
        if previous is None or not (previous.text == "." or after_call):
            name, end = _qualified_name(tokens, i)
            called = end < len(tokens) and tokens[end].text == "(" and "." in name
            if called and name.lower().startswith(REFUSED_FUNCTION_PREFIXES):
                return f"This console is read-only: the function `{name}` is not allowed."
        if _is_identifier(tokens, i):
            continue
        word = token.text.upper() if token.kind == "word" else ""
        following = tokens[i + 1].text.upper() if i + 1 < len(tokens) and tokens[i + 1].kind == "word" else ""
        if word in WRITE_KEYWORDS or following in ADMIN_COMMANDS.get(word, ()):
            return f"This console is read-only: `{token.text}` is not allowed (character {token.offset + 1})."
        if word == "IN" and following == "TRANSACTIONS":
            return "This console is read-only: `CALL { ... } IN TRANSACTIONS` is not allowed."
        if word == "CALL":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or (nxt.kind == "punct" and nxt.text in "{("):
                continue  # a subquery: its clauses are checked like the rest
            name, _ = _qualified_name(tokens, i + 1)
            if name not in READ_PROCEDURES:
                return (f"This console is read-only: the procedure `{name}` is not on the list of reading "
                        "procedures (`graph.console.READ_PROCEDURES`).")
    return None


def check_read_only(query: str) -> None:
    """Raise ReadOnlyQueryError (with the reason) unless `query` is safe to send as a read."""
    reason = refusal_reason(query)
    if reason:
        raise ReadOnlyQueryError(reason)


def with_row_limit(query: str, limit: int) -> str:
    """The query with its row limit inside it, so the server stops after `limit` rows.

    A query ending in RETURN gets `LIMIT n` appended (or its own literal LIMIT lowered to n),
    which keeps its columns in order; FalkorDB then produces only n rows instead of sending all
    of them to be cut here. A UNION or a LIMIT given as an expression is wrapped as a subquery,
    `CALL { … } RETURN * LIMIT n` (FalkorDB orders `*` columns by name). A standalone procedure
    call is left alone: it cannot be wrapped, and the server's RESULTSET_SIZE still bounds it.
    """
    limit = max(1, int(limit))
    tokens = tokenize(query)
    while tokens and tokens[-1].kind == "punct" and tokens[-1].text == ";":
        query = query[:tokens[-1].offset]
        tokens = tokens[:-1]
    depth = 0
    last_return: int | None = None
    union = False
    top_level: list[int] = []
    for index, token in enumerate(tokens):
        if token.kind == "punct" and token.text in _OPENING:
            depth += 1
        elif token.kind == "punct" and token.text in _CLOSING:
            depth -= 1
        elif depth == 0 and token.kind == "word":
            top_level.append(index)
            word = token.text.upper()
            if word == "RETURN":
                last_return = index
            elif word == "UNION":
                union = True
    if last_return is None:
        return query
    wrapped = f"CALL {{\n{query}\n}}\nRETURN * LIMIT {limit}"
    if union:
        return wrapped
    limits = [i for i in top_level if i > last_return and tokens[i].text.upper() == "LIMIT"]
    if not limits:
        return f"{query}\nLIMIT {limit}"
    at = limits[-1] + 1
    if at < len(tokens) and tokens[at].kind == "number" and at == len(tokens) - 1 and tokens[at].text.isdigit():
        number = tokens[at]
        return query[:number.offset] + str(min(int(number.text), limit)) + query[number.offset + len(number.text):]
    return wrapped
