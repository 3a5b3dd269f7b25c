"""The full briefing: one object that the PDF, Word and Markdown exporters all render.

`build_briefing` is pure: it takes the assessment, its profile, the earlier assessments of the
same situation, the recommendations, the catalogue and the clock reading, and returns a
`Briefing` holding every text and figure the documents show, each already in words. Exporters
only lay it out. Evidence is printed once, in the annex; the drivers name the indicators.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from r2p_risk.annex import ANNEX_NOTE, AnnexFactor, build_annex
from r2p_risk.assessment import LEVEL_LABELS, Assessment, Situation, country_name
from r2p_risk.briefing_dossier import BriefingDossier, dossier_section
from r2p_risk.compare import ProfileChange, compare_assessments
from r2p_risk.framework import Framework
from r2p_risk.models import StrictModel, TextRules
from r2p_risk.parameters import ScoringParameters
from r2p_risk.profile import RiskProfile
from r2p_risk.reasons import listing
from r2p_risk.recommend import Recommendations, chosen_tools, recommend_tools
from r2p_risk.scoring import score_assessment
from r2p_risk.tools import POLICY_SPACES, VENUES, Catalogue
from r2p_risk.wording import (  # noqa: F401  (MODEL_NOTE, score_text and status_note are read from here by the screens)
    MODEL_LINE,
    MODEL_NOTE,
    PARAPHRASE_NOTE,
    change_lines,
    incomplete_note,
    marked_text,
    score_text,
    status_note,
)

HANDLING_MARKINGS = ("Unclassified", "For official use only", "Restricted", "Confidential")
Marking = Annotated[str, TextRules(60, min_length=1)]


class Figure(StrictModel):
    """A labelled score with its range and reliability, as the bottom line prints it."""

    label: str
    level: str  # the risk class in words, or "not determined"
    score: float | None
    range: tuple[float, float]
    determined: bool
    score_text: str = Field(description='e.g. "5.2, could be 3.1-8.0" or "not determined, could be 0.3-9.9"')
    reliability: float


class DriverIndicator(StrictModel):
    indicator: str
    text: str = Field(description="the paraphrase, marked as such")
    level: int
    level_label: str
    detail: str = Field(description='e.g. "confidence high, trend worsening"; empty when neither was given')


class DriverSection(StrictModel):
    """A risk factor that drives the result, with its strongest indicators (their evidence is in the annex)."""

    risk_factor: int
    title: str
    summary: str = Field(description='e.g. "Score 8.2 (Very high), coverage 100%, reliability 7.0."')
    indicators: list[DriverIndicator]


class CitedText(StrictModel):
    meeting: str
    section: str
    quote: str


class Action(StrictModel):
    """A response tool in the briefing, with why it fits and where the meetings discussed it."""

    tool_id: str
    name: str
    venue: str
    description: str
    reasons: list[str]
    citations: list[CitedText]
    cautions: list[str]
    also_cited: str = Field(description="the other meetings that discussed the tool; empty when none")


class ActionGroup(StrictModel):
    policy_space: str
    title: str
    actions: list[Action]


class TrendPoint(StrictModel):
    assessed_on: dt.date
    overall: float | None
    low: float
    high: float
    status: str


class FactorBar(StrictModel):
    number: int
    title: str
    group: str
    score: float | None
    low: float
    high: float
    coverage: float


class Briefing(StrictModel):
    title: str
    model_line: str = Field(description="under the title: the figures are r2p-risk's model, not the UN's")
    marking: Marking
    draft: bool = Field(description="the assessment is a draft: every page is marked DRAFT")
    generated_at: dt.datetime
    situation: str
    place: str = Field(description="country and area, as far as known")
    assessed_on: dt.date
    analyst: str | None = Field(description="printed only when asked for")
    assessment_status: str
    versions: str = Field(description="framework edition, scoring model and catalogue versions, for the header")
    key_judgements: str
    status: str  # the status in words, "(provisional)" added to an alarm on an incomplete assessment
    status_provisional: bool
    status_reasons: list[str]
    status_note: str = Field(description="where the status labels come from and who assigns them")
    model_note: str = Field(description="the figures are r2p-risk's model, not the UN's: printed beside them")
    overall: Figure
    crimes: list[Figure]
    coverage: float
    coverage_line: str
    reliability: float
    factor_bars: list[FactorBar]
    class_thresholds: list[float]
    incomplete_note: str = Field(description="which risk factors list only some of their official indicators")
    trend: list[TrendPoint]
    change: ProfileChange | None
    change_summary: list[str]
    assess_next: list[str]
    drivers: list[DriverSection]
    paraphrase_note: str
    stage_lines: list[str] = Field(description="where the situation stands for choosing tools, and what is warranted")
    actions_note: str
    action_groups: list[ActionGroup]
    held_back: list[str] = Field(description="coercive or judicial tools not recommended yet, with when they would be")
    methodology: list[str]
    annex: list[AnnexFactor]
    annex_sources: list[str] = Field(description="every source the ratings cite, once each, numbered")
    annex_note: str
    dossier: BriefingDossier | None = None  # who is at risk, from whom, when; the review; the analysts' disagreement


def _figure(label: str, result, params: ScoringParameters) -> Figure:
    return Figure(
        label=label,
        level=params.risk_level_label(result.level) if result.level else "not determined",
        score=result.score,
        range=result.range,
        determined=result.determined,
        score_text=score_text(result.score, *result.range),
        reliability=result.reliability,
    )


DRIVER_FACTORS, DRIVER_INDICATORS, STATUS_REASONS, ASSESS_NEXT, ACTION_REASONS = 3, 3, 5, 5, 2


def _status_reasons(profile: RiskProfile) -> list[str]:
    """Why the status, as the model says it; past the fifth sign of the same kind, a count (the annex has them all)."""
    reasons = [r.text for r in profile.status.reasons]
    kept = [r for r in profile.status.reasons if r.code != "conduct_present"]
    conduct = [r for r in profile.status.reasons if r.code == "conduct_present"]
    if len(reasons) <= STATUS_REASONS or len(conduct) <= 1:
        return reasons
    room = max(1, STATUS_REASONS - len(kept))
    shown = [r.text for r in conduct[:room]]
    more = len(conduct) - room
    rest = (
        [
            f"{more} more indicators describing conduct are rated clearly present or more: "
            + ", ".join(r.params["indicator"] for r in conduct[room:])
            + "."
        ]
        if more
        else []
    )
    return [r.text for r in kept[:1]] + shown + rest + [r.text for r in kept[1:]]


def _drivers(
    assessment: Assessment, profile: RiskProfile, framework: Framework, params: ScoringParameters
) -> list[DriverSection]:
    """The risk factors of the strongest drivers, at most three, each with up to three of its present indicators."""
    sections: dict[int, DriverSection] = {}
    for driver in profile.drivers:
        if driver.risk_factor not in sections and len(sections) == DRIVER_FACTORS:
            continue
        factor = profile.factor(driver.risk_factor)
        level = params.risk_level_label(factor.level) if factor.level else "not determined"
        section = sections.setdefault(
            driver.risk_factor,
            DriverSection(
                risk_factor=factor.number,
                title=factor.title,
                indicators=[],
                summary=f"Score {score_text(factor.score, *factor.range)} ({level}), coverage {factor.coverage:.0%}, "
                f"reliability {factor.reliability:.1f}.",
            ),
        )
        rating = assessment.rating_for(driver.indicator)
        if rating is None or len(section.indicators) >= DRIVER_INDICATORS:
            continue
        detail = ", ".join(
            x
            for x in (
                f"confidence {rating.confidence}" if rating.confidence else "",
                f"trend {rating.trend}" if rating.trend else "",
            )
            if x
        )
        section.indicators.append(
            DriverIndicator(
                indicator=driver.indicator,
                text=marked_text(framework.indicator(driver.indicator)),
                level=driver.level,
                level_label=LEVEL_LABELS[driver.level],
                detail=detail,
            )
        )
    return list(sections.values())


def _actions(
    assessment: Assessment, recommendations: Recommendations, catalogue: Catalogue, limit: int
) -> list[ActionGroup]:
    """The analyst's selection, or else the best-fitting tools, grouped by policy space; a selected tool not
    recommended now keeps the condition under which it would be."""
    chosen = chosen_tools(recommendations, assessment.selected_tools, limit, catalogue.ranking.shown)
    reasons = {r.tool_id: [x.text for x in r.reasons] for r in chosen}
    for tool_id in assessment.selected_tools:
        later = next((e for e in recommendations.if_escalates if e.tool_id == tool_id), None)
        if later is not None:
            reasons[tool_id] = [
                f"Selected by the analyst; not recommended by r2p-risk now: {later.condition.text[:1].lower()}"
                f"{later.condition.text[1:]}"
            ]
    tools = [catalogue.tool(t) for t in reasons if catalogue.has_tool(t)]
    groups = []
    for space, title in POLICY_SPACES.items():
        actions = [
            Action(
                tool_id=t.id,
                name=t.name,
                venue=VENUES[t.venue],
                description=t.description,
                reasons=reasons[t.id][:ACTION_REASONS],
                citations=[
                    CitedText(meeting=catalogue.meeting(c.meeting).label, section=c.section, quote=c.quote)
                    for c in t.citations
                ],
                cautions=[c.text for c in t.cautions][:1],
                also_cited=listing(
                    list(
                        dict.fromkeys(
                            catalogue.meeting(c.meeting).label
                            for c in t.citations[1:]
                            if c.meeting != t.citations[0].meeting
                        )
                    )
                ),
            )
            for t in tools
            if t.policy_space == space
        ]
        if actions:
            groups.append(ActionGroup(policy_space=space, title=title, actions=actions))
    return groups


def _actions_note(assessment: Assessment, recommendations: Recommendations, limit: int) -> str:
    fitting = len(recommendations.tools)
    if assessment.selected_tools:
        return (
            f"The {len(assessment.selected_tools)} tools the analyst selected, grouped by policy space; r2p-risk finds "
            f"{fitting} tools that fit this risk profile."
        )
    return (
        f"The analyst selected no tools, so these are the {min(limit, fitting)} of the {fitting} fitting tools that "
        "fit this risk profile best, grouped by policy space."
    )


def _held_back(recommendations: Recommendations, catalogue: Catalogue) -> list[str]:
    """The coercive and judicial tools held back, one line per condition."""
    strong = {"coercive_measures", "judicial_action"}
    lines: dict[str, list[str]] = {}
    for later in recommendations.if_escalates:
        if later.intrusiveness in strong:
            lines.setdefault(later.condition.text, []).append(catalogue.tool(later.tool_id).name)
    return [f"{condition}: {'; '.join(names)}." for condition, names in lines.items()]


def _methodology(profile: RiskProfile, params: ScoringParameters, catalogue: Catalogue) -> list[str]:
    versions = profile.versions
    return [
        f"r2p-risk's scoring model, version {versions.scoring_version}, applied to the Framework's "
        f"{versions.framework_edition} edition (r2p-risk's data {versions.framework_data_version}). {profile.method} "
        "Coverage is the share of the Framework's official indicators assessed; reliability (0-10) falls with low "
        "coverage and low stated confidence.",
        "Risk classes: "
        + ", ".join(
            f"{c.label} below {c.below:.1f}" if c.below is not None else f"{c.label} from there on"
            for c in params.risk_classes
        )
        + ".",
        f"The tools come from the catalogue “{catalogue.title}” (version {catalogue.version}); each cites the meeting "
        "summary it comes from. A tool being listed means the meetings discussed it, not that it will work here. "
        "r2p-risk holds back tools more intrusive than the situation's stage and evidence warrant.",
    ]


def citation_line(action: Action) -> str:
    """The tool's first quote with its source, and the other meetings that discussed it."""
    cited = action.citations[0]
    also = f" Also discussed at the {action.also_cited}." if action.also_cited else ""
    return f"“{cited.quote}” ({cited.meeting}, {cited.section}).{also}"


