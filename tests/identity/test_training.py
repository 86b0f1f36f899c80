"""The training path end to end on one real labelled year (ICLR 2022), so `--train` cannot rot unnoticed."""

from __future__ import annotations

import pytest

from ingest.identity import evaluate, training
from ingest.identity.model import ENSEMBLE_SEEDS, model_from_json
from ingest.identity.resolver import resolve
from tests.identity.conftest import SNAPSHOT


def test_shortfall_is_the_worse_margin_to_target() -> None:
    assert training.shortfall(0.995, 0.85) == pytest.approx(-0.05)
    assert training.shortfall(0.98, 0.95) == pytest.approx(-0.01)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_model_trained_on_one_year_beats_the_exact_name_baseline_there() -> None:
    papers = evaluate.load_papers(SNAPSHOT, ["iclr/iclr2022.json.gz"],
                                  [f"{pull}/iclr2022.json.gz" for pull in ("openreview_profile_authorids",
                                                                           "openreview_profiles")])
    labelled = evaluate.labelled_set("ICLR 2022", papers, "openreview")
    mentions, truth = labelled.mentions, labelled.truth
    model, info = training.train(mentions, truth, mentions, truth, "test", grid=((0.6, 0.4), (0.7, 0.6)))
    assert len(model.scorers) == len(ENSEMBLE_SEEDS) and info["positives"] > 0
    assert (model.threshold, model.single_weight) in ((0.6, 0.4), (0.7, 0.6))
    assert model.review_low <= model.threshold <= model.review_high
    assert model_from_json(model.to_json()).threshold == model.threshold
    resolution = resolve(mentions, model=model)
    scored = [i for i, label in enumerate(truth) if label]
    names = [mentions[i].name for i in scored]
    labels = [str(truth[i]) for i in scored]
    hard = [k for k, is_hard in enumerate(evaluate.hard_mask(names, labels)) if is_hard]
    ours = evaluate.score([resolution.person_ids[scored[k]] for k in hard], [labels[k] for k in hard])
    baseline = evaluate.score([names[k] for k in hard], [labels[k] for k in hard])
    assert len(hard) > 50 and ours.b3_f1 > baseline.b3_f1 + 0.1, (ours, baseline)
