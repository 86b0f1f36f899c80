"""Compact form of the incremental state's records: plain tuples instead of dataclass objects.

Why: `mlsys-atlas ingest` reads and writes the state (ingest/incremental.py) on every run. Pickling
~60k `Paper`s with ~290k `Authorship`s, ~100k `Author`s and ~290k `NameInfo`s object by object
was most of that I/O (measured on the full snapshot: the papers alone 35 s to write and 15 s to
read under load, against 4.5 s and 1.9 s as tuples). Tuples of plain values are pickled by C code;
`operator.attrgetter` takes an object apart in C; only putting it back together runs Python
(the dataclass `__init__`). Field order comes from `dataclasses.fields`, so a field added to a
record changes the layout: `incremental.STATE_FORMAT` includes `LAYOUT`, and a state in an
older layout is not read (the ingest falls back to a full build, which writes a new one).
"""

from __future__ import annotations

import dataclasses
from array import array
from collections.abc import Mapping
from functools import partial
from operator import attrgetter
from typing import Any

from graph.records import Author, Authorship, Paper, Provenance, TopicTag
from ingest.identity.incremental import NameInfo


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


_PAPER = _names(Paper)
_AUTHORSHIP = _names(Authorship)
_AUTHOR = _names(Author)
_TAG = _names(TopicTag)
_NAME = NameInfo._fields
LAYOUT = repr((_PAPER, _AUTHORSHIP, _AUTHOR, _TAG, _names(Provenance), _NAME))

_paper_fields = attrgetter(*_PAPER)
_authorship_fields = attrgetter(*_AUTHORSHIP)
_author_fields = attrgetter(*_AUTHOR)
_tag_fields = attrgetter(*_TAG)
_new_name = partial(tuple.__new__, NameInfo)  # a NameInfo from a plain tuple, in C
_P_AUTHORSHIPS, _P_TOPICS, _P_PROVENANCE = (_PAPER.index(n) for n in ("authorships", "topics", "provenance"))
_A_PROVENANCE = _AUTHOR.index("provenance")
PAPER_ID, AUTHOR_ID = _PAPER.index("id"), _AUTHOR.index("id")  # where an encoded record holds its id


def _provenance(p: Provenance) -> tuple[list[str], str]:
    return (p.sources, p.retrieved_at)


def encode_papers(papers: list[Paper]) -> list[tuple]:
    out = []
    for paper in papers:
        values = list(_paper_fields(paper))
        values[_P_AUTHORSHIPS] = [_authorship_fields(a) for a in values[_P_AUTHORSHIPS]]
        values[_P_TOPICS] = [_tag_fields(t) for t in values[_P_TOPICS]]
        values[_P_PROVENANCE] = _provenance(values[_P_PROVENANCE])
        out.append(tuple(values))
    return out


def decode_papers(rows: list[tuple]) -> list[Paper]:
    out = []
    for row in rows:
        values = list(row)
        values[_P_AUTHORSHIPS] = [Authorship(*a) for a in values[_P_AUTHORSHIPS]]
        values[_P_TOPICS] = [TopicTag(*t) for t in values[_P_TOPICS]]
        values[_P_PROVENANCE] = Provenance(*values[_P_PROVENANCE])
        out.append(Paper(*values))
    return out


def encode_authors(authors: list[Author]) -> list[tuple]:
    out = []
    for author in authors:
        values = list(_author_fields(author))
        values[_A_PROVENANCE] = _provenance(values[_A_PROVENANCE])
        out.append(tuple(values))
    return out


def decode_authors(rows: list[tuple]) -> list[Author]:
    out = []
    for row in rows:
        values = list(row)
        values[_A_PROVENANCE] = Provenance(*values[_A_PROVENANCE])
        out.append(Author(*values))
    return out


def encode_tags(tags: dict[str, list[TopicTag]]) -> dict[str, list[tuple]]:
    return {key: [_tag_fields(t) for t in value] for key, value in tags.items()}


def decode_tags(tags: dict[str, list[tuple]]) -> dict[str, list[TopicTag]]:
    return {key: [TopicTag(*t) for t in value] for key, value in tags.items()}


def encode_name(info: NameInfo) -> tuple:
    return tuple(info)


def encode_names(names: Mapping[str, tuple]) -> tuple[list[str], list[tuple], bytes | None]:
    """Mention ids, each distinct parsed name once, and which of them each id has (uint32s).

    Why: most mentions of a name share one parsed name, yet a tuple per mention was written and read:
    ~284k tuples of ~90k distinct for the full snapshot. Written once each, they take ~0.05 s less to read,
    ~0.04 s less to decode and ~0.04 s less to free (BENCHMARKS.md, session 46); equal names are one object
    after a read. (Hashing each name once in this loop beat C-level passes that hash it twice.)"""
    at: dict[tuple, int] = {}
    distinct: list[tuple] = []
    which = array("I")
    for info in names.values():
        value = tuple(info)
        index = at.get(value)
        if index is None:
            index = at[value] = len(distinct)
            distinct.append(value)
        which.append(index)
    return list(names), distinct, which.tobytes()


def name_values(encoded: tuple[list[str], list[tuple], bytes | None]) -> list[tuple]:
    """The encoded parsed name of each mention id, in order. `which` None: `values` has one per id already
    (state_parts reads a base and its deltas into that form, rather than pay for `encode_names` again)."""
    _keys, values, which = encoded
    return values if which is None else list(map(values.__getitem__, array("I", which)))


def decode_names(encoded: tuple[list[str], list[tuple], bytes | None]) -> dict[str, NameInfo]:
    keys, values, which = encoded
    if which is None:
        return dict(zip(keys, map(_new_name, values), strict=True))
    infos = list(map(_new_name, values))
    return dict(zip(keys, map(infos.__getitem__, array("I", which)), strict=True))


def encode(fields: dict[str, Any]) -> dict[str, Any]:
    """A State's fields (`vars(state)`) with its records as tuples."""
    return {**fields, "merged": encode_papers(fields["merged"]), "authors": encode_authors(fields["authors"]),
            "tags": encode_tags(fields["tags"]), "names": encode_names(fields["names"])}


def decode(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "merged": decode_papers(fields["merged"]), "authors": decode_authors(fields["authors"]),
            "tags": decode_tags(fields["tags"]), "names": decode_names(fields["names"])}
