"""Which response tools fit a risk profile, ranked by fit, each with its reasons in words.

Pure and deterministic: profile + assessment + catalogue in, `Recommendations` out. A tool is
recommended when the situation warrants its intrusiveness (`judgement.py`) and it fits one of the
situation's stages or its own warning sign holds (a threshold condition of its `when`); a tool whose
own sign holds is warranted up to `restraint.own_sign_warrants` whatever the stage. Every other
tool is listed under "if the situation escalates" with the condition under which it would fit.
Relevance comes from what drives this assessment: the stage, the strength of the signs the tool
answers (`signs.py`), its own conditions; ties go to the better fit, then to the less intrusive
tool. The weights are data (`ranking` in the catalogue). Both the stages and the warranted
levels only grow as the risk rises, and so do the signs and conditions: raising a rating never
removes a recommended tool, though it may reorder them.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from r2p_risk.assessment import LEVEL_LABELS, Assessment
from r2p_risk.framework import Framework
from r2p_risk.judgement import SituationJudgement, escalation_status, judge_situation
from r2p_risk.models import StrictModel
from r2p_risk.parameters import RISK_LEVELS, STATUSES, ScoringParameters
from r2p_risk.profile import Reason, RiskProfile
from r2p_risk.reasons import listing, reason
from r2p_risk.signs import Sign, sentence_part, topic_signs
from r2p_risk.tool_vocabulary import Stage
from r2p_risk.tools import (
    POLICY_SPACES,
    Catalogue,
    Citation,
    CrimeRiskAtLeast,
    IndicatorAtLeast,
    RiskFactorAtLeast,
    ThinEvidence,
    Tool,
)

STAGE_ORDER = get_args(Stage)


class Recommendation(StrictModel):
    rank: int
    tool_id: str
    name: str
    venue: str
    policy_space: str
    intrusiveness: str
    relevance: float = Field(description="the ranking score: stage fit + the signs it answers + its own conditions")
    stage_fit: Literal["current", "early", "earlier"] = Field(
        description=(
            "fits the current stage; fits a later one but its own warning sign holds; or fits an earlier one only"
        )
    )
    reasons: list[Reason]
    citations: list[Citation]


class Escalation(StrictModel):
    """A tool not recommended now, and when it would be."""

    tool_id: str
    name: str
    policy_space: str
    intrusiveness: str
    status: str | None = Field(description="the least severe status at which it would fit on firm evidence")
    condition: Reason


class Recommendations(StrictModel):
    judgement: SituationJudgement
    tools: list[Recommendation] = Field(description="recommended now, best fit first, ranked 1..n")
    if_escalates: list[Escalation]
    catalogue_version: str

    def tool(self, tool_id: str) -> Recommendation | None:
        return next((r for r in self.tools if r.tool_id == tool_id), None)


def _own_sign(
    condition, profile: RiskProfile, ratings: dict, framework: Framework, params: ScoringParameters
) -> list[Reason]:
    """Why one of the tool's threshold conditions holds, in words; empty when it does not hold."""
    if isinstance(condition, RiskFactorAtLeast):
        return [
            reason(
                "tool_own_factor",
                title=sentence_part(f.title),
                risk_factor=n,
                level_label=params.risk_level_label(f.level).lower(),
            )
            for n in condition.risk_factors
            if (f := profile.factor(n)).score is not None and f.score >= condition.score
        ]
    if isinstance(condition, CrimeRiskAtLeast):
        wanted = RISK_LEVELS.index(condition.level)
        return [
            reason(
                "tool_own_crime",
                crime=params.crime_label(c).lower(),
                threshold=params.risk_level_label(condition.level).lower(),
                level_label=params.risk_level_label(r.level).lower(),
            )
            for c in condition.crimes
            if (r := profile.crimes[c]).level is not None and RISK_LEVELS.index(r.level) >= wanted
        ]
    assert isinstance(condition, IndicatorAtLeast)  # noqa: S101 - narrows the closed union for the type checker
    return [
        reason(
            "tool_own_indicator",
            text=sentence_part(framework.indicator(i).text),
            indicator=i,
            level_label=LEVEL_LABELS[ratings[i].level],
        )
        for i in condition.indicators
        if i in ratings and ratings[i].level >= condition.level
    ]


