"""The batch path (numpy) gives exactly the figures of the single path, `score_assessment`."""

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, FRAMEWORKS, make_assessment
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.batch import _Sum, round2, score_many
from r2p_risk.scoring import score_assessment
from r2p_risk.storage.files import load_model, read_snapshot_file
from r2p_risk.sums import add_up
from r2p_risk.overview import overviews_from_histories
from r2p_risk.watchlist import build_watch_list, heatmap_frame, trend_frame

MODEL = load_model(FRAMEWORKS)
FRAMEWORK, PARAMS = MODEL.framework, MODEL.params
INDICATORS = FRAMEWORK.indicator_ids
FACTORS = [rf.number for rf in FRAMEWORK.risk_factors]
levels = st.one_of(st.none(), st.integers(0, 3))
confidences = st.sampled_from([None, "low", "medium", "high"])
rating = st.tuples(levels, confidences)
# indicator 1.1 decides the war-crimes cap: not rated, unknown, 0 (capped) or present
conflict = st.sampled_from(["absent", None, 0, 1, 2, 3])


def _value(x):
    return None if isinstance(x, float) and math.isnan(x) else x


def figures_of_profile(profile) -> dict:
    figures = {"overall": (profile.overall.score, profile.overall.level, profile.reliability, profile.coverage,
                           profile.status.label, profile.status.title)}
    for n, f in profile.risk_factors.items():
        figures[f"rf{n}"] = (f.score, f.level, f.coverage, f.reliability, f.assessed_indicators)
    for crime, c in profile.crimes.items():
        figures[crime] = (c.score, c.level, c.reliability)
    return figures


def figures_of_batch(batch, i: int) -> dict:
    o = batch.overall.iloc[i]
    figures = {"overall": (_value(o["score"]), o["level"], o["reliability"], o["coverage"], o["status"], o["status_title"])}
    factors = batch.risk_factors.iloc[i]
    for n in map(str, FACTORS):
        figures[f"rf{n}"] = (_value(factors[("score", n)]), factors[("level", n)], factors[("coverage", n)],
                             factors[("reliability", n)], int(factors[("assessed_indicators", n)]))
    crimes = batch.crimes.iloc[i]
    for crime in ("genocide", "crimes_against_humanity", "war_crimes"):
        figures[crime] = (_value(crimes[("score", crime)]), crimes[("level", crime)], crimes[("reliability", crime)])
    return figures


def assert_same_as_single_path(assessments: list[Assessment], params=PARAMS) -> None:
    batch = score_many(assessments, FRAMEWORK, params)
    assert len(batch) == len(assessments)
    for i, assessment in enumerate(assessments):
        expected = figures_of_profile(score_assessment(assessment, FRAMEWORK, params))
        got = figures_of_batch(batch, i)
        assert got == expected, {k: (got[k], v) for k, v in expected.items() if got[k] != v}
        floats = [x for figures in got.values() for x in figures if isinstance(x, float)]
        assert all(type(x) in (float, np.float64) and math.copysign(1, x) == 1 for x in floats)  # no -0.0


def build(ratings: dict, wholes: dict, war: object = "absent", on: dt.date = dt.date(2026, 1, 1)) -> Assessment:
    ratings = dict(ratings)
    if war != "absent":
        ratings["1.1"] = (war, "high")
    else:
        ratings.pop("1.1", None)
    return Assessment(
        assessed_on=on, analyst="P",
        ratings=[{"indicator": i, "level": lv, "confidence": c} for i, (lv, c) in ratings.items()],
        risk_factor_ratings=[{"risk_factor": n, "level": lv, "confidence": c} for n, (lv, c) in wholes.items()],
    )


assessments_strategy = st.lists(
    st.builds(build, st.dictionaries(st.sampled_from(INDICATORS), rating, max_size=len(INDICATORS)),
              st.dictionaries(st.sampled_from(FACTORS), rating, max_size=len(FACTORS)), conflict),
    min_size=1, max_size=12,
)


def test_batch_equals_single_path_on_the_shipped_examples():
    examples = [read_snapshot_file(path, MODEL).assessment for path in sorted(EXAMPLES.glob("*.json"))]
    assert len(examples) >= 3
    assert_same_as_single_path(examples)


@settings(max_examples=150, deadline=None)
@given(assessments_strategy)
def test_batch_equals_single_path_on_random_assessments(assessments):
    assert_same_as_single_path(assessments)


@pytest.mark.parametrize("war", ["absent", None, 0, 1, 3])
def test_war_crimes_cap_follows_indicator_1_1(war):
    strong = {f"{n}.{i}": (3, "high") for n in (1, 2, 3, 13) for i in range(1, 4)}
    assessment = build(strong, {13: (3, "high"), 14: (2, None)}, war)
    assert_same_as_single_path([assessment])
    capped = score_many([assessment], FRAMEWORK, PARAMS).crimes.loc[0, ("score", "war_crimes")]
    assert (capped == 3.5) == (war == 0)


def test_fully_rated_assessments_match():
    full = [build({i: ((k + s) % 4, [None, "low", "medium", "high"][(k * s) % 4]) for k, i in enumerate(INDICATORS)},
                  {n: ((n + s) % 4, "medium") for n in (11, 12, 13, 14)}, war=s % 4) for s in range(20)]
    assert_same_as_single_path(full)


