"""The briefing: one object that the PDF, Word and Markdown exporters all render.

`build_briefing` is pure: it takes the assessment, its profile, the earlier assessments of the
same situation, the catalogue and the clock reading, and returns a `Briefing` holding every text
and figure the documents show, each already in words. Exporters only lay it out.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from r2p_risk.assessment import LEVEL_LABELS, Assessment, Situation, country_name
from r2p_risk.briefing_dossier import BriefingDossier, dossier_section
from r2p_risk.compare import ProfileChange, compare_assessments
from r2p_risk.framework import Framework
from r2p_risk.models import StrictModel, text_field
from r2p_risk.parameters import ScoringParameters
from r2p_risk.profile import RiskProfile
from r2p_risk.recommend import Recommendation, briefing_selection, evaluate_tool, recommend_tools
from r2p_risk.scoring import score_assessment
from r2p_risk.tools import POLICY_SPACES, VENUES, Catalogue

HANDLING_MARKINGS = ("Unclassified", "For official use only", "Restricted", "Confidential")
Marking = text_field(60, min_length=1)


class Figure(StrictModel):
    """A labelled score with its range and reliability, as the bottom line prints it."""

    label: str
    level: str  # the risk class in words, or "not determined"
    score: float | None
    range: tuple[float, float]
    determined: bool
    score_text: str = Field(description='e.g. "5.2, could be 3.1-8.0" or "not determined, could be 0.3-9.9"')
    reliability: float


class SourceLine(StrictModel):
    title: str
    url: str | None = None
    date: dt.date | None = None


class EvidenceItem(StrictModel):
    indicator: str
    text: str
    level: int
    level_label: str
    confidence: str | None
    trend: str | None
    evidence: str
    sources: list[SourceLine]


class DriverSection(StrictModel):
    """A risk factor that drives the result, with the evidence behind its strongest indicators."""

    risk_factor: int
    title: str
    score: float | None
    level: str
    coverage: float
    reliability: float
    indicators: list[EvidenceItem]


class CitedText(StrictModel):
    meeting: str
    section: str
    quote: str


class Action(StrictModel):
    """A recommended response tool with why it fits and where the meetings discussed it."""

    tool_id: str
    name: str
    venue: str
    description: str
    reasons: list[str]
    citations: list[CitedText]
    cautions: list[str]


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


class AnnexRow(StrictModel):
    indicator: str
    risk_factor: int
    text: str
    level: str
    confidence: str
    trend: str
    evidence: str
    sources: str


class Briefing(StrictModel):
    title: str
    marking: Marking
    generated_at: dt.datetime
    situation: str
    place: str = Field(description="country and area, as far as known")
    assessed_on: dt.date
    analyst: str
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
    trend: list[TrendPoint]
    change: ProfileChange | None
    change_summary: list[str]
    assess_next: list[str]
    drivers: list[DriverSection]
    actions_selected_by_analyst: bool
    action_groups: list[ActionGroup]
    methodology: list[str]
    annex: list[AnnexRow]
    dossier: BriefingDossier | None = None  # issue 18: the situation's dossier, review and disagreement (briefing_dossier.py)


def _fmt(score: float | None) -> str:
    return "not determined" if score is None else f"{score:.1f}"


def _level(params: ScoringParameters, level: str | None) -> str:
    return params.risk_level_label(level) if level else "not determined"


def score_text(score: float | None, low: float, high: float) -> str:
    """A score with the range it could still take, in words: "5.2, could be 3.1-8.0"."""
    if low == high:
        return _fmt(score)
    return f"{_fmt(score)}, could be {low:.1f}-{high:.1f}"


def _figure(label: str, result, params: ScoringParameters) -> Figure:
    return Figure(label=label, level=_level(params, result.level), score=result.score, range=result.range,
                  determined=result.determined, score_text=score_text(result.score, *result.range), reliability=result.reliability)


def status_note(params: ScoringParameters) -> str:
    borrowed = [s for s in params.statuses if s.borrowed_from]
    names = ", ".join(s.label for s in borrowed)
    return (f"The status labels {names} are the categories of the Global Centre for the Responsibility to Protect's "
            f"{borrowed[0].borrowed_from}; r2p-risk assigns them by its own documented rules, and adds "
            f"{params.status_label('monitoring')} and {params.status_label('insufficient_evidence')}.")


MODEL_NOTE = ("Every figure here is r2p-risk's own scoring model applied to the UN Framework of Analysis for Atrocity "
              "Crimes, not the UN's: the Framework prescribes no numbers. Each score comes with the range it could still "
              "take while indicators are unassessed.")


def _change_summary(change: ProfileChange | None, params: ScoringParameters) -> list[str]:
    if change is None:
        return ["This is the first assessment of this situation."]
    lines = [f"Since the assessment of {change.earlier_assessed_on}: status {params.status_label(change.status_before)} → "
             f"{params.status_label(change.status_after)}; overall {_fmt(change.overall_before)} → {_fmt(change.overall_after)}."]
    moved = sorted((f for f in change.risk_factors if f.delta), key=lambda f: -abs(f.delta))[:5]
    lines += [f"Risk factor {f.number} ({f.title}): {_fmt(f.before)} → {_fmt(f.after)} ({f.delta:+.1f})." for f in moved]
    lines += [f"New triggering factor: {i.indicator} {i.text}" for i in change.new_triggering_factors]
    lines.append(f"{len(change.worsened_indicators)} indicators worsened and {len(change.improved_indicators)} improved.")
    return lines


def _drivers(assessment: Assessment, profile: RiskProfile, framework: Framework, params: ScoringParameters) -> list[DriverSection]:
    """The risk factors of the strongest drivers, in order, each with its present indicators and their evidence."""
    sections: dict[int, DriverSection] = {}
    for driver in profile.drivers:
        if driver.risk_factor not in sections and len(sections) == 5:
            continue
        factor = profile.factor(driver.risk_factor)
        section = sections.setdefault(driver.risk_factor, DriverSection(
            risk_factor=factor.number, title=factor.title, score=factor.score, level=_level(params, factor.level),
            coverage=factor.coverage, reliability=factor.reliability, indicators=[]))
        rating = assessment.rating_for(driver.indicator)
        if rating is None or len(section.indicators) >= 4:
            continue
        section.indicators.append(EvidenceItem(
            indicator=driver.indicator, text=framework.indicator(driver.indicator).text, level=driver.level,
            level_label=LEVEL_LABELS[driver.level], confidence=rating.confidence, trend=rating.trend, evidence=rating.evidence,
            sources=[SourceLine(title=s.title, url=s.url, date=s.date) for s in rating.sources]))
    return list(sections.values())


def _actions(profile: RiskProfile, assessment: Assessment, recommendations: list[Recommendation], catalogue: Catalogue) -> list[ActionGroup]:
    chosen = briefing_selection(recommendations, assessment.selected_tools, catalogue)
    listed = {r.tool_id for r in chosen}
    for tool_id in assessment.selected_tools:  # selected, though the profile alone would not suggest it
        if tool_id not in listed and catalogue.has_tool(tool_id):
            tool = catalogue.tool(tool_id)
            fit = evaluate_tool(tool, profile, assessment, catalogue)
            reasons = (fit.reasons if fit else []) + ["selected by the analyst"]
            chosen.append(Recommendation(rank=0, tool_id=tool.id, name=tool.name, venue=tool.venue, policy_space=tool.policy_space,
                                         relevance=fit.relevance if fit else 0.0, stage_fit=fit.stage_fit if fit else "none",
                                         reasons=reasons, citations=tool.citations))
    groups = []
    for space, title in POLICY_SPACES.items():
        actions = []
        for rec in (r for r in chosen if r.policy_space == space):
            tool = catalogue.tool(rec.tool_id)
            actions.append(Action(
                tool_id=tool.id, name=tool.name, venue=VENUES[tool.venue], description=tool.description, reasons=rec.reasons,
                citations=[CitedText(meeting=catalogue.meeting(c.meeting).label, section=c.section, quote=c.quote) for c in tool.citations],
                cautions=[c.text for c in tool.cautions]))
        if actions:
            groups.append(ActionGroup(policy_space=space, title=title, actions=actions))
    return groups


def _methodology(profile: RiskProfile, params: ScoringParameters, catalogue: Catalogue) -> list[str]:
    versions = profile.versions
    return [
        "The UN Framework of Analysis for Atrocity Crimes (2014) prescribes no numbers. Every score here comes from "
        f"r2p-risk's own scoring model, {versions.scoring_id} version {versions.scoring_version}, applied to "
        f"{versions.framework_edition} (data {versions.framework_data_version}).",
        profile.method,
        "Coverage is the share of the Framework's official indicators that were assessed (risk factors 11-14 list only "
        "some of theirs here, so they can never be fully covered); unknown ratings are left out, never counted as absent. "
        "A range gives the lowest and highest a figure could take if every unassessed indicator were absent, resp. "
        "strongly present. A crime's risk is determined only when its specific risk factors and enough of the common ones "
        "are assessed. Reliability (0-10) falls with low coverage and low stated confidence.",
        status_note(params),
        "Risk classes: " + ", ".join(f"{c.label} below {c.below:.1f}" if c.below is not None else f"{c.label} from there on"
                                    for c in params.risk_classes) + ".",
        f"Recommended actions come from {catalogue.title} (version {catalogue.version}); each cites the meeting summary "
        "it comes from. A listed tool is one the meetings discussed, not a guarantee that it works here.",
    ]


def _annex(assessment: Assessment, framework: Framework) -> list[AnnexRow]:
    rows = []
    for rating in assessment.ratings:
        indicator = framework.indicator(rating.indicator)
        rows.append(AnnexRow(
            indicator=rating.indicator, risk_factor=indicator.risk_factor, text=indicator.text,
            level="unknown" if rating.level is None else f"{rating.level} {LEVEL_LABELS[rating.level]}",
            confidence=rating.confidence or "", trend=rating.trend or "", evidence=rating.evidence,
            sources="; ".join(s.title + (f" ({s.url})" if s.url else "") for s in rating.sources)))
    for rating in assessment.risk_factor_ratings:
        rows.append(AnnexRow(
            indicator=f"RF {rating.risk_factor}", risk_factor=rating.risk_factor, text="risk factor rated as a whole",
            level="unknown" if rating.level is None else f"{rating.level} {LEVEL_LABELS[rating.level]}",
            confidence=rating.confidence or "", trend=rating.trend or "", evidence=rating.evidence,
            sources="; ".join(s.title for s in rating.sources)))
    return sorted(rows, key=lambda r: (r.risk_factor, r.indicator.startswith("RF"), [int(p) for p in r.indicator.split(".")] if "." in r.indicator else []))


def build_briefing(
    situation: Situation, assessment: Assessment, profile: RiskProfile,
    history: list[tuple[Assessment, RiskProfile]], recommendations: list[Recommendation],
    catalogue: Catalogue, framework: Framework, params: ScoringParameters, marking: str, generated_at: dt.datetime,
) -> Briefing:
    """Everything a Focal Point's briefing says about one assessment.

    `history` holds the situation's other assessments with their profiles; the latest one before
    this assessment is the one "what changed" compares with, and all of them make the trend.
    """
    earlier = sorted((h for h in history if h[0].assessed_on <= assessment.assessed_on and (h[0].id is None or h[0].id != assessment.id)),
                     key=lambda h: (h[0].assessed_on, h[0].revision or 0))
    change = compare_assessments(earlier[-1][0], earlier[-1][1], assessment, profile, framework) if earlier else None
    points = sorted([*earlier, (assessment, profile)], key=lambda h: h[0].assessed_on)
    versions = profile.versions
    place = ", ".join(p for p in (situation.area, country_name(situation.country)) if p) or "no country set"
    return Briefing(
        title=f"Atrocity risk briefing: {situation.name}", marking=marking, generated_at=generated_at,
        situation=situation.name, place=place, assessed_on=assessment.assessed_on, analyst=assessment.analyst,
        assessment_status=assessment.status,
        versions=f"{framework.title} ({versions.framework_edition}) · scoring model {versions.scoring_version} · tool catalogue {catalogue.version}",
        key_judgements=assessment.key_judgements or "(no key judgements recorded)",
        status=profile.status.title + (" (provisional)" if profile.status.provisional else ""),
        status_provisional=profile.status.provisional, status_reasons=[r.text for r in profile.status.reasons],
        status_note=status_note(params), model_note=MODEL_NOTE,
        overall=_figure("Overall", profile.overall, params),
        crimes=[_figure(params.crime_label(c), r, params) for c, r in profile.crimes.items()],
        coverage=profile.coverage, reliability=profile.reliability,
        coverage_line=(f"{profile.assessed_indicators} of the Framework's {profile.official_indicators} indicators assessed "
                       f"({profile.coverage:.0%}); overall reliability {profile.reliability:.1f} of 10."),
        factor_bars=[FactorBar(number=f.number, title=f.title, group=f.group, score=f.score, low=f.range[0], high=f.range[1],
                               coverage=f.coverage)
                     for f in profile.risk_factors.values()],
        class_thresholds=[c.below for c in params.risk_classes if c.below is not None],
        trend=[TrendPoint(assessed_on=a.assessed_on, overall=p.overall.score, low=p.overall.range[0], high=p.overall.range[1],
                          status=p.status.title) for a, p in points] if len(points) > 1 else [],
        change=change, change_summary=_change_summary(change, params),
        assess_next=[f"{n.indicator} {n.text} ({n.why.text})" for n in profile.assess_next],
        drivers=_drivers(assessment, profile, framework, params),
        actions_selected_by_analyst=bool(assessment.selected_tools),
        action_groups=_actions(profile, assessment, recommendations, catalogue),
        methodology=_methodology(profile, params, catalogue),
        annex=_annex(assessment, framework),
    )


def briefing_for(
    situation: Situation, assessment: Assessment, others: list[Assessment], framework: Framework, params: ScoringParameters,
    catalogue: Catalogue, marking: str, generated_at: dt.datetime, vocabulary=None,
) -> Briefing:
    """Score the assessment and the situation's other assessments, recommend tools, build the briefing;
    with the dossier vocabulary (frameworks/dossier.yaml), the dossier section too."""
    profile = score_assessment(assessment, framework, params)
    history = [(a, score_assessment(a, framework, params)) for a in others if a is not assessment]
    recommendations = recommend_tools(profile, assessment, catalogue)
    briefing = build_briefing(situation, assessment, profile, history, recommendations, catalogue, framework, params, marking, generated_at)
    if vocabulary is None:
        return briefing
    return briefing.model_copy(update={"dossier": dossier_section(assessment, vocabulary, generated_at.date())})
