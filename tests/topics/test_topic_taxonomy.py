"""The taxonomy file: the bundled one loads, and a broken one is refused with the offending path."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from ingest.topics.taxonomy import DEFAULT_PATH, PILLARS, TOPICS, TaxonomyError, load_taxonomy, parse_taxonomy


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_bundled_taxonomy_covers_every_label() -> None:
    tax = load_taxonomy()
    assert {d.label for d in tax.labels} == set(PILLARS) | set(TOPICS)
    assert {g.label for g in tax.groups} >= set(TOPICS)
    assert all(g.terms for g in tax.groups)
    assert 0 < tax.threshold <= 1


def test_every_topic_belongs_to_a_pillar() -> None:
    tax = load_taxonomy()
    for d in tax.labels:
        assert d.pillars and set(d.pillars) <= set(PILLARS), d.label


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["topics"]["compilers"].update(pillars=["sofware"]), r"topics\.compilers\.pillars.*sofware"),
    (lambda d: d["topics"].pop("llm"), r"missing \['llm'\]"),
    (lambda d: d["topics"]["llm"]["groups"][0].update(weight=1.5), r"topics\.llm\.groups\[0\]\.weight"),
    (lambda d: d["topics"]["llm"]["groups"][0].update(terms=["ok", ""]), r"topics\.llm\.groups\[0\]\.terms"),
    (lambda d: d["topics"]["graph_learning_systems"]["groups"][0].update(requires=["nope"]), r"requires"),
    (lambda d: d["pillars"].pop("metrics"), r"\[pillars\]"),
])
def test_malformed_taxonomy_is_refused_with_its_location(raw: dict[str, Any], mutate: Any, message: str) -> None:
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(data)


def test_invalid_toml_names_the_file(tmp_path: Any) -> None:
    bad = tmp_path / "taxonomy.toml"
    bad.write_text("version = [", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid TOML"):
        load_taxonomy(bad)
