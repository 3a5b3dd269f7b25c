"""The scoring model, written once, on arrays: one assessment or thousands, the same definition.

Rows are assessments. Every sum runs in whole hundredths (points and weights have at most two
decimals), so it is exact and its order does not matter; every other step acts on each element
alone. A figure therefore depends only on its own assessment: not on how many are scored together,
nor on the Python version. Each figure is rounded to two decimals before the next step uses it, so
an analyst can redo the sums by hand (frameworks/README.md does, for three vignettes).

Ranges: the lowest and highest a figure could take if every unassessed indicator it rests on were
rated 0, resp. 3 (an unassessed risk factor 0, resp. 10). The model only ever rises with a rating,
so the two ends are the model applied to those two completions, computed here alongside the point.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from r2p_risk.framework import CRIMES, Framework
from r2p_risk.parameters import ScoringParameters
from r2p_risk.rating_arrays import UNKNOWN, RatingArrays


def round2(values) -> np.ndarray:
    """Every element rounded to two decimals (a half to the even hundredth); NaN stays NaN.

    The rounding of the scaled value, so it never lowers a larger figure below a smaller one.
    """
    return np.rint(np.asarray(values, dtype=float) * 100.0) / 100.0


def hundredths(values) -> np.ndarray:
    """Two-decimal figures as exact whole hundredths (NaN as 0: callers mask it)."""
    values = np.asarray(values, dtype=float)
    return np.rint(np.where(np.isnan(values), 0.0, values) * 100).astype(np.int64)


@dataclass(frozen=True)
class Constants:
    """What the arrays need of the framework and the parameters, computed once per model."""

    indicators: tuple  # the Framework's indicators in column order (models: id, text, conduct...)
    starts: np.ndarray  # per risk factor: its first indicator column
    ends: np.ndarray
    weights: np.ndarray  # per indicator, in hundredths
    listed_weight: np.ndarray  # per risk factor: the weight of all its listed indicators, in hundredths
    unlisted_weight: np.ndarray  # per risk factor: its official indicators this file does not list, as weight
    counted: np.ndarray  # per risk factor: the indicators its coverage is counted against
    counted_list: list  # the same, and the column ranges below, as Python lists for reading one by one
    starts_list: list
    ends_list: list
    points: np.ndarray  # points of levels 0-3 and UNKNOWN (0), in hundredths
    confidence_weights: np.ndarray  # by confidence code, in hundredths
    conduct: np.ndarray  # per indicator: describes conduct
    common: np.ndarray  # column indices of the common risk factors
    factor_weights: np.ndarray  # per risk factor, in hundredths
    specific: tuple[np.ndarray, ...]  # per crime: column indices of its specific risk factors
    sides: np.ndarray  # (factors, 1 + crimes): weights in hundredths of the common factors, then of each crime's specific ones
    members: np.ndarray  # (factors, crimes): the common and specific factors of each crime
    specific_weight: np.ndarray  # (crimes,): the specific side's exponent in the weighted geometric mean
    requirement: np.ndarray  # (crimes,): column of the indicator it presupposes (1.1), or -1
    min_level: np.ndarray  # (crimes,)
    cap: np.ndarray  # (crimes,)


_compiled: OrderedDict[tuple[int, int], tuple[Framework, ScoringParameters, Constants]] = OrderedDict()
_COMPILED_KEPT = 16
_lock = threading.Lock()


def constants(framework: Framework, params: ScoringParameters) -> Constants:
    """The constants of a model, computed once. The models are frozen, so while an entry keeps them alive their
    identity stands for their content; the few most recently used are kept."""
    key = (id(framework), id(params))
    with _lock:  # app sessions are threads of one process
        if key in _compiled:
            _compiled.move_to_end(key)
            return _compiled[key][2]
    compiled = _compile(framework, params)
    with _lock:
        _compiled[key] = (framework, params, compiled)
        while len(_compiled) > _COMPILED_KEPT:
            _compiled.popitem(last=False)
    return compiled


def _compile(framework: Framework, params: ScoringParameters) -> Constants:
    factors = framework.risk_factors
    sizes = np.array([len(rf.indicators) for rf in factors], dtype=np.int64)
    ends = np.cumsum(sizes)
    weights = np.array([round(params.indicator_weights.get(i, 1.0) * 100) for i in framework.indicator_ids], dtype=np.int64)
    column = {rf.number: k for k, rf in enumerate(factors)}
    listed_weight = np.array([weights[end - size:end].sum() for size, end in zip(sizes, ends, strict=True)], dtype=np.int64)
    factor_weights = np.array([round(params.risk_factor_weights.get(rf.number, 1.0) * 100) for rf in factors], dtype=np.int64)
    common = np.array([column[n] for n in framework.factors_in_group("common")])
    specific = tuple(np.array([column[n] for n in params.crimes[crime].specific_risk_factors]) for crime in CRIMES)
    sides = np.zeros((len(factors), 1 + len(CRIMES)), dtype=np.int64)
    sides[common, 0] = factor_weights[common]
    for k, columns in enumerate(specific):
        sides[columns, 1 + k] = factor_weights[columns]
    requires = [params.crimes[crime].requires for crime in CRIMES]
    cw = params.confidence_weights
    return Constants(
        indicators=tuple(i for rf in factors for i in rf.indicators), starts=ends - sizes, ends=ends, weights=weights, listed_weight=listed_weight,
        unlisted_weight=np.array([round(framework.unlisted_indicators(rf.number) * 100) for rf in factors], dtype=np.int64),
        counted=np.array([framework.counted_indicators(rf.number) for rf in factors]),
        counted_list=[framework.counted_indicators(rf.number) for rf in factors],
        starts_list=(ends - sizes).tolist(), ends_list=ends.tolist(),
        points=np.array([round(params.level_points[level] * 100) for level in range(4)] + [0], dtype=np.int64),
        confidence_weights=np.array([round(w * 100) for w in (cw.low, cw.medium, cw.high, cw.unstated)], dtype=np.int64),
        conduct=np.array([framework.indicator(i).conduct for i in framework.indicator_ids]),
        common=common, factor_weights=factor_weights, specific=specific, sides=sides,
        members=((sides[:, 1:] > 0) | (sides[:, :1] > 0)).astype(np.int64),
        specific_weight=np.array([params.crimes[crime].specific_weight for crime in CRIMES]),
        requirement=np.array([framework.indicator_ids.index(r.indicator) if r else -1 for r in requires]),
        min_level=np.array([r.min_level if r else 0 for r in requires]),
        cap=np.array([r.cap_otherwise if r else 10.0 for r in requires]),
    )


def per_factor(values: np.ndarray, c: Constants) -> np.ndarray:
    """(..., indicators) whole numbers -> (..., risk factors) sums over each factor's indicators, exactly."""
    running = np.zeros((*values.shape[:-1], values.shape[-1] + 1), dtype=np.int64)
    np.cumsum(values, axis=-1, out=running[..., 1:])
    return running[..., c.ends] - running[..., c.starts]


