"""A tiny graph whose every text field is hostile: the XSS and markdown-injection fixture.

Titles, names, affiliations, topic evidence and URLs carry HTML, script, markdown
links, LaTeX and Streamlit colour directives. Every page must show them as text.
"""

from __future__ import annotations

from pathlib import Path

from graph.falkor_store import FalkorStore
from graph.loader import GraphBatch, load
from graph.records import Author, Authorship, Institution, Paper, Provenance, Topic, TopicTag, Venue

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
MARKDOWN_TITLE = "[click me](javascript:alert(4)) **bold** $x^2$ :red[red] <script>alert(5)</script>"
HOSTILE_AUTHOR = "<script>alert(2)</script> Mallory"
FRIENDLY_AUTHOR = "Alice Example"
HOSTILE_INSTITUTION = "<b onmouseover=alert(3)>Evil U</b>"
HOSTILE_EVIDENCE = "<svg onload=alert(6)>"
PAPER_ID = "paper:t:hostile1"
SECOND_PAPER_ID = "paper:t:hostile2"
AUTHOR_ID = "author:hostile"
FRIEND_ID = "author:friendly"
INSTITUTION_ID = "inst:hostile"


def hostile_batch() -> GraphBatch:
    prov = Provenance(["xss_fixture"], "2025-01-01")
    venue = Venue("venue:mlsys", "MLSys", "Conference on Machine Learning and Systems", "mlsys", prov)
    institution = Institution(INSTITUTION_ID, HOSTILE_INSTITUTION, "US", None, prov)
    authors = [Author(AUTHOR_ID, HOSTILE_AUTHOR, aliases=["<i>alias</i>"], provenance=prov),
               Author(FRIEND_ID, FRIENDLY_AUTHOR, provenance=prov)]

    def authorships(paper_id: str) -> list[Authorship]:
        return [Authorship(paper_id, 0, HOSTILE_AUTHOR, AUTHOR_ID, affiliation=HOSTILE_INSTITUTION,
                           institution_id=INSTITUTION_ID),
                Authorship(paper_id, 1, FRIENDLY_AUTHOR, FRIEND_ID)]

    papers = [
        Paper(PAPER_ID, HOSTILE_TITLE, 2023, venue.id, "MLSys", abstract="<script>alert(7)</script> serving",
              url="javascript:alert(8)", authorships=authorships(PAPER_ID),
              topics=[TopicTag("software", 0.9, [HOSTILE_EVIDENCE])], provenance=prov),
        Paper(SECOND_PAPER_ID, MARKDOWN_TITLE, 2024, venue.id, "MLSys", authorships=authorships(SECOND_PAPER_ID),
              provenance=prov),
    ]
    topics = [Topic("topic:software", "software", "Software systems for ML", "pillar", ["software"])]
    return GraphBatch(papers=papers, authors=authors, venues=[venue], institutions=[institution], topics=topics)


def build_hostile_store(data_dir: Path) -> FalkorStore:
    store = FalkorStore(data_dir, "atlas")
    with store.building() as target:
        load(target, hostile_batch())
    return store