def earlier_assessments(
    assessment: Assessment, history: list[tuple[Assessment, RiskProfile]]
) -> list[tuple[Assessment, RiskProfile]]:
    """The situation's assessments made before this one (not this one itself), oldest first."""
    return sorted(
        (
            h
            for h in history
            if h[0].assessed_on <= assessment.assessed_on and (h[0].id is None or h[0].id != assessment.id)
        ),
        key=lambda h: (h[0].assessed_on, h[0].revision or 0),
    )


def build_briefing(
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
) -> Briefing:
    """Everything a Focal Point's full briefing says about one assessment.

    `history` holds the situation's other assessments with their profiles; the latest one before
    this assessment is the one "what changed" compares with, and all of them make the trend. The
    analyst's name is printed only when `author` is set.
    """
    earlier = earlier_assessments(assessment, history)
    change = compare_assessments(earlier[-1][0], earlier[-1][1], assessment, profile, framework) if earlier else None
    annex, annex_sources = build_annex(assessment, framework)
    points = sorted([*earlier, (assessment, profile)], key=lambda h: h[0].assessed_on)
    versions = profile.versions
    limit = catalogue.ranking.briefing_tools
    return Briefing(
        title=f"Atrocity risk briefing: {situation.name}",
        model_line=MODEL_LINE,
        marking=marking,
        draft=assessment.status == "draft",
        generated_at=generated_at,
        situation=situation.name,
        place=", ".join(p for p in (situation.area, country_name(situation.country)) if p) or "no country set",
        assessed_on=assessment.assessed_on,
        analyst=assessment.analyst if author else None,
        assessment_status=assessment.status,
        versions=(
            f"{framework.title} ({versions.framework_edition}) · scoring model {versions.scoring_version} "
            f"· tool catalogue {catalogue.version}"
        ),
        key_judgements=assessment.key_judgements or "(no key judgements recorded)",
        status=profile.status.title + (" (provisional)" if profile.status.provisional else ""),
        status_provisional=profile.status.provisional,
        status_reasons=_status_reasons(profile),
        status_note=status_note(params),
        model_note=MODEL_NOTE,
        overall=_figure("Overall", profile.overall, params),
        crimes=[_figure(params.crime_label(c), r, params) for c, r in profile.crimes.items()],
        coverage=profile.coverage,
        reliability=profile.reliability,
        coverage_line=(
            f"{profile.assessed_indicators} of the Framework's {profile.official_indicators} indicators assessed "
            f"({profile.coverage:.0%}); overall reliability {profile.reliability:.1f} of 10."
        ),
        factor_bars=[
            FactorBar(
                number=f.number,
                title=f.title,
                group=f.group,
                score=f.score,
                low=f.range[0],
                high=f.range[1],
                coverage=f.coverage,
            )
            for f in profile.risk_factors.values()
        ],
        class_thresholds=[c.below for c in params.risk_classes if c.below is not None],
        incomplete_note=incomplete_note(framework),
        trend=[
            TrendPoint(
                assessed_on=a.assessed_on,
                overall=p.overall.score,
                low=p.overall.range[0],
                high=p.overall.range[1],
                status=p.status.title,
            )
            for a, p in points
        ]
        if len(points) > 1
        else [],
        change=change,
        change_summary=change_lines(change, params),
        assess_next=[
            f"{n.indicator} {marked_text(framework.indicator(n.indicator))} ({n.why.text})"
            for n in profile.assess_next[:ASSESS_NEXT]
        ],
        drivers=_drivers(assessment, profile, framework, params),
        paraphrase_note=PARAPHRASE_NOTE,
        stage_lines=[r.text + "." for r in recommendations.judgement.reasons],
        actions_note=_actions_note(assessment, recommendations, limit),
        action_groups=_actions(assessment, recommendations, catalogue, limit),
        held_back=_held_back(recommendations, catalogue),
        methodology=_methodology(profile, params, catalogue),
        annex=annex,
        annex_sources=annex_sources,
        annex_note=ANNEX_NOTE,
    )


def score_history(
    assessment: Assessment, others: list[Assessment], framework: Framework, params: ScoringParameters
) -> tuple[RiskProfile, list[tuple[Assessment, RiskProfile]]]:
    """The assessment's profile, and the situation's other assessments with theirs."""
    profile = score_assessment(assessment, framework, params)
    return profile, [(a, score_assessment(a, framework, params)) for a in others if a is not assessment]


def briefing_for(
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
) -> Briefing:
    """Score the assessment and the situation's other assessments, recommend tools, build the briefing; with the
    dossier vocabulary (frameworks/dossier.yaml), the dossier section too."""
    profile, history = score_history(assessment, others, framework, params)
    recommendations = recommend_tools(profile, assessment, catalogue, framework, params)
    briefing = build_briefing(
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
        return briefing
    return briefing.model_copy(update={"dossier": dossier_section(assessment, vocabulary, generated_at.date())})