@dataclass(frozen=True)
class FactorFigures:
    """(n, risk factors) arrays; `score` is NaN where nothing in the factor is assessed."""

    score: np.ndarray
    low: np.ndarray
    high: np.ndarray
    indicator_score: np.ndarray  # from the indicators alone (NaN when none rated)
    mean: np.ndarray  # rounded mean of the rated indicators' points
    peak: np.ndarray  # points of the highest-rated indicator
    assessed: np.ndarray  # anything assessed: an indicator or the factor as a whole
    count: np.ndarray  # indicators assessed
    whole: np.ndarray  # rated as a whole
    whole_points: np.ndarray
    coverage: np.ndarray
    evidence: np.ndarray
    confidence: np.ndarray
    reliability: np.ndarray


def _blend(mean: np.ndarray, peak: np.ndarray, params: ScoringParameters) -> np.ndarray:
    method, share = params.aggregation.method, params.aggregation.peak_weight
    if method == "mean":
        return mean
    if method == "max":
        return peak
    return round2((1 - share) * mean + share * peak)


def _with_whole(indicator_score: np.ndarray, whole: np.ndarray, whole_points: np.ndarray, params: ScoringParameters) -> np.ndarray:
    w = params.whole_factor_rating.weight
    return np.where(whole, round2((1 - w) * indicator_score + w * whole_points), indicator_score)


