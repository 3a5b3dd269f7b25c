"""Invariants of the scoring model, pinned with generated assessments."""

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from r2p_risk.assessment import Assessment
from r2p_risk.framework import CRIMES
from r2p_risk.scoring import score_assessment
from r2p_risk.storage.files import load_model
from conftest import FRAMEWORKS

MODEL = load_model(FRAMEWORKS)
FRAMEWORK, PARAMS = MODEL.framework, MODEL.params
INDICATORS = FRAMEWORK.indicator_ids
FACTORS = [rf.number for rf in FRAMEWORK.risk_factors]
levels = st.one_of(st.none(), st.integers(0, 3))
confidences = st.sampled_from([None, "low", "medium", "high"])
ratings_strategy = st.dictionaries(st.sampled_from(INDICATORS), st.tuples(levels, confidences), max_size=len(INDICATORS))
wholes_strategy = st.dictionaries(st.sampled_from(FACTORS), st.tuples(levels, confidences), max_size=4)


def build(ratings: dict, wholes: dict, order_seed: int = 0) -> Assessment:
    items = [{"indicator": i, "level": lv, "confidence": c} for i, (lv, c) in ratings.items()]
    factor_items = [{"risk_factor": n, "level": lv, "confidence": c} for n, (lv, c) in wholes.items()]
    random.Random(order_seed).shuffle(items)
    random.Random(order_seed).shuffle(factor_items)
    return Assessment(assessed_on=dt.date(2026, 1, 1), analyst="P", ratings=items, risk_factor_ratings=factor_items)


def all_scores(profile) -> dict[str, float | None]:
    scores = {f"rf{k}": f.score for k, f in profile.risk_factors.items()}
    scores |= {crime: profile.crimes[crime].score for crime in CRIMES}
    return scores | {"overall": profile.overall.score}


STATUS_ORDER = ["monitoring", "serious_concern", "imminent_risk", "current_crisis"]


@settings(max_examples=150, deadline=None)
@given(ratings_strategy, wholes_strategy)
def test_every_score_lies_between_0_and_10(ratings, wholes):
    profile = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS)
    for value in [*all_scores(profile).values(), profile.reliability, *(f.reliability for f in profile.risk_factors.values())]:
        assert value is None or 0.0 <= value <= 10.0
    assert all(0.0 <= f.coverage <= 1.0 for f in profile.risk_factors.values())


@settings(max_examples=200, deadline=None)
@given(ratings_strategy, wholes_strategy, st.data())
def test_raising_a_single_rating_never_lowers_any_score(ratings, wholes, data):
    rated = [i for i, (lv, _) in ratings.items() if lv is not None and lv < 3]
    rated_wholes = [n for n, (lv, _) in wholes.items() if lv is not None and lv < 3]
    choices = [("indicator", i) for i in rated] + [("whole", n) for n in rated_wholes]
    if not choices:
        return
    kind, key = data.draw(st.sampled_from(choices))
    target = ratings if kind == "indicator" else wholes
    level, confidence = target[key]
    raised = dict(target) | {key: (data.draw(st.integers(level + 1, 3)), confidence)}
    before = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS)
    after = score_assessment(build(raised, wholes) if kind == "indicator" else build(ratings, raised), FRAMEWORK, PARAMS)
    for name, old in all_scores(before).items():
        new = all_scores(after)[name]
        assert (old is None) == (new is None)
        assert old is None or new >= old, f"{name} fell from {old} to {new}"
    assert STATUS_ORDER.index(after.status.label) >= STATUS_ORDER.index(before.status.label)


@settings(max_examples=100, deadline=None)
@given(ratings_strategy, wholes_strategy)
def test_a_factor_with_nothing_assessed_is_null(ratings, wholes):
    profile = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS)
    for rf in FRAMEWORK.risk_factors:
        assessed = any(ratings.get(i.id, (None,))[0] is not None for i in rf.indicators)
        whole = wholes.get(rf.number, (None,))[0] is not None
        assert (profile.factor(rf.number).score is None) == (not assessed and not whole)


@settings(max_examples=100, deadline=None)
@given(ratings_strategy, wholes_strategy, st.integers(1, 10_000))
def test_results_do_not_depend_on_the_order_of_ratings(ratings, wholes, seed):
    in_order = score_assessment(build(ratings, wholes, 0), FRAMEWORK, PARAMS)
    shuffled = score_assessment(build(ratings, wholes, seed), FRAMEWORK, PARAMS)
    assert in_order == shuffled


@settings(max_examples=50, deadline=None)
@given(ratings_strategy, wholes_strategy)
def test_identical_input_gives_identical_output(ratings, wholes):
    first = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS).model_dump_json()
    second = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS).model_dump_json()
    assert first == second
