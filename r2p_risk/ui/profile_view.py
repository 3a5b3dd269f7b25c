"""The parts of the Risk profile screen, each explaining the numbers it shows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from r2p_risk.assessment import Assessment
from r2p_risk.compare import ProfileChange
from r2p_risk.parameters import ScoringParameters
from r2p_risk.profile import RiskProfile
from r2p_risk.ui.choose import Chosen
from r2p_risk.ui.feedback import plain

CRIME_TITLES = {"genocide": "Genocide", "crimes_against_humanity": "Crimes against humanity", "war_crimes": "War crimes"}
FACTOR_COLUMNS = {
    "score": st.column_config.NumberColumn("Score (0-10)", format="%.1f"),
    "coverage": st.column_config.ProgressColumn("Coverage", min_value=0.0, max_value=1.0, format="percent"),
    "reliability": st.column_config.NumberColumn("Reliability (0-10)", format="%.1f"),
}


def _fmt(score: float | None) -> str:
    return "not assessed" if score is None else f"{score:.1f}"


def headline(chosen: Chosen, profile: RiskProfile, params: ScoringParameters) -> None:
    assessment = chosen.assessment
    st.caption(plain(f"{chosen.situation.name} · assessed on {assessment.assessed_on} by {assessment.analyst} · {assessment.status}"))
    columns = st.columns([3, 2, 2, 1])
    columns[0].metric("Status", profile.status.title)
    columns[1].metric("Overall risk", params.risk_level_label(profile.overall.level) if profile.overall.level else "—",
                      help=f"score {_fmt(profile.overall.score)} of 10")
    columns[2].metric("Reliability", f"{profile.reliability:.1f} of 10", help="falls with low coverage and low confidence")
    columns[3].metric("Coverage", f"{profile.coverage:.0%}", help="share of listed indicators assessed")
    st.markdown("**Why this status**")
    for reason in profile.status.reasons:
        st.text("• " + reason.text)
    if assessment.key_judgements:
        st.markdown("**Key judgements**")
        st.text(assessment.key_judgements)


def crimes(profile: RiskProfile, params: ScoringParameters) -> None:
    st.subheader("Risk of each crime")
    columns = st.columns(len(profile.crimes))
    for column, (crime, result) in zip(columns, profile.crimes.items()):
        level = params.risk_level_label(result.level) if result.level else "—"
        column.metric(CRIME_TITLES[crime], level, help=f"score {_fmt(result.score)} of 10, reliability {result.reliability:.1f}")
        column.caption(f"score {_fmt(result.score)} · reliability {result.reliability:.1f}")
        with column.expander("Why"):
            for reason in result.reasons:
                st.text(reason.text)


def factor_frame(profile: RiskProfile) -> pd.DataFrame:
    return pd.DataFrame([
        {"RF": f.number, "risk factor": f.title, "score": f.score, "class": f.level or "—", "coverage": f.coverage,
         "reliability": f.reliability, "rated": f"{f.assessed_indicators}/{f.listed_indicators}",
         "list complete": "yes" if f.indicators_complete else "no (rate as a whole)"}
        for f in profile.risk_factors.values()
    ])


def drivers(profile: RiskProfile, assessment: Assessment) -> None:
    st.subheader("What drives the result")
    if not profile.drivers:
        st.caption("No indicator is rated present yet.")
        return
    rows = []
    for driver in profile.drivers[:12]:
        rating = assessment.rating_for(driver.indicator)
        rows.append({"indicator": driver.indicator, "text": driver.text, "level": driver.level, "points": driver.points,
                     "evidence": (rating.evidence if rating else "")[:300],
                     "sources": len(rating.sources) if rating else 0})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def changes(change: ProfileChange) -> None:
    delta = change.overall_delta
    st.text(f"From {change.earlier_assessed_on} to {change.later_assessed_on}: status {change.status_before} → "
            f"{change.status_after}; overall {_fmt(change.overall_before)} → {_fmt(change.overall_after)}"
            + ("" if delta is None else f" ({delta:+.1f})"))
    for title, items in (("Worsened indicators", change.worsened_indicators), ("Newly present triggering factors", change.new_triggering_factors),
                         ("Improved indicators", change.improved_indicators)):
        if items:
            st.markdown(f"**{title}**")
            st.dataframe(pd.DataFrame([{"indicator": i.indicator, "text": i.text, "before": i.before, "after": i.after} for i in items]),
                         hide_index=True, width="stretch")