def score_factors(ratings: RatingArrays, c: Constants, params: ScoringParameters) -> FactorFigures:
    levels = ratings.levels
    rated = levels != UNKNOWN
    points = c.points[levels]  # UNKNOWN has 0 points
    rated_confidence = np.where(rated, c.confidence_weights[ratings.confidences], 0)
    count, value, rated_weight, confidence_sum, at_least_1, at_least_2, at_least_3 = per_factor(np.stack([
        rated, points * c.weights, rated * c.weights, rated_confidence, *(rated & (levels >= level) for level in (1, 2, 3)),
    ]).astype(np.int64), c)  # value: hundredths x hundredths
    peak_level = (at_least_1 > 0).astype(np.int64) + (at_least_2 > 0) + (at_least_3 > 0)
    peak = c.points[peak_level] / 100
    total = c.listed_weight + c.unlisted_weight
    unassessed = total - rated_weight
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = round2(value / (rated_weight * 100.0))
        mean_low = round2(np.where(total > 0, value / (total * 100.0), 0.0))
        mean_high = round2(np.where(total > 0, (value + c.points[3] * unassessed) / (total * 100.0), 0.0))
    indicator_score = np.where(count > 0, _blend(mean, peak, params), np.nan)
    low = _blend(mean_low, peak, params)  # no rated indicator: peak is level 0's points
    high = _blend(mean_high, np.where(unassessed > 0, c.points[3] / 100, peak), params)
    whole = ratings.whole_levels != UNKNOWN
    whole_points = c.points[ratings.whole_levels] / 100
    score = np.where(count > 0, _with_whole(indicator_score, whole, whole_points, params), np.where(whole, whole_points, np.nan))
    share = count / c.counted
    evidence = np.minimum(1.0, share + np.where(whole, params.whole_factor_rating.evidence_credit, 0.0))
    voices = count + whole
    confidence_sum = confidence_sum + np.where(whole, c.confidence_weights[ratings.whole_confidences], 0)
    confidence = np.divide(confidence_sum, voices * 100.0, out=np.zeros(count.shape), where=voices > 0)
    return FactorFigures(
        score=score, low=_with_whole(low, whole, whole_points, params), high=_with_whole(high, whole, whole_points, params),
        indicator_score=indicator_score, mean=mean, peak=peak, assessed=(count > 0) | whole, count=count, whole=whole,
        whole_points=whole_points, coverage=round2(share), evidence=evidence, confidence=confidence,
        reliability=round2(10 * evidence * confidence),
    )


def sides(scores: np.ndarray, included: np.ndarray | None, c: Constants) -> tuple[np.ndarray, np.ndarray]:
    """Both sides of every crime: the weighted mean of the common factors (n, 1) and of each crime's specific
    factors (n, crimes), over those `included` (all when None); exact in hundredths, rounded; NaN where none is."""
    values = hundredths(scores)
    if included is None:
        total, denominator = values @ c.sides, c.sides.sum(axis=0)
    else:
        weights = included[:, :, None] * c.sides
        total, denominator = (values[:, :, None] * weights).sum(axis=1), weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = round2(np.where(denominator > 0, total / (denominator * 100.0), np.nan))
    return means[:, :1], means[:, 1:]


def combine(common: np.ndarray, specific: np.ndarray, weight) -> np.ndarray:
    """The weighted geometric mean of (common + 1) and (specific + 1), minus 1, rounded."""
    return round2(np.power(common + 1, 1 - weight) * np.power(specific + 1, weight) - 1)


@dataclass(frozen=True)
class CrimeFigures:
    """(n, crimes) arrays, crimes in the order of framework.CRIMES."""

    score: np.ndarray  # NaN when not determined
    low: np.ndarray
    high: np.ndarray
    determined: np.ndarray
    capped: np.ndarray  # no armed conflict: the cap applies
    common: np.ndarray  # mean of the assessed common risk factors (NaN when none), the same for each crime
    specific: np.ndarray  # mean of its assessed specific risk factors (NaN when none)
    specific_assessed: np.ndarray
    common_evidence: np.ndarray
    reliability: np.ndarray

    def of(self, crime: str) -> CrimeFigures:
        """One crime's figures, each an (n,) array."""
        k = CRIMES.index(crime)
        return CrimeFigures(*(getattr(self, name)[:, k] for name in self.__dataclass_fields__))


