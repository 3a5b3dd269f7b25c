"""The sidebar every page shares: who is working (the typed name, or the signed-in user), and what is being edited."""

from __future__ import annotations

import logging

import streamlit as st

from r2p_risk.errors import StorageError
from r2p_risk.logs import problem_codes
from r2p_risk.ui import drafts, identity, services, state
from r2p_risk.ui.feedback import plain, show_error, unreachable

log = logging.getLogger(__name__)


def resume_from_link() -> None:
    """A fresh session (a reload, a bookmark) with ?assessment=ID or ?draft=ID opens that again, offering the user's
    unsaved draft first when there is one."""
    if state.editing() is not None or st.session_state.get(state.DRAFT_OFFER) is not None:
        return
    if not (st.query_params.get("assessment") or st.query_params.get("draft")):
        return
    try:
        drafts.resume(st.query_params)
    except StorageError as error:
        if unreachable(error):  # the link stays: it works again when the database does
            show_error(error)
            return
        st.query_params.pop("assessment", None)
        st.query_params.pop("draft", None)
        log.info("refused: a link to an assessment that is not there for this user (%s)", problem_codes(error.problems))
        st.warning("The assessment in the link no longer exists or was deleted.")


def signed_in() -> None:
    """Local mode: the name recorded with every save. Team mode: who is signed in, their role, and signing out."""
    user = identity.current_user()
    if user.local:
        if state.ANALYST_NAME not in st.session_state:  # a new session: the name typed last time on this machine
            st.session_state[state.ANALYST_NAME] = drafts.remembered_name()
        st.text_input(
            "Your name (recorded with every save)",
            value=state.analyst(),
            key=state.ANALYST,
            max_chars=200,
            on_change=state.remember_analyst,
        )
        return
    st.markdown(f"Signed in as **{plain(user.name or user.identity)}**")
    st.caption(
        plain(f"{user.identity} · role: {user.role}" + (f" · groups: {', '.join(user.groups)}" if user.groups else ""))
    )
    if services.settings().auth == "oidc":
        st.button("Sign out", key=state.SIGN_OUT, on_click=st.logout)


def show() -> None:
    resume_from_link()
    if state.editing() is not None:  # a page switch brings the Assess tables' last edits: into the draft before they go
        from r2p_risk.ui.workspace import take_table_edits

        take_table_edits(services.model().framework)
    with st.sidebar:
        signed_in()
        editing()
        where = (
            "runs on this machine only and sends nothing anywhere"
            if identity.current_user().local
            else "sends nothing outside this deployment"
        )
        st.caption(
            f"r2p-risk {where}. Scores are r2p-risk's own model; the UN Framework of Analysis prescribes no numbers."
        )


def editing() -> None:
    """What is being edited; an edit of a situation this user may no longer see is dropped."""
    session = state.editing()
    if session is None:
        return
    try:
        situation = services.database().get_situation(session.situation_id, include_deleted=True)
    except StorageError as error:
        if unreachable(error):  # a passing outage must not lose the edit: it stays, and can be saved or downloaded
            st.caption("Editing")
            st.text(f"{session.assessment.assessed_on} · unsaved changes (the database cannot be reached)")
            return
        state.stop_editing()
        st.warning("The situation being edited is no longer available to you; the edit was closed.")
        return
    st.caption("Editing")
    st.text(
        f"{situation.name}\n{session.assessment.assessed_on} · revision {session.base_revision or 'new'}"
        + (" · unsaved changes" if session.dirty else "")
    )
