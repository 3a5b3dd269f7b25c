"""Scoring many at once: the same model as one at a time, whatever is scored beside it."""

import json
import random

import numpy as np
import pytest
from helpers import EXAMPLES, make_assessment

from r2p_risk.batch import score_many, score_stored
from r2p_risk.model_inputs import arrays_from_inputs, model_inputs
from r2p_risk.overview import summaries
from r2p_risk.rating_arrays import UNKNOWN
from r2p_risk.snapshot import load_snapshot_text


def examples(model):
    return [
        load_snapshot_text(p.read_bytes(), model.framework, model.params).assessment
        for p in sorted(EXAMPLES.glob("*.json"))
    ]


def test_an_assessment_scores_the_same_alone_and_among_thousands(model):
    assessments = examples(model) * 400
    alone = summaries(score_many(assessments[:1], model.framework, model.params), model)[0]
    among = summaries(score_many(assessments, model.framework, model.params), model)
    assert len(among) == len(assessments)
    assert all(s == alone for s in among[:: len(examples(model))])


def test_an_empty_batch_has_no_rows(model):
    scores = score_many([], model.framework, model.params)
    assert len(scores) == 0 and summaries(scores, model) == []


def test_the_last_rating_of_an_indicator_counts_as_in_the_single_path(model):
    twice = make_assessment().model_copy(
        update={"ratings": [make_assessment({"7.1": 3}).ratings[0], make_assessment({"7.1": 0}).ratings[0]]}
    )
    scores = score_many([twice, make_assessment({"7.1": 0})], model.framework, model.params)
    stored = score_stored([json.loads(twice.model_dump_json())], model.framework, model.params)
    assert scores.figures.factors.score[0, 6] == scores.figures.factors.score[1, 6] == 0.0
    assert stored.figures.factors.score[0, 6] == 0.0


@pytest.mark.parametrize(
    "change",
    [
        lambda i: i["ratings"].update(codes=i["ratings"]["codes"][:-2]),  # a rating without its codes
        lambda i: i["ratings"].update(codes="9h" + i["ratings"]["codes"][2:]),  # no such level
        lambda i: i["ratings"].update(codes="2x" + i["ratings"]["codes"][2:]),  # no such confidence
        lambda i: i["ratings"].update(codes="2é" + i["ratings"]["codes"][2:]),
        lambda i: i["risk_factor_ratings"].update(risk_factors="eleven"),
        lambda i: i.pop("atrocity_findings"),
    ],
    ids=["codes missing", "level", "confidence", "not ASCII", "risk factor", "no findings"],
)
def test_model_inputs_not_in_their_form_are_refused_never_misread(model, change):
    inputs = model_inputs(json.loads(make_assessment({"1.1": 2, "1.2": None}, {11: 1}).model_dump_json()))
    assert arrays_from_inputs([inputs], model.framework).levels[0, :2].tolist() == [2, UNKNOWN]
    change(inputs)
    with pytest.raises((ValueError, KeyError)):
        arrays_from_inputs([inputs], model.framework)


def test_stored_revisions_from_before_findings_score_without_them(model):
    data = [json.loads(a.model_dump_json()) for a in examples(model)]
    for item in data:
        del item["atrocity_findings"]
    from_json = summaries(score_stored(data, model.framework, model.params), model)
    from_models = summaries(score_many(examples(model), model.framework, model.params), model)
    assert from_json == from_models


def test_indicators_the_framework_does_not_list_are_left_out(model):
    data = [
        {
            "ratings": [{"indicator": "99.9", "level": 3, "confidence": "high"}, {"indicator": "1.1", "level": 2}],
            "risk_factor_ratings": [{"risk_factor": 99, "level": 3}],
        }
    ]
    scores = score_stored(data, model.framework, model.params)
    assert np.isnan(scores.figures.factors.score[0, 1:]).all() and scores.figures.factors.score[0, 0] == 6.7


def test_every_figure_of_a_row_is_bit_for_bit_the_figure_of_the_assessment_scored_alone(model):
    rng = random.Random(5)
    ids = model.framework.indicator_ids
    assessments = [
        make_assessment({i: rng.choice([None, 0, 1, 2, 3]) for i in ids if rng.random() < share})
        for share in (0.2, 0.5, 0.8, 1.0)
        for _ in range(10)
    ]
    together = score_many(assessments, model.framework, model.params).figures
    for row, assessment in enumerate(assessments):
        alone = score_many([assessment], model.framework, model.params).figures
        for part in ("factors", "crimes", "overall"):
            for name in getattr(alone, part).__dataclass_fields__:
                value, expected = getattr(getattr(together, part), name)[row], getattr(getattr(alone, part), name)[0]
                assert np.array_equal(value, expected, equal_nan=value.dtype.kind == "f"), (row, part, name)
