"""What changed between two assessments of the same situation."""

from __future__ import annotations

from r2p_risk.assessment import Assessment
from r2p_risk.framework import Framework
from r2p_risk.models import StrictModel
from r2p_risk.profile import RiskProfile

TRIGGERING_FACTOR = 8


class FactorChange(StrictModel):
    number: int
    title: str
    before: float | None
    after: float | None
    delta: float | None


class IndicatorChange(StrictModel):
    indicator: str
    risk_factor: int
    text: str
    before: int | None
    after: int | None


class ProfileChange(StrictModel):
    earlier_assessed_on: str
    later_assessed_on: str
    status_before: str
    status_after: str
    overall_before: float | None
    overall_after: float | None
    overall_delta: float | None
    risk_factors: list[FactorChange]
    worsened_indicators: list[IndicatorChange]
    improved_indicators: list[IndicatorChange]
    new_triggering_factors: list[IndicatorChange]
    newly_rated_indicators: list[IndicatorChange] = []  # not rated before, rated now: new information, not a change


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 2)


def compare_assessments(
    earlier: Assessment,
    earlier_profile: RiskProfile,
    later: Assessment,
    later_profile: RiskProfile,
    framework: Framework,
) -> ProfileChange:
    """Per-factor change, indicators that worsened or improved, and newly present triggering factors.

    An indicator worsened when its level rose, improved when it fell; one unknown before and rated
    now is newly rated (new information, neither worse nor better). A triggering factor is new when
    an indicator of risk factor 8 is present now and was absent or unknown before.
    """
    before = {r.indicator: r.level for r in earlier.ratings}
    after = {r.indicator: r.level for r in later.ratings}
    worsened, improved, triggers, newly_rated = [], [], [], []
    for indicator_id in framework.indicator_ids:
        old, new = before.get(indicator_id), after.get(indicator_id)
        indicator = framework.indicator(indicator_id)
        change = IndicatorChange(
            indicator=indicator_id, risk_factor=indicator.risk_factor, text=indicator.text, before=old, after=new
        )
        if old is None and new is not None:
            newly_rated.append(change)
        elif new is not None and old is not None and new > old:
            worsened.append(change)
        elif new is not None and old is not None and new < old:
            improved.append(change)
        if indicator.risk_factor == TRIGGERING_FACTOR and new is not None and new >= 1 and not old:
            triggers.append(change)
    factors = [
        FactorChange(
            number=rf.number,
            title=rf.title,
            before=earlier_profile.factor(rf.number).score,
            after=later_profile.factor(rf.number).score,
            delta=_delta(earlier_profile.factor(rf.number).score, later_profile.factor(rf.number).score),
        )
        for rf in framework.risk_factors
    ]
    return ProfileChange(
        earlier_assessed_on=earlier.assessed_on.isoformat(),
        later_assessed_on=later.assessed_on.isoformat(),
        status_before=earlier_profile.status.label,
        status_after=later_profile.status.label,
        overall_before=earlier_profile.overall.score,
        overall_after=later_profile.overall.score,
        overall_delta=_delta(earlier_profile.overall.score, later_profile.overall.score),
        risk_factors=factors,
        worsened_indicators=worsened,
        improved_indicators=improved,
        new_triggering_factors=triggers,
        newly_rated_indicators=newly_rated,
    )
