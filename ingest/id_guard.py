"""Refuse ids that folded to nothing: quarantine the record with the reason instead of loading it.

An id is derived from text (`graph.ids`); text with no letter or digit left after folding
gives an empty id ('' for an author identity resolution refused, 'inst:' for an
organisation named only by punctuation). Loaded, such a row either matches no node (MERGE
drops the AUTHORED or AFFILIATED_WITH edge without a word) or gathers unrelated records
into one node. Both load paths (bulk and MERGE) read the batch this guard has checked, and
`graph.loader` refuses any empty id that still reaches it.
"""

from __future__ import annotations

from graph.ids import is_empty_id
from graph.records import Author, Institution, Paper, Quarantined

SOURCE = "ids"


def quarantine_empty_ids(papers: list[Paper], authors: list[Author], organisations: list[Institution],
                         quarantine: list[Quarantined]) -> tuple[list[Author], list[Institution]]:
    """Drop authorships, affiliations, people and organisations whose id is empty; each one is quarantined."""
    for paper in papers:  # every authorship of every paper, on each build and ingest: nothing made per clean one
        dropped = False
        for authorship in paper.authorships:
            if is_empty_id(authorship.author_id):
                quarantine.append(Quarantined(SOURCE, f"{paper.id}#{authorship.position}", "empty author id: the "
                                              "name has no letter or digit identity resolution can key on",
                                              authorship.name))
                dropped = True
            elif authorship.institution_id is not None and is_empty_id(authorship.institution_id):
                quarantine.append(Quarantined(SOURCE, f"{paper.id}#{authorship.position}", "empty institution id: "
                                              "the affiliation has no letter or digit; affiliation left unlinked",
                                              authorship.affiliation))
                authorship.institution_id = None
        if dropped:
            paper.authorships = [a for a in paper.authorships if not is_empty_id(a.author_id)]
    people = [a for a in authors if not is_empty_id(a.id)]
    quarantine += [Quarantined(SOURCE, a.id, "empty author id", a.name) for a in authors if is_empty_id(a.id)]
    places = [i for i in organisations if not is_empty_id(i.id)]
    quarantine += [Quarantined(SOURCE, i.id, "empty institution id: the name has no letter or digit", i.name)
                   for i in organisations if is_empty_id(i.id)]
    return people, places
