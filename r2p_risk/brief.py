"""The one-page brief a Focal Point takes into the room: what the risk is, how sure, what changed,
what to ask for and what to watch next, on one A4 page.

`build_brief` is pure: the same inputs as the full briefing in, a `Brief` out, every text in plain
words (no "risk factor 7 at 9.01"). The exporters in `exporters/one_page.py` lay it out.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from r2p_risk.assessment import LEVEL_LABELS, Assessment, Situation, country_name
from r2p_risk.briefing_dossier import brief_dossier
from r2p_risk.compare import compare_assessments
from r2p_risk.framework import Framework
from r2p_risk.models import StrictModel
from r2p_risk.parameters import ScoringParameters, score_figure
from r2p_risk.profile import Reason, RiskProfile
from r2p_risk.reasons import listing
from r2p_risk.recommend import Recommendations, chosen_tools, recommend_tools
from r2p_risk.report import Marking, earlier_assessments, score_history
from r2p_risk.tools import VENUES, Catalogue
from r2p_risk.wording import MODEL_LINE, change_lines, marked_text, status_source

WATCH_NEXT, CHANGES = 3, 3


class CrimeLine(StrictModel):
    crime: str
    level: str
    figure: str = Field(description='"7.1, could be 7.0-7.6" or "not determined, could be 0.3-9.9"')


class Ask(StrictModel):
    name: str
    venue: str
    why: str
    citation: str = Field(description="the verbatim quote with the meeting it comes from")


class Brief(StrictModel):
    title: str
    model_line: str
    marking: Marking
    draft: bool
    situation: str
    meta: str = Field(description="place, date of assessment, analyst when asked, when generated")
    status: str
    status_source: str
    status_reasons: list[str] = Field(max_length=3)
    evidence_warning: str = Field(description="provisional or not enough assessed, said plainly; empty otherwise")
    crimes: list[CrimeLine]
    coverage_line: str
    changes: list[str]
    asks_note: str
    asks: list[Ask]
    watch_next: list[str]
    versions: str
    at_risk: list[str] = Field(
        default_factory=list, description="populations at risk and the next triggers, from the dossier"
    )
    disagreement: str = Field(
        default="", description='"3 analysts; disagreement on 7.14 and 8.2" for a reconciled assessment'
    )


def _level(params: ScoringParameters, score: float) -> str:
    return params.risk_level_label(params.risk_level(score)).lower()


def plain_reason(r: Reason, params: ScoringParameters) -> str | None:
    """A status reason in the words of a one-page brief; None for one the brief says otherwise (provisional)."""
    p = r.params
    if r.code == "status_rule":
        return p["description"].rstrip(".")
    if r.code == "finding_ongoing":
        return f"{p['crime'].capitalize()} is recorded as ongoing"
    if r.code == "conduct_present":
        return f"{p['text'].rstrip('.')} ({p['level_label']}, {p['confidence']} confidence)"
    if r.code == "factor_at_least":
        return f"{p['title']}: {_level(params, p['score'])}"
    if r.code == "factors_mean_at_least":
        return f"The structural risk factors ({p['factors']}) are {_level(params, p['mean'])} on average"
    if r.code == "crime_at_least":
        return f"The risk of {p['crime']} is {p['level_label'].lower()}"
    if r.code == "specific_factor_at_least":
        return f"{p['title']} (a sign specific to {p['crime']}): {_level(params, p['score'])}"
    if r.code == "status_monitoring":
        return (
            f"{p['assessed']} of {p['official']} indicators are assessed, enough to judge every crime, "
            "and no alarm is raised"
        )
    if r.code == "status_insufficient":
        return f"Only {p['assessed']} of {p['official']} indicators are assessed: no verdict can be given"
    return None


def _status_reasons(profile: RiskProfile, params: ScoringParameters) -> list[str]:
    said = [s for s in (plain_reason(r, params) for r in profile.status.reasons) if s]
    return [s + "." for s in said[:3]]


def _evidence_warning(profile: RiskProfile, params: ScoringParameters) -> str:
    counted = f"{profile.assessed_indicators} of {profile.official_indicators} indicators assessed"
    undetermined = [params.crime_label(c).lower() for c, r in profile.crimes.items() if not r.determined]
    if profile.status.provisional:
        return (
            f"Provisional: only {counted}; the risk of {listing(undetermined)} is not determined yet, so this alarm "
            "may change as the assessment is completed."
        )
    if profile.status.label == params.no_alarm.undetermined:
        return f"Not enough assessed: only {counted}. This is no all-clear: the risk is unknown, not low."
    return ""


def _asks(assessment: Assessment, recommendations: Recommendations, catalogue: Catalogue) -> list[Ask]:
    """The selected tools (recommended ones first), else the best-fitting ones; at most five, each with one reason."""
    whys = {}
    for rec in chosen_tools(
        recommendations, assessment.selected_tools, catalogue.ranking.brief_asks, catalogue.ranking.shown
    ):
        signs = [r for r in rec.reasons if r.code.startswith(("tool_sign", "tool_own", "tool_thin"))]
        whys[rec.tool_id] = (signs or rec.reasons)[0].text
    for later in recommendations.if_escalates:
        if later.tool_id in assessment.selected_tools:
            condition = later.condition.text
            whys[later.tool_id] = (
                f"Selected by the analyst; r2p-risk would recommend it {condition[:1].lower()}{condition[1:]}"
            )
    asks = []
    for tool_id, why in list(whys.items())[:5]:
        tool = catalogue.tool(tool_id)
        cited = tool.citations[0]
        meeting = catalogue.meeting(cited.meeting)
        asks.append(
            Ask(name=tool.name, venue=VENUES[tool.venue], why=why, citation=f"“{cited.quote}” ({meeting.label})")
        )
    return asks


def build_brief(
    situation: Situation,
    assessment: Assessment,
    profile: RiskProfile,
    history: list[tuple[Assessment, RiskProfile]],
    recommendations: Recommendations,
    catalogue: Catalogue,
    framework: Framework,
    params: ScoringParameters,
    marking: str,
    generated_at: dt.datetime,
    author: bool = False,
) -> Brief:
    """The one-page brief on one assessment; the analyst's name only when `author` is set."""
    earlier = earlier_assessments(assessment, history)
    change = compare_assessments(earlier[-1][0], earlier[-1][1], assessment, profile, framework) if earlier else None
    place = ", ".join(p for p in (situation.area, country_name(situation.country)) if p)
    meta = [
        place,
        f"assessed {assessment.assessed_on.isoformat()} ({assessment.status})",
        f"by {assessment.analyst}" if author else "",
        f"generated {generated_at:%Y-%m-%d %H:%M} UTC",
    ]
    selected = bool(assessment.selected_tools)
    versions = profile.versions
    return Brief(
        title=f"{situation.name}: atrocity risk brief",
        model_line=MODEL_LINE,
        marking=marking,
        draft=assessment.status == "draft",
        situation=situation.name,
        meta=" · ".join(m for m in meta if m),
        status=profile.status.title + (" (provisional)" if profile.status.provisional else ""),
        status_source=status_source(profile.status.label, params),
        status_reasons=_status_reasons(profile, params),
        evidence_warning=_evidence_warning(profile, params),
        crimes=[
            CrimeLine(
                crime=params.crime_label(c),
                level=params.risk_level_label(r.level) if r.level else "not determined",
                figure=_figure(r.score, r.range),
            )
            for c, r in profile.crimes.items()
        ],
        coverage_line=(
            f"{profile.assessed_indicators} of the Framework's {profile.official_indicators} indicators assessed "
            f"({profile.coverage:.0%}); reliability {profile.reliability:.1f} of 10."
        ),
        changes=change_lines(change, params, factors=1)[:CHANGES],
        asks_note=(
            "The tools the analyst selected" if selected else "The tools that fit best (none selected by the analyst)"
        )
        + ", each with the Focal Points meeting that discussed it:",
        asks=_asks(assessment, recommendations, catalogue),
        watch_next=[
            f"{n.indicator} {marked_text(framework.indicator(n.indicator))} {_why_next(n.why)}"
            for n in profile.assess_next[:WATCH_NEXT]
        ],
        versions=(
            f"Framework {versions.framework_edition}, data {versions.framework_data_version} · scoring model "
            f"{versions.scoring_version} · tool catalogue {catalogue.version}. Indicator texts marked ≈ are r2p-risk's "
            f"paraphrases. Levels: " + ", ".join(f"{k} {v}" for k, v in LEVEL_LABELS.items() if k is not None) + "."
        ),
    )


