"""Every sentence the scoring model says, by stable code: the one English wording, rendered from parameters.

A reason is `{code, params, text}`: screens and briefings show `text`; a translation supplies another
table of the same codes. `tests/test_reasons.py` checks every template renders with the parameters
the model gives it.
"""

from __future__ import annotations

from typing import Any

from r2p_risk.profile import Reason

TEMPLATES: dict[str, str] = {
    # a risk factor
    "factor_assessed": "{assessed} of {counted:g} indicators assessed",
    "factor_assessed_incomplete": (
        "{assessed} of {listed} listed indicators assessed; the official Framework has more here "
        "(counted as {counted:g}), so this list alone can never cover the risk factor fully"
    ),
    "factor_blend": "Indicators: {rest:.2f} x mean {mean:.2f} + {share:.2f} x highest {peak:.2f} = {score:.2f}",
    "factor_mean": "Indicators: mean of the rated indicators {mean:.2f}",
    "factor_max": "Indicators: highest rated indicator {peak:.2f}",
    "indicator_present": "Indicator {indicator} {level_label} (level {level}, {points:.1f} points)",
    "indicators_present_more": "and {count} more indicators clearly present or stronger (see what drives the result)",
    "factor_whole_only": "Rated as a whole: {level_label} (level {level}, {points:.1f} points)",
    "factor_whole_blend": (
        "Rated as a whole at level {level}: {rest:.2f} x indicators {indicators:.2f} "
        "+ {weight:.2f} x whole-factor {points:.2f} = {score:.2f}"
    ),
    "factor_not_assessed": (
        "Nothing assessed: no score (unknown is not counted as absent); it could be anything from {low:.1f} "
        "to {high:.1f}"
    ),
    "factor_range": (
        "Could still be {low:.2f} to {high:.2f}: the unassessed indicators all absent, or all strongly present"
    ),
    "factor_settled": "Every indicator counted here is assessed: no range left",
    "factor_reliability": (
        "Reliability {reliability:.1f} = 10 x evidence {evidence:.2f} x mean confidence {confidence:.2f}"
    ),
    # a crime
    "crime_common": "Common risk factors (1-8): mean {mean:.2f} over {count} assessed",
    "crime_common_none": "Common risk factors (1-8): none assessed",
    "crime_specific": "Specific risk factors {factors}: mean {mean:.2f} over {count} assessed",
    "crime_specific_none": "Specific risk factors {factors}: none assessed",
    "crime_combined": (
        "(common {common:.2f} + 1) ^ {rest:g} x (specific {specific:.2f} + 1) ^ {weight:g} - 1 = {score:.2f}"
    ),
    "crime_undetermined_specific": (
        "Not determined: none of its specific risk factors ({factors}) is assessed, and the risk of {crime} cannot be "
        "judged without them"
    ),
    "crime_undetermined_common": (
        "Not determined: the common risk factors are {evidence:.0%} assessed; {gate:.0%} is needed"
    ),
    "crime_capped": (
        "No armed conflict (indicator {indicator} rated {level}): war crimes presuppose one, so the risk is "
        "capped at {cap:.1f} and cannot set the status by itself"
    ),
    "crime_capped_without_specific": (
        "With no armed conflict, risk factors {factors} (conflict-related conduct) count as absent "
        "where unassessed: (common {common:.2f} + 1) ^ {rest:g} x (0 + 1) ^ {weight:g} - 1, "
        "capped: {score:.2f}"
    ),
    "crime_cap_unknown": (
        "Armed conflict not assessed (indicator {indicator} unknown): the lower end of the range allows for none"
    ),
    "crime_range": "Could still be {low:.2f} to {high:.2f} with what is unassessed",
    "crime_settled": "Everything this risk rests on is assessed: no range left",
    # overall
    "overall_highest": "Highest crime risk: {crimes} at {score:.2f}",
    "overall_undetermined": "Not determined while the risk of {crimes} is not",
    "overall_range": "Could still be {low:.2f} to {high:.2f} with what is unassessed",
    "overall_settled": "Everything the overall risk rests on is assessed: no range left",
    # the status
    "status_rule": "{description}",
    "finding_ongoing": "Recorded finding: {crime} ongoing",
    "conduct_present": "Indicator {indicator} is rated {level_label} with {confidence} confidence: {text}",
    "factor_at_least": "{title} (risk factor {risk_factor}) scores {score:.2f}, at least {threshold:.1f}",
    "factors_mean_at_least": "Mean of risk factors {factors}: {mean:.2f}, at least {threshold:.1f}",
    "crime_at_least": "Risk of {crime}: {score:.2f} ({level_label}), at least {threshold:.1f}",
    "specific_factor_at_least": (
        "{title} (risk factor {risk_factor}, specific to {crime}) scores {score:.2f}, at least {threshold:.1f}"
    ),
    "status_provisional": (
        "Provisional: the risk of {crimes} is not determined yet ({assessed} of {official} indicators assessed), "
        "so this alarm rests on an incomplete assessment and may change as it is completed"
    ),
    "status_monitoring": (
        "{assessed} of {official} indicators assessed, enough to determine the risk of every crime, "
        "and no rule for a higher status holds"
    ),
    "status_insufficient": (
        "Only {assessed} of {official} indicators assessed: the risk of {crimes} is not determined, "
        "so no all-clear can be given"
    ),
    # what to assess next
    "next_decides_crime": (
        "The risk of {crime} cannot be determined until one of risk factors {factors} is assessed; "
        "rating this narrows the crime ranges by about {narrowing:.1f} points in all"
    ),
    "next_conduct": (
        "Describes conduct: rated clearly present, it would show that atrocity crimes may be under way; "
        "rating it narrows the crime ranges by about {narrowing:.1f} points in all"
    ),
    "next_common_gate": (
        "The common risk factors are {evidence:.0%} assessed and {gate:.0%} is needed to determine any "
        "crime's risk; rating this narrows the crime ranges by about {narrowing:.1f} points in all"
    ),
    "next_narrows": "Rating it narrows the crime ranges by about {narrowing:.1f} points in all",
    # where the situation stands, for choosing response tools (r2p_risk/judgement.py)
    "stand_status": "The status, {status}, puts the situation at the stage of {stage}",
    "stand_ended": "Atrocities recorded as ended ({findings}) make {stage} the current stage",
    "stand_ongoing": "Atrocities recorded as ongoing ({crimes}) put the situation at the stage of {stage}",
    "stand_warranted": "Warranted: {levels}",
    "stand_warranted_own_sign": "Warranted: {levels}; {level} too for a tool whose own warning sign is rated present",
    "stand_insufficient": (
        "Too little is assessed for a verdict: until more is known, the situation is treated at the stage of {stage}"
    ),
    "stand_thin_provisional": (
        "The alarm is provisional: until the risk of {crimes} is determined, nothing beyond {level} is recommended"
    ),
    # why a response tool fits (r2p_risk/recommend.py)
    "tool_stage_current": "Fits the current stage: {stage}",
    "tool_stage_earlier": "Still fits from an earlier stage: {stages}",
    "tool_stage_early": "Its own warning sign is present already, ahead of its stage ({stage}): worth acting early",
    "tool_sign_indicator": "{topic}: {text} ({level_label}{trend}, indicator {indicator})",
    "tool_sign_factor": "{topic}: {title} scores {level_label} (risk factor {risk_factor})",
    "tool_sign_finding": "{topic}: {crime} recorded as {state}",
    "tool_sign_overall": "{topic}: the overall risk is {level_label}",
    "tool_general_purpose": "Serves atrocity prevention as a whole",
    "tool_own_indicator": "Especially fits when this is present: {text} ({level_label}, indicator {indicator})",
    "tool_own_factor": "Especially fits when risk factor {risk_factor}, {title}, is elevated: it is {level_label}",
    "tool_own_crime": "Especially fits when the risk of {crime} is {threshold} or more: it is {level_label}",
    "tool_thin_evidence": "Helps establish the facts while little is assessed, before any stronger step",
    "tool_selected": "Selected by the analyst",
    # when a tool not recommended now would fit
    "escalate_status": "If the status reaches {status}",
    "escalate_status_firmer": "If the status reaches {status}, on firmer evidence (the risk of {crimes} determined)",
    "escalate_firmer": "On firmer evidence: once the risk of {crimes} is determined",
}


_RENDER = {code: template.format_map for code, template in TEMPLATES.items()}  # each template's bound format_map


def render(code: str, params: dict[str, Any]) -> str:
    return _RENDER[code](params)


def reason(code: str, **params: Any) -> Reason:
    """A `Reason` with its text rendered now from the one English table."""
    return Reason.model_construct(code=code, params=params, text=_RENDER[code](params))


def reason_data(code: str, **params: Any) -> dict:
    """The same as plain data, for the scoring model, which validates its whole profile at once (much faster)."""
    return {"code": code, "params": params, "text": _RENDER[code](params)}


def listing(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'; '' for none."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
