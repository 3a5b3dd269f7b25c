"""The parts of the Consensus screen.

Rounds of independent ratings, one's own rating, the consensus view, reconciling.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from r2p_risk import consensus as views
from r2p_risk.errors import R2PError
from r2p_risk.reconcile import reconcile
from r2p_risk.resources import pages_dir
from r2p_risk.rounds import RatingRound
from r2p_risk.ui import identity, services, state
from r2p_risk.ui.feedback import plain, show_error

ASSESS_PAGE = pages_dir() / "assess.py"
PICK_SITUATION, PICK_ROUND, ONLY_DIVERGENT = "consensus_situation", "consensus_round", "consensus_only_divergent"


def viewer() -> str:
    """Who is rating: the signed-in identity in a team, the name typed in the sidebar in single-user mode."""
    user = identity.current_user()
    return (state.analyst() or user.name or user.identity) if user.local else user.identity


def choose_situation() -> str | None:
    situations = {s.id: s.name for s in services.database().list_situations() if s.id is not None}
    if not situations:
        st.info("No situations yet: add one on the Situations screen.")
        return None
    ids, current = list(situations), st.session_state.get(state.SITUATION)
    return st.selectbox(
        "Situation",
        ids,
        format_func=situations.__getitem__,
        key=PICK_SITUATION,
        index=ids.index(current) if current in ids else 0,
    )


def round_label(found: RatingRound) -> str:
    done = "reconciled" if found.state == "reconciled" else "open"
    return (
        f"{found.assessed_on} · lead {found.lead} · {done} · {len(found.submitted)} of {len(found.members)} submitted"
    )


def choose_round(situation_id: str) -> RatingRound | None:
    rounds = {r.id: r for r in services.database().list_rounds(situation_id)}
    with st.expander("Open a new round", expanded=not rounds):
        st.caption(
            "Several analysts rate the situation for one date, each on their own; nobody sees another's ratings "
            "before submitting their own. You lead the round and reconcile it."
        )
        day = st.date_input("Assessment date", value=dt.date.today(), key="consensus_round_date")
        if identity.allowed("round.open") and st.button("Open a round", key=state.CONSENSUS_OPEN):
            act(
                lambda: services.database().open_round(situation_id, day, state.analyst()), f"Opened a round for {day}."
            )
    if not rounds:
        return None
    chosen = st.selectbox("Round", list(rounds), format_func=lambda i: round_label(rounds[i]), key=PICK_ROUND)
    return rounds[chosen]


def act(run, message: str):
    try:
        result = run()
    except R2PError as error:
        show_error(error)
        return None
    state.flash(message)
    st.rerun()
    return result


def open_in_assess(situation_id: str, assessment) -> None:
    state.start_editing(situation_id, assessment)
    st.switch_page(ASSESS_PAGE)


def members(found: RatingRound) -> None:
    st.markdown(
        "**Analysts**: "
        + (
            ", ".join(f"{plain(m.analyst)} ({'submitted' if m.submitted else 'rating'})" for m in found.members)
            or "nobody has started rating yet"
        )
    )


def my_rating(found: RatingRound) -> None:
    """Start, continue or submit this user's independent rating."""
    if found.state != "open" or not identity.allowed("round.rate"):
        return
    database, mine = services.database(), found.member(viewer())
    left, right = st.columns(2)
    if mine is None:
        if left.button("Rate independently", key=state.CONSENSUS_JOIN, type="primary"):
            open_in_assess(found.situation_id, database.join_round(found.id, state.analyst()))
        return
    if mine.submitted:
        left.caption("You submitted your rating.")
        return
    if left.button("Continue my rating on Assess", key="consensus_continue"):
        open_in_assess(found.situation_id, database.load_assessment(mine.assessment_id))
    session = state.editing()
    unsaved = session is not None and session.assessment.id == mine.assessment_id and session.dirty
    if right.button(
        "Submit my rating",
        key=state.CONSENSUS_SUBMIT,
        type="primary",
        disabled=unsaved,
        help="save your changes on Assess first" if unsaved else "it is frozen once submitted",
    ):
        act(
            lambda: database.submit_rating(found.id, state.analyst()),
            "Submitted: your rating is frozen, and you see the others' once submitted.",
        )


def view(found: RatingRound) -> None:
    """The consensus of the submitted ratings this user may see."""
    model = services.model()
    visible = [(m, a) for m, a in services.database().round_ratings(found.id, state.analyst()) if m.submitted]
    mine = found.member(viewer())
    if mine is not None and not mine.submitted:
        st.info(
            f"{len(found.submitted)} analyst(s) submitted. "
            "You see their ratings once you submit yours: blind until then."
        )
        return
    if len(visible) < 2:
        st.info("The consensus view appears once two analysts have submitted their ratings.")
        return
    names = views.unique_names([a.analyst for _, a in visible])
    result = views.build_consensus(
        list(zip(names, (a for _, a in visible), strict=True)), model.framework, model.params
    )
    st.markdown(f"**{plain(result.summary)}** (two levels or more apart)")
    st.caption(
        "Beside each analyst's risk factor score, model 2.0's range: what the score could still be while "
        "indicators are unassessed. The spread between analysts is the other uncertainty: of judgement. "
        "Scores are r2p-risk's own model."
    )
    st.dataframe(
        pd.DataFrame(views.analyst_rows(result, model.params)),
        hide_index=True,
        width="stretch",
        key="consensus_analysts",
    )
    st.dataframe(pd.DataFrame(views.factor_rows(result)), hide_index=True, width="stretch", key="consensus_factors")
    only = st.checkbox(
        "Only the indicators where analysts diverge by two levels or more", value=True, key=ONLY_DIVERGENT
    )
    rows = views.indicator_rows(result, model.framework, only)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="consensus_indicators")
    else:
        st.caption("None." if only else "No indicator rated yet.")
    reconcile_button(found, visible)


def reconcile_button(found: RatingRound, visible) -> None:
    user = identity.current_user()
    if found.state != "open" or not (viewer() == found.lead or (user.role == "admin" and not user.local)):
        return
    st.caption(
        "Reconciling makes one draft assessment of the submitted ratings: per indicator the median level "
        "(the higher middle one when even), the lowest confidence stated, everyone's evidence; "
        "each analyst's levels are kept with it."
    )
    if st.button("Reconcile into one assessment", key=state.CONSENSUS_RECONCILE, type="primary"):
        database = services.database()
        try:
            made = database.reconcile_round(
                found.id, lambda r, sub, latest: reconcile(r, sub, latest, state.analyst() or None), state.analyst()
            )
        except R2PError as error:
            show_error(error)
            return
        state.flash("Reconciled: edit the assessment, then submit it for review.")
        open_in_assess(found.situation_id, made)


def reconciled(found: RatingRound) -> None:
    if found.state != "reconciled" or found.reconciled_assessment_id is None:
        return
    st.success("This round was reconciled into one assessment.")
    if st.button("Open the reconciled assessment", key="consensus_open_result"):
        open_in_assess(found.situation_id, services.database().load_assessment(found.reconciled_assessment_id))
