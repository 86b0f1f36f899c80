"""Common names with nothing but the name in common stay apart on systems venues (strict.py).

The mentions are the dev part of the DBLP person-id evaluation set (HPCA, CC0; the
held-out part is not used here), resolved alone as `mlsys-atlas resolve` would.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from ingest.identity import strict
from ingest.identity.features import Corpus
from ingest.identity.mentions import Mention, mention_from_json
from ingest.identity.name_prior import build, commonness, default_prior
from ingest.identity.names import parse_name
from ingest.identity.resolver import resolve

DBLP_EVAL = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "identity" / "dblp_pid_mentions.jsonl.gz"


@pytest.fixture(scope="module")
def hpca_dev() -> tuple[list[dict], list[str]]:
    """The dev rows (never the held-out ones) and the person id each was resolved to, the rule switched on."""
    rows = [json.loads(line) for line in gzip.decompress(DBLP_EVAL.read_bytes()).decode().splitlines() if line]
    rows = [row for row in rows if not row["held_out"]]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(strict, "COMMON", strict.CANDIDATE_COMMON)  # off by default (strict.py's docstring)
        resolution = resolve([mention_from_json(row) for row in rows])
    return rows, resolution.person_ids


def test_the_rule_is_off_by_default() -> None:
    # Measured worse on the frozen held-out parts (BENCHMARKS.md): a build's people do not change.
    probabilities = np.array([0.9])
    assert strict.COMMON == float("inf")
    assert strict.cap_unsupported(probabilities, None, None, strict.COMMON, strict.CAP) is probabilities  # type: ignore[arg-type]


def _people(hpca_dev: tuple[list[dict], list[str]], name: str, truth: str) -> set[str]:
    rows, person_ids = hpca_dev
    return {person_ids[k] for k, row in enumerate(rows) if row["name"] == name and row["truth_dblp"] == truth}


def test_two_xiaodong_wangs_with_nothing_in_common_stay_apart(hpca_dev) -> None:
    # Two Xiaodong Wangs publish at HPCA: DBLP 07/1021 (2015, 2017, with José F. Martínez) and 07/1021-20
    # (Facebook, 2018-2021, with Carole-Jean Wu). No co-author, no co-author's co-author, no affiliation
    # joins them; the model alone gave their pairs 0.90-0.93. 'Xiaodong Wang' is common in the snapshot
    # (commonness 7.9), so the bare name match is capped below the threshold; each keeps his own papers.
    cornell, facebook = _people(hpca_dev, "Xiaodong Wang", "07/1021"), _people(hpca_dev, "Xiaodong Wang", "07/1021-20")
    assert len(cornell) == len(facebook) == 1 and cornell != facebook


def test_a_common_name_with_a_shared_coauthor_still_merges(hpca_dev) -> None:
    # Zhe Wang (DBLP 75/3158-23) wrote his 2012, 2014 and 2016 HPCA papers with Daniel A. Jiménez: one person,
    # and apart from the 2017 Zhe Wang (75/3158-3), who shares nobody with him.
    assert len(_people(hpca_dev, "Zhe Wang", "75/3158-23")) == 1
    assert _people(hpca_dev, "Zhe Wang", "75/3158-23").isdisjoint(_people(hpca_dev, "Zhe Wang", "75/3158-3"))


def test_the_prior_knows_which_names_are_common_when_the_corpus_does_not() -> None:
    # Alone, two mentions are all a corpus knows of 'Tao Li' and 'Matei Zaharia': both look equally rare.
    mentions = [Mention(f"p{k}#0", name, f"p{k}", "a title", [], None, "venue:x", 2020)
                for k, name in enumerate(["Tao Li", "Matei Zaharia"])]
    corpus = Corpus(mentions, [parse_name(m.name) for m in mentions])
    alone = commonness(corpus, build(corpus.parsed, "these two"))
    assert alone[0] == alone[1]
    prior = default_prior()
    assert prior is not None and prior.distinct_names > 50_000
    tao_li, zaharia = commonness(corpus)
    assert tao_li >= strict.CANDIDATE_COMMON > zaharia


def test_a_corpus_larger_than_the_prior_uses_its_own_counts() -> None:
    mentions = [Mention("p0#0", "Tao Li", "p0", "t", [], None, "venue:x", 2020)]
    corpus = Corpus(mentions, [parse_name(m.name) for m in mentions])
    tiny = build([parse_name("Tao Li")], "one name")
    assert commonness(corpus, tiny)[0] == commonness(corpus, build(corpus.parsed, "same"))[0]


def test_the_candidate_prior_feature_is_the_commonness_of_the_fuller_name(monkeypatch) -> None:
    # benchmarks/prior_feature_experiment.py fits the networks with one more column, `name_commonness_prior`;
    # the column must be the prior's commonness of the pair's fuller name, and stay out of a build's features.
    from ingest.identity import pairs
    from ingest.identity.features import FEATURE_NAMES

    assert pairs.PRIOR_FEATURE not in FEATURE_NAMES
    mentions = [Mention("b#0", "X. Wang", "b", "Datacenter power", ["Carole-Jean Wu"]),
                Mention("a#0", "Xiaodong Wang", "a", "Cache partitioning", ["Jose F. Martinez"]),
                Mention("c#0", "Matei Zaharia", "c", "Spark", ["Ion Stoica"])]
    parsed = [parse_name(m.name) for m in mentions]
    corpus = Corpus(mentions, parsed)
    monkeypatch.setattr(pairs, "FEATURE_NAMES", (*FEATURE_NAMES, pairs.PRIOR_FEATURE))
    features, _ = pairs.PairFeaturizer(corpus).features(np.array([0, 2]), np.array([1, 2]))
    expected = np.log1p(commonness(corpus))[[1, 2]]  # 'Xiaodong Wang' is the fuller of the first pair
    assert features.shape[1] == len(FEATURE_NAMES) + 1
    np.testing.assert_allclose(features[:, -1], expected.astype(np.float32))
    assert features[0, -1] > 1.0 > features[1, -1]  # 'Xiaodong Wang' common in the prior, 'Matei Zaharia' not
