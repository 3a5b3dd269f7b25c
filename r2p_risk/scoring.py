"""The scoring model: a pure function from an assessment to a `RiskProfile`, with reasons.

Every number comes from frameworks/scoring-model.yaml; frameworks/README.md works an example.
Figures are rounded to two decimals at each step, so an analyst can redo the sums by hand.
"""

from __future__ import annotations

from r2p_risk.assessment import LEVEL_LABELS, Assessment, IndicatorRating, RiskFactorRating
from r2p_risk.framework import CRIMES, Framework, RiskFactor
from r2p_risk.parameters import ScoringParameters
from r2p_risk.profile import (
    CrimeResult,
    Driver,
    ModelVersions,
    OverallResult,
    Reason,
    RiskFactorResult,
    RiskProfile,
)
from r2p_risk.status import decide_status
from r2p_risk.sums import add_up

CRIME_NAMES = {"genocide": "genocide", "crimes_against_humanity": "crimes against humanity", "war_crimes": "war crimes"}


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def _weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    total = add_up(weight for _, weight in pairs)
    if not pairs or total == 0:
        return None
    return add_up(value * weight for value, weight in pairs) / total


def _aggregate_indicators(points: list[tuple[float, float]], params: ScoringParameters) -> tuple[float | None, str]:
    """Points and weights of the rated indicators -> (score, how it was reached)."""
    mean = _weighted_mean(points)
    if mean is None:
        return None, ""
    peak = max(value for value, _ in points)
    method = params.aggregation.method
    if method == "mean":
        return _round(mean), f"mean of rated indicators {mean:.2f}"
    if method == "max":
        return _round(peak), f"highest rated indicator {peak:.2f}"
    share = params.aggregation.peak_weight
    score = _round((1 - share) * mean + share * peak)
    return score, f"{1 - share:.2f} x mean {mean:.2f} + {share:.2f} x highest {peak:.2f} = {score:.2f}"


def _confidence_weight(rating: IndicatorRating | RiskFactorRating, params: ScoringParameters) -> float:
    return getattr(params.confidence_weights, rating.confidence or "unstated")


def score_risk_factor(
    factor: RiskFactor,
    ratings: dict[str, IndicatorRating],
    whole: RiskFactorRating | None,
    params: ScoringParameters,
) -> RiskFactorResult:
    """Score one risk factor from its rated indicators and its optional whole-factor rating."""
    rated = [ratings[i.id] for i in factor.indicators if i.id in ratings and ratings[i.id].level is not None]
    listed = len(factor.indicators)
    whole_level = whole.level if whole is not None else None
    reasons: list[Reason] = []
    n = factor.number
    if listed:
        reasons.append(Reason(text=f"{len(rated)} of {listed} listed indicators assessed", risk_factor=n))
    if not factor.indicators_complete:
        reasons.append(Reason(text="The indicator list here is incomplete (the official Framework lists more); a whole-factor rating fills the gap", risk_factor=n))
    points = [(params.level_points[r.level], params.indicator_weights.get(r.indicator, 1.0)) for r in rated]
    indicator_score, how = _aggregate_indicators(points, params)
    if how:
        reasons.append(Reason(text=f"Indicators: {how}", risk_factor=n))
    for rating in sorted(rated, key=lambda r: (-r.level, r.indicator)):
        if rating.level >= 2:
            reasons.append(Reason(text=f"Indicator {rating.indicator} {LEVEL_LABELS[rating.level]} (level {rating.level}, {params.level_points[rating.level]:.1f} points)", risk_factor=n, indicator=rating.indicator))
    if whole_level is None:
        score = indicator_score
    else:
        whole_points = params.level_points[whole_level]
        if indicator_score is None:
            score = _round(whole_points)
            reasons.append(Reason(text=f"Rated as a whole: {LEVEL_LABELS[whole_level]} (level {whole_level}, {whole_points:.1f} points)", risk_factor=n))
        else:
            w = params.whole_factor_rating.weight
            score = _round((1 - w) * indicator_score + w * whole_points)
            reasons.append(Reason(text=f"Rated as a whole at level {whole_level}: {1 - w:.2f} x indicators {indicator_score:.2f} + {w:.2f} x whole-factor {whole_points:.2f} = {score:.2f}", risk_factor=n))
    if score is None:
        reasons.append(Reason(text="Nothing assessed: no score (unknown is not counted as absent)", risk_factor=n))
    coverage = len(rated) / listed if listed else float(whole_level is not None)
    credit = params.whole_factor_rating.evidence_credit if whole_level is not None else 0.0
    evidence = min(1.0, (len(rated) / listed if listed else 0.0) + credit)
    confidences = [_confidence_weight(r, params) for r in rated] + ([_confidence_weight(whole, params)] if whole_level is not None else [])
    confidence = add_up(confidences) / len(confidences) if confidences else 0.0
    reliability = _round(10 * evidence * confidence)
    if confidences:
        reasons.append(Reason(text=f"Reliability {reliability:.1f} = 10 x evidence {evidence:.2f} x mean confidence {confidence:.2f}", risk_factor=n))
    return RiskFactorResult(
        number=n, title=factor.title, group=factor.group, score=score, level=params.risk_level(score),
        coverage=_round(coverage), reliability=reliability, assessed_indicators=len(rated),
        listed_indicators=listed, indicators_complete=factor.indicators_complete,
        whole_factor_level=whole_level, reasons=reasons,
    )


