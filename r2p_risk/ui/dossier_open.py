"""What the Dossier screen does besides the sections: open an assessment's dossier, save it, seed text."""

from __future__ import annotations

import streamlit as st

from r2p_risk import dossier_editing
from r2p_risk.assessment import Assessment
from r2p_risk.resources import pages_dir
from r2p_risk.scoring import score_assessment
from r2p_risk.ui import identity, saving, services, state
from r2p_risk.ui.dossier_panel import GENERATION, change
from r2p_risk.ui.feedback import plain

OPEN_SITUATION = "dossier_open_situation"  # widget key: the situation whose latest dossier to open


def open_latest() -> Assessment | None:
    """Nothing is being edited: choose a situation and open its latest assessment (for its dossier).

    Returns it, to read.
    """
    database = services.database()
    situations = {s.id: s.name for s in database.list_situations() if s.id is not None}
    if not situations:
        st.info("No situations yet: add one on the Situations screen.")
        return None
    current = st.session_state.get(state.SITUATION)
    options = list(situations)
    chosen = st.selectbox(
        "Situation",
        options,
        format_func=situations.__getitem__,
        key=OPEN_SITUATION,
        index=options.index(current) if current in options else 0,
    )
    assessments = database.list_assessments(chosen)
    if not assessments:
        st.info(
            "This situation has no assessment yet: the dossier is written with an assessment. "
            "Start one on the Situations screen."
        )
        return None
    latest = max(assessments, key=lambda a: (a.assessed_on, a.revision or 0))
    st.caption(f"Its latest assessment: {latest.assessed_on} by {plain(latest.analyst)}, revision {latest.revision}.")
    if identity.allowed("assessment.save") and st.button(
        "Edit the dossier of this assessment", key="dossier_open", type="primary"
    ):
        state.start_editing(chosen, latest)
        st.rerun()
    return latest


def save_bar() -> None:
    session = state.current_edit()
    left, right = st.columns([1, 3])
    if not identity.allowed("assessment.save"):
        right.caption("Your role reads the dossier; writing it needs the analyst role.")
        return
    if left.button("Save", key=state.DOSSIER_SAVE, type="primary", width="stretch"):
        saving.save(session, session.base_revision)
    right.caption(
        "The dossier is part of the assessment: saving here saves the whole edit, ratings included, as a new revision."
        + (" **Unsaved changes.**" if session.dirty else "")
    )
    if st.session_state.get(state.CONFLICT) is not None:
        st.warning(
            "Not saved: somebody saved this assessment since you opened it. Your edit is kept; open the Assess screen "
            "to merge their changes with yours."
        )
        st.page_link(pages_dir() / "assess.py", label="Go to Assess")


def seed_developments() -> None:
    model = services.model()
    profile = score_assessment(state.current_edit().assessment, model.framework, model.params)
    if change(lambda a: dossier_editing.seed_developments(a, profile)):
        state.flash("Signposts added from what to assess next; edit or remove them as you see fit.")


def seed_necessary_action() -> None:
    session = state.current_edit()
    text = dossier_editing.necessary_action_from(session.assessment, services.catalogue())
    if not text:
        state.flash(
            "No response tools are chosen for this assessment yet: choose them on the Recommendations screen first."
        )
        return
    current = session.assessment.dossier.narrative.necessary_action
    if change(
        lambda a: dossier_editing.set_narrative(a, "necessary_action", f"{current}\n\n{text}" if current else text)
    ):
        st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
