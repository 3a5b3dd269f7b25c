"""The Assess workspace: one risk factor at a time, live coverage and scores, details and saving.

It runs as a fragment: a click on a rating reruns this workspace only, not the whole page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from r2p_risk import editing
from r2p_risk.errors import R2PError
from r2p_risk.framework import Framework
from r2p_risk.profile import RiskProfile
from r2p_risk.scoring import score_assessment
from r2p_risk.ui import saving, services, state
from r2p_risk.ui.feedback import plain
from r2p_risk.ui.rating import rating_controls

GROUP_SHORT = {"common": "common", "genocide": "genocide", "crimes_against_humanity": "crimes against humanity",
               "war_crimes": "war crimes"}
WORDING = {"recollection": "wording not verified against the official text", "uncertain": "wording uncertain"}


def _fmt(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"


def factor_table(profile: RiskProfile) -> pd.DataFrame:
    return pd.DataFrame([
        {"RF": f.number, "rated": f"{f.assessed_indicators}/{f.listed_indicators}"
         + (" + whole" if f.whole_factor_level is not None else ""), "score": f.score, "reliability": f.reliability,
         "risk factor": f.title}
        for f in profile.risk_factors.values()
    ])


def _step(framework: Framework, delta: int) -> None:
    numbers = [rf.number for rf in framework.risk_factors]
    current = st.session_state.get(state.FACTOR, numbers[0])
    st.session_state[state.FACTOR] = numbers[(numbers.index(current) + delta) % len(numbers)]


def _set_detail(field: str, key: str) -> None:
    session = state.editing()
    try:
        state.replace_draft(editing.set_assessment_field(session.assessment, field, st.session_state[key]))
        state.set_field_problems(key, [])
    except R2PError as error:
        state.set_field_problems(key, error.problems)


def details(session: state.EditSession) -> None:
    assessment = session.assessment
    with st.expander("Assessment details and key judgements", expanded=not assessment.key_judgements):
        left, middle, right = st.columns(3)
        for column, field, widget, kwargs in (
            (left, "assessed_on", st.date_input, {"value": assessment.assessed_on}),
            (middle, "analyst", st.text_input, {"value": assessment.analyst, "max_chars": 200}),
            (right, "status", st.radio, {"options": ["draft", "final"], "index": ["draft", "final"].index(assessment.status), "horizontal": True}),
        ):
            key = state.widget_key("assessment", field)
            with column:
                widget(field.replace("_", " ").capitalize(), key=key, on_change=_set_detail, args=(field, key), **kwargs)
        key = state.widget_key("assessment", "key_judgements")
        st.text_area("Key judgements (the bottom line, in your words)", value=assessment.key_judgements, key=key,
                     on_change=_set_detail, args=("key_judgements", key), height=120)
        for field in ("assessed_on", "analyst", "status", "key_judgements"):
            for problem in state.field_problems(state.widget_key("assessment", field)):
                st.error(f"{plain(problem.where)}: {plain(problem.message)} (this change was not kept)")


def factor_panel(framework: Framework, profile: RiskProfile, session: state.EditSession, number: int) -> None:
    factor, result = framework.risk_factor(number), profile.factor(number)
    st.subheader(f"Risk factor {number}: {factor.title}")
    st.caption(f"{framework.group_title(factor.group)} · {factor.description}")
    st.markdown(f"**Score {_fmt(result.score)}** of 10 · reliability {result.reliability:.1f} · "
                f"{result.assessed_indicators} of {result.listed_indicators} indicators rated")
    with st.expander("Why this score"):
        for reason in result.reasons:
            st.text(reason.text)
    if not factor.indicators_complete:
        st.warning("The indicator list of this risk factor is incomplete: the official text could not be obtained. "
                   "Rate what is listed and rate the risk factor as a whole below.")
    with st.container(border=True):
        st.markdown(f"**Risk factor {number} as a whole** — a holistic rating, for missing indicators or an overall judgement")
        rating_controls(("factor", number), session.assessment.factor_rating_for(number))
    for indicator in factor.indicators:
        with st.container(border=True):
            marker = f" · ⚠ {WORDING[indicator.wording_check]}" if indicator.wording_check in WORDING else ""
            st.markdown(f"**{indicator.id}** {indicator.text}")
            if marker:
                st.caption(marker.removeprefix(" · "))
            rating_controls(("indicator", indicator.id), session.assessment.rating_for(indicator.id))


@st.fragment
def workspace() -> None:
    session = state.editing()
    model = services.model()
    framework = model.framework
    profile = score_assessment(session.assessment, framework, model.params)
    top = st.columns([3, 3, 1, 1])
    top[0].progress(profile.coverage, text=f"Coverage {profile.coverage:.0%} of listed indicators"
                    + (" · unsaved changes" if session.dirty else " · saved"))
    top[1].metric("Status", profile.status.title)
    top[2].metric("Overall", _fmt(profile.overall.score), help=model.params.risk_level_label(profile.overall.level))
    top[3].metric("Reliability", f"{profile.reliability:.1f}")
    details(session)
    left, right = st.columns([2, 5])
    with left:
        numbers = [rf.number for rf in framework.risk_factors]
        st.selectbox("Risk factor", numbers, key=state.FACTOR,
                     format_func=lambda n: f"{n}. {framework.risk_factor(n).title} — {GROUP_SHORT[framework.risk_factor(n).group]}")
        previous, following = st.columns(2)
        previous.button("◀ Previous", key="factor_previous", on_click=_step, args=(framework, -1), width="stretch")
        following.button("Next ▶", key="factor_next", on_click=_step, args=(framework, 1), width="stretch")
        st.dataframe(factor_table(profile), hide_index=True, width="stretch", height=530,
                     column_config={"score": st.column_config.NumberColumn(format="%.1f"),
                                    "reliability": st.column_config.NumberColumn(format="%.1f")})
    with right:
        st.caption("Levels: 0 not present · 1 weak or isolated signs · 2 clearly present · 3 strongly present or pervasive · "
                   "Unknown is left out of the scores, never counted as 0.")
        factor_panel(framework, profile, session, st.session_state.get(state.FACTOR) or numbers[0])
    saving.save_panel(session)
