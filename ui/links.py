"""Where each page lives and how to link to an entity, in one place.

Pages link to each other with `st.page_link(PAGE, query_params=...)` (same tab, no
reload) and tables link with relative hrefs (`person?author=...`) so every view has a
URL that can be shared. Changing a page's file or URL path happens only here and in
`app.py`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from graph.explore import node_label

# page files (for st.page_link / st.switch_page) and their URL paths (for hrefs)
HOME = "pages/home.py"
SEARCH = "pages/search.py"
PERSON = "pages/person.py"
PAPER = "pages/paper.py"
INSTITUTION = "pages/institution.py"
GRAPH = "pages/graph_explorer.py"
CONNECT = "pages/connect.py"
COLLABORATORS = "pages/collaborators.py"
TOPICS = "pages/topics.py"
OVERLAP = "pages/overlap.py"
PROGRAM_COMMITTEE = "pages/program_committee.py"
QUERY = "pages/query.py"
DATA = "pages/data.py"

URL_PATHS: dict[str, str] = {
    SEARCH: "search", PERSON: "person", PAPER: "paper", INSTITUTION: "institution", GRAPH: "graph",
    CONNECT: "connect", COLLABORATORS: "collaborators", TOPICS: "topics", OVERLAP: "systems-ml",
    PROGRAM_COMMITTEE: "program-committee", QUERY: "query", DATA: "data",
}

# the page and parameter that show one node of each kind
ENTITY_PAGES: dict[str, tuple[str, str]] = {
    "Author": (PERSON, "author"), "Paper": (PAPER, "paper"), "Institution": (INSTITUTION, "institution"),
}


def href(page: str, **params: object) -> str:
    """A relative link to a page with query parameters (for LinkColumn cells and markdown)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return URL_PATHS[page] + (f"?{query}" if query else "")


def target_of(relative_href: str) -> tuple[str, dict[str, str]] | None:
    """(page file, query params) of a relative href made by `href` (None for anything else)."""
    path, _, query = relative_href.partition("?")
    page = next((p for p, url_path in URL_PATHS.items() if url_path == path), None)
    return (page, dict(parse_qsl(query))) if page else None


def person_href(author_id: str) -> str:
    return href(PERSON, author=author_id)


def paper_href(paper_id: str) -> str:
    return href(PAPER, paper=paper_id)


def institution_href(inst_id: str) -> str:
    return href(INSTITUTION, institution=inst_id)


def node_target(node_id: str) -> tuple[str, dict[str, str]]:
    """(page, query params) that best shows a node: its profile page, else the graph explorer."""
    label = node_label(node_id) or ""
    if label in ENTITY_PAGES:
        page, param = ENTITY_PAGES[label]
        return page, {param: node_id}
    return GRAPH, {"node": node_id}


def node_href(node_id: str) -> str:
    page, params = node_target(node_id)
    return href(page, **params)


def keep_here(**params: object) -> dict[str, str]:
    """Parameters of the current view to carry on a `st.page_link` to another page.

    Why: Streamlit first pushes the new parameters onto the *current* page's URL, then switches
    page, so Back from the target lands on "this page + the target's parameters". Carrying this
    view's own parameters (the search text, the person) makes that history entry show this
    view again, so Back returns in one press. Target pages ignore parameters they do not read.
    """
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


SEARCH_BACK = "search"  # the search text carried by links from the Search page (see `keep_search`)


def keep_search(query: str) -> dict[str, str]:
    """`keep_here` for the Search page, whose `q` is bound to its text box.

    Why: on a page change Streamlit 1.67 drops URL parameters bound to another page's widgets,
    so a carried `q` never reaches the history entry Back returns to. The text travels as
    `search=` instead, and the Search page puts it back into its box.
    """
    return keep_here(**{SEARCH_BACK: query})



PERSON_TAB_BACK = "ptab"  # the Person page's open tab, carried by links from it (see `keep_person`)


def keep_person(author_id: str, tab: str | None) -> dict[str, str]:
    """`keep_here` for the Person page: its id and its open tab.

    Why: the tab is bound to `?tab=`, and Streamlit drops widget-bound parameters from the
    history entry a page link leaves behind, so Back from a paper opened on the Papers tab
    showed the Overview. The tab travels as `ptab=` instead and is the tabs' default when
    the URL has no `tab`.
    """
    return keep_here(author=author_id, **{PERSON_TAB_BACK: tab})
