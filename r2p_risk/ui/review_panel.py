"""The parts of the Review screen: the state and its steps, the comments with resolve, a new comment, the cadence.

Every step is taken by the package (`Database.as_user`), which checks the role and the four-eyes
rule again whatever the buttons show; a refusal is shown in words.
"""

from __future__ import annotations

import streamlit as st

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.consensus import record_summary
from r2p_risk.errors import R2PError
from r2p_risk.ui import identity, services, state
from r2p_risk.ui.feedback import plain, show_error

PICK_SITUATION, PICK_ASSESSMENT = "review_situation", "review_assessment"


def choose() -> tuple[Situation, Assessment] | None:
    """A situation and one of its saved assessments (the one being edited by default)."""
    database = services.database()
    situations = {s.id: s for s in database.list_situations() if s.id is not None}
    if not situations:
        st.info("No situations yet: add one on the Situations screen.")
        return None
    ids = list(situations)
    current = st.session_state.get(state.SITUATION)
    left, right = st.columns(2)
    situation_id = left.selectbox(
        "Situation",
        ids,
        format_func=lambda i: situations[i].name,
        key=PICK_SITUATION,
        index=ids.index(current) if current in ids else 0,
    )
    assessments = database.list_assessments(situation_id)[::-1]
    if not assessments:
        st.info("This situation has no saved assessment yet.")
        return None
    states = services.vocabulary().labels("review_states")
    labels = {
        a.id: f"{a.assessed_on} · {a.analyst} · {states[a.review.state]} · revision {a.revision}"
        for a in assessments
        if a.id is not None
    }
    session = state.editing()
    edited, options = session.assessment.id if session is not None else None, list(labels)
    chosen = right.selectbox(
        "Assessment",
        options,
        format_func=labels.__getitem__,
        key=PICK_ASSESSMENT,
        index=options.index(edited) if edited is not None and edited in labels else 0,
    )
    return situations[situation_id], next(a for a in assessments if a.id == chosen)


def saved_id(assessment: Assessment) -> str:
    """The id of the assessment reviewed: the screen offers saved assessments only (`choose`), each with its id."""
    if assessment.id is None:
        raise RuntimeError("the Review screen was given an assessment that was never saved")
    return assessment.id


def _step(run, message: str) -> None:
    try:
        run()
    except R2PError as error:
        show_error(error)
        return
    state.flash(message)
    st.rerun()


def summary(assessment: Assessment) -> None:
    vocabulary, review = services.vocabulary(), assessment.review
    term = vocabulary.term("review_states", review.state)
    st.markdown(f"**{term.label}**: {term.description}")
    facts = [
        review.last_editor and f"last edited by {review.last_editor}",
        review.submitted_by and f"submitted by {review.submitted_by}",
        review.reviewer and f"reviewed by {review.reviewer}",
        review.signed_off_on and f"last signed off on {review.signed_off_on}",
    ]
    st.caption(plain(" · ".join(f for f in facts if f) or "not reviewed yet"))
    if assessment.consensus is not None:
        st.info(f"Reconciled from independent ratings: {plain(record_summary(assessment.consensus))}.")
    session = state.editing()
    if session is not None and session.assessment.id == assessment.id and session.dirty:
        st.warning(
            "You have unsaved changes of this assessment: what is reviewed is the saved revision. Save them first."
        )


def steps(assessment: Assessment) -> None:
    """Submit, sign off, return: each shown to those who may take it, with the reason when it cannot be taken now."""
    database, review, who, assessment_id = services.database(), assessment.review, state.analyst(), saved_id(assessment)
    left, middle, right = st.columns(3)
    submittable = identity.allowed("review.submit") and review.state in ("draft", "returned")
    if submittable and left.button("Submit for review", key=state.REVIEW_SUBMIT, type="primary"):
        _step(lambda: database.submit_for_review(assessment_id, who), "Submitted for review.")
    if not identity.allowed("assessment.review") or review.state == "final":
        return
    blockers = database.review_blockers(assessment, who)
    if middle.button(
        "Sign off as final",
        key=state.REVIEW_SIGN_OFF,
        type="primary",
        disabled=bool(blockers),
        help="; ".join(p.message for p in blockers) or None,
    ):
        _step(lambda: database.sign_off(assessment_id, who), "Signed off: the assessment is final.")
    if blockers:
        middle.caption(plain("Cannot sign off now: " + "; ".join(p.message for p in blockers)))
    if review.state == "in_review" and right.button(
        "Return with comments",
        key=state.REVIEW_RETURN,
        disabled=not review.open_comments(),
        help=None if review.open_comments() else "add a comment saying what to change first",
    ):
        _step(lambda: database.return_assessment(assessment_id, who), "Returned to its editors with the open comments.")


