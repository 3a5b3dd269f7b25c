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
from r2p_risk.rating_arrays import CONFIDENCE_CODES, UNKNOWN, RatingArrays


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
    factor_columns: dict  # risk factor number -> its column
    indicator_columns: dict  # indicator id -> its column
    indicator_factors: list  # per indicator column: the number of its risk factor
    points: np.ndarray  # points of levels 0-3 and UNKNOWN (0), in hundredths
    level_points: np.ndarray  # the same in points
    total_weight: np.ndarray  # per risk factor: listed_weight + unlisted_weight
    rating_terms: np.ndarray  # ((indicators + 1) x RATING_CODES, RATING_TERMS): what a rating adds to its factor's sums
    term_rows: np.ndarray  # (indicators,): the first row of each indicator in rating_terms
    listed: np.ndarray  # (risk factors, 1): lists an indicator at all
    end_rows: np.ndarray  # (3, 1, 1): False for the mean of the rated indicators, True for the two ends of its range
    weighted_rows: (
        np.ndarray
    )  # (3, 1, risk factors): the same three, False at the ends of a factor with no weight at all
    confidence_weights: np.ndarray  # by confidence code, in hundredths
    conduct: np.ndarray  # per indicator: describes conduct
    conduct_columns: np.ndarray  # the columns of the indicators that describe conduct
    conduct_list: list  # the same as a list; and common and specific below as lists
    common_list: list
    specific_lists: tuple[list, ...]
    common: np.ndarray  # column indices of the common risk factors
    factor_weights: np.ndarray  # per risk factor, in hundredths
    specific: tuple[np.ndarray, ...]  # per crime: column indices of its specific risk factors
    sides: (
        np.ndarray
    )  # (factors, 1 + crimes): weights in hundredths of the common factors, then of each crime's specific ones
    side_weights: np.ndarray  # (1 + crimes,): the sums of those columns
    members: np.ndarray  # (factors, crimes): the common and specific factors of each crime
    member_hundredths: np.ndarray  # (crimes,): how many factors each crime has, x 100.0
    specific_members: np.ndarray  # (factors, crimes): the specific factors of each crime
    specific_weight: np.ndarray  # (crimes,): the specific side's exponent in the weighted geometric mean
    common_weight: np.ndarray  # (crimes,): 1 - specific_weight, the common side's
    requirement: np.ndarray  # (crimes,): column of the indicator it presupposes (1.1), or -1
    requirement_column: np.ndarray  # (crimes,): the same, 0 where there is none (the level read there is not used)
    min_level: np.ndarray  # (crimes,)
    cap: np.ndarray  # (crimes,)
    status_names: np.ndarray  # the status of each rule, then the two of no alarm (determined, not determined); object
    rests_on_finding: np.ndarray  # the same: whether it rests on a recorded finding (no alarm: never provisional)


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
    weights = np.array(
        [round(params.indicator_weights.get(i, 1.0) * 100) for i in framework.indicator_ids], dtype=np.int64
    )
    column = {rf.number: k for k, rf in enumerate(factors)}
    listed_weight = np.array(
        [weights[end - size : end].sum() for size, end in zip(sizes, ends, strict=True)], dtype=np.int64
    )
    factor_weights = np.array(
        [round(params.risk_factor_weights.get(rf.number, 1.0) * 100) for rf in factors], dtype=np.int64
    )
    common = np.array([column[n] for n in framework.factors_in_group("common")])
    specific = tuple(np.array([column[n] for n in params.crimes[crime].specific_risk_factors]) for crime in CRIMES)
    sides = np.zeros((len(factors), 1 + len(CRIMES)), dtype=np.int64)
    sides[common, 0] = factor_weights[common]
    for k, columns in enumerate(specific):
        sides[columns, 1 + k] = factor_weights[columns]
    requires = [params.crimes[crime].requires for crime in CRIMES]
    cw = params.confidence_weights
    conduct = np.array([framework.indicator(i).conduct for i in framework.indicator_ids])
    points = np.array([round(params.level_points[level] * 100) for level in range(4)] + [0], dtype=np.int64)
    confidence_weights = np.array([round(w * 100) for w in (cw.low, cw.medium, cw.high, cw.unstated)], dtype=np.int64)
    unlisted_weight = np.array(
        [round(framework.unlisted_indicators(rf.number) * 100) for rf in factors], dtype=np.int64
    )
    total_weight = listed_weight + unlisted_weight
    requirement = np.array([framework.indicator_ids.index(r.indicator) if r else -1 for r in requires])
    specific_weight = np.array([params.crimes[crime].specific_weight for crime in CRIMES])
    members = ((sides[:, 1:] > 0) | (sides[:, :1] > 0)).astype(np.int64)
    return Constants(
        indicators=tuple(i for rf in factors for i in rf.indicators),
        starts=ends - sizes,
        ends=ends,
        weights=weights,
        listed_weight=listed_weight,
        unlisted_weight=unlisted_weight,
        total_weight=total_weight,
        rating_terms=_rating_terms(points, confidence_weights, weights),
        term_rows=np.arange(len(weights)) * RATING_CODES,
        listed=(sizes > 0)[:, None],
        end_rows=np.array([False, True, True]).reshape(3, 1, 1),
        weighted_rows=np.stack([np.ones(len(factors), dtype=bool), total_weight > 0, total_weight > 0])[:, None, :],
        counted=np.array([framework.counted_indicators(rf.number) for rf in factors]),
        counted_list=[framework.counted_indicators(rf.number) for rf in factors],
        starts_list=(ends - sizes).tolist(),
        ends_list=ends.tolist(),
        factor_columns=column,
        indicator_columns={indicator_id: k for k, indicator_id in enumerate(framework.indicator_ids)},
        indicator_factors=[i.risk_factor for rf in factors for i in rf.indicators],
        points=points,
        level_points=points / 100,
        confidence_weights=confidence_weights,
        conduct=conduct,
        conduct_columns=np.flatnonzero(conduct),
        conduct_list=np.flatnonzero(conduct).tolist(),
        common_list=common.tolist(),
        specific_lists=tuple(columns.tolist() for columns in specific),
        common=common,
        factor_weights=factor_weights,
        specific=specific,
        sides=sides,
        side_weights=sides.sum(axis=0),
        members=members,
        member_hundredths=members.sum(axis=0) * 100.0,
        specific_members=(sides[:, 1:] > 0).astype(np.int64),
        specific_weight=specific_weight,
        common_weight=1 - specific_weight,
        requirement=requirement,
        requirement_column=np.maximum(requirement, 0),
        min_level=np.array([r.min_level if r else 0 for r in requires]),
        cap=np.array([r.cap_otherwise if r else 10.0 for r in requires]),
        status_names=np.array(
            [rule.status for rule in params.status_rules] + [params.no_alarm.determined, params.no_alarm.undetermined],
            dtype=object,
        ),
        rests_on_finding=np.array([rule.rests_on_finding for rule in params.status_rules] + [True, True]),
    )