def _stage_fit(tool: Tool, judgement: SituationJudgement, catalogue: Catalogue) -> tuple[str, list[Reason]]:
    if judgement.current_stage in tool.stages:
        return "current", [reason("tool_stage_current", stage=catalogue.stage_label(judgement.current_stage).lower())]
    earlier = [catalogue.stage_label(s).lower() for s in judgement.stages if s in tool.stages]
    return ("earlier", [reason("tool_stage_earlier", stages=listing(earlier))]) if earlier else ("none", [])


class _Fit:
    """A tool weighed against one assessment: recommended or not, its relevance and the keys that break ties."""

    def __init__(self, tool: Tool, index: int, context: _Context) -> None:
        j, weights = context.judgement, context.catalogue.ranking
        self.tool, self.index = tool, index
        self.stage_fit, self.reasons = _stage_fit(tool, j, context.catalogue)
        own = [r for c in tool.when if not isinstance(c, ThinEvidence) for r in _own_sign(c, *context.sign_inputs)]
        thin_fit = j.thin_evidence and any(isinstance(c, ThinEvidence) for c in tool.when)
        warranted = tool.intrusiveness in j.warranted or (
            own
            and context.rank(tool.intrusiveness) <= context.rank(context.catalogue.restraint.own_sign_warrants)
            and (
                not j.thin_evidence
                or context.rank(tool.intrusiveness) <= context.rank(context.catalogue.restraint.thin_evidence_warrants)
            )
        )
        self.recommended = bool(warranted and (self.stage_fit != "none" or own))
        signs: list[Sign] = sorted((context.signs[t] for t in tool.topics), key=lambda s: -s.strength)
        strengths = [s.strength for s in signs] + [0.0, 0.0]
        self.strongest = strengths[0]
        if self.stage_fit == "none" and own:  # a later stage's tool whose own warning sign already holds
            self.stage_fit, self.reasons = (
                "early",
                [
                    reason(
                        "tool_stage_early",
                        stage=context.catalogue.stage_label(next(s for s in STAGE_ORDER if s in tool.stages)).lower(),
                    )
                ],
            )
        relevance = {
            "current": weights.current_stage,
            "early": weights.early_action,
            "earlier": weights.earlier_stage,
            "none": 0.0,
        }[self.stage_fit]
        relevance += weights.strongest_topic * strengths[0] + weights.second_topic * strengths[1]
        for sign in signs[:2]:  # the two strongest topics; a finding two topics name is said once
            if (
                sign.why is not None
                and sign.why.code != "tool_sign_finding"
                or sign.why
                and not any(
                    r.code == "tool_sign_finding" and r.params["crime"] == sign.why.params["crime"]
                    for r in self.reasons
                )
            ):
                self.reasons.append(sign.why)
        if tool.general_purpose:
            relevance += weights.general_purpose
            self.reasons.append(reason("tool_general_purpose"))
        if signs and signs[0].worsening:
            relevance += weights.worsening
        named = {s.indicator for s in signs[:2]}
        self.reasons += [r for r in own if r.params.get("indicator") not in named][:1]  # its own sign, once
        if thin_fit:
            self.reasons.append(reason("tool_thin_evidence"))
        self.conditions = bool(own) + thin_fit
        relevance += (weights.condition if own else 0.0) + (weights.thin_evidence if thin_fit else 0.0)
        self.relevance = round(relevance, 2)

    def order(self, context: _Context) -> tuple:
        return (-self.relevance, -self.strongest, -self.conditions, context.rank(self.tool.intrusiveness), self.index)


