"""Scoring many assessments at once: the same figures as `score_assessment`, computed with numpy.

The Situations and Compare screens score hundreds or thousands of assessments on every rerun.
Here the ratings become arrays (risk factor columns x assessments) and every step of
scoring.py runs on whole columns. Every step does the same floating-point operations in the same
order as scoring.py: sums run left to right in framework order, exactly as Python's `sum` does
(compensated on Python 3.12 and later, as `sum` is there), and every rounding is Python's
`round(x, 2)`. So every figure is identical, not merely close; tests/test_batch.py checks that.
Reasons and drivers are not produced: for those, score one assessment with `score_assessment`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

import numpy as np
import pandas as pd

from r2p_risk.assessment import Assessment
from r2p_risk.framework import CRIMES, Framework
from r2p_risk.parameters import OverallAtLeast, RiskFactorsMeanAtLeast, ScoringParameters

NO_LEVEL = 4  # level code of "not rated" and "rated unknown": both are left out
_LEVEL_CODES = {0: 0, 1: 1, 2: 2, 3: 3, None: NO_LEVEL}
_CONFIDENCES = ("low", "medium", "high", "unstated")
_CONFIDENCE_CODES = {"low": 0, "medium": 1, "high": 2, None: 3}


@dataclass(frozen=True)
class BatchScores:
    """The figures of many risk profiles, one row per assessment in the order given (index 0..n-1).

    `risk_factors` has columns (figure, number) with figures score, level, coverage, reliability
    and assessed_indicators, numbers "1".."14"; `crimes` has (figure, crime) with score, level and
    reliability; `overall` has score, level, reliability, coverage, status and status_title.
    A score that `score_assessment` leaves at None is NaN here, and its level is None.
    """

    risk_factors: pd.DataFrame
    crimes: pd.DataFrame
    overall: pd.DataFrame

    def __len__(self) -> int:
        return len(self.overall)


class _Sum:
    """A running sum over columns that adds left to right, exactly as `r2p_risk.sums.add_up` adds floats."""

    def __init__(self, size: int):
        self.total = np.zeros(size)

    def add(self, values: np.ndarray) -> None:
        self.total = self.total + values

    @property
    def value(self) -> np.ndarray:
        return self.total


def round2(values: np.ndarray) -> np.ndarray:
    """`round(x + 0.0, 2)` of every element, as scoring.py rounds (NaN stays NaN).

    Python rounds the exact binary value half to even; numpy's own rounding scales by 100 first
    and so differs now and then (np.round(2.675, 2) is 2.68, round(2.675, 2) is 2.67). Away from
    a half both agree. Near a half, the exact product x * 200 (Dekker's error-free product, as
    x * 200 = (x * 8) * 25) is compared with the odd integer 2k + 1 to decide which way to go.
    """
    values = np.asarray(values, dtype=float) + 0.0
    scaled = values * 100.0
    rounded, floor = np.rint(scaled), np.floor(scaled)
    near_half = np.abs(scaled - floor - 0.5) < 1e-6
    if near_half.any():
        eight, k = values[near_half] * 8.0, floor[near_half]
        product = eight * 25.0
        split = 134217729.0 * eight  # Veltkamp: eight = high + low, each half the bits
        high = split - (split - eight)
        error = (high * 25.0 - product) + (eight - high) * 25.0  # exactly eight * 25 - product
        above = (product - (2.0 * k + 1.0)) + error  # the sign of x * 200 - (2k + 1), exactly
        up = (above > 0) | ((above == 0) & (np.fmod(k, 2.0) != 0))
        rounded[near_half] = np.where(up, k + 1.0, k)
    return rounded / 100.0


class _Codes(dict):
    """(key, level, confidence) of a rating -> column x 32 + level code x 4 + confidence code; -1 for a key not listed.

    One pass and one lookup per rating: there are only columns x 5 x 4 such triples, and reading
    the three fields together touches each rating object once. A key the framework does not list
    (an unknown indicator or risk factor) is left out, as the single path leaves it out.
    """

    def __init__(self, columns: dict):
        super().__init__(
            ((key, level, confidence), (column << 5) | (level_code << 2) | confidence_code)
            for key, column in columns.items()
            for level, level_code in _LEVEL_CODES.items()
            for confidence, confidence_code in _CONFIDENCE_CODES.items()
        )

    def __missing__(self, triple) -> int:
        return -1


def _matrix(assessments: Sequence[Assessment], items: str, key: str, columns: dict) -> tuple[np.ndarray, np.ndarray]:
    """Level and confidence codes, shape (columns, assessments); the last rating of a key counts, as in a dict."""
    size, width = len(assessments), len(columns)
    lists = list(map(attrgetter(items), assessments))
    ratings = list(chain.from_iterable(lists))
    triples = map(attrgetter(key, "level", "confidence"), ratings)
    codes = np.fromiter(map(_Codes(columns).__getitem__, triples), dtype=np.int64, count=len(ratings))
    owner = np.repeat(np.arange(size, dtype=np.int64), list(map(len, lists)))
    if len(codes) and codes.min() < 0:
        codes, owner = codes[codes >= 0], owner[codes >= 0]
    cell = owner * width + (codes >> 5)  # the place in the flattened (assessments, columns) matrix
    if len(cell) > 1 and not np.all(cell[1:] > cell[:-1]):  # not in rising order: is a key rated twice?
        _, first_from_end = np.unique(cell[::-1], return_index=True)
        last = len(cell) - 1 - first_from_end  # keep the last rating of each key, as a dict does
        codes, cell = codes[last], cell[last]
    levels = np.full(size * width, NO_LEVEL, dtype=np.int8)
    confidences = np.full(size * width, _CONFIDENCE_CODES[None], dtype=np.int8)
    levels[cell] = (codes >> 2) & 7
    confidences[cell] = codes & 3
    return levels.reshape(size, width).T.copy(), confidences.reshape(size, width).T.copy()


def _mean(sums: _Sum, weights: _Sum, count: np.ndarray) -> np.ndarray:
    """scoring._weighted_mean: None (NaN) when nothing counted or the weights add up to 0."""
    total = weights.value
    valid = (count > 0) & (total != 0)
    return np.divide(sums.value, total, out=np.full(len(total), np.nan), where=valid)


def _score_factor(factor, levels, confidences, whole_level, whole_confidence, params: ScoringParameters) -> dict:
    """scoring.score_risk_factor on columns."""
    size = levels.shape[1]
    points = np.array([params.level_points[level] for level in range(4)] + [0.0])
    peaks = np.array([*points[:4], np.nan])
    confidence_weights = np.array([getattr(params.confidence_weights, c) for c in _CONFIDENCES])
    value_sum, weight_sum, confidence_sum = _Sum(size), _Sum(size), _Sum(size)
    count, peak = np.zeros(size, dtype=np.int64), np.full(size, np.nan)
    for row, indicator in enumerate(factor.indicators):
        level, rated = levels[row], levels[row] != NO_LEVEL
        weight = params.indicator_weights.get(indicator.id, 1.0)
        value_sum.add(np.where(rated, points[level] * weight, 0.0))
        weight_sum.add(np.where(rated, weight, 0.0))
        confidence_sum.add(np.where(rated, confidence_weights[confidences[row]], 0.0))
        count += rated
        peak = np.fmax(peak, peaks[level])
    mean = _mean(value_sum, weight_sum, count)
    method, share = params.aggregation.method, params.aggregation.peak_weight
    if method == "mean":
        indicator_score = round2(mean)
    elif method == "max":
        indicator_score = round2(np.where(np.isnan(mean), np.nan, peak))
    else:
        indicator_score = round2((1 - share) * mean + share * peak)
    whole = whole_level != NO_LEVEL
    whole_points = points[whole_level]
    w = params.whole_factor_rating.weight
    with_whole = np.where(np.isnan(indicator_score), round2(whole_points), round2((1 - w) * indicator_score + w * whole_points))
    score = np.where(whole, with_whole, indicator_score)
    listed = len(factor.indicators)
    share_assessed = count / listed if listed else np.zeros(size)
    credit = np.where(whole, params.whole_factor_rating.evidence_credit, 0.0)
    evidence = np.minimum(1.0, share_assessed + credit)
    confidence_sum.add(np.where(whole, confidence_weights[whole_confidence], 0.0))
    voices = count + whole
    confidence = np.divide(confidence_sum.value, voices, out=np.zeros(size), where=voices > 0)
    return {
        "score": score, "coverage": round2(share_assessed if listed else whole.astype(float)),
        "reliability": round2(10 * evidence * confidence), "assessed_indicators": count,
    }


def _factor_mean(numbers: list[int], scores: dict[int, np.ndarray], weights: dict[int, float]) -> np.ndarray:
    """scoring._mean_of_factors: the weighted mean of the assessed ones among `numbers`, rounded."""
    size = len(next(iter(scores.values())))
    sums, weight_sum, count = _Sum(size), _Sum(size), np.zeros(size, dtype=np.int64)
    for n in numbers:
        assessed = ~np.isnan(scores[n])
        weight = weights.get(n, 1.0)
        sums.add(np.where(assessed, scores[n] * weight, 0.0))
        weight_sum.add(np.where(assessed, weight, 0.0))
        count += assessed
    return round2(_mean(sums, weight_sum, count))


def _mean_of(columns: list[np.ndarray]) -> np.ndarray:
    total = _Sum(len(columns[0]))
    for column in columns:
        total.add(column)
    return total.value / len(columns)


def _score_crime(crime: str, framework: Framework, factors: dict, conflict_level: dict, params: ScoringParameters) -> dict:
    """scoring.score_crime on columns."""
    model = params.crimes[crime]
    common, specific = framework.factors_in_group("common"), model.specific_risk_factors
    scores = {n: f["score"] for n, f in factors.items()}
    common_mean = _factor_mean(common, scores, params.risk_factor_weights)
    specific_mean = _factor_mean(specific, scores, params.risk_factor_weights)
    w = model.specific_weight
    score = np.where(np.isnan(specific_mean), common_mean,
                     np.where(np.isnan(common_mean), specific_mean, round2((1 - w) * common_mean + w * specific_mean)))
    if model.requires is not None:
        requirement = model.requires
        level = conflict_level[requirement.indicator]
        capped = (level != NO_LEVEL) & (level < requirement.min_level) & (score > requirement.cap_otherwise)
        score = np.where(capped, requirement.cap_otherwise, score)
    reliability = round2(_mean_of([factors[n]["reliability"] for n in [*common, *specific]]))
    return {"score": score, "reliability": reliability}


def _overall(crimes: dict, factors: dict, params: ScoringParameters) -> dict:
    """scoring.score_overall on columns."""
    scores = [crimes[c]["score"] for c in CRIMES]
    reliability = round2(_mean_of([f["reliability"] for f in factors.values()]))
    if params.overall.method == "max":
        score = scores[0]
        for column in scores[1:]:
            score = np.fmax(score, column)
    else:
        total, count = _Sum(len(reliability)), np.zeros(len(reliability), dtype=np.int64)
        for column in scores:
            total.add(np.nan_to_num(column, nan=0.0))
            count += ~np.isnan(column)
        score = round2(np.divide(total.value, count, out=np.full(len(count), np.nan), where=count > 0))
    return {"score": score, "reliability": reliability}


def _condition_holds(condition, scores: dict[int, np.ndarray], overall: np.ndarray) -> np.ndarray:
    """status.check_condition on columns (a missing score, NaN, never reaches a threshold)."""
    if isinstance(condition, OverallAtLeast):
        return overall >= condition.score
    if isinstance(condition, RiskFactorsMeanAtLeast):
        return _factor_mean(condition.risk_factors, scores, weights={}) >= condition.score  # a plain mean
    high = sum((scores[n] >= condition.score).astype(np.int64) for n in condition.risk_factors)
    return high > 0 if condition.match == "any" else high == len(condition.risk_factors)


def _decide_status(scores: dict[int, np.ndarray], overall: np.ndarray, params: ScoringParameters) -> np.ndarray:
    """status.decide_status on columns: the index of the first rule that holds, len(rules) for the default."""
    decided = np.full(len(overall), len(params.status_rules))
    for index in reversed(range(len(params.status_rules))):
        rule = params.status_rules[index]
        checks = [_condition_holds(c, scores, overall) for c in rule.conditions]
        holds = np.logical_or.reduce(checks) if rule.match == "any" else np.logical_and.reduce(checks)
        decided = np.where(holds, index, decided)
    return decided


def _levels(scores: np.ndarray, params: ScoringParameters) -> np.ndarray:
    """params.risk_level on columns: the first class whose bound the score is below; None for NaN."""
    bounds = [c.below for c in params.risk_classes if c.below is not None]
    names = np.array([*(c.level for c in params.risk_classes), None], dtype=object)
    index = np.searchsorted(np.array(bounds, dtype=float), scores, side="right")
    return names[np.where(np.isnan(scores), len(params.risk_classes), index)]


def _labels(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object)


def score_many(assessments: Sequence[Assessment], framework: Framework, params: ScoringParameters) -> BatchScores:
    """Score every assessment; row i holds the figures `score_assessment(assessments[i], ...)` gives."""
    assessments = list(assessments)
    numbers = [rf.number for rf in framework.risk_factors]
    required = [c.requires.indicator for c in params.crimes.values() if c.requires is not None]
    columns = {i: k for k, i in enumerate(dict.fromkeys([*framework.indicator_ids, *required]))}
    levels, confidences = _matrix(assessments, "ratings", "indicator", columns)
    whole_levels, whole_confidences = _matrix(assessments, "risk_factor_ratings", "risk_factor", {n: k for k, n in enumerate(numbers)})
    factors, start = {}, 0
    for k, rf in enumerate(framework.risk_factors):
        rows = slice(start, start + len(rf.indicators))
        factors[rf.number] = _score_factor(rf, levels[rows], confidences[rows], whole_levels[k], whole_confidences[k], params)
        start += len(rf.indicators)
    crimes = {c: _score_crime(c, framework, factors, {i: levels[columns[i]] for i in required}, params) for c in CRIMES}
    overall = _overall(crimes, factors, params)
    scores = {n: f["score"] for n, f in factors.items()}
    status = _decide_status(scores, overall["score"], params)
    rules = [*params.status_rules, params.default_status]
    listed = sum(len(rf.indicators) for rf in framework.risk_factors)
    assessed = sum(f["assessed_indicators"] for f in factors.values()) if factors else np.zeros(len(assessments), dtype=np.int64)
    factor_figures = {
        (figure, str(n)): (_labels(_levels(f["score"], params)) if figure == "level" else f[figure])
        for figure in ("score", "level", "coverage", "reliability", "assessed_indicators") for n, f in factors.items()
    }
    crime_figures = {
        (figure, c): (_labels(_levels(r["score"], params)) if figure == "level" else r[figure])
        for figure in ("score", "level", "reliability") for c, r in crimes.items()
    }
    return BatchScores(
        risk_factors=pd.DataFrame(factor_figures, index=pd.RangeIndex(len(assessments))),
        crimes=pd.DataFrame(crime_figures, index=pd.RangeIndex(len(assessments))),
        overall=pd.DataFrame({
            "score": overall["score"], "level": _labels(_levels(overall["score"], params)),
            "reliability": overall["reliability"],
            "coverage": round2(assessed / listed) if listed else np.zeros(len(assessments)),
            "status": _labels(np.array([r.status for r in rules], dtype=object)[status]),
            "status_title": _labels(np.array([r.label for r in rules], dtype=object)[status]),
        }, index=pd.RangeIndex(len(assessments))),
    )