def test_an_empty_assessment_has_no_scores_and_monitoring_status():
    assert_same_as_single_path([make_assessment()])
    batch = score_many([make_assessment()], FRAMEWORK, PARAMS)
    assert batch.risk_factors["score"].isna().all(axis=None) and batch.overall.loc[0, "status"] == "monitoring"
    assert batch.overall.loc[0, "level"] is None


def test_no_assessments_give_empty_tables_with_every_column():
    batch = score_many([], FRAMEWORK, PARAMS)
    assert len(batch) == 0
    assert list(batch.risk_factors["score"].columns) == [str(n) for n in FACTORS]
    assert list(batch.overall.columns) == ["score", "level", "reliability", "coverage", "status", "status_title"]


def test_the_last_of_two_ratings_of_one_indicator_counts_as_in_the_single_path():
    twice = Assessment(assessed_on=dt.date(2026, 1, 1), analyst="P", ratings=[
        {"indicator": "7.1", "level": 3, "confidence": "high"}, {"indicator": "7.2", "level": 1},
        {"indicator": "7.1", "level": 0, "confidence": "low"}, {"indicator": "99.1", "level": 3},
    ], risk_factor_ratings=[{"risk_factor": 11, "level": 3}, {"risk_factor": 11, "level": None}, {"risk_factor": 98, "level": 2}])
    assert_same_as_single_path([twice, make_assessment({"7.1": 2})])


VARIANTS = {
    "mean": {"aggregation": PARAMS.aggregation.model_copy(update={"method": "mean"})},
    "max": {"aggregation": PARAMS.aggregation.model_copy(update={"method": "max"})},
    "overall mean": {"overall": PARAMS.overall.model_copy(update={"method": "mean"})},
    "weights": {"indicator_weights": {"1.1": 2.5, "7.3": 0.0, "8.1": 0.3}, "risk_factor_weights": {1: 3.0, 9: 0.0, 13: 0.7}},
    "zero weights": {"indicator_weights": {i.id: 0.0 for i in FRAMEWORK.risk_factor(8).indicators}, "risk_factor_weights": {9: 0.0, 10: 0.0}},
    "whole factor": {"whole_factor_rating": PARAMS.whole_factor_rating.model_copy(update={"weight": 0.3, "evidence_credit": 0.9})},
}


@pytest.mark.parametrize("variant", VARIANTS)
@settings(max_examples=30, deadline=None)
@given(assessments=assessments_strategy)
def test_batch_follows_the_parameters_like_the_single_path(variant, assessments):
    assert_same_as_single_path(assessments, PARAMS.model_copy(update=VARIANTS[variant]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.floats(0, 10, allow_nan=False),
    st.integers(0, 20_000).map(lambda k: k / 2000),  # decimal halves such as 2.675
    st.integers(-800, 800).map(lambda k: k / 8),  # exact binary halves such as 0.125
    st.floats(-1e6, 1e6, allow_nan=False),
), min_size=1))
def test_round2_is_pythons_round(values):
    got = round2(np.array(values)).tolist()
    expected = [round(v + 0.0, 2) for v in values]
    assert [repr(x) for x in got] == [repr(x) for x in expected]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=3, max_size=3), min_size=1, max_size=30))
def test_running_sum_adds_like_the_scoring_model(rows):
    total = _Sum(3)
    for row in rows:
        total.add(np.array(row))
    assert total.value.tolist() == [add_up(column) for column in zip(*rows)]


@dataclass
class History:
    situation: Situation
    assessments: list[Assessment]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.builds(build, st.dictionaries(st.sampled_from(INDICATORS), rating, max_size=30),
                                   st.dictionaries(st.sampled_from(FACTORS), rating, max_size=3), conflict,
                                   st.dates(dt.date(2025, 1, 1), dt.date(2025, 3, 1))), max_size=4), min_size=1, max_size=5))
def test_watch_list_heatmap_and_trend_show_the_single_path_figures(assessments_per_situation):
    histories = [History(Situation(id=f"s{n}", name=f"Situation {n % 3}"), assessments)
                 for n, assessments in enumerate(assessments_per_situation)]
    single = {id(a): score_assessment(a, FRAMEWORK, PARAMS) for h in histories for a in h.assessments}
    overviews = overviews_from_histories(histories, MODEL)
    for row in build_watch_list(overviews, MODEL, {}):
        history = next(h for h in histories if h.situation.id == row.situation_id)
        latest = sorted(history.assessments, key=lambda a: a.assessed_on)[-1:]
        expected = single[id(latest[0])] if latest else None
        assert row.overall == (expected.overall.score if expected else None)
        assert row.status == (expected.status.label if expected else None)
        assert row.reliability == (expected.reliability if expected else None)
    expected_rows = {}  # a name twice: the row keeps its first place and shows the last situation's scores
    for history in histories:
        if history.assessments:
            latest = max(history.assessments, key=lambda a: a.assessed_on)
            expected_rows[history.situation.name] = [f.score for f in single[id(latest)].risk_factors.values()]
    heat = heatmap_frame([o for o in overviews if o.assessments], MODEL)
    assert {name: [_value(x) for x in heat.loc[name].tolist()] for name in heat.index} == expected_rows
    assert list(heat.index) == list(expected_rows)
    trend = trend_frame(overviews, [h.situation.id for h in histories])
    expected = sorted(((h.situation.name, a.assessed_on, single[id(a)].overall.score) for h in histories for a in h.assessments),
                      key=lambda t: (t[0], t[1]))
    assert [(s, d, _value(o)) for s, d, o in zip(trend["situation"], trend["assessed_on"], trend["overall"])] == expected