def _mean_of_factors(numbers: list[int], factors: dict[str, RiskFactorResult], params: ScoringParameters) -> tuple[float | None, int]:
    pairs = [(factors[str(n)].score, params.risk_factor_weights.get(n, 1.0)) for n in numbers if factors[str(n)].score is not None]
    mean = _weighted_mean(pairs)
    return (None if mean is None else _round(mean)), len(pairs)


def score_crime(crime: str, framework: Framework, factors: dict[str, RiskFactorResult], ratings: dict[str, IndicatorRating], params: ScoringParameters) -> CrimeResult:
    """Combine the common risk factors with the crime's specific ones."""
    model = params.crimes[crime]
    common = framework.factors_in_group("common")
    specific = model.specific_risk_factors
    common_mean, common_n = _mean_of_factors(common, factors, params)
    specific_mean, specific_n = _mean_of_factors(specific, factors, params)
    listing = ", ".join(str(n) for n in specific)
    reasons = [
        Reason(text=f"Common risk factors: mean {common_mean:.2f} over {common_n} assessed" if common_mean is not None else "Common risk factors: none assessed"),
        Reason(text=f"Specific risk factors {listing}: mean {specific_mean:.2f} over {specific_n} assessed" if specific_mean is not None else f"Specific risk factors {listing}: none assessed"),
    ]
    if common_mean is not None and specific_mean is not None:
        w = model.specific_weight
        score = _round((1 - w) * common_mean + w * specific_mean)
        reasons.append(Reason(text=f"{1 - w:.2f} x common {common_mean:.2f} + {w:.2f} x specific {specific_mean:.2f} = {score:.2f}"))
    else:
        score = common_mean if specific_mean is None else specific_mean
    if model.requires is not None and score is not None:
        requirement = model.requires
        rating = ratings.get(requirement.indicator)
        level = rating.level if rating is not None else None
        if level is None:
            reasons.append(Reason(text=f"Armed conflict not assessed (indicator {requirement.indicator} unknown): no cap applied", indicator=requirement.indicator))
        elif level < requirement.min_level and score > requirement.cap_otherwise:
            score = requirement.cap_otherwise
            reasons.append(Reason(text=f"No armed conflict (indicator {requirement.indicator} at level {level}): war crimes presuppose one, so the score is capped at {requirement.cap_otherwise:.1f}", indicator=requirement.indicator))
    members = [*common, *specific]
    reliability = _round(add_up(factors[str(n)].reliability for n in members) / len(members))
    return CrimeResult(crime=crime, score=score, level=params.risk_level(score), reliability=reliability, reasons=reasons)


def score_overall(crimes: dict[str, CrimeResult], factors: dict[str, RiskFactorResult], params: ScoringParameters) -> OverallResult:
    scored = [(c.score, name) for name, c in crimes.items() if c.score is not None]
    reliability = _round(add_up(f.reliability for f in factors.values()) / len(factors))
    if not scored:
        return OverallResult(score=None, level=None, reliability=reliability, reasons=[Reason(text="Nothing assessed: no overall score")])
    if params.overall.method == "max":
        score = max(s for s, _ in scored)
        names = " and ".join(CRIME_NAMES[name] for s, name in scored if s == score)
        text = f"Highest crime risk: {names} at {score:.2f}"
    else:
        score = _round(add_up(s for s, _ in scored) / len(scored))
        text = f"Mean of {len(scored)} crime risks: {score:.2f}"
    return OverallResult(score=score, level=params.risk_level(score), reliability=reliability, reasons=[Reason(text=text)])


def find_drivers(assessment: Assessment, framework: Framework, params: ScoringParameters) -> list[Driver]:
    """Indicators rated clearly or strongly present, strongest first, in framework order."""
    # indicator id -> (framework order, risk factor, text) in one pass; Framework.indicator() reads a
    # pydantic private attribute, which is slow enough to be a third of the scoring time in this loop
    indicators = [(rf.number, i) for rf in framework.risk_factors for i in rf.indicators]
    listed = {i.id: (order, number, i.text) for order, (number, i) in enumerate(indicators)}
    rated = [r for r in assessment.ratings if r.level is not None and r.level >= 2 and r.indicator in listed]
    rated.sort(key=lambda r: (-r.level, listed[r.indicator][0]))
    return [
        Driver(indicator=r.indicator, risk_factor=listed[r.indicator][1], level=r.level,
               points=params.level_points[r.level], text=listed[r.indicator][2])
        for r in rated
    ]


def score_assessment(assessment: Assessment, framework: Framework, params: ScoringParameters) -> RiskProfile:
    """Assessment + framework + parameters -> RiskProfile. Pure: same input, same output."""
    ratings = {r.indicator: r for r in assessment.ratings}
    wholes = {r.risk_factor: r for r in assessment.risk_factor_ratings}
    factors = {str(rf.number): score_risk_factor(rf, ratings, wholes.get(rf.number), params) for rf in framework.risk_factors}
    crimes = {crime: score_crime(crime, framework, factors, ratings, params) for crime in CRIMES}
    overall = score_overall(crimes, factors, params)
    listed = sum(f.listed_indicators for f in factors.values())
    assessed = sum(f.assessed_indicators for f in factors.values())
    return RiskProfile(
        method=params.method.strip(),
        versions=ModelVersions(
            framework_id=framework.id, framework_edition=framework.edition, framework_data_version=framework.data_version,
            scoring_id=params.id, scoring_version=params.version,
        ),
        risk_factors=factors,
        crimes=crimes,
        overall=overall,
        status=decide_status(factors, overall, params),
        reliability=overall.reliability,
        coverage=_round(assessed / listed) if listed else 0.0,
        drivers=find_drivers(assessment, framework, params),
    )
