"""Which response tools fit a risk profile, ranked, each with the reasons in words.

Pure and deterministic: profile + assessment + catalogue in, recommendations out. A tool is on
the list when it fits one of the crisis stages the situation's status puts it in, or when one of
its threshold conditions (risk factor, crime risk or indicator at least ...) holds. Both only grow
as the risk rises, so raising the risk never removes a tool. The ranking weights are data in the
catalogue (`ranking`).
"""

from __future__ import annotations

from pydantic import Field

from r2p_risk.assessment import LEVEL_LABELS, Assessment
from r2p_risk.models import StrictModel
from r2p_risk.parameters import RISK_LEVELS
from r2p_risk.profile import RiskProfile
from r2p_risk.tools import (
    POLICY_SPACES,
    Catalogue,
    Citation,
    CrimeRiskAtLeast,
    IndicatorAtLeast,
    RiskFactorAtLeast,
    StageIs,
    StatusIs,
    Tool,
)

CRIME_TITLES = {"genocide": "genocide", "crimes_against_humanity": "crimes against humanity", "war_crimes": "war crimes"}
LEVEL_TITLES = {"very_low": "very low", "low": "low", "medium": "medium", "high": "high", "very_high": "very high"}
STATUS_TITLES = {"monitoring": "monitoring", "insufficient_evidence": "not enough assessed", "serious_concern": "serious concern",
                 "imminent_risk": "imminent risk", "current_crisis": "current crisis"}


class Recommendation(StrictModel):
    rank: int
    tool_id: str
    name: str
    venue: str
    policy_space: str
    relevance: float = Field(description="the ranking score: stage fit + matched conditions + elevated risk factors")
    stage_fit: str = Field(description="current, earlier or none")
    reasons: list[str]
    citations: list[Citation]


def situation_stages(profile: RiskProfile, catalogue: Catalogue) -> list[str]:
    """The stages the status puts the situation in; the last one is the current stage.

    Atrocities recorded as ended, with none ongoing, make accountability and recovery the current stage.
    """
    stages = list(getattr(catalogue.status_stages, profile.status.label))
    ended = any(f.state == "ended" for f in profile.findings) and not any(f.state == "ongoing" for f in profile.findings)
    if ended and profile.status.label != "current_crisis":
        stages = [s for s in stages if s != "accountability_recovery"] + ["accountability_recovery"]
    return stages


def _factor_phrase(profile: RiskProfile, number: int) -> str:
    factor = profile.factor(number)
    return f"{factor.title[0].lower() + factor.title[1:]} (risk factor {number}) at {factor.score:.1f} of 10"


def condition_reasons(condition, profile: RiskProfile, assessment: Assessment, stages: list[str], catalogue: Catalogue) -> list[str]:
    """The reasons a condition holds, in words; an empty list when it does not hold."""
    if isinstance(condition, StatusIs):
        label = profile.status.label
        return [f"status: {STATUS_TITLES[label]}"] if label in condition.statuses else []
    if isinstance(condition, StageIs):
        return [f"stage: {catalogue.stage_label(s).lower()}" for s in condition.stages if s == stages[-1]]
    if isinstance(condition, RiskFactorAtLeast):
        return [
            _factor_phrase(profile, n)
            for n in condition.risk_factors
            if str(n) in profile.risk_factors and (profile.factor(n).score or 0) >= condition.score and profile.factor(n).score is not None
        ]
    if isinstance(condition, CrimeRiskAtLeast):
        threshold = RISK_LEVELS.index(condition.level)
        reasons = []
        for crime in condition.crimes:
            result = profile.crimes.get(crime)
            if result and result.level and RISK_LEVELS.index(result.level) >= threshold:
                reasons.append(f"{CRIME_TITLES[crime]} risk {LEVEL_TITLES[result.level]} ({result.score:.1f} of 10)")
        return reasons
    if isinstance(condition, IndicatorAtLeast):
        reasons = []
        for indicator in condition.indicators:
            rating = assessment.rating_for(indicator)
            if rating and rating.level is not None and rating.level >= condition.level:
                reasons.append(f"indicator {indicator} rated {rating.level} ({LEVEL_LABELS[rating.level]})")
        return reasons
    raise TypeError(f"unknown condition {condition!r}")


def _is_threshold(condition) -> bool:
    """Conditions that only become true as the risk rises may put a tool on the list by themselves."""
    return isinstance(condition, (RiskFactorAtLeast, CrimeRiskAtLeast, IndicatorAtLeast))


def evaluate_tool(tool: Tool, profile: RiskProfile, assessment: Assessment, catalogue: Catalogue) -> Recommendation | None:
    """The tool as a recommendation for this profile, or None when it does not fit."""
    weights = catalogue.ranking
    stages = situation_stages(profile, catalogue)
    reasons: list[str] = []
    relevance = 0.0
    if stages[-1] in tool.stages:
        stage_fit = "current"
        relevance += weights.primary_stage
        reasons.append(f"fits the current stage: {catalogue.stage_label(stages[-1]).lower()}")
    elif set(stages) & set(tool.stages):
        stage_fit = "earlier"
        relevance += weights.other_stage
        earlier = [catalogue.stage_label(s).lower() for s in stages if s in tool.stages]
        reasons.append(f"fits an earlier stage: {', '.join(earlier)}")
    else:
        stage_fit = "none"
    listed_by_condition = False
    for condition in tool.when:
        matched = condition_reasons(condition, profile, assessment, stages, catalogue)
        if matched:
            relevance += weights.condition
            reasons.extend(matched)
            listed_by_condition = listed_by_condition or _is_threshold(condition)
    if stage_fit == "none" and not listed_by_condition:
        return None
    elevated = [
        n for n in catalogue.risk_factors_answered(tool)
        if str(n) in profile.risk_factors and profile.factor(n).score is not None and profile.factor(n).score >= weights.elevated_from
    ]
    if elevated:
        relevance += min(weights.max_risk_factor_bonus, weights.elevated_risk_factor * len(elevated))
        reasons.append("addresses elevated risk factors " + ", ".join(f"{n} ({profile.factor(n).score:.1f})" for n in elevated))
    return Recommendation(
        rank=0, tool_id=tool.id, name=tool.name, venue=tool.venue, policy_space=tool.policy_space,
        relevance=round(relevance, 2), stage_fit=stage_fit, reasons=reasons, citations=tool.citations,
    )


def recommend_tools(profile: RiskProfile, assessment: Assessment, catalogue: Catalogue) -> list[Recommendation]:
    """Every fitting tool, most relevant first (ties by id), ranked 1..n."""
    found = [r for tool in catalogue.tools if (r := evaluate_tool(tool, profile, assessment, catalogue))]
    found.sort(key=lambda r: (-r.relevance, r.tool_id))
    return [r.model_copy(update={"rank": i}) for i, r in enumerate(found, start=1)]


def by_policy_space(recommendations: list[Recommendation], limit: int | None = None) -> dict[str, list[Recommendation]]:
    """Recommendations grouped in the order New York, Geneva, capital, regional, accountability."""
    grouped = {space: [r for r in recommendations if r.policy_space == space] for space in POLICY_SPACES}
    return {space: items[:limit] if limit else items for space, items in grouped.items() if items}


def briefing_selection(recommendations: list[Recommendation], selected: list[str], catalogue: Catalogue) -> list[Recommendation]:
    """The analyst's selected tools when there are any, else the top tools of each policy space."""
    if selected:
        chosen = set(selected)
        return [r for r in recommendations if r.tool_id in chosen]
    top = by_policy_space(recommendations, catalogue.ranking.top_per_policy_space)
    return [r for items in top.values() for r in items]
