"""Every Cypher statement MLSys Atlas sends, in one place.

Written in the subset FalkorDB and Neo4j 5 share (no CALL {} subqueries, no EXISTS {},
no elementId()), always parameterised: user text travels only in `$params`, never in
the query string. Stores pick statements from here by name; nothing else writes Cypher.
"""

from __future__ import annotations

# ---------------------------------------------------------------- schema
NODE_LABELS: tuple[str, ...] = ("Paper", "Author", "Venue", "Institution", "Topic")
REL_TYPES: tuple[str, ...] = ("AUTHORED", "PUBLISHED_IN", "AFFILIATED_WITH", "HAS_TOPIC", "PART_OF", "CITES")

# FalkorDB index syntax; the Neo4j store keeps its own constraint statements.
FALKOR_INDEXES: tuple[str, ...] = tuple(f"CREATE INDEX FOR (n:{label}) ON (n.id)" for label in NODE_LABELS) + (
    "CREATE INDEX FOR (p:Paper) ON (p.year)",
)

# ---------------------------------------------------------------- writes (idempotent MERGE)
MERGE_NODES: dict[str, str] = {
    label: f"UNWIND $rows AS r MERGE (n:{label} {{id: r.id}}) SET n += r.props" for label in NODE_LABELS
}

MERGE_AUTHORED = (
    "UNWIND $rows AS r "
    "MATCH (a:Author {id: r.author_id}) MATCH (p:Paper {id: r.paper_id}) "
    "MERGE (a)-[e:AUTHORED]->(p) SET e += r.props"
)
MERGE_PUBLISHED_IN = (
    "UNWIND $rows AS r "
    "MATCH (p:Paper {id: r.paper_id}) MATCH (v:Venue {id: r.venue_id}) "
    "MERGE (p)-[e:PUBLISHED_IN]->(v) SET e += r.props"
)
MERGE_AFFILIATED_WITH = (
    "UNWIND $rows AS r "
    "MATCH (a:Author {id: r.author_id}) MATCH (i:Institution {id: r.institution_id}) "
    "MERGE (a)-[e:AFFILIATED_WITH {year: r.year}]->(i) SET e += r.props"
)
MERGE_HAS_TOPIC = (
    "UNWIND $rows AS r "
    "MATCH (p:Paper {id: r.paper_id}) MATCH (t:Topic {id: r.topic_id}) "
    "MERGE (p)-[e:HAS_TOPIC]->(t) SET e += r.props"
)
MERGE_PART_OF = (
    "UNWIND $rows AS r "
    "MATCH (t:Topic {id: r.topic_id}) MATCH (p:Topic {id: r.pillar_id}) "
    "MERGE (t)-[e:PART_OF]->(p) SET e += r.props"
)
MERGE_CITES = (
    "UNWIND $rows AS r "
    "MATCH (a:Paper {id: r.paper_id}) MATCH (b:Paper {id: r.cited_id}) "
    "MERGE (a)-[e:CITES]->(b) SET e += r.props"
)

MERGE_RELS: dict[str, str] = {
    "AUTHORED": MERGE_AUTHORED,
    "PUBLISHED_IN": MERGE_PUBLISHED_IN,
    "AFFILIATED_WITH": MERGE_AFFILIATED_WITH,
    "HAS_TOPIC": MERGE_HAS_TOPIC,
    "PART_OF": MERGE_PART_OF,
    "CITES": MERGE_CITES,
}

# ---------------------------------------------------------------- stats
COUNT_LABEL: dict[str, str] = {label: f"MATCH (n:{label}) RETURN count(n) AS n" for label in NODE_LABELS}
COUNT_REL: dict[str, str] = {rel: f"MATCH ()-[e:{rel}]->() RETURN count(e) AS n" for rel in REL_TYPES}
PAPERS_PER_VENUE_YEAR = (
    "MATCH (p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN v.name AS venue, v.community AS community, p.year AS year, count(p) AS papers "
    "ORDER BY venue, year"
)
SOURCE_FRESHNESS = (
    "MATCH (p:Paper) UNWIND p.sources AS source "
    "RETURN source, count(p) AS papers, max(p.retrieved_at) AS retrieved_at ORDER BY source"
)

