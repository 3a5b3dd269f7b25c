"""The sidebar every page shares: who is working, and what is being edited."""

from __future__ import annotations

import streamlit as st

from r2p_risk.errors import StorageError
from r2p_risk.ui import services, state


def resume_from_link() -> None:
    """A fresh session (a reload, a bookmark) with ?assessment=ID opens that assessment again."""
    assessment_id = st.query_params.get("assessment")
    if state.editing() is not None or not assessment_id:
        return
    database = services.database()
    try:
        assessment = database.load_assessment(assessment_id)
        state.start_editing(database.situation_of(assessment_id), assessment)
    except StorageError:
        st.query_params.pop("assessment", None)
        st.warning("The assessment in the link no longer exists or was deleted.")


def show() -> None:
    resume_from_link()
    with st.sidebar:
        st.text_input("Your name (recorded with every save)", value=state.analyst(), key=state.ANALYST, max_chars=200,
                      on_change=state.remember_analyst)
        session = state.editing()
        if session is not None:
            situation = services.database().get_situation(session.situation_id, include_deleted=True)
            st.caption("Editing")
            st.text(f"{situation.name}\n{session.assessment.assessed_on} · revision {session.base_revision or 'new'}"
                    + (" · unsaved changes" if session.dirty else ""))
        st.caption("r2p-risk runs on this machine only and sends nothing anywhere. Scores are r2p-risk's own model; "
                   "the UN Framework of Analysis prescribes no numbers.")
