"""The parts of the Risk profile screen, each explaining the numbers it shows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from r2p_risk.assessment import LEVEL_LABELS, Assessment
from r2p_risk.compare import ProfileChange
from r2p_risk.parameters import ScoringParameters, change_figure, score_figure
from r2p_risk.profile import RiskProfile
from r2p_risk.report import MODEL_NOTE, score_text, status_note
from r2p_risk.ui.choose import Chosen
from r2p_risk.ui.feedback import plain

FACTOR_COLUMNS = {
    "score": st.column_config.TextColumn(
        "Score (0-10)",
        alignment="right",
        help="r2p-risk's model, one decimal, cut (6.47 shows as 6.4), so the class beside it always matches",
    ),
    "coverage": st.column_config.ProgressColumn("Coverage", min_value=0.0, max_value=1.0, format="percent"),
    "reliability": st.column_config.TextColumn("Reliability (0-10)", alignment="right"),
}


def reading_table(rows: list[dict]) -> None:
    """Rows to read, never sorted or edited, as a static HTML table: the full text wrapped, read by screen readers as a
    table, and no grid to load (a screen's first grid costs its first visit about half a bare page's time). Its cells
    are Markdown: every text is escaped (`plain`), numbers stay numbers."""
    st.table(
        pd.DataFrame([{k: plain(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]),
        hide_index=True,
        border="horizontal",
    )


def level_label(level: int | None) -> str:
    return "not rated" if level is None else f"{level} · {LEVEL_LABELS[level]}"


def _fmt(score: float | None) -> str:
    return score_figure(score)


def headline(chosen: Chosen, profile: RiskProfile, params: ScoringParameters) -> None:
    assessment = chosen.assessment
    st.caption(
        plain(
            f"{chosen.situation.name} · assessed on {assessment.assessed_on} "
            f"by {assessment.analyst} · {assessment.status}"
        )
    )
    columns = st.columns([3, 2, 2, 2])
    status = profile.status.title + (" (provisional)" if profile.status.provisional else "")
    columns[0].metric("Status", status, help=params.status_definition(profile.status.label).description)
    columns[1].metric(
        "Overall risk",
        params.risk_level_label(profile.overall.level),
        help=f"score {score_text(profile.overall.score, *profile.overall.range)} of 10 (r2p-risk model)",
    )
    columns[2].metric(
        "Reliability", f"{score_figure(profile.reliability)} of 10", help="falls with low coverage and low confidence"
    )
    columns[3].metric(
        "Assessed",
        f"{profile.assessed_indicators} of {profile.official_indicators}",
        help="indicators assessed, of the Framework's official ones",
    )
    st.caption(MODEL_NOTE + " " + status_note(params))
    if profile.status.provisional:
        st.warning(
            "Provisional: this alarm rests on an incomplete assessment. It is raised so that it is seen; "
            "assess what is listed under 'What to assess next' before relying on it.",
            icon="⚠️",
        )
    elif profile.status.label == params.no_alarm.undetermined:
        st.info("Not enough assessed for a verdict: an empty or thin assessment is never an all-clear.", icon="ℹ️")
    st.markdown("**Why this status**")
    for reason in profile.status.reasons:
        st.text("• " + reason.text)
    for finding in profile.findings:
        ended = f", ended {finding.ended_on}" if finding.ended_on else ""
        st.text(f"Recorded finding: {params.crime_label(finding.crime)} {finding.state}{ended}")
    if assessment.key_judgements:
        st.markdown("**Key judgements**")
        st.text(assessment.key_judgements)


def crimes(profile: RiskProfile, params: ScoringParameters) -> None:
    st.subheader("Risk of each crime")
    columns = st.columns(len(profile.crimes))
    for column, (crime, result) in zip(columns, profile.crimes.items(), strict=True):
        column.metric(
            params.crime_label(crime),
            params.risk_level_label(result.level),
            help=f"score {score_text(result.score, *result.range)} of 10, "
            f"reliability {score_figure(result.reliability)}",
        )
        column.caption(
            f"score {score_text(result.score, *result.range)} · reliability {score_figure(result.reliability)}"
        )
        with column.expander("Why"):
            for reason in result.reasons:
                st.text(reason.text)


def factor_frame(profile: RiskProfile, params: ScoringParameters) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "RF": f.number,
                "risk factor": f.title,
                "score": score_figure(f.score, "—"),
                "could be": f"{score_figure(f.range[0])}-{score_figure(f.range[1])}",
                "class": params.risk_level_label(f.level) if f.determined else "Not assessed",
                "coverage": f.coverage,
                "reliability": score_figure(f.reliability),
                "rated": f"{f.assessed_indicators} of {f.counted_indicators:g}",
                "list complete": "yes" if f.indicators_complete else "no (rate as a whole)",
            }
            for f in profile.risk_factors.values()
        ]
    )


def assess_next(profile: RiskProfile) -> None:
    st.subheader("What to assess next")
    if not profile.assess_next:
        st.caption("Every listed indicator is assessed.")
        return
    st.caption("The unassessed indicators whose rating would change this picture most.")
    reading_table(
        [{"indicator": n.indicator, "text": n.text, "why": n.why.text} for n in profile.assess_next],
    )


def drivers(profile: RiskProfile, assessment: Assessment) -> None:
    st.subheader("What drives the result")
    if not profile.drivers:
        st.caption("No indicator is rated present yet.")
        return
    rows = []
    for driver in profile.drivers[:12]:
        rating = assessment.rating_for(driver.indicator)
        rows.append(
            {
                "indicator": driver.indicator,
                "text": driver.text,
                "level": driver.level,
                "points": driver.points,
                "evidence": (rating.evidence if rating else "")[:300],
                "sources": len(rating.sources) if rating else 0,
            }
        )
    reading_table(rows)


def changes(change: ProfileChange, params: ScoringParameters) -> None:
    delta = change.overall_delta
    st.text(
        f"From {change.earlier_assessed_on} to {change.later_assessed_on}: "
        f"status {params.status_label(change.status_before)} → {params.status_label(change.status_after)}; "
        f"overall {_fmt(change.overall_before)} → {_fmt(change.overall_after)}"
        + ("" if delta is None else f" ({change_figure(change.overall_before, change.overall_after)})")
    )
    for title, items in (
        ("Worsened indicators", change.worsened_indicators),
        ("Newly present triggering factors", change.new_triggering_factors),
        ("Improved indicators", change.improved_indicators),
        ("Newly rated (not rated before: new information, not a change)", change.newly_rated_indicators),
    ):
        if items:
            st.markdown(f"**{title}**")
            reading_table(
                [
                    {
                        "indicator": i.indicator,
                        "text": i.text,
                        "before": level_label(i.before),
                        "after": level_label(i.after),
                    }
                    for i in items
                ]
            )
