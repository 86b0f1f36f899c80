"""The Paper page's "Related papers" panel, driven through the real app on the small real build:
ranked same-tab links to other papers with a one-line reason each, and the paper's authors as
same-tab page links (markdown links open a new browser tab)."""

from __future__ import annotations

from apphelpers import assert_clean, open_page

from graph.falkor_store import FalkorStore
from graph.related import related_papers


def test_paper_page_lists_related_papers_with_reasons(atlas_env: FalkorStore) -> None:
    row = atlas_env.read(
        "MATCH (a:Author)-[:AUTHORED]->(p:Paper)-[:HAS_TOPIC]->(:Topic) WHERE a.paper_count >= 3 "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1")[0]
    expected = related_papers(atlas_env, row["id"])
    assert expected and any(r.shared_authors for r in expected) and any(r.shared_topics for r in expected)
    at = open_page("pages/paper.py", paper=row["id"])
    assert_clean(at)
    assert "Related papers" in [s.value for s in at.subheader]
    paper_links = [link.proto for link in at.get("page_link") if link.proto.page.endswith("paper")]
    # the related papers in rank order (citation links, if any, come first on the page)
    shown = [link.query_string for link in paper_links][-len(expected):]
    assert shown == [f"paper={r.id.replace(':', '%3A')}" for r in expected]
    captions = [c.value.replace("\\", "") for c in at.caption]  # markdown-escaped text
    assert any("shared author" in c for c in captions) and any("topics:" in c for c in captions)
    person_links = [link.proto for link in at.get("page_link") if link.proto.page.endswith("person")]
    assert person_links, "authors are page links (same tab), not markdown links (new tab)"
