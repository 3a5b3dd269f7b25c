"""Sentences the screens, the briefing and the one-page brief share, so that each is written once.

Every figure r2p-risk prints is its own model's, applied to the UN Framework of Analysis: these
notes say so beside the figures, attribute the borrowed status labels, mark indicator texts as
paraphrases, and state where the indicator lists are incomplete.
"""

from __future__ import annotations

from r2p_risk.compare import ProfileChange
from r2p_risk.framework import Framework, Indicator
from r2p_risk.parameters import ScoringParameters, change_figure, score_figure
from r2p_risk.reasons import listing

MODEL_LINE = (
    "Figures: r2p-risk's own model applied to the UN Framework of Analysis for Atrocity Crimes (2014), not the UN's."
)
MODEL_NOTE = (
    "Every figure here is r2p-risk's own scoring model applied to the UN Framework of Analysis for Atrocity "
    "Crimes, not the UN's: the Framework prescribes no numbers. Each score comes with the range it could still "
    "take while indicators are unassessed."
)
PARAPHRASE_NOTE = (
    "Indicator texts marked ≈ are r2p-risk's paraphrases of the Framework's indicators, not its wording; the "
    "numbering and the risk-factor titles are the Framework's own. ≈? marks a paraphrase whose wording is not "
    "yet checked against the official text."
)


def fmt(score: float | None) -> str:
    return score_figure(score)


def score_text(score: float | None, low: float, high: float) -> str:
    """A score with the range it could still take, in words: "5.2, could be 3.1-8.0"."""
    if low == high:
        return fmt(score)
    return f"{fmt(score)}, could be {fmt(low)}-{fmt(high)}"


def status_note(params: ScoringParameters) -> str:
    borrowed = [s for s in params.statuses if s.borrowed_from]
    names = listing([s.label for s in borrowed])
    return (
        f"The status labels {names} are the categories of the Global Centre for the Responsibility to Protect's "
        f"{borrowed[0].borrowed_from}; r2p-risk assigns them by its own documented rules, and adds "
        f"{params.status_label('monitoring')} and {params.status_label('insufficient_evidence')}."
    )


def status_source(label: str, params: ScoringParameters) -> str:
    """Where one status label comes from, in a short clause."""
    status = next(s for s in params.statuses if s.label == label or s.status == label)
    if status.borrowed_from:
        return f"a category of the Global Centre for R2P's {status.borrowed_from}, assigned by r2p-risk's own rules"
    return "r2p-risk's own category"


def marked_text(indicator: Indicator) -> str:
    """The indicator's text marked as a paraphrase: ≈, or ≈? while its wording is unconfirmed."""
    return ("≈ " if indicator.wording_check == "checked" else "≈? ") + indicator.text


def incomplete_note(framework: Framework) -> str:
    """Which risk factors list only some of their official indicators, and what that means for the figures."""
    partial = [rf for rf in framework.risk_factors if not rf.indicators_complete]
    if not partial:
        return ""
    listed = sum(len(rf.indicators) for rf in partial)
    counted = sum(framework.counted_indicators(rf.number) for rf in partial)
    numbers = listing([str(rf.number) for rf in partial])
    return (
        f"The indicator lists of risk factors {numbers} are incomplete: r2p-risk lists {listed} of their {counted:g} "
        "official indicators, whose text could not be obtained. Their coverage counts the unlisted ones as unassessed, "
        "so their ranges stay open, and analysts can rate these risk factors as a whole."
    )


def change_lines(change: ProfileChange | None, params: ScoringParameters, factors: int = 5) -> list[str]:
    """What changed since the previous assessment, in sentences, the largest moves first."""
    if change is None:
        return ["This is the first assessment of this situation."]
    before, after = params.status_label(change.status_before), params.status_label(change.status_after)
    status = f"status unchanged ({after})" if before == after else f"status {before} → {after}"
    lines = [
        f"Since the assessment of {change.earlier_assessed_on}: {status}; overall score {fmt(change.overall_before)} → "
        f"{fmt(change.overall_after)}."
    ]
    moved = sorted(((f, f.delta) for f in change.risk_factors if f.delta), key=lambda pair: -abs(pair[1]))[:factors]
    lines += [
        f"Risk factor {f.number} ({f.title}): {fmt(f.before)} → {fmt(f.after)} ({change_figure(f.before, f.after)})."
        for f, _delta in moved
    ]
    lines += [f"New triggering factor: {i.indicator} {i.text}" for i in change.new_triggering_factors]
    lines.append(
        f"{len(change.worsened_indicators)} indicators worsened and {len(change.improved_indicators)} improved."
    )
    return lines
