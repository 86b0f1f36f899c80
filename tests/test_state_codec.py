"""The incremental state's tuple form (ingest/state_codec.py) gives back equal records."""

from __future__ import annotations

from graph.records import Author, Authorship, Paper, Provenance, TopicTag
from ingest import state_codec
from ingest.identity.incremental import NameInfo


def _paper() -> Paper:
    return Paper(id="paper:x", title="A Title", year=2024, venue_id="venue:osdi", venue_name="OSDI",
                 abstract="Text.", derived_terms=["t"], doi="10.1/x",
                 authorships=[Authorship("paper:x", 0, "Ada Lovelace", "author:ada", "MIT", "inst:mit", "US",
                                         orcid="0000-0001", flags=["f"]),
                              Authorship("paper:x", 1, "Bo Li")],
                 references=["s2:1"], topics=[TopicTag("llm", 0.5, ["word"])],
                 provenance=Provenance(["dblp", "s2"], "2026-01-01"), id_aliases=["paper:old"])


def test_records_survive_the_round_trip() -> None:
    papers = [_paper(), Paper(id="paper:y", title="Y", year=None, venue_id="venue:v")]
    authors = [Author("author:ada", "Ada Lovelace", ["A. Lovelace"], orcid="0000-0001", merge_confidence=0.9,
                      merge_reasons=["orcid"], provenance=Provenance(["dblp"], "2026"), id_aliases=["author:a"])]
    names = {"paper:x#0": NameInfo("lovelace|a", "lovelace|ada", "lovelace", "ada", ("lovelace|b",))}
    tags = {"k": [TopicTag("llm", 0.5, ["word"])], "empty": []}
    fields = {"merged": papers, "authors": authors, "names": names, "tags": tags, "other": 1}
    back = state_codec.decode(state_codec.encode(fields))
    assert back == fields
    assert type(back["merged"][0].authorships[0]) is Authorship and type(back["names"]["paper:x#0"]) is NameInfo


def test_each_distinct_parsed_name_is_written_once_and_shared_after_a_read() -> None:
    """Mentions of one name share its parsed name on disk and after decoding; the per-mention form a base
    read with its deltas gives (`which` None) decodes to the same names."""
    ada = NameInfo("lovelace|a", "lovelace|ada", "lovelace", "ada", ())
    names = {"paper:x#0": ada, "paper:y#1": NameInfo(*ada), "paper:z#0": NameInfo("li|b", "li|bo", "li", "bo", ())}
    keys, distinct, which = state_codec.encode_names(names)
    assert keys == list(names) and distinct == [tuple(ada), ("li|b", "li|bo", "li", "bo", ())]
    back = state_codec.decode_names((keys, distinct, which))
    assert back == names and back["paper:x#0"] is back["paper:y#1"]
    assert state_codec.name_values((keys, distinct, which)) == [tuple(info) for info in names.values()]
    assert state_codec.decode_names((keys, state_codec.name_values((keys, distinct, which)), None)) == names