RATING_TERMS = ("count", "value", "rated_weight", "confidence_sum", "at_least_1", "at_least_2", "at_least_3")
RATING_CODES = (UNKNOWN + 1) * len(
    CONFIDENCE_CODES
)  # a rating's code: level code x len(CONFIDENCE_CODES) + confidence code


def _rating_terms(points: np.ndarray, confidence_weights: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """What one indicator's rating adds to each of its risk factor's RATING_TERMS: the row `column x RATING_CODES +
    rating code`; whole numbers (value: hundredths x hundredths). A level UNKNOWN adds nothing, nor does the column
    after the last indicator (all rows 0), which per_factor reads as the end."""
    terms = np.zeros((len(weights) + 1, UNKNOWN + 1, len(CONFIDENCE_CODES), len(RATING_TERMS)), dtype=np.int64)
    for level in range(UNKNOWN):
        for confidence in range(len(CONFIDENCE_CODES)):
            terms[:-1, level, confidence] = np.stack(
                [
                    np.ones_like(weights),
                    points[level] * weights,
                    weights,
                    np.full_like(weights, confidence_weights[confidence]),
                    *(np.full_like(weights, level >= at_least) for at_least in (1, 2, 3)),
                ],
                axis=-1,
            )
    return terms.reshape(-1, len(RATING_TERMS))


def per_factor(ratings: RatingArrays, c: Constants) -> np.ndarray:
    """(RATING_TERMS, n, risk factors): the sums of the terms of each risk factor's ratings, exactly."""
    n, width = ratings.levels.shape
    rows = np.empty((n, width + 1), dtype=np.int64)
    np.add(c.term_rows, ratings.levels * len(CONFIDENCE_CODES) + ratings.confidences, out=rows[:, :width])
    rows[:, width] = (
        width * RATING_CODES
    )  # an empty column at the end: a risk factor with no indicators (the last) sums to 0
    sums = np.add.reduceat(c.rating_terms.take(rows, axis=0), c.starts, axis=1)  # (n, risk factors, RATING_TERMS)
    return np.moveaxis(sums * c.listed, -1, 0)  # reduceat gives a factor with no indicators one of the next: 0 instead


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


def _with_whole(
    indicator_score: np.ndarray, whole: np.ndarray, whole_points: np.ndarray, params: ScoringParameters
) -> np.ndarray:
    w = params.whole_factor_rating.weight
    return np.where(whole, round2((1 - w) * indicator_score + w * whole_points), indicator_score)


def score_factors(ratings: RatingArrays, c: Constants, params: ScoringParameters) -> FactorFigures:
    sums = per_factor(ratings, c)
    count, value, rated_weight, confidence_sum = sums[:4]
    peak = c.level_points[(sums[4:] > 0).sum(axis=0)]  # points of the highest level rated (level 0's when none is)
    unassessed = c.total_weight - rated_weight
    # three at once, each (n, risk factors): the mean of the rated indicators, then the ends of its range, the
    # unassessed ones all rated 0, resp. 3 (0.0 for a factor with no weight at all); and the score from each
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(
            c.weighted_rows,
            round2(
                np.array([value, value, value + c.points[3] * unassessed])
                / np.where(c.end_rows, c.total_weight * 100.0, rated_weight * 100.0)
            ),
            0.0,
        )
    peaks = np.array([peak, peak, np.where(unassessed > 0, c.level_points[3], peak)])
    from_indicators = _blend(means, peaks, params)  # a new array: "mean" and "max" return one made here
    np.copyto(from_indicators[0], np.nan, where=count == 0)  # no rated indicator: no score from indicators; the range
    whole = ratings.whole_levels != UNKNOWN  # ends stand (peak is then level 0's points)
    whole_points = c.level_points[ratings.whole_levels]
    score, low, high = _with_whole(from_indicators, whole, whole_points, params)
    share = count / c.counted
    evidence = np.minimum(1.0, share + np.where(whole, params.whole_factor_rating.evidence_credit, 0.0))
    voices = count + whole
    confidence_sum = confidence_sum + np.where(whole, c.confidence_weights[ratings.whole_confidences], 0)
    confidence = np.divide(confidence_sum, voices * 100.0, out=np.zeros(count.shape), where=voices > 0)
    return FactorFigures(
        score=np.where(count > 0, score, np.where(whole, whole_points, np.nan)),
        low=low,
        high=high,
        indicator_score=from_indicators[0],
        mean=means[0],
        peak=peak,
        assessed=(count > 0) | whole,
        count=count,
        whole=whole,
        whole_points=whole_points,
        coverage=round2(share),
        evidence=evidence,
        confidence=confidence,
        reliability=round2(10 * evidence * confidence),
    )


def sides(scores: np.ndarray, included: np.ndarray | None, c: Constants) -> tuple[np.ndarray, np.ndarray]:
    """Both sides of every crime: the weighted mean of the common factors (..., 1) and of each crime's specific
    factors (..., crimes), over those `included` (all when None); exact in hundredths, rounded; NaN where none is.
    `scores` is (..., risk factors): (n, risk factors), or several such stacked."""
    values = hundredths(scores)
    if included is None:
        total, denominator = values @ c.sides, c.side_weights
    else:
        total, denominator = (values * included) @ c.sides, included.astype(np.int64) @ c.sides
    with np.errstate(invalid="ignore", divide="ignore"):
        means = round2(np.where(denominator > 0, total / (denominator * 100.0), np.nan))
    return means[..., :1], means[..., 1:]


def combine(common: np.ndarray, specific: np.ndarray, c: Constants) -> np.ndarray:
    """The weighted geometric mean of (common + 1) and (specific + 1), minus 1, rounded."""
    return round2(np.power(common + 1, c.common_weight) * np.power(specific + 1, c.specific_weight) - 1)


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
    return np.where(c.requirement >= 0, levels[:, c.requirement_column], 3)


def _no_conflict(requirement: np.ndarray, c: Constants) -> tuple[np.ndarray, np.ndarray]:
    """(n, crimes) each: the presupposed indicator is rated below its minimum; it is, or it is unknown."""
    below = requirement < c.min_level
    unknown = requirement == UNKNOWN
    return below & ~unknown, below | unknown


def crime_ranges(
    factors_low: np.ndarray, factors_high: np.ndarray, requirement: np.ndarray, c: Constants
) -> tuple[np.ndarray, np.ndarray]:
    """(n, crimes) ends of each crime's range, from its factors' ranges and the level of the indicator it
    presupposes."""
    low, high = combine(*sides(np.array([factors_low, factors_high]), None, c), c)
    no_conflict, maybe_no_conflict = _no_conflict(requirement, c)
    return np.where(maybe_no_conflict, np.minimum(low, c.cap), low), np.where(
        no_conflict, np.minimum(high, c.cap), high
    )


def score_crimes(factors: FactorFigures, levels: np.ndarray, c: Constants, params: ScoringParameters) -> CrimeFigures:
    common, specific = sides(factors.score, factors.assessed, c)
    requirement = requirement_levels(levels, c)
    low, high = crime_ranges(factors.low, factors.high, requirement, c)
    capped = _no_conflict(requirement, c)[0]
    specific_assessed = (factors.assessed.astype(np.int64) @ c.specific_members) > 0
    # with no armed conflict, war crimes cannot be committed: its specific factors (conflict-related conduct) count
    # as absent where nothing of them is assessed, and the risk is capped
    point = combine(common, np.where(specific_assessed, specific, np.where(capped, 0.0, np.nan)), c)
    point = np.where(capped, np.minimum(point, c.cap), point)
    # the mean, a float sum row by row in one fixed order (a C-ordered copy), so it does not depend on how many
    # rows there are
    common_evidence = np.ascontiguousarray(factors.evidence[:, c.common]).sum(axis=1, keepdims=True) / len(c.common)
    determined = (
        (common_evidence >= params.evidence_gates.min_common_evidence)
        & ~np.isnan(common)
        & (specific_assessed | capped)
    )
    return CrimeFigures(
        score=np.where(determined, point, np.nan),
        low=low,
        high=high,
        determined=determined,
        capped=capped,
        common=common.repeat(len(CRIMES), axis=1),
        specific=specific,
        specific_assessed=specific_assessed,
        common_evidence=common_evidence.repeat(len(CRIMES), axis=1),
        reliability=round2((hundredths(factors.reliability) @ c.members) / c.member_hundredths),
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
        low=crimes.low.max(axis=1),
        high=crimes.high.max(axis=1),
        determined=determined,
        reliability=round2(hundredths(factors.reliability).sum(axis=1) / (factors.reliability.shape[1] * 100.0)),
        assessed=assessed,
        coverage=round2(assessed / framework.official_indicator_count),
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