# ---------------------------------------------------------------- search
# `*_key` properties hold accent- and case-folded text (graph.ids.fold), so a folded
# query string matches "José" with "jose".
SEARCH_AUTHORS = (
    "MATCH (a:Author) WHERE a.search_key CONTAINS $q "
    "RETURN a.id AS id, a.name AS name, a.paper_count AS papers, a.aliases AS aliases "
    "ORDER BY papers DESC, name LIMIT $limit"
)
SEARCH_PAPERS = (
    "MATCH (p:Paper) WHERE p.title_key CONTAINS $q "
    "AND ($year_from IS NULL OR p.year >= $year_from) AND ($year_to IS NULL OR p.year <= $year_to) "
    "AND ($venue IS NULL OR p.venue = $venue) "
    "RETURN p.id AS id, p.title AS title, p.year AS year, p.venue AS venue "
    "ORDER BY year DESC, title LIMIT $limit"
)
SEARCH_PAPERS_FULLTEXT = (
    "MATCH (p:Paper) WHERE (p.title_key CONTAINS $q OR p.abstract_key CONTAINS $q) "
    "AND ($year_from IS NULL OR p.year >= $year_from) AND ($year_to IS NULL OR p.year <= $year_to) "
    "AND ($venue IS NULL OR p.venue = $venue) "
    "RETURN p.id AS id, p.title AS title, p.year AS year, p.venue AS venue "
    "ORDER BY year DESC, title LIMIT $limit"
)
SEARCH_INSTITUTIONS = (
    "MATCH (i:Institution) WHERE i.name_key CONTAINS $q "
    "RETURN i.id AS id, i.name AS name, i.country AS country, i.author_count AS authors "
    "ORDER BY authors DESC, name LIMIT $limit"
)
ALL_AUTHOR_NAMES = "MATCH (a:Author) RETURN a.id AS id, a.name AS name, a.paper_count AS papers"

# ---------------------------------------------------------------- entities
GET_NODE = "MATCH (n {id: $id}) RETURN labels(n) AS labels, properties(n) AS props"
GET_AUTHOR = "MATCH (a:Author {id: $id}) RETURN properties(a) AS props"
GET_PAPER = (
    "MATCH (p:Paper {id: $id})-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN properties(p) AS props, v.name AS venue, v.community AS community"
)
PAPER_AUTHORS = (
    "MATCH (a:Author)-[e:AUTHORED]->(p:Paper {id: $id}) "
    "RETURN a.id AS id, a.name AS name, e.position AS position, e.affiliation AS affiliation "
    "ORDER BY position"
)
PAPER_TOPICS = (
    "MATCH (p:Paper {id: $id})-[e:HAS_TOPIC]->(t:Topic) "
    "RETURN t.label AS label, t.name AS name, t.kind AS kind, e.score AS score, e.evidence AS evidence "
    "ORDER BY kind, score DESC"
)
AUTHOR_PAPERS = (
    "MATCH (a:Author {id: $id})-[e:AUTHORED]->(p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN p.id AS id, p.title AS title, p.year AS year, v.name AS venue, v.community AS community, "
    "e.position AS position ORDER BY year DESC, title"
)
AUTHOR_TOPICS = (
    "MATCH (a:Author {id: $id})-[:AUTHORED]->(p:Paper)-[e:HAS_TOPIC]->(t:Topic) "
    "RETURN t.label AS label, t.kind AS kind, p.year AS year, count(p) AS papers ORDER BY papers DESC"
)
AUTHOR_COAUTHORS = (
    "MATCH (a:Author {id: $id})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(c:Author) WHERE c.id <> $id "
    "RETURN c.id AS id, c.name AS name, count(p) AS joint_papers, max(p.year) AS last_year "
    "ORDER BY joint_papers DESC, name LIMIT $limit"
)
AUTHOR_INSTITUTIONS = (
    "MATCH (a:Author {id: $id})-[e:AFFILIATED_WITH]->(i:Institution) "
    "RETURN i.id AS id, i.name AS name, i.country AS country, e.year AS year ORDER BY year, name"
)
EGO_EDGES = (
    "MATCH (a:Author {id: $id})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(c:Author) WHERE c.id <> $id "
    "WITH c, count(p) AS w ORDER BY w DESC LIMIT $limit "
    "OPTIONAL MATCH (c)-[:AUTHORED]->(q:Paper)<-[:AUTHORED]-(d:Author) WHERE d.id <> c.id AND d.id <> $id "
    "RETURN c.id AS id, c.name AS name, w AS weight, collect(DISTINCT d.id) AS neighbours"
)

# ---------------------------------------------------------------- projections for networkx
COAUTHOR_PAPERS = (
    "MATCH (a:Author)-[:AUTHORED]->(p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "WHERE ($year_from IS NULL OR p.year >= $year_from) AND ($year_to IS NULL OR p.year <= $year_to) "
    "RETURN p.id AS paper, p.year AS year, v.name AS venue, v.community AS community, "
    "collect(a.id) AS authors"
)
PAPER_TOPIC_ROWS = (
    "MATCH (p:Paper)-[e:HAS_TOPIC]->(t:Topic) RETURN p.id AS paper, t.label AS label, t.kind AS kind, "
    "e.score AS score"
)
AUTHOR_INSTITUTION_ROWS = (
    "MATCH (a:Author)-[e:AFFILIATED_WITH]->(i:Institution) "
    "RETURN a.id AS author, i.id AS institution, i.name AS name, i.country AS country, e.year AS year"
)
AUTHOR_NAMES_BY_ID = "UNWIND $ids AS id MATCH (a:Author {id: id}) RETURN a.id AS id, a.name AS name"
PAPERS_BY_ID = (
    "UNWIND $ids AS id MATCH (p:Paper {id: id}) RETURN p.id AS id, p.title AS title, p.year AS year, "
    "p.venue AS venue"
)
