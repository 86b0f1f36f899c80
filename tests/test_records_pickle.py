"""The records pickle as their constructor calls (graph/records.py `pickled_by_fields`).

The build cache and the tagging worker's reply carry these objects between processes and
builds: a round trip must give equal objects, keep shared sub-objects shared (one Provenance
referenced twice stays one object) and stay independent of `dataclasses.fields()` order
mistakes, which a wrong `__reduce__` would show as values in the wrong fields.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from graph import records
from graph.analytics import projections


def _sample(cls: type) -> object:
    """An instance whose every field holds a value distinct from its default."""
    values = {}
    for number, f in enumerate(dataclasses.fields(cls)):
        if f.name == "provenance":
            values[f.name] = records.Provenance(sources=[f"source-{number}"], retrieved_at="2026-12-02")
        elif "list" in str(f.type):
            values[f.name] = [f"{f.name}-{number}"]
        elif "dict" in str(f.type):
            values[f.name] = {f.name: number}
        elif "float" in str(f.type):
            values[f.name] = number + 0.5
        elif "int" in str(f.type):
            values[f.name] = number + 1
        elif "bool" in str(f.type):
            values[f.name] = True
        else:
            values[f.name] = f"{f.name}-{number}"
    return cls(**values)


RECORD_CLASSES = [cls for cls in vars(records).values()
                  if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == records.__name__]


PROJECTION_CLASSES = [projections.PaperRecord, projections.Affiliation, projections.AuthorRecord,
                      projections.TopicTag]  # the analytics' saved views (the server's preload) hold ~240k of them


def test_every_record_class_pickles_by_fields() -> None:
    assert len(RECORD_CLASSES) >= 9
    for cls in RECORD_CLASSES + PROJECTION_CLASSES:
        assert "__reduce__" in vars(cls), cls.__name__


def test_projection_records_round_trip() -> None:
    originals = [projections.PaperRecord("p", "A title", 2024, "MLSys", "mlsys", ("a1", "a2"), "mlsys", "conference",
                                         ("mlsys",)),
                 projections.Affiliation("a1", "i1", "MIT", "US", 2024),
                 projections.AuthorRecord("a1", "Ion Stoica", ("I. Stoica",), (("dblp_pid", "s/IonStoica"),)),
                 projections.TopicTag("inference_serving", "topic", 0.75)]
    assert pickle.loads(pickle.dumps(originals, protocol=pickle.HIGHEST_PROTOCOL)) == originals


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda cls: cls.__name__)
def test_round_trip_and_copies_keep_every_field(cls: type) -> None:
    original = _sample(cls)
    for restored in (pickle.loads(pickle.dumps(original, protocol=pickle.HIGHEST_PROTOCOL)),
                     copy.copy(original), copy.deepcopy(original)):
        assert type(restored) is cls
        assert dataclasses.asdict(restored) == dataclasses.asdict(original)
        assert restored is not original


def test_shared_provenance_stays_shared_across_a_round_trip() -> None:
    shared = records.Provenance(sources=["dblp"], retrieved_at="2026-12-02")
    venue = records.Venue(id="v", name="MLSys", full_name="Conference on Machine Learning and Systems",
                          community="mlsys", provenance=shared)
    institution = records.Institution(id="i", name="MIT", provenance=shared)
    venue_back, institution_back = pickle.loads(pickle.dumps([venue, institution]))
    assert venue_back.provenance is institution_back.provenance
    assert venue_back.provenance == shared
