"""The reasons behind the figures of one assessment, in words, from what risk_model.py computed.

Nothing is computed again here: every number in a reason is a figure of the model (row 0 of the
arrays), so a reason can never disagree with the figure it explains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import itemgetter

from r2p_risk.assessment import LEVEL_LABELS
from r2p_risk.framework import CRIMES, Framework, RiskFactor
from r2p_risk.parameters import (
    ConductPresent,
    CrimeAtLeast,
    FindingIs,
    RiskFactorAtLeast,
    RiskFactorsMeanAtLeast,
    ScoringParameters,
    SpecificRiskFactorAtLeast,
)
from r2p_risk.rating_arrays import CONFIDENCE_CODES, UNKNOWN, RatingArrays
from r2p_risk.reasons import listing, reason_data
from r2p_risk.risk_model import Constants, Figures
from r2p_risk.status import plain_mean

PRESENT_NAMED = (
    3  # indicators named per risk factor among those clearly present or stronger; the drivers list has them all
)
CONFIDENCE_NAMES = {code: name for name, code in CONFIDENCE_CODES.items() if name}


def _f(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class FirstRow:
    """Row 0 of the model's figures and of the rating arrays, as Python lists (cheaper to read one value at a time
    than numpy scalars): for each field of FactorFigures and CrimeFigures a list by risk factor, resp. by crime."""

    factors: dict[str, list]
    crimes: dict[str, list]
    levels: list[int]
    confidences: list[int]
    whole_levels: list[int]
    ongoing: list[bool]


def _lists(figures) -> dict[str, list]:
    return {name: getattr(figures, name)[0].tolist() for name in figures.__dataclass_fields__}


def first_row(figures: Figures, ratings: RatingArrays) -> FirstRow:
    return FirstRow(
        factors=_lists(figures.factors),
        crimes=_lists(figures.crimes),
        levels=ratings.levels[0].tolist(),
        confidences=ratings.confidences[0].tolist(),
        whole_levels=ratings.whole_levels[0].tolist(),
        ongoing=ratings.ongoing[0].tolist(),
    )


def factor_reasons(k: int, rf: RiskFactor, row: FirstRow, c: Constants, params: ScoringParameters) -> list[dict]:
    """Why risk factor `rf` (column k) scores what it does."""
    f, levels = row.factors, row.levels
    n, count, listed = rf.number, f["count"][k], len(rf.indicators)
    counted = c.counted_list[k]
    reasons = []
    if rf.indicators_complete:
        reasons.append(reason_data("factor_assessed", risk_factor=n, assessed=count, counted=counted))
    else:
        reasons.append(
            reason_data("factor_assessed_incomplete", risk_factor=n, assessed=count, listed=listed, counted=counted)
        )
    indicator = _f(f["indicator_score"][k])
    if indicator is not None:
        mean, peak, method = f["mean"][k], f["peak"][k], params.aggregation.method
        if method == "blend":
            share = params.aggregation.peak_weight
            reasons.append(
                reason_data(
                    "factor_blend", risk_factor=n, rest=1 - share, mean=mean, share=share, peak=peak, score=indicator
                )
            )
        else:
            reasons.append(reason_data(f"factor_{method}", risk_factor=n, mean=mean, peak=peak))
        present = [(levels[i], i) for i in range(c.starts_list[k], c.ends_list[k]) if 2 <= levels[i] < UNKNOWN]
        present.sort(key=itemgetter(0), reverse=True)  # stable: in framework order within a level
        reasons += [
            reason_data(
                "indicator_present",
                risk_factor=n,
                indicator=c.indicators[i].id,
                level=level,
                level_label=LEVEL_LABELS[level],
                points=params.level_points[level],
            )
            for level, i in present[:PRESENT_NAMED]
        ]
        if len(present) > PRESENT_NAMED:
            reasons.append(reason_data("indicators_present_more", risk_factor=n, count=len(present) - PRESENT_NAMED))
    if f["whole"][k]:
        level, points = row.whole_levels[k], f["whole_points"][k]
        if indicator is None:
            reasons.append(
                reason_data(
                    "factor_whole_only", risk_factor=n, level=level, level_label=LEVEL_LABELS[level], points=points
                )
            )
        else:
            w = params.whole_factor_rating.weight
            reasons.append(
                reason_data(
                    "factor_whole_blend",
                    risk_factor=n,
                    level=level,
                    rest=1 - w,
                    indicators=indicator,
                    weight=w,
                    points=points,
                    score=f["score"][k],
                )
            )
    low, high = f["low"][k], f["high"][k]
    if not f["assessed"][k]:
        reasons.append(reason_data("factor_not_assessed", risk_factor=n, low=low, high=high))
    elif low == high:
        reasons.append(reason_data("factor_settled", risk_factor=n))
    else:
        reasons.append(reason_data("factor_range", risk_factor=n, low=low, high=high))
    if f["assessed"][k]:
        reasons.append(
            reason_data(
                "factor_reliability",
                risk_factor=n,
                reliability=f["reliability"][k],
                evidence=f["evidence"][k],
                confidence=f["confidence"][k],
            )
        )
    return reasons


def crime_reasons(k: int, row: FirstRow, params: ScoringParameters, c: Constants) -> list[dict]:
    """Why crime CRIMES[k] scores what it does."""
    crime, cf, assessed = CRIMES[k], row.crimes, row.factors["assessed"]
    title = params.crime_label(crime).lower()
    numbers = params.crimes[crime].specific_risk_factors
    factors = ", ".join(str(n) for n in numbers)
    common_count = sum(assessed[j] for j in c.common_list)
    specific_count = sum(assessed[j] for j in c.specific_lists[k])
    common, specific = _f(cf["common"][k]), _f(cf["specific"][k])
    determined, capped, specific_assessed = cf["determined"][k], cf["capped"][k], cf["specific_assessed"][k]
    reasons = [
        reason_data("crime_common", crime=title, mean=common, count=common_count)
        if common is not None
        else reason_data("crime_common_none", crime=title),
        reason_data("crime_specific", crime=title, factors=factors, mean=specific, count=specific_count)
        if specific is not None
        else reason_data("crime_specific_none", crime=title, factors=factors),
    ]
    score = _f(cf["score"][k])
    if determined and common is not None and specific is not None:
        combined = score if not capped else None
        if combined is not None:
            weight = float(c.specific_weight[k])
            reasons.append(
                reason_data(
                    "crime_combined",
                    crime=title,
                    common=common,
                    specific=specific,
                    rest=round(1 - weight, 2),
                    weight=weight,
                    score=combined,
                )
            )
    if c.requirement[k] >= 0:
        indicator = c.indicators[c.requirement[k]].id
        level = row.levels[c.requirement[k]]
        if capped:
            reasons.append(
                reason_data("crime_capped", crime=title, indicator=indicator, level=level, cap=float(c.cap[k]))
            )
            if not specific_assessed and score is not None:
                weight = float(c.specific_weight[k])
                reasons.append(
                    reason_data(
                        "crime_capped_without_specific",
                        crime=title,
                        factors=factors,
                        common=common,
                        rest=round(1 - weight, 2),
                        weight=weight,
                        score=score,
                    )
                )
        elif level == UNKNOWN:
            reasons.append(reason_data("crime_cap_unknown", crime=title, indicator=indicator))
    if not determined:
        if not specific_assessed and not capped:
            reasons.append(reason_data("crime_undetermined_specific", crime=title, factors=factors))
        gate = params.evidence_gates.min_common_evidence
        if cf["common_evidence"][k] < gate or common is None:
            reasons.append(
                reason_data("crime_undetermined_common", crime=title, evidence=cf["common_evidence"][k], gate=gate)
            )
    low, high = cf["low"][k], cf["high"][k]
    reasons.append(
        reason_data("crime_settled", crime=title)
        if low == high
        else reason_data("crime_range", crime=title, low=low, high=high)
    )
    return reasons


def undetermined_crimes(row: FirstRow, params: ScoringParameters) -> list[str]:
    return [params.crime_label(crime).lower() for k, crime in enumerate(CRIMES) if not row.crimes["determined"][k]]


def overall_reasons(figures: Figures, row: FirstRow, params: ScoringParameters) -> list[dict]:
    o = figures.overall
    reasons = []
    if o.determined[0]:
        score = float(o.score[0])
        highest = [
            params.crime_label(crime).lower() for k, crime in enumerate(CRIMES) if row.crimes["score"][k] == score
        ]
        reasons.append(reason_data("overall_highest", crimes=listing(highest), score=score))
    else:
        reasons.append(reason_data("overall_undetermined", crimes=listing(undetermined_crimes(row, params))))
    low, high = float(o.low[0]), float(o.high[0])
    reasons.append(reason_data("overall_settled") if low == high else reason_data("overall_range", low=low, high=high))
    return reasons


def condition_reasons(
    condition, figures: Figures, row: FirstRow, framework: Framework, params: ScoringParameters, c: Constants
) -> list[dict]:
    """Why a condition that holds, holds: one reason per finding, indicator, risk factor or crime that meets it."""
    scores = row.factors["score"]
    if isinstance(condition, FindingIs):
        return [
            reason_data("finding_ongoing", crime=params.crime_label(crime).lower())
            for k, crime in enumerate(CRIMES)
            if row.ongoing[k]
        ]
    if isinstance(condition, ConductPresent):
        found = []
        for i in c.conduct_list:
            level, confidence = row.levels[i], row.confidences[i]
            if condition.min_level <= level < UNKNOWN and confidence in CONFIDENCE_NAMES:
                found.append((level, confidence, c.indicators[i]))
        minimum = CONFIDENCE_CODES[condition.min_confidence]
        return [
            reason_data(
                "conduct_present",
                indicator=ind.id,
                risk_factor=ind.risk_factor,
                level=level,
                level_label=LEVEL_LABELS[level],
                confidence=CONFIDENCE_NAMES[confidence],
                text=ind.text,
            )
            for level, confidence, ind in found
            if confidence >= minimum
        ]
    if isinstance(condition, RiskFactorAtLeast):
        return [
            reason_data(
                "factor_at_least",
                risk_factor=n,
                title=framework.risk_factor(n).title,
                score=scores[c.factor_columns[n]],
                threshold=condition.score,
            )
            for n in condition.risk_factors
            if scores[c.factor_columns[n]] >= condition.score
        ]
    if isinstance(condition, RiskFactorsMeanAtLeast):
        mean = float(plain_mean(figures.factors.score[:1], [c.factor_columns[n] for n in condition.risk_factors])[0])
        return [
            reason_data(
                "factors_mean_at_least",
                factors=", ".join(str(n) for n in condition.risk_factors),
                mean=mean,
                threshold=condition.score,
            )
        ]
    cf = row.crimes
    if isinstance(condition, CrimeAtLeast):
        return [
            reason_data(
                "crime_at_least",
                crime=params.crime_label(crime).lower(),
                score=cf["score"][k],
                level_label=params.risk_level_label(params.risk_level(cf["score"][k])),
                threshold=condition.score,
            )
            for k, crime in enumerate(CRIMES)
            if cf["determined"][k] and not cf["capped"][k] and cf["score"][k] >= condition.score
        ]
    assert isinstance(condition, SpecificRiskFactorAtLeast)  # noqa: S101 - narrows the closed union for the type checker
    return [
        reason_data(
            "specific_factor_at_least",
            risk_factor=framework.risk_factors[j].number,
            title=framework.risk_factors[j].title,
            crime=params.crime_label(crime).lower(),
            score=scores[j],
            threshold=condition.score,
        )
        for k, crime in enumerate(CRIMES)
        if not cf["capped"][k]
        for j in c.specific_lists[k]
        if scores[j] >= condition.score
    ]
