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
# PART_OF links a topic to its pillar and an institution unit (MIT CSAIL) to its organisation;
# rows name the child `topic_id` and the parent `pillar_id` in both cases (one row shape per type).
MERGE_PART_OF = (
    "UNWIND $rows AS r "
    "OPTIONAL MATCH (t:Topic {id: r.topic_id}) OPTIONAL MATCH (p:Topic {id: r.pillar_id}) "
    "OPTIONAL MATCH (u:Institution {id: r.topic_id}) OPTIONAL MATCH (o:Institution {id: r.pillar_id}) "
    "WITH r, coalesce(t, u) AS child, coalesce(p, o) AS parent WHERE child IS NOT NULL AND parent IS NOT NULL "
    "MERGE (child)-[e:PART_OF]->(parent) SET e += r.props"
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

# Incremental ingest (ingest/incremental.py) removes what a delta no longer has: relationships by the
# same keys their MERGE uses, nodes by id (DETACH: a node is only deleted once its rows are gone).
DELETE_NODES: dict[str, str] = {
    label: f"UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}) DETACH DELETE n" for label in NODE_LABELS
}
DELETE_RELS: dict[str, str] = {
    "AUTHORED": "UNWIND $rows AS r MATCH (:Author {id: r.author_id})-[e:AUTHORED]->(:Paper {id: r.paper_id}) DELETE e",
    "PUBLISHED_IN": "UNWIND $rows AS r MATCH (:Paper {id: r.paper_id})-[e:PUBLISHED_IN]->(:Venue {id: r.venue_id}) "
                    "DELETE e",
    "AFFILIATED_WITH": "UNWIND $rows AS r MATCH (:Author {id: r.author_id})-[e:AFFILIATED_WITH]->"
                       "(:Institution {id: r.institution_id}) WHERE e.year = r.year DELETE e",
    "HAS_TOPIC": "UNWIND $rows AS r MATCH (:Paper {id: r.paper_id})-[e:HAS_TOPIC]->(:Topic {id: r.topic_id}) DELETE e",
    "PART_OF": "UNWIND $rows AS r MATCH (c)-[e:PART_OF]->(p) WHERE c.id = r.topic_id AND p.id = r.pillar_id DELETE e",
    "CITES": "UNWIND $rows AS r MATCH (:Paper {id: r.paper_id})-[e:CITES]->(:Paper {id: r.cited_id}) DELETE e",
}

# ---------------------------------------------------------------- stats
COUNT_LABEL: dict[str, str] = {label: f"MATCH (n:{label}) RETURN count(n) AS n" for label in NODE_LABELS}
COUNT_REL: dict[str, str] = {rel: f"MATCH ()-[e:{rel}]->() RETURN count(e) AS n" for rel in REL_TYPES}
PAPERS_PER_VENUE_YEAR = (
    "MATCH (p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN v.name AS venue, v.community AS community, p.year AS year, count(p) AS papers "
    "ORDER BY venue, year"
)
# Which text each paper's topic tags were computed from (title_only | abstract | derived_terms), per community.
TAG_INPUTS_BY_COMMUNITY = (
    "MATCH (p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN v.community AS community, coalesce(p.tag_input, 'title_only') AS input, count(p) AS papers "
    "ORDER BY community, input"
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
# `GraphStore.search_people` on Neo4j: every folded word a prefix of a word of the name or an alias,
# through the full-text index (`$q` is built by graph.fulltext from folded words only; FalkorDB's
# RediSearch statements live in graph/falkor_store.py, since Neo4j's linter checks every statement here).
NEO4J_SEARCH_PEOPLE = (
    "CALL db.index.fulltext.queryNodes('atlas_author_text', $q) YIELD node AS a "
    "RETURN a.id AS id, a.name AS name, a.paper_count AS papers, a.aliases AS aliases "
    "ORDER BY papers DESC, name, id LIMIT $limit"
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
# search_key: the folded name and every alias ("cmu", "uc berkeley"), joined by " | ".
SEARCH_INSTITUTIONS = (
    "MATCH (i:Institution) WHERE coalesce(i.search_key, i.name_key) CONTAINS $q "
    "RETURN i.id AS id, i.name AS name, i.country AS country, i.author_count AS authors "
    "ORDER BY authors DESC, name LIMIT $limit"
)
ALL_AUTHOR_NAMES = "MATCH (a:Author) RETURN a.id AS id, a.name AS name, a.paper_count AS papers"

# ---------------------------------------------------------------- entities
GET_NODE = "MATCH (n {id: $id}) RETURN labels(n) AS labels, properties(n) AS props"
# Ids of an earlier id scheme (graph/ids.py, ID_SCHEME) stay resolvable: the node keeps them in `id_aliases`.
# Only labels whose ids are derived from folded text have aliases; the prefix picks the label.
ALIAS_LABELS = {"author": "Author", "paper": "Paper", "inst": "Institution"}
ID_EXISTS = {label: f"MATCH (n:{label} {{id: $id}}) RETURN n.id AS id LIMIT 1" for label in ALIAS_LABELS.values()}
ID_BY_ALIAS = {label: f"MATCH (n:{label}) WHERE $id IN n.id_aliases RETURN n.id AS id ORDER BY id LIMIT 1"
               for label in ALIAS_LABELS.values()}
GET_AUTHOR = "MATCH (a:Author {id: $id}) RETURN properties(a) AS props"
GET_PAPER = (
    "MATCH (p:Paper {id: $id})-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN properties(p) AS props, v.name AS venue, v.community AS community"
)
PAPER_AUTHORS = (
    "MATCH (a:Author)-[e:AUTHORED]->(p:Paper {id: $id}) "
    "OPTIONAL MATCH (i:Institution {id: e.institution_id}) "
    "RETURN a.id AS id, a.name AS name, e.position AS position, e.affiliation AS affiliation, "
    "i.id AS institution_id, i.name AS institution "
    "ORDER BY position"
)
PAPER_TOPICS = (
    "MATCH (p:Paper {id: $id})-[e:HAS_TOPIC]->(t:Topic) "
    "RETURN t.label AS label, t.name AS name, t.kind AS kind, e.score AS score, e.evidence AS evidence "
    "ORDER BY kind, score DESC, label"
)
AUTHOR_PAPERS = (
    "MATCH (a:Author {id: $id})-[e:AUTHORED]->(p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN p.id AS id, p.title AS title, p.year AS year, v.name AS venue, v.community AS community, "
    "e.position AS position ORDER BY year DESC, title"
)
AUTHOR_TOPICS = (
    "MATCH (a:Author {id: $id})-[:AUTHORED]->(p:Paper)-[e:HAS_TOPIC]->(t:Topic) "
    "RETURN t.label AS label, t.kind AS kind, p.year AS year, count(p) AS papers "
    "ORDER BY papers DESC, kind, label, year"
)
AUTHOR_COAUTHORS = (
    "MATCH (a:Author {id: $id})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(c:Author) WHERE c.id <> $id "
    "RETURN c.id AS id, c.name AS name, count(p) AS joint_papers, max(p.year) AS last_year "
    "ORDER BY joint_papers DESC, name LIMIT $limit"
)
# `papers`: the person's papers of that year printing the institution, the evidence for the row (at least one:
# AFFILIATED_WITH is made from printed affiliations; one is weak, as a source can print them out of order).
AUTHOR_INSTITUTIONS = (
    "MATCH (a:Author {id: $id})-[e:AFFILIATED_WITH]->(i:Institution) "
    "OPTIONAL MATCH (a)-[r:AUTHORED]->(p:Paper) WHERE p.year = e.year AND r.institution_id = i.id "
    "RETURN i.id AS id, i.name AS name, i.country AS country, e.year AS year, count(p) AS papers "
    "ORDER BY year, name"
)
EGO_EDGES = (
    "MATCH (a:Author {id: $id})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(c:Author) WHERE c.id <> $id "
    "WITH c, count(p) AS w ORDER BY w DESC, c.id LIMIT $limit "
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
# Analytics count organisations: a unit's members (Google DeepMind) are counted at its parent (Google).
AUTHOR_INSTITUTION_ROWS = (
    "MATCH (a:Author)-[e:AFFILIATED_WITH]->(i:Institution) "
    "OPTIONAL MATCH (i)-[:PART_OF]->(o:Institution) WITH a, e, coalesce(o, i) AS org "
    "RETURN a.id AS author, org.id AS institution, org.name AS name, org.country AS country, "
    "org.type AS type, e.year AS year, coalesce(e.main, true) AS main"
)
# Units (MIT CSAIL, Microsoft Research) and their organisation: the analytics credit the organisation, as
# AUTHOR_INSTITUTION_ROWS does.
INSTITUTION_PARENTS = "MATCH (i:Institution)-[:PART_OF]->(o:Institution) RETURN i.id AS unit, o.id AS org"
AUTHOR_NAMES_BY_ID = "UNWIND $ids AS id MATCH (a:Author {id: id}) RETURN a.id AS id, a.name AS name"
PAPERS_BY_ID = (
    "UNWIND $ids AS id MATCH (p:Paper {id: id}) RETURN p.id AS id, p.title AS title, p.year AS year, "
    "p.venue AS venue"
)

# ---------------------------------------------------------------- community analytics (graph/analytics)
# One read each; graph.analytics.projections caches the rows and filters years in Python.
# `listed`: [author, institution] of each authorship whose printed affiliation resolved to an institution
# (collect drops the nulls of the others).
ANALYTICS_PAPER_ROWS = (
    "MATCH (a:Author)-[r:AUTHORED]->(p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN p.id AS paper, p.title AS title, p.year AS year, v.name AS venue, v.community AS community, "
    "collect(a.id) AS authors, "
    "collect(CASE WHEN r.institution_id IS NULL THEN null ELSE [a.id, r.institution_id] END) AS listed"
)
ANALYTICS_AUTHOR_ROWS = (
    "MATCH (a:Author) RETURN a.id AS id, a.name AS name, a.aliases AS aliases, a.orcid AS orcid, "
    "a.dblp_pid AS dblp_pid, a.openreview_id AS openreview_id, a.s2_id AS s2_id, a.openalex_id AS openalex_id, "
    "a.id_aliases AS id_aliases"
)

# ---------------------------------------------------------------- explorer (graph/explore.py, graph/search.py)
# Indexes the explorer keeps in memory for typo-tolerant matching (rapidfuzz) and "did you mean".
EXPLORE_AUTHOR_INDEX = (
    "MATCH (a:Author) RETURN a.id AS id, a.name AS name, a.search_key AS key, a.paper_count AS papers"
)
EXPLORE_INSTITUTION_INDEX = (
    "MATCH (i:Institution) RETURN i.id AS id, i.name AS name, coalesce(i.search_key, i.name_key) AS key, "
    "i.country AS country, "
    "i.author_count AS authors"
)
EXPLORE_PAPER_TITLE_KEYS = "MATCH (p:Paper) RETURN p.title_key AS key"
# Every token must occur (any order); abstracts only when asked; facets are optional parameters.
EXPLORE_SEARCH_PAPERS = (
    "MATCH (p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "WHERE all(tok IN $tokens WHERE p.title_key CONTAINS tok "
    "OR ($abstracts AND p.abstract_key IS NOT NULL AND p.abstract_key CONTAINS tok)) "
    "AND ($year_from IS NULL OR p.year >= $year_from) AND ($year_to IS NULL OR p.year <= $year_to) "
    "AND ($venues IS NULL OR v.name IN $venues) "
    "OPTIONAL MATCH (p)-[:HAS_TOPIC]->(t:Topic) WITH p, v, collect(t.label) AS topics "
    "WHERE $pillar IS NULL OR $pillar IN topics "
    "RETURN p.id AS id, p.title AS title, p.title_key AS title_key, p.year AS year, v.name AS venue, "
    "v.community AS community, topics ORDER BY year DESC, title LIMIT $limit"
)
EXPLORE_PAPER_AUTHOR_LISTS = (
    "UNWIND $ids AS id MATCH (a:Author)-[e:AUTHORED]->(p:Paper {id: id}) "
    "RETURN p.id AS id, collect({name: a.name, position: e.position}) AS authors"
)
EXPLORE_PAPER_TOPICS_BY_ID = (
    "UNWIND $ids AS id MATCH (p:Paper {id: id})-[:HAS_TOPIC]->(t:Topic) RETURN p.id AS id, collect(t.label) AS topics"
)
EXPLORE_TOP_AUTHORS_BY_COMMUNITY = (
    "MATCH (a:Author)-[:AUTHORED]->(p:Paper)-[:PUBLISHED_IN]->(v:Venue {community: $community}) "
    "RETURN a.id AS id, a.name AS name, count(p) AS papers ORDER BY papers DESC, name LIMIT $limit"
)
EXPLORE_VENUES = (
    "MATCH (v:Venue) OPTIONAL MATCH (p:Paper)-[:PUBLISHED_IN]->(v) "
    "RETURN v.id AS id, v.name AS name, v.full_name AS full_name, v.community AS community, count(p) AS papers "
    "ORDER BY papers DESC, name"
)
EXPLORE_TOPICS = (
    "MATCH (t:Topic) OPTIONAL MATCH (p:Paper)-[:HAS_TOPIC]->(t) "
    "RETURN t.id AS id, t.label AS label, t.name AS name, t.kind AS kind, t.pillars AS pillars, count(p) AS papers "
    "ORDER BY kind, papers DESC, label"
)
EXPLORE_PAPER_CITES = (
    "MATCH (p:Paper {id: $id})-[:CITES]->(c:Paper) RETURN c.id AS id, c.title AS title, c.year AS year, "
    "c.venue AS venue ORDER BY year DESC, title LIMIT $limit"
)
EXPLORE_PAPER_CITED_BY = (
    "MATCH (c:Paper)-[:CITES]->(p:Paper {id: $id}) RETURN c.id AS id, c.title AS title, c.year AS year, "
    "c.venue AS venue ORDER BY year DESC, title LIMIT $limit"
)
# Related papers (graph/related.py ranks them). Two HAS_TOPIC / AUTHORED relationships in one
# pattern are distinct, so `q` is never the paper itself; LIMIT cuts ties on the id so both stores
# keep the same rows. Topic weights are integers (per mille) so sums are exact on both stores.
RELATED_BY_AUTHORS = (
    "MATCH (p:Paper {id: $id})<-[:AUTHORED]-(a:Author)-[:AUTHORED]->(q:Paper) WHERE q.id <> $id "
    "WITH q, count(DISTINCT a) AS shared, collect(DISTINCT a.name) AS names "
    "ORDER BY shared DESC, q.id LIMIT $limit "
    "RETURN q.id AS id, q.title AS title, q.year AS year, q.venue AS venue, shared, names"
)
# How many other papers carry each of this paper's topics: the rarer, the more a shared topic says.
RELATED_TOPIC_FREQUENCIES = (
    "MATCH (p:Paper {id: $id})-[:HAS_TOPIC]->(t:Topic) OPTIONAL MATCH (t)<-[:HAS_TOPIC]-(q:Paper) "
    "WHERE q.id <> $id "
    "RETURN t.id AS id, t.label AS label, t.name AS name, t.kind AS kind, count(q) AS papers ORDER BY label"
)
RELATED_BY_TOPICS = (
    "UNWIND $topics AS topic MATCH (t:Topic {id: topic.id})<-[:HAS_TOPIC]-(q:Paper) WHERE q.id <> $id "
    "WITH q, sum(topic.weight) AS weight, collect(topic.label) AS labels "
    "ORDER BY weight DESC, q.id LIMIT $limit "
    "RETURN q.id AS id, q.title AS title, q.year AS year, q.venue AS venue, weight, labels"
)
# The in-memory related-papers index (graph/related_index.py) reads the same facts the three
# queries above walk, once: every paper, every author's papers, every topic's papers.
RELATED_INDEX_PAPERS = "MATCH (p:Paper) RETURN p.id AS id, p.title AS title, p.year AS year, p.venue AS venue"
RELATED_INDEX_AUTHORS = (
    "MATCH (a:Author)-[:AUTHORED]->(p:Paper) RETURN a.id AS id, a.name AS name, collect(p.id) AS papers"
)
RELATED_INDEX_TOPICS = (
    "MATCH (t:Topic) OPTIONAL MATCH (p:Paper)-[:HAS_TOPIC]->(t) "
    "RETURN t.id AS id, t.label AS label, t.name AS name, t.kind AS kind, collect(p.id) AS papers"
)
EXPLORE_GET_INSTITUTION = "MATCH (i:Institution {id: $id}) RETURN properties(i) AS props"
# A paper is an institution's when its author printed this institution (or one of its units, `ids`: the analytics
# count a unit at its organisation) on it, or printed no affiliation we could resolve in a year the author printed
# it most (`main`; graph.credit): an author's other affiliations of that year are not credited with a paper that
# names its own. A graph loaded before `main` existed counts every affiliation of the year, as it did then.
_INSTITUTION_AND_UNITS = (
    "MATCH (o:Institution {id: $id}) OPTIONAL MATCH (u:Institution)-[:PART_OF]->(o) "
    "WITH [$id] + collect(u.id) AS ids UNWIND ids AS id "
)
EXPLORE_INSTITUTION_AUTHORS = (
    _INSTITUTION_AND_UNITS + "MATCH (a:Author)-[e:AFFILIATED_WITH]->(:Institution {id: id}) "
    "WITH ids, a, collect(e.year) AS years, "
    "collect(CASE WHEN coalesce(e.main, true) THEN e.year END) AS main_years, "
    "min(e.year) AS first_year, max(e.year) AS last_year "
    "MATCH (a)-[r:AUTHORED]->(p:Paper) WHERE p.year IN years "
    "AND (r.institution_id IN ids OR (r.institution_id IS NULL AND p.year IN main_years)) "
    "RETURN a.id AS id, a.name AS name, count(DISTINCT p) AS papers_here, a.paper_count AS papers, first_year, "
    "last_year ORDER BY papers_here DESC, papers DESC, name LIMIT $limit"
)
EXPLORE_INSTITUTION_PAPERS_BY_YEAR = (
    _INSTITUTION_AND_UNITS + "MATCH (a:Author)-[e:AFFILIATED_WITH]->(:Institution {id: id}) "
    "MATCH (a)-[r:AUTHORED]->(p:Paper)-[:PUBLISHED_IN]->(v:Venue) "
    "WHERE p.year = e.year AND (r.institution_id IN ids OR (r.institution_id IS NULL AND coalesce(e.main, true))) "
    "RETURN p.year AS year, v.community AS community, count(DISTINCT p) AS papers ORDER BY year, community"
)
EXPLORE_INSTITUTION_UNITS = (
    "MATCH (u:Institution)-[:PART_OF]->(:Institution {id: $id}) RETURN u.id AS id, u.name AS name ORDER BY name, id"
)
# Per year: the papers, and those on which some author's printed affiliation resolved to an institution.
AFFILIATION_COVERAGE_BY_YEAR = (
    "MATCH (:Author)-[r:AUTHORED]->(p:Paper) WHERE p.year IS NOT NULL "
    "WITH p, max(CASE WHEN r.institution_id IS NULL THEN 0 ELSE 1 END) AS printed "
    "RETURN p.year AS year, count(p) AS papers, sum(printed) AS printed ORDER BY year"
)
# One neighbourhood statement per label (labels cannot be parameters); year is the
# relationship's own year where it has one (AFFILIATED_WITH, PUBLISHED_IN), else the neighbour's.
EXPLORE_NEIGHBOURS: dict[str, str] = {
    label: (
        f"MATCH (n:{label} {{id: $id}})-[r]-(m) WHERE ($types IS NULL OR type(r) IN $types) "
        "WITH r, m, coalesce(r.year, m.year) AS year "
        "WHERE ($year_from IS NULL OR year IS NULL OR year >= $year_from) "
        "AND ($year_to IS NULL OR year IS NULL OR year <= $year_to) "
        "RETURN type(r) AS rel, startNode(r).id AS source, endNode(r).id AS target, m.id AS id, "
        "labels(m)[0] AS label, coalesce(m.name, m.title, m.label) AS name, year, "
        "coalesce(m.paper_count, m.author_count, 0) AS weight "
        "ORDER BY weight DESC, year DESC, id, rel LIMIT $limit"
    )
    for label in NODE_LABELS
}
EXPLORE_RELATIONSHIP_PROVENANCE: dict[str, str] = {
    label: (
        f"MATCH (n:{label} {{id: $id}})-[r]-() UNWIND coalesce(r.sources, []) AS source "
        "RETURN type(r) AS relationship, source, count(*) AS relationships, max(r.retrieved_at) AS retrieved_at "
        "ORDER BY relationship, source"
    )
    for label in NODE_LABELS
}


# ================================================================ Neo4j backend (issue 6)
# Statements only the Neo4j store sends (graph/neo4j_store.py), and read-only export and
# projection statements written in the shared subset, which therefore also run (and are
# tested) on FalkorDB. Every one is linted by Neo4j's own Cypher language support
# (tests/neo4j/test_cypher_lint.py).

# Which labels each relationship type joins: the id spaces of a bulk export.
REL_ENDPOINTS: dict[str, tuple[str, str]] = {
    "AUTHORED": ("Author", "Paper"),
    "PUBLISHED_IN": ("Paper", "Venue"),
    "AFFILIATED_WITH": ("Author", "Institution"),
    "HAS_TOPIC": ("Paper", "Topic"),
    "PART_OF": ("Topic", "Topic"),
    "CITES": ("Paper", "Paper"),
}

# Uniqueness constraints on every node key; each one also gives MERGE its index.
NEO4J_CONSTRAINTS: tuple[str, ...] = tuple(
    f"CREATE CONSTRAINT atlas_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    for label in NODE_LABELS
) + (
    "CREATE CONSTRAINT atlas_build_graph IF NOT EXISTS FOR (b:AtlasBuild) REQUIRE b.graph IS UNIQUE",
    "CREATE CONSTRAINT atlas_checkpoint_key IF NOT EXISTS FOR (c:AtlasCheckpoint) REQUIRE c.key IS UNIQUE",
)
# Range indexes for the explorer's filters and sort keys.
NEO4J_RANGE_INDEXES: tuple[str, ...] = (
    "CREATE INDEX atlas_paper_year IF NOT EXISTS FOR (p:Paper) ON (p.year)",
    "CREATE INDEX atlas_paper_venue IF NOT EXISTS FOR (p:Paper) ON (p.venue)",
    "CREATE INDEX atlas_venue_name IF NOT EXISTS FOR (v:Venue) ON (v.name)",
    "CREATE INDEX atlas_venue_community IF NOT EXISTS FOR (v:Venue) ON (v.community)",
    "CREATE INDEX atlas_topic_label IF NOT EXISTS FOR (t:Topic) ON (t.label)",
    "CREATE INDEX atlas_author_paper_count IF NOT EXISTS FOR (a:Author) ON (a.paper_count)",
    "CREATE INDEX atlas_affiliated_year IF NOT EXISTS FOR ()-[e:AFFILIATED_WITH]-() ON (e.year)",
)
# Text indexes answer the shared `*_key CONTAINS $q` searches from an index, not a scan.
NEO4J_TEXT_INDEXES: tuple[str, ...] = (
    "CREATE TEXT INDEX atlas_author_search_key IF NOT EXISTS FOR (a:Author) ON (a.search_key)",
    "CREATE TEXT INDEX atlas_paper_title_key IF NOT EXISTS FOR (p:Paper) ON (p.title_key)",
    "CREATE TEXT INDEX atlas_paper_abstract_key IF NOT EXISTS FOR (p:Paper) ON (p.abstract_key)",
    "CREATE TEXT INDEX atlas_institution_name_key IF NOT EXISTS FOR (i:Institution) ON (i.name_key)",
)
# Full-text (Lucene) indexes for ranked search over titles and abstracts, author names and
# aliases (`search_key` holds the folded name and every alias) and institution names.
# The `standard-folding` analyzer strips accents, so "José" and "jose" find each other.
NEO4J_FULLTEXT_INDEXES: dict[str, str] = {
    "papers": "CREATE FULLTEXT INDEX atlas_paper_text IF NOT EXISTS FOR (p:Paper) ON EACH [p.title, p.abstract] "
              "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
    "authors": "CREATE FULLTEXT INDEX atlas_author_text IF NOT EXISTS FOR (a:Author) ON EACH [a.name, a.search_key] "
               "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
    "institutions": "CREATE FULLTEXT INDEX atlas_institution_text IF NOT EXISTS FOR (i:Institution) ON EACH [i.name] "
                    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
}
NEO4J_SCHEMA: tuple[str, ...] = (
    NEO4J_CONSTRAINTS + NEO4J_RANGE_INDEXES + NEO4J_TEXT_INDEXES + tuple(NEO4J_FULLTEXT_INDEXES.values())
)
NEO4J_AWAIT_INDEXES = "CALL db.awaitIndexes($timeout_s)"

# Ranked search; `$lucene` is built from folded words only ([0-9a-z]), never raw user text.
NEO4J_FULLTEXT_SEARCH: dict[str, str] = {
    "papers": (
        "CALL db.index.fulltext.queryNodes('atlas_paper_text', $lucene) YIELD node, score "
        "RETURN node.id AS id, node.title AS title, node.year AS year, node.venue AS venue, score "
        "ORDER BY score DESC, id LIMIT $limit"
    ),
    "authors": (
        "CALL db.index.fulltext.queryNodes('atlas_author_text', $lucene) YIELD node, score "
        "RETURN node.id AS id, node.name AS name, node.paper_count AS papers, node.aliases AS aliases, score "
        "ORDER BY score DESC, id LIMIT $limit"
    ),
    "institutions": (
        "CALL db.index.fulltext.queryNodes('atlas_institution_text', $lucene) YIELD node, score "
        "RETURN node.id AS id, node.name AS name, node.country AS country, node.author_count AS authors, score "
        "ORDER BY score DESC, id LIMIT $limit"
    ),
}

# `GraphStore.search_papers(include_abstracts=True)` on Neo4j: the same filters, columns and
# order as SEARCH_PAPERS_FULLTEXT, but matched by the full-text (Lucene) index on title and
# abstract instead of a CONTAINS scan of every abstract. It matches words and word
# prefixes, not arbitrary substrings (see README, "Stores").
NEO4J_SEARCH_PAPERS_FULLTEXT = (
    "CALL db.index.fulltext.queryNodes('atlas_paper_text', $lucene) YIELD node AS p "
    "WHERE ($year_from IS NULL OR p.year >= $year_from) AND ($year_to IS NULL OR p.year <= $year_to) "
    "AND ($venue IS NULL OR p.venue = $venue) "
    "RETURN p.id AS id, p.title AS title, p.year AS year, p.venue AS venue "
    "ORDER BY year DESC, title LIMIT $limit"
)

# Build bookkeeping. Neo4j has no atomic graph swap, so a build writes in place: the
# marker says whether a build ever completed, and checkpoints (written in the same
# transaction as the batch they record) let an interrupted build skip finished batches.
NEO4J_BUILD_STARTED = "MERGE (b:AtlasBuild {graph: $graph}) SET b.status = 'building', b.started_at = $at"
# `build_id` names one completed build: the explorer keys its caches on it, so every
# process reading this graph (wherever it runs) sees a rebuild at once.
NEO4J_BUILD_FINISHED = (
    "MERGE (b:AtlasBuild {graph: $graph}) SET b.status = 'complete', b.built_at = $at, b.build_id = $build_id"
)
# an incremental ingest changed the live graph in place: readers' caches keyed on build_id must see it
NEO4J_BUILD_UPDATED = "MATCH (b:AtlasBuild {graph: $graph}) SET b.build_id = $build_id, b.updated_at = $at"
NEO4J_BUILD_STATUS = (
    "OPTIONAL MATCH (b:AtlasBuild {graph: $graph}) "
    "RETURN b.status AS status, b.started_at AS started_at, b.built_at AS built_at, b.build_id AS build_id"
)
NEO4J_CHECKPOINT_KEYS = "MATCH (c:AtlasCheckpoint {graph: $graph}) RETURN c.key AS key"
NEO4J_SAVE_CHECKPOINT = "MERGE (c:AtlasCheckpoint {key: $key}) SET c.graph = $graph, c.kind = $kind, c.rows = $rows"
NEO4J_CLEAR_CHECKPOINTS = (
    "MATCH (c:AtlasCheckpoint {graph: $graph}) WITH c LIMIT $batch DELETE c RETURN count(*) AS deleted"
)
# Deleting a whole graph in bounded transactions (`mlsys-atlas neo4j drop`, test set-up).
NEO4J_DELETE_LABEL_BATCH: dict[str, str] = {
    label: f"MATCH (n:{label}) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted"
    for label in (*NODE_LABELS, "AtlasBuild", "AtlasCheckpoint")
}
# The user's home database (asked of `system` once per connection; see Neo4jStore.resolve_database).
NEO4J_HOME_DATABASE = "SHOW HOME DATABASE YIELD name RETURN name"
NEO4J_SERVER_INFO = (
    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition"
)
NEO4J_SHOW_INDEXES = (
    "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state "
    "RETURN name, type, labelsOrTypes, properties, state ORDER BY name"
)

# ---------------------------------------------------------------- projections (both stores)
# The weighted co-author graph, aggregated by the database: one row per pair, not per paper.
COAUTHOR_EDGES = (
    "MATCH (a:Author)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author) "
    "WHERE a.id < b.id AND ($year_from IS NULL OR p.year >= $year_from) AND ($year_to IS NULL OR p.year <= $year_to) "
    "RETURN a.id AS source, b.id AS target, count(p) AS weight"
)

# Graph Data Science, used for the heavy algorithms when the plugin is installed.
# All of them run on the leader (write routing): a GDS projection lives in one server's memory.
NEO4J_GDS_VERSION = "RETURN gds.version() AS version"
NEO4J_GDS_PROJECT_COAUTHORS = (
    "MATCH (a:Author)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author) "
    "WHERE a.id < b.id AND ($year_from IS NULL OR p.year >= $year_from) AND ($year_to IS NULL OR p.year <= $year_to) "
    "WITH a, b, count(p) AS weight "
    "WITH gds.graph.project($name, a, b, {relationshipProperties: {weight: weight}}, "
    "{undirectedRelationshipTypes: ['*']}) AS g "
    "RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships"
)
NEO4J_GDS_STREAM: dict[str, str] = {
    "pagerank": (
        "CALL gds.pageRank.stream($name, {relationshipWeightProperty: 'weight'}) YIELD nodeId, score "
        "RETURN gds.util.asNode(nodeId).id AS id, score"
    ),
    "betweenness": (
        "CALL gds.betweenness.stream($name) YIELD nodeId, score "
        "RETURN gds.util.asNode(nodeId).id AS id, score"
    ),
}
NEO4J_GDS_DROP = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"

# ---------------------------------------------------------------- bulk export (both stores)
EXPORT_REL_PAGE: dict[str, str] = {
    rel: f"UNWIND $ids AS id MATCH (a:{start} {{id: id}})-[e:{rel}]->(b:{end}) "
         "RETURN a.id AS start, b.id AS end, properties(e) AS props"
    for rel, (start, end) in REL_ENDPOINTS.items()
}

# ---------------------------------------------------------------- topic analytics (graph/topic_analytics.py)
TOPIC_PAPER_FACTS = (
    "MATCH (p:Paper)-[e:HAS_TOPIC]->(t:Topic) OPTIONAL MATCH (p)-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN p.id AS paper, p.year AS year, v.name AS venue, v.community AS community, t.label AS label, "
    "t.kind AS kind, e.score AS score"
)
TOPIC_TOP_PAPERS = (
    "MATCH (p:Paper)-[e:HAS_TOPIC]->(t:Topic {label: $label}) "
    "RETURN p.id AS id, p.title AS title, p.year AS year, p.venue AS venue, e.score AS score, "
    "e.evidence AS evidence ORDER BY score DESC, year DESC, title LIMIT $limit"
)

# FalkorDB answers an indexed string range filter (`n.id > $after`) case-insensitively
# while `>` itself compares bytes, so keyset pages over ids skip or repeat nodes there
# (found exporting the snapshot graph). Exports therefore read a label's ids (strings
# only), order them in Python and fetch properties by id in chunks: equality lookups,
# which both stores answer exactly.
EXPORT_IDS: dict[str, str] = {label: f"MATCH (n:{label}) RETURN n.id AS id" for label in NODE_LABELS}
EXPORT_NODES_BY_ID: dict[str, str] = {
    label: f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id AS id, properties(n) AS props"
    for label in NODE_LABELS
}
ANALYTICS_TOPIC_NODES = "MATCH (t:Topic) RETURN t.label AS label, t.kind AS kind, t.name AS name ORDER BY label"

# ---------------------------------------------------------------- identity: find a person by an external id
AUTHOR_BY_EXTERNAL_ID = (
    "MATCH (a:Author) WHERE a.orcid = $id OR a.dblp_pid = $id OR a.openreview_id = $id OR a.s2_id = $id "
    "RETURN a.id AS id, a.name AS name, a.paper_count AS papers, a.aliases AS aliases"
)

# ---------------------------------------------------------------- paper and network exports (graph/export_data.py)
# The view is chosen by ids (each filter one indexed read, intersected in Python), then read in
# chunks of ids by equality lookups, which both stores answer exactly (see EXPORT_IDS above).
EXPORT_PAPER_IDS = (
    "MATCH (p:Paper) OPTIONAL MATCH (p)-[:PUBLISHED_IN]->(v:Venue) WITH p, v "
    "WHERE ($year_from IS NULL OR p.year >= $year_from) AND ($year_to IS NULL OR p.year <= $year_to) "
    "AND ($venues IS NULL OR v.id IN $venues) RETURN p.id AS id"
)
EXPORT_AUTHOR_PAPER_IDS = "MATCH (a:Author {id: $id})-[:AUTHORED]->(p:Paper) RETURN p.id AS id"
EXPORT_TOPIC_PAPER_IDS = "MATCH (p:Paper)-[:HAS_TOPIC]->(t:Topic {id: $id}) RETURN p.id AS id"
EXPORT_PAPERS_BY_ID = (
    "UNWIND $ids AS id MATCH (p:Paper {id: id}) OPTIONAL MATCH (p)-[:PUBLISHED_IN]->(v:Venue) "
    "RETURN p.id AS id, p.title AS title, p.year AS year, p.doi AS doi, p.url AS url, p.arxiv_id AS arxiv_id, "
    "coalesce(v.name, p.venue) AS venue, v.full_name AS venue_full_name, v.kind AS venue_kind"
)
EXPORT_AUTHORS_BY_PAPER = (
    "UNWIND $ids AS id MATCH (a:Author)-[e:AUTHORED]->(p:Paper {id: id}) "
    "RETURN p.id AS paper, a.id AS id, a.name AS name, e.position AS position"
)
EXPORT_TOPICS_BY_PAPER = (
    "UNWIND $ids AS id MATCH (p:Paper {id: id})-[:HAS_TOPIC]->(t:Topic) RETURN p.id AS paper, t.label AS label"
)
