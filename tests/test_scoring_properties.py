"""Invariants of the scoring model, pinned with generated assessments."""

import datetime as dt
import json
import random

from helpers import FRAMEWORKS
from hypothesis import given, settings
from hypothesis import strategies as st

from r2p_risk.assessment import Assessment
from r2p_risk.batch import score_inputs, score_json, score_many, score_stored
from r2p_risk.framework import CRIMES
from r2p_risk.model_inputs import model_inputs_json
from r2p_risk.overview import summaries
from r2p_risk.scoring import score_assessment
from r2p_risk.storage.files import load_model

MODEL = load_model(FRAMEWORKS)
FRAMEWORK, PARAMS = MODEL.framework, MODEL.params
INDICATORS = FRAMEWORK.indicator_ids
FACTORS = [rf.number for rf in FRAMEWORK.risk_factors]
levels = st.one_of(st.none(), st.integers(0, 3))
confidences = st.sampled_from([None, "low", "medium", "high"])
ratings_strategy = st.dictionaries(
    st.sampled_from(INDICATORS), st.tuples(levels, confidences), max_size=len(INDICATORS)
)
wholes_strategy = st.dictionaries(st.sampled_from(FACTORS), st.tuples(levels, confidences), max_size=6)
findings_strategy = st.lists(st.tuples(st.sampled_from(CRIMES), st.sampled_from(["ongoing", "ended"])), max_size=2)


def build(ratings: dict, wholes: dict, findings: list | None = None, order_seed: int = 0) -> Assessment:
    items = [{"indicator": i, "level": lv, "confidence": c} for i, (lv, c) in ratings.items()]
    factor_items = [{"risk_factor": n, "level": lv, "confidence": c} for n, (lv, c) in wholes.items()]
    random.Random(order_seed).shuffle(items)
    random.Random(order_seed).shuffle(factor_items)
    recorded = [
        {"crime": crime, "state": state, "ended_on": "2025-01-01" if state == "ended" else None, "evidence": "x"}
        for crime, state in findings or []
    ]
    return Assessment(
        assessed_on=dt.date(2026, 1, 1),
        analyst="P",
        ratings=items,
        risk_factor_ratings=factor_items,
        atrocity_findings=recorded,
    )


def figures(profile) -> dict[str, tuple[float | None, tuple[float, float]]]:
    """Every figure with a range: name -> (point score or None, (low, high))."""
    found = {f"rf{k}": (f.score, f.range) for k, f in profile.risk_factors.items()}
    found |= {crime: (profile.crimes[crime].score, profile.crimes[crime].range) for crime in CRIMES}
    return found | {"overall": (profile.overall.score, profile.overall.range)}


def severity(profile) -> int:
    return PARAMS.severity(profile.status.label)


@settings(max_examples=150, deadline=None)
@given(ratings_strategy, wholes_strategy, findings_strategy)
def test_every_figure_lies_between_0_and_10_and_the_point_inside_its_range(ratings, wholes, findings):
    profile = score_assessment(build(ratings, wholes, findings), FRAMEWORK, PARAMS)
    for name, (score, (low, high)) in figures(profile).items():
        assert 0.0 <= low <= high <= 10.0, name
        assert score is None or low <= score <= high, f"{name}: {score} outside {low}-{high}"
    for value in [profile.reliability, *(f.reliability for f in profile.risk_factors.values())]:
        assert 0.0 <= value <= 10.0
    assert all(0.0 <= f.coverage <= 1.0 for f in profile.risk_factors.values())
    assert (profile.overall.score is None) == (not profile.overall.determined) == (profile.overall.level is None)


@settings(max_examples=200, deadline=None)
@given(ratings_strategy, wholes_strategy, findings_strategy, st.data())
def test_raising_a_rating_never_lowers_a_score_a_range_bound_or_the_status(ratings, wholes, findings, data):
    rated = [i for i, (lv, _) in ratings.items() if lv is not None and lv < 3]
    rated_wholes = [n for n, (lv, _) in wholes.items() if lv is not None and lv < 3]
    choices = [("indicator", i) for i in rated] + [("whole", n) for n in rated_wholes]
    if not choices:
        return
    kind, key = data.draw(st.sampled_from(choices))
    target = ratings if kind == "indicator" else wholes
    level, confidence = target[key]
    raised = dict(target) | {key: (data.draw(st.integers(level + 1, 3)), confidence)}
    before = score_assessment(build(ratings, wholes, findings), FRAMEWORK, PARAMS)
    after = score_assessment(
        build(raised, wholes, findings) if kind == "indicator" else build(ratings, raised, findings), FRAMEWORK, PARAMS
    )
    new = figures(after)
    for name, (old_score, (old_low, old_high)) in figures(before).items():
        new_score, (new_low, new_high) = new[name]
        assert new_low >= old_low and new_high >= old_high, (
            f"{name}: range fell from {old_low}-{old_high} to {new_low}-{new_high}"
        )
        assert old_score is None or new_score is None or new_score >= old_score, (
            f"{name} fell from {old_score} to {new_score}"
        )
    assert severity(after) >= severity(before), f"status fell from {before.status.label} to {after.status.label}"