class _Context:
    def __init__(self, profile, assessment, catalogue, framework, params) -> None:
        self.catalogue = catalogue
        self.judgement = judge_situation(profile, catalogue, params)
        self.signs = topic_signs(profile, assessment, catalogue, framework, params)
        self.sign_inputs = (
            profile,
            {r.indicator: r for r in assessment.ratings if r.level is not None},
            framework,
            params,
        )
        self.rank = catalogue.intrusiveness_rank
        self.params = params


def _escalation(fit: _Fit, context: _Context) -> Escalation:
    j, params = context.judgement, context.params
    status = escalation_status(fit.tool, j, context.catalogue)
    crimes = listing([params.crime_label(c).lower() for c in context.catalogue.restraint.thin_evidence_crimes])
    if status == j.status:
        condition = reason("escalate_firmer", crimes=crimes)
    elif (
        j.thin_evidence
        and fit.tool.intrusiveness not in j.warranted
        and context.rank(fit.tool.intrusiveness) > context.rank(context.catalogue.restraint.thin_evidence_warrants)
    ):
        condition = reason("escalate_status_firmer", status=params.status_label(status), crimes=crimes)
    else:
        condition = reason("escalate_status", status=params.status_label(status))
    t = fit.tool
    return Escalation(
        tool_id=t.id,
        name=t.name,
        policy_space=t.policy_space,
        intrusiveness=t.intrusiveness,
        status=status,
        condition=condition,
    )


def recommend_tools(
    profile: RiskProfile, assessment: Assessment, catalogue: Catalogue, framework: Framework, params: ScoringParameters
) -> Recommendations:
    """The recommended tools, best fit first, and the rest with the condition under which each would fit."""
    context = _Context(profile, assessment, catalogue, framework, params)
    fits = sorted(
        (_Fit(tool, index, context) for index, tool in enumerate(catalogue.tools)), key=lambda f: f.order(context)
    )
    tools = [
        Recommendation(
            rank=rank,
            tool_id=f.tool.id,
            name=f.tool.name,
            venue=f.tool.venue,
            policy_space=f.tool.policy_space,
            intrusiveness=f.tool.intrusiveness,
            relevance=f.relevance,
            stage_fit=f.stage_fit,
            reasons=f.reasons,
            citations=f.tool.citations,
        )
        for rank, f in enumerate((f for f in fits if f.recommended), start=1)
    ]
    later = sorted(
        (_escalation(f, context) for f in fits if not f.recommended),
        key=lambda e: (STATUSES.index(e.status) if e.status else len(STATUSES), e.condition.code != "escalate_firmer"),
    )
    return Recommendations(
        judgement=context.judgement, tools=tools, if_escalates=later, catalogue_version=catalogue.version
    )


def by_policy_space(recommendations: list[Recommendation]) -> dict[str, list[Recommendation]]:
    """Recommendations grouped in the order New York, Geneva, capital, regional, accountability, each keeping its
    order."""
    grouped = {space: [r for r in recommendations if r.policy_space == space] for space in POLICY_SPACES}
    return {space: items for space, items in grouped.items() if items}


def chosen_tools(recommendations: Recommendations, selected: list[str], limit: int, among: int) -> list[Recommendation]:
    """The analyst's selection, in rank order, when there is one; else `limit` of the best-fitting tools: among the
    first `among`, the best of each policy space in rank order, then the next best, so that the asks reach every
    place a government acts in where a tool fits well."""
    if selected:
        return [r for r in recommendations.tools if r.tool_id in set(selected)]
    best = recommendations.tools[:among]
    firsts = [r for r in best if r is next(x for x in best if x.policy_space == r.policy_space)]
    picked = {r.tool_id for r in (firsts + [r for r in best if r not in firsts])[:limit]}
    return [r for r in recommendations.tools if r.tool_id in picked]