def _target_label(on: str, target: str, framework) -> str:
    if on == "indicator":
        return (
            f"indicator {target}: {framework.indicator(target).text}"
            if framework.has_indicator(target)
            else f"indicator {target}"
        )
    if on == "risk_factor":
        return (
            f"risk factor {target}: {framework.risk_factor(int(target)).title}"
            if target.isdigit() and framework.has_risk_factor(int(target))
            else f"risk factor {target}"
        )
    sections = services.vocabulary().labels("dossier_sections")
    return f"the dossier, {sections[target].lower()}" if target in sections else "the dossier"


def comments(assessment: Assessment) -> None:
    framework, database, assessment_id = services.model().framework, services.database(), saved_id(assessment)
    open_count = len(assessment.review.open_comments())
    st.subheader(f"Comments ({open_count} open of {len(assessment.review.comments)})")
    if not assessment.review.comments:
        st.caption("No comments yet.")
    for comment in assessment.review.comments:
        left, right = st.columns([9, 2], vertical_alignment="center")
        status = f"resolved by {comment.resolved_by}" if comment.resolved else "open"
        left.markdown(
            f"**On {plain(_target_label(comment.on, comment.target, framework))}** · {plain(comment.author)}, "
            f"{comment.at:%Y-%m-%d %H:%M} UTC · {status}"
        )
        left.text(comment.text)
        if (
            not comment.resolved
            and identity.allowed("review.comment")
            and right.button("Resolve", key=state.review_resolve_key(comment.id))
        ):
            _step(
                lambda c=comment: database.resolve_review_comment(assessment_id, c.id, state.analyst()),
                "Comment resolved.",
            )


def new_comment(assessment: Assessment) -> None:
    if not identity.allowed("review.comment"):
        return
    framework, vocabulary, assessment_id = services.model().framework, services.vocabulary(), saved_id(assessment)
    targets = vocabulary.labels("comment_targets")
    on = st.radio("Comment on", list(targets), format_func=targets.get, horizontal=True, key=state.REVIEW_COMMENT_ON)
    if on == "indicator":
        options = framework.indicator_ids
        label = lambda i: f"{i} {framework.indicator(i).text[:80]}"  # noqa: E731
    elif on == "risk_factor":
        options = [str(rf.number) for rf in framework.risk_factors]
        label = lambda n: f"{n}. {framework.risk_factor(int(n)).title}"  # noqa: E731
    else:
        sections = vocabulary.labels("dossier_sections")
        options, label = ["", *sections], lambda s: sections.get(s, "the dossier as a whole")
    target = st.selectbox("Which", options, format_func=label, key=state.review_comment_target_key(on))
    text = st.text_area("Comment", key=state.REVIEW_COMMENT_TEXT, max_chars=5_000, height=90)
    if st.button("Add the comment", key=state.REVIEW_COMMENT_ADD):
        _step(
            lambda: services.database().add_review_comment(assessment_id, on, target, text.strip(), state.analyst()),
            "Comment added.",
        )


def cadence(situation: Situation) -> None:
    with st.expander(f"Review cadence: every {situation.review_every_months} months"):
        st.caption(
            'The watch list and Compare say "review due" this long after the last sign-off (the R2P Monitor is updated '
            "about every 4 months)."
        )
        months = st.number_input(
            "Review every (months)",
            min_value=1,
            max_value=36,
            value=situation.review_every_months,
            step=1,
            key="review_cadence",
        )
        if identity.allowed("situation.update") and st.button("Save the cadence", key="review_cadence_save"):
            _step(
                lambda: services.database().update_situation(
                    situation.model_copy(update={"review_every_months": int(months)}), state.analyst()
                ),
                f"The review of {situation.name} is due every {months} months.",
            )