def _figure(score: float | None, low_high: tuple[float, float]) -> str:
    low, high = (score_figure(end) for end in low_high)
    if score is None:
        return f"could be {low}-{high}"
    return score_figure(score) if low == high else f"{score_figure(score)}, could be {low}-{high}"


def _why_next(why: Reason) -> str:
    """Why to assess an indicator next, in a short clause."""
    if why.code == "next_decides_crime":
        return f"(decides whether the risk of {why.params['crime']} can be determined)"
    if why.code == "next_conduct":
        return "(would show whether atrocity crimes may be under way)"
    if why.code == "next_common_gate":
        return "(needed before any crime's risk can be determined)"
    return "(narrows the figures most)"


def brief_for(
    situation: Situation,
    assessment: Assessment,
    others: list[Assessment],
    framework: Framework,
    params: ScoringParameters,
    catalogue: Catalogue,
    marking: str,
    generated_at: dt.datetime,
    author: bool = False,
    vocabulary=None,
) -> Brief:
    """Score the assessment and the situation's other assessments, recommend tools, build the one-page brief; with the
    dossier vocabulary (frameworks/dossier.yaml), who is at risk and the next triggers too."""
    profile, history = score_history(assessment, others, framework, params)
    recommendations = recommend_tools(profile, assessment, catalogue, framework, params)
    brief = build_brief(
        situation,
        assessment,
        profile,
        history,
        recommendations,
        catalogue,
        framework,
        params,
        marking,
        generated_at,
        author,
    )
    if vocabulary is None:
        return brief
    return brief.model_copy(update=brief_dossier(assessment, vocabulary, generated_at.date()))
