"""The dossier part of the briefing: who is at risk, from whom, when to watch, the review and the analysts'
disagreement.

Pure: built from the assessment, the labels of frameworks/dossier.yaml and the day the briefing is made
(for "in 12 days"). Every text is in words; the exporters lay out `title` and `blocks` the same way.
"""

from __future__ import annotations

import datetime as dt

from r2p_risk.assessment import Assessment
from r2p_risk.consensus import record_summary
from r2p_risk.models import StrictModel
from r2p_risk.schedule import in_days


class DossierBlock(StrictModel):
    title: str
    lines: list[str]


class BriefingDossier(StrictModel):
    title: str
    review: str  # "Final: signed off by ... on ...", "In review: 1 open comment"
    consensus: str | None  # "3 analysts; disagreement on 7.14 and 8.2", when reconciled from independent ratings
    blocks: list[DossierBlock]


def _ended(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _indicators(ids: list[str]) -> str:
    return f" (indicators {', '.join(ids)})" if ids else ""


def review_line(assessment: Assessment, vocabulary) -> str:
    review = assessment.review
    label = vocabulary.label("review_states", review.state)
    if review.state == "final":
        return (
            f"{label}: signed off by {review.reviewer} on {review.signed_off_on.isoformat()}"
            if review.reviewer and review.signed_off_on
            else label
        )
    open_comments = len(review.open_comments())
    return label + (f": {open_comments} open comment{'s' if open_comments != 1 else ''}" if open_comments else "")


def brief_dossier(assessment: Assessment, vocabulary, today: dt.date, most: int = 3) -> dict:
    """For the one-page brief: the populations at risk and the next triggers (a few of each), and the disagreement."""
    d = assessment.dossier
    groups = [
        f"At risk: {p.name} ({vocabulary.label('identities', p.identity).lower()}"
        + (f", in {p.where}" if p.where else "")
        + (f", {p.size}" if p.size else "")
        + ")"
        for p in d.populations_at_risk[:most]
    ]
    ahead = sorted((t for t in d.triggers if t.date >= today), key=lambda t: t.date)[:most]
    triggers = [f"Next: {t.title}, {t.date.isoformat()} ({in_days(t.date, today)})" for t in ahead]
    return {
        "at_risk": groups + triggers,
        "disagreement": record_summary(assessment.consensus) if assessment.consensus else "",
    }


def dossier_section(assessment: Assessment, vocabulary, today: dt.date) -> BriefingDossier:
    d = assessment.dossier
    labels, blocks = vocabulary.labels("dossier_sections"), []

    def block(section: str, lines: list[str]) -> None:
        blocks.append(DossierBlock(title=labels[section], lines=lines or ["Not written yet."]))

    block(
        "populations_at_risk",
        [
            f"{p.name}: {vocabulary.label('identities', p.identity).lower()}"
            + (f", in {p.where}" if p.where else "")
            + (f", size {p.size}" if p.size else "")
            + _indicators(p.indicators)
            + (f". {p.notes}" if p.notes else "")
            for p in d.populations_at_risk
        ],
    )
    block(
        "perpetrators",
        [
            f"{p.name} ({vocabulary.label('perpetrator_kinds', p.kind)}; "
            f"{vocabulary.label('actor_roles', p.role).lower()})."
            + "".join(
                f" {label}: {_ended(value)}"
                for label, value in (
                    ("Capacity", p.capacity),
                    ("Known intent", p.intent),
                    ("Sources", "; ".join(p.sources)),
                )
                if value
            )
            for p in d.perpetrators
        ],
    )
    lines = []
    for t in sorted(d.triggers, key=lambda t: t.date):
        when = f"{t.date.isoformat()} ({in_days(t.date, today)})"
        if t.date >= today:
            lines.append(f"{when}: {t.title}{_indicators(t.indicators)}" + (f". {t.notes}" if t.notes else ""))
        else:
            lines.append(
                f"{when}: {t.title}. "
                + (f"What happened: {t.outcome}" if t.outcome else "Passed; what happened is not recorded yet.")
            )
    block("triggers", lines)
    block(
        "scenarios",
        [
            f"{label}: {d.scenario(kind)}"
            for kind, label in vocabulary.labels("scenario_kinds").items()
            if d.scenario(kind)
        ],
    )
    block("developments_to_monitor", [f"{x.text}{_indicators(x.indicators)}" for x in d.developments_to_monitor])
    for section, label in vocabulary.labels("narrative_sections").items():
        text = getattr(d.narrative, section)
        if text:
            blocks.append(DossierBlock(title=label, lines=[line for line in text.splitlines() if line.strip()]))
    return BriefingDossier(
        title="The situation's dossier",
        review=review_line(assessment, vocabulary),
        consensus=record_summary(assessment.consensus) if assessment.consensus else None,
        blocks=blocks,
    )
