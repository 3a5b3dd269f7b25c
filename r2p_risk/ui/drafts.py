"""The edit in progress kept in the database as the user's draft, and offered back after a reload.

Every change the user commits (a table cell, a field left, a finding added) is written at once as
their draft: Streamlit sends a value when it is committed, not at every keystroke, so this is the
natural debounce, and one small write per commit is cheap (bench/storage.py measures it). A new
session (a reload, a lost connection, a server restart) that opens an assessment with a draft
different from its latest revision asks first: restore the draft, or discard it. The name typed in
the sidebar in single-user mode is remembered the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from r2p_risk.assessment import Assessment
from r2p_risk.errors import R2PError
from r2p_risk.resources import pages_dir
from r2p_risk.storage.drafts import Draft
from r2p_risk.ui import identity, services, state

NAME_SETTING = "analyst_name"


def keep(session: state.EditSession) -> None:
    """Write the edit as the user's draft; a failure is remembered and shown, the edit stays on screen."""
    if not identity.allowed("assessment.save"):
        return  # a viewer's tries are not kept: they cannot be saved either
    try:
        when = services.database().keep_draft(
            session.edit_id, session.situation_id, session.assessment, session.base_revision
        )
    except R2PError as error:
        st.session_state[state.DRAFT_KEPT] = error
        return
    st.session_state[state.DRAFT_KEPT] = when


def discard(draft_id: str) -> None:
    # a draft left behind equals the saved revision: the next open finds nothing to offer and removes it
    with contextlib.suppress(R2PError):
        services.database().discard_draft(draft_id)


def kept_note() -> str:
    """How safe the edit is, for the line under the figures."""
    kept = st.session_state.get(state.DRAFT_KEPT)
    if isinstance(kept, R2PError):
        return f"draft NOT kept in the database ({kept.summary}): save, or download the edit"
    changes = st.session_state.get(state.CHANGES, 0)
    return (
        f"draft kept {local_time(kept):%H:%M:%S}, {changes} change{'s' * (changes != 1)} since opened" if kept else ""
    )


def local_time(moment: dt.datetime) -> dt.datetime:
    """A moment in the browser's time zone (UTC when the browser does not say)."""
    try:
        zone = ZoneInfo(st.context.timezone) if st.context.timezone else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return moment.astimezone(zone)


def differs(draft: Draft, latest: Assessment | None) -> bool:
    """Whether the draft holds something its assessment's latest revision does not."""
    if latest is None:
        return True
    return draft.assessment.model_copy(update={"revision": None}) != latest.model_copy(update={"revision": None})


def open_assessment(situation_id: str, assessment: Assessment, dirty: bool = False) -> None:
    """Edit a saved or new assessment; when the user has a draft of it that differs, offer that first."""
    if assessment.id is not None:
        for draft in services.database().drafts(assessment.id):
            if differs(draft, assessment):
                state.stop_editing()
                st.session_state[state.DRAFT_OFFER] = draft
                st.query_params["assessment"] = assessment.id
                return
            discard(draft.id)  # nothing in it that is not saved
    state.start_editing(situation_id, assessment, dirty=dirty)


def restore(draft: Draft) -> None:
    state.start_editing(
        draft.situation_id, draft.assessment, dirty=True, edit_id=draft.id, base_revision=draft.base_revision
    )
    st.session_state[state.DRAFT_KEPT] = draft.updated_at


def discard_offer(draft: Draft) -> None:
    """Discard the offered draft and open what is saved (for a never-saved assessment: nothing)."""
    st.session_state.pop(state.DRAFT_OFFER, None)
    discard(draft.id)
    if draft.assessment.id is None:
        state.stop_editing()
        return
    database = services.database()
    state.start_editing(draft.situation_id, database.load_assessment(draft.assessment.id))


def drafts_panel() -> None:
    """On Situations: the user's unsaved drafts, each to restore (opens Assess) or discard."""
    try:
        found = services.database().drafts()
    except R2PError:
        return
    if not found:
        return
    names = {s.id: s.name for s in services.database().list_situations(include_deleted=True)}
    with st.expander(f"Your unsaved drafts ({len(found)})", expanded=True):
        for draft in found:
            text, restore_button, discard_button = st.columns([6, 1, 1], vertical_alignment="center")
            text.text(describe(draft, names.get(draft.situation_id, "a situation")))
            if restore_button.button("Restore", key=state.restore_draft_key(draft.id)):
                restore(draft)
                st.switch_page(ASSESS_PAGE)
            if discard_button.button("Discard", key=state.discard_draft_key(draft.id)):
                discard(draft.id)
                st.rerun()


ASSESS_PAGE = pages_dir() / "assess.py"


def describe(draft: Draft, situation_name: str) -> str:
    what = f"the assessment of {draft.assessment.assessed_on}" + (
        f", your changes on top of revision {draft.base_revision}" if draft.base_revision else " (never saved)"
    )
    return f"Unsaved draft from {local_time(draft.updated_at):%Y-%m-%d %H:%M} of {situation_name}: {what}"


def offer_panel() -> bool:
    """On Assess: the draft on offer with Restore and Discard; True while the choice is still open."""
    draft: Draft | None = st.session_state.get(state.DRAFT_OFFER)
    if draft is None:
        return False
    name = services.database().get_situation(draft.situation_id, include_deleted=True).name
    st.warning(
        describe(draft, name) + ". Restore it to go on where you stopped, or discard it to open what is saved.",
        icon="📝",
    )
    left, right, _ = st.columns([1, 1, 3])
    if left.button("Restore the draft", key=state.DRAFT_RESTORE, type="primary"):
        restore(draft)
        st.rerun()
    if right.button("Discard the draft", key=state.DRAFT_DISCARD):
        discard_offer(draft)
        st.rerun()
    return True


def resume(query_params) -> None:
    """A fresh session (a reload, a bookmark, a server restart) opens again what the tab's address names."""
    draft_id, assessment_id = query_params.get("draft"), query_params.get("assessment")
    database = services.database()
    if draft_id:
        draft = database.draft(draft_id)
        if draft is not None:
            st.session_state[state.DRAFT_OFFER] = draft
        else:
            st.query_params.pop("draft", None)
        return
    if assessment_id:
        assessment = database.load_assessment(assessment_id)
        open_assessment(database.situation_of(assessment_id), assessment)


def remember_name(name: str) -> None:
    with contextlib.suppress(R2PError):  # the name still holds for this session
        services.database().set_user_setting(NAME_SETTING, name.strip())


def remembered_name() -> str:
    try:
        return services.database().user_setting(NAME_SETTING) or ""
    except R2PError:
        return ""
