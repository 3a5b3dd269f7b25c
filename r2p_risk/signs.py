"""How strongly an assessment shows what each catalogue topic is about: the strongest sign, in words.

A topic names Framework indicators, risk factors and, for some, recorded findings. Its strength in
an assessment (0-1) comes from its signs: its rated indicators' levels out of 3, its assessed risk
factors' scores out of 10 and, for a topic about the international response (`overall_risk`), the
overall risk, in full once it is in the highest risk class. The strongest sign gives most of it,
the next strongest the share `ranking.second_sign`; a recorded finding the topic names gives 1.
Unknown and unassessed signs count for nothing: they neither raise nor lower a tool. Raising a
rating never lowers a strength.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from r2p_risk.assessment import LEVEL_LABELS, Assessment
from r2p_risk.framework import Framework
from r2p_risk.parameters import ScoringParameters
from r2p_risk.profile import Reason, RiskProfile
from r2p_risk.reasons import reason
from r2p_risk.tools import Catalogue


@dataclass(frozen=True)
class Sign:
    """The strongest sign of one topic: its strength and why, in words; `indicator` when it is a rated indicator."""

    topic: str
    strength: float
    why: Reason | None
    worsening: bool = False
    indicator: str | None = None


def sentence_part(text: str) -> str:
    """A sentence made into part of another: the full stop dropped, the first letter lowered unless it starts a
    name like "UN"."""
    text = text.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def _indicator_sign(topic, indicator: str, rating, framework: Framework) -> Sign:
    worsening = rating.trend == "worsening"
    why = reason(
        "tool_sign_indicator",
        topic=topic.label,
        text=sentence_part(framework.indicator(indicator).text),
        level_label=LEVEL_LABELS[rating.level],
        trend=", worsening" if worsening else "",
        indicator=indicator,
    )
    return Sign(topic.id, rating.level / 3, why, worsening, indicator)


def topic_sign(
    topic, profile: RiskProfile, ratings: dict, framework: Framework, params: ScoringParameters, second: float
) -> Sign:
    """The topic's strongest sign; its strength takes `second` of its weight from the next strongest sign, so that a
    topic shown by several signs outweighs one shown by a single sign. A recorded finding is the full strength alone."""
    candidates: list[Sign] = []
    for finding in profile.findings:
        if finding.state in topic.findings:
            state = f"ended on {finding.ended_on}" if finding.ended_on else finding.state
            candidates.append(
                Sign(
                    topic.id,
                    1.0,
                    reason(
                        "tool_sign_finding",
                        topic=topic.label,
                        crime=params.crime_label(finding.crime).lower(),
                        state=state,
                    ),
                )
            )
    for indicator in topic.indicators:
        rating = ratings.get(indicator)
        if rating is not None and rating.level:
            candidates.append(_indicator_sign(topic, indicator, rating, framework))
    for number in topic.risk_factors:
        factor = profile.factor(number)
        if factor.score:
            candidates.append(
                Sign(
                    topic.id,
                    factor.score / 10,
                    reason(
                        "tool_sign_factor",
                        topic=topic.label,
                        title=sentence_part(factor.title),
                        risk_factor=number,
                        level_label=params.risk_level_label(factor.level).lower(),
                    ),
                )
            )
    if topic.overall_risk and profile.overall.score:
        very_high = max(c.below for c in params.risk_classes if c.below is not None)  # the highest class counts in full
        candidates.append(
            Sign(
                topic.id,
                min(1.0, profile.overall.score / very_high),
                reason(
                    "tool_sign_overall",
                    topic=topic.label,
                    level_label=params.risk_level_label(profile.overall.level).lower(),
                ),
            )
        )
    if not candidates:
        return Sign(topic.id, 0.0, None)
    candidates.sort(
        key=lambda s: -s.strength
    )  # stable: of equals, a finding, then an indicator, a risk factor, the overall risk
    first = candidates[0]
    if first.why is not None and first.why.code == "tool_sign_finding":
        return first
    runner_up = candidates[1].strength if len(candidates) > 1 else 0.0
    return replace(first, strength=round((1 - second) * first.strength + second * runner_up, 4))


def topic_signs(
    profile: RiskProfile, assessment: Assessment, catalogue: Catalogue, framework: Framework, params: ScoringParameters
) -> dict[str, Sign]:
    """Every topic's strongest sign in this assessment, by topic id."""
    ratings = {r.indicator: r for r in assessment.ratings if r.level is not None}
    second = catalogue.ranking.second_sign
    return {topic.id: topic_sign(topic, profile, ratings, framework, params, second) for topic in catalogue.topics}