@settings(max_examples=200, deadline=None)
@given(ratings_strategy, wholes_strategy, st.data())
def test_rating_an_unknown_indicator_never_widens_a_range(ratings, wholes, data):
    unknown = [i for i in INDICATORS if ratings.get(i, (None,))[0] is None]
    if not unknown:
        return
    indicator = data.draw(st.sampled_from(unknown))
    rated = dict(ratings) | {indicator: (data.draw(st.integers(0, 3)), data.draw(confidences))}
    before = figures(score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS))
    after = figures(score_assessment(build(rated, wholes), FRAMEWORK, PARAMS))
    for name, (_, (low, high)) in before.items():
        new_low, new_high = after[name][1]
        assert low <= new_low and new_high <= high, (
            f"{name}: {low}-{high} widened to {new_low}-{new_high} by rating {indicator}"
        )


@settings(max_examples=100, deadline=None)
@given(ratings_strategy, wholes_strategy, st.data())
def test_an_explicit_unknown_is_the_same_as_no_rating(ratings, wholes, data):
    unrated = [i for i in INDICATORS if i not in ratings]
    if not unrated:
        return
    indicator = data.draw(st.sampled_from(unrated))
    with_unknown = dict(ratings) | {indicator: (None, data.draw(confidences))}
    assert score_assessment(build(with_unknown, wholes), FRAMEWORK, PARAMS) == score_assessment(
        build(ratings, wholes), FRAMEWORK, PARAMS
    )


@settings(max_examples=100, deadline=None)
@given(ratings_strategy, wholes_strategy)
def test_unknown_never_counts_as_absent(ratings, wholes):
    unknown = {i: (lv, c) for i, (lv, c) in ratings.items() if lv is None}
    if not unknown:
        return
    absent = dict(ratings) | {i: (0, c) for i, (_, c) in unknown.items()}
    as_unknown = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS)
    as_absent = score_assessment(build(absent, wholes), FRAMEWORK, PARAMS)
    assert as_absent.assessed_indicators == as_unknown.assessed_indicators + len(unknown)
    assert any(
        as_absent.factor(int(i.split(".")[0])).range != as_unknown.factor(int(i.split(".")[0])).range for i in unknown
    )


@settings(max_examples=100, deadline=None)
@given(ratings_strategy, wholes_strategy)
def test_a_factor_with_nothing_assessed_has_no_score(ratings, wholes):
    profile = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS)
    for rf in FRAMEWORK.risk_factors:
        assessed = any(ratings.get(i.id, (None,))[0] is not None for i in rf.indicators)
        whole = wholes.get(rf.number, (None,))[0] is not None
        assert (profile.factor(rf.number).score is None) == (not assessed and not whole)


@settings(max_examples=100, deadline=None)
@given(ratings_strategy, wholes_strategy, findings_strategy, st.integers(1, 10_000))
def test_results_do_not_depend_on_the_order_of_ratings(ratings, wholes, findings, seed):
    in_order = score_assessment(build(ratings, wholes, findings, 0), FRAMEWORK, PARAMS)
    shuffled = score_assessment(build(ratings, wholes, findings, seed), FRAMEWORK, PARAMS)
    assert in_order == shuffled


@settings(max_examples=50, deadline=None)
@given(ratings_strategy, wholes_strategy)
def test_identical_input_gives_identical_output(ratings, wholes):
    first = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS).model_dump_json()
    second = score_assessment(build(ratings, wholes), FRAMEWORK, PARAMS).model_dump_json()
    assert first == second


def summary_of(profile) -> dict:
    """What the batch path gives of a profile, from the single path."""
    return {
        "overall": profile.overall.score,
        "level": profile.overall.level,
        "range": profile.overall.range,
        "reliability": profile.reliability,
        "status": profile.status.label,
        "provisional": profile.status.provisional,
        "assessed": profile.assessed_indicators,
        "crimes": {c: profile.crimes[c].score for c in CRIMES},
        "crime_ranges": {c: profile.crimes[c].range for c in CRIMES},
        "risk_factors": {k: f.score for k, f in profile.risk_factors.items()},
    }


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(ratings_strategy, wholes_strategy, findings_strategy), min_size=1, max_size=12))
def test_the_single_path_equals_the_batch_path_to_the_last_bit(cases):
    assessments = [build(*case) for case in cases]
    batch = summaries(score_many(assessments, FRAMEWORK, PARAMS), MODEL)
    stored = summaries(score_stored([json.loads(a.model_dump_json()) for a in assessments], FRAMEWORK, PARAMS), MODEL)
    texts = summaries(score_json([a.model_dump_json() for a in assessments], FRAMEWORK, PARAMS), MODEL)
    inputs = [json.loads(model_inputs_json(a.model_dump_json())) for a in assessments]  # as the watch list reads them
    columns = summaries(score_inputs(inputs, FRAMEWORK, PARAMS), MODEL)
    for assessment, from_batch, from_dict, from_text, from_inputs in zip(
        assessments, batch, stored, texts, columns, strict=True
    ):
        single = summary_of(score_assessment(assessment, FRAMEWORK, PARAMS))
        dates = {"triggers", "review_state", "signed_off_on"}  # read from the dossier and review, not scored
        assert (
            from_batch.model_dump(exclude=dates)
            == from_dict.model_dump(exclude=dates)
            == from_text.model_dump(exclude=dates)
            == from_inputs.model_dump(exclude=dates)
            == single
        )
