"""Identity resolution: one node per real paper and per real person (first version).

`merge_papers` folds records of the same paper from several sources into one;
`resolve_authors` clusters authorship mentions into people. This first version merges
papers on exact id and authors on strong ids or the exact folded name; the identity
issue replaces the internals, keeping these two signatures.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.ids import digest, fold
from graph.records import Author, Authorship, Paper, Provenance

RESOLVER_VERSION = 0


def merge_two_papers(keep: Paper, other: Paper) -> Paper:
    """Fill gaps in `keep` from `other`; authorships are aligned by position when both lists agree."""
    for attr in ("abstract", "doi", "arxiv_id", "s2_id", "openreview_id", "openalex_id", "dblp_key", "url", "year"):
        if getattr(keep, attr) in (None, "") and getattr(other, attr):
            setattr(keep, attr, getattr(other, attr))
    if not keep.authorships:
        keep.authorships = other.authorships
    elif len(keep.authorships) == len(other.authorships):
        for mine, theirs in zip(keep.authorships, other.authorships, strict=True):
            for attr in ("affiliation", "institution_id", "country", "s2_author_id", "openreview_id",
                         "openalex_id", "orcid", "dblp_pid"):
                if not getattr(mine, attr) and getattr(theirs, attr):
                    setattr(mine, attr, getattr(theirs, attr))
    keep.references = sorted(set(keep.references) | set(other.references))
    keep.provenance = keep.provenance.merged(other.provenance)
    for a in keep.authorships:
        a.paper_id = keep.id
    return keep


def merge_papers(papers: Iterable[Paper]) -> list[Paper]:
    by_id: dict[str, Paper] = {}
    for paper in papers:
        if paper.id in by_id:
            merge_two_papers(by_id[paper.id], paper)
        else:
            by_id[paper.id] = paper
    return list(by_id.values())


def _person_key(mention: Authorship) -> str:
    if mention.openreview_id:
        return f"or:{mention.openreview_id}"
    return f"name:{fold(mention.name)}"


def resolve_authors(papers: Iterable[Paper]) -> list[Author]:
    """Assign `author_id` on every authorship and return one Author per person."""
    people: dict[str, Author] = {}
    for paper in papers:
        for mention in paper.authorships:
            key = f"name:{fold(mention.name)}"
            author_id = f"author:{digest(key)}"
            mention.author_id = author_id
            person = people.get(author_id)
            if person is None:
                person = people[author_id] = Author(id=author_id, name=mention.name,
                                                    provenance=Provenance([], ""))
            if mention.name not in person.aliases:
                person.aliases.append(mention.name)
            for attr, source_attr in (("s2_id", "s2_author_id"), ("openreview_id", "openreview_id"),
                                      ("openalex_id", "openalex_id"), ("orcid", "orcid"), ("dblp_pid", "dblp_pid")):
                if not getattr(person, attr) and getattr(mention, source_attr):
                    setattr(person, attr, getattr(mention, source_attr))
            person.provenance = person.provenance.merged(paper.provenance)
    return list(people.values())