def requirement_levels(levels: np.ndarray, c: Constants) -> np.ndarray:
    """(n, crimes): the level code of the indicator each crime presupposes (3, always met, where none)."""
    return np.where(c.requirement >= 0, levels[:, np.maximum(c.requirement, 0)], 3)


def crime_ranges(factors_low: np.ndarray, factors_high: np.ndarray, requirement: np.ndarray, c: Constants) -> tuple[np.ndarray, np.ndarray]:
    """(n, crimes) ends of each crime's range, from its factors' ranges and the level of the indicator it presupposes."""
    low = combine(*sides(factors_low, None, c), c.specific_weight)
    high = combine(*sides(factors_high, None, c), c.specific_weight)
    maybe_no_conflict = (requirement == UNKNOWN) | (requirement < c.min_level)
    no_conflict = (requirement != UNKNOWN) & (requirement < c.min_level)
    return np.where(maybe_no_conflict, np.minimum(low, c.cap), low), np.where(no_conflict, np.minimum(high, c.cap), high)


def score_crimes(factors: FactorFigures, levels: np.ndarray, c: Constants, params: ScoringParameters) -> CrimeFigures:
    common, specific = sides(factors.score, factors.assessed, c)
    requirement = requirement_levels(levels, c)
    low, high = crime_ranges(factors.low, factors.high, requirement, c)
    capped = (requirement != UNKNOWN) & (requirement < c.min_level)
    specific_assessed = (factors.assessed.astype(np.int64) @ (c.sides[:, 1:] > 0)) > 0
    # with no armed conflict, war crimes cannot be committed: its specific factors (conflict-related conduct) count
    # as absent where nothing of them is assessed, and the risk is capped
    point = combine(common, np.where(specific_assessed, specific, np.where(capped, 0.0, np.nan)), c.specific_weight)
    point = np.where(capped, np.minimum(point, c.cap), point)
    common_evidence = factors.evidence[:, c.common].mean(axis=1, keepdims=True)
    determined = ((common_evidence >= params.evidence_gates.min_common_evidence) & ~np.isnan(common)
                  & (specific_assessed | capped))
    return CrimeFigures(
        score=np.where(determined, point, np.nan), low=low, high=high, determined=determined, capped=capped,
        common=np.repeat(common, len(CRIMES), axis=1), specific=specific, specific_assessed=specific_assessed,
        common_evidence=np.repeat(common_evidence, len(CRIMES), axis=1),
        reliability=round2((hundredths(factors.reliability) @ c.members) / (c.members.sum(axis=0) * 100.0)),
    )


@dataclass(frozen=True)
class OverallFigures:
    score: np.ndarray
    low: np.ndarray
    high: np.ndarray
    determined: np.ndarray
    reliability: np.ndarray
    assessed: np.ndarray  # indicators assessed
    coverage: np.ndarray  # of the official indicators


def score_overall(crimes: CrimeFigures, factors: FactorFigures, framework: Framework) -> OverallFigures:
    determined: np.ndarray = crimes.determined.all(axis=1)  # type: ignore[assignment]  # numpy's stubs: of 2-D, an array
    assessed = factors.count.sum(axis=1)
    return OverallFigures(
        score=np.where(determined, np.where(np.isnan(crimes.score), -1.0, crimes.score).max(axis=1), np.nan),
        low=crimes.low.max(axis=1), high=crimes.high.max(axis=1), determined=determined,
        reliability=round2(hundredths(factors.reliability).sum(axis=1) / (factors.reliability.shape[1] * 100.0)),
        assessed=assessed, coverage=round2(assessed / framework.official_indicator_count),
    )


@dataclass(frozen=True)
class Figures:
    """Everything the model computes for n assessments; the status comes from status.decide_status."""

    factors: FactorFigures
    crimes: CrimeFigures
    overall: OverallFigures


def score_arrays(ratings: RatingArrays, framework: Framework, params: ScoringParameters) -> Figures:
    c = constants(framework, params)
    factors = score_factors(ratings, c, params)
    crimes = score_crimes(factors, ratings.levels, c, params)
    return Figures(factors=factors, crimes=crimes, overall=score_overall(crimes, factors, framework))
