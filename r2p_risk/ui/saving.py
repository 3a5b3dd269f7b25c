"""Saving the assessment being edited: explicit, never silent about conflicts, never losing the edit."""

from __future__ import annotations

import datetime as dt
import logging

import streamlit as st

from r2p_risk.assessment import Situation
from r2p_risk.errors import ConflictError, Problem, R2PError
from r2p_risk.logs import problem_codes
from r2p_risk.snapshot import build_snapshot, dump_snapshot
from r2p_risk.storage.files import Model
from r2p_risk.ui import identity, services, state
from r2p_risk.ui.feedback import plain, reporting, show_error, show_problems, unreachable

log = logging.getLogger(__name__)


def save(session: state.EditSession, based_on_revision: int | None) -> None:
    """Save the draft as a new revision; on a conflict keep the draft and say who saved first."""
    problems = state.all_field_problems()
    if not state.analyst():
        problems = [
            Problem("missing", "Your name", "enter your name in the sidebar: every save records who made it"),
            *problems,
        ]
    if problems:
        show_problems(problems, "Not saved: correct these first")
        return
    try:
        saved = services.database().save_assessment(
            session.situation_id, session.assessment, state.analyst(), based_on_revision=based_on_revision
        )
    except ConflictError as conflict:
        st.session_state[state.CONFLICT] = conflict
        return
    except R2PError as error:
        show_error(error)
        st.info("Your edit is still here: try again, or download it as a snapshot below.")
        return
    state.saved(saved)
    state.flash(f"Saved revision {saved.revision} of the assessment of {saved.assessed_on}.")
    st.rerun()


def _saved_id(session: state.EditSession) -> str:
    """The id of the edited assessment when a save conflicted: a conflict needs a revision saved before."""
    if session.assessment.id is None:
        raise RuntimeError("a save conflicted for an assessment that was never saved")
    return session.assessment.id


def _reload_latest(session: state.EditSession) -> None:
    latest = services.database().load_assessment(_saved_id(session))
    state.start_editing(session.situation_id, latest)


def conflict_panel(session: state.EditSession) -> None:
    conflict = st.session_state.get(state.CONFLICT)
    if conflict is None:
        return
    st.warning(
        "Not saved: "
        + "; ".join(plain(p.message) for p in conflict.problems)
        + ". Your edit is still here. Reload the latest revision (your changes are dropped), "
        "or save yours as a new revision on top of it (theirs stays in the history)."
    )
    left, right = st.columns(2)
    if left.button("Reload the latest revision", key="conflict_reload"):
        _reload_latest(session)
        st.rerun()
    if right.button("Save mine as a new revision", key=state.CONFLICT_OVERWRITE):
        latest = services.database().latest_revision(_saved_id(session))
        save(session, based_on_revision=latest)


def history_panel(session: state.EditSession) -> None:
    if not session.assessment.id:
        return
    database = services.database()
    with st.expander("Revisions of this assessment"), reporting():
        revisions = database.list_revisions(session.assessment.id)
        for info in revisions:
            note = f" · {info.note}" if info.note else ""
            st.text(
                f"Revision {info.revision} · {info.status} · saved by {info.saved_by} "
                f"at {info.saved_at:%Y-%m-%d %H:%M} UTC{note}"
            )
        older = [i.revision for i in revisions[1:]]
        if older and identity.allowed("assessment.restore"):
            chosen = st.selectbox(
                "Restore an older revision (saved as a new revision)", older, key=state.RESTORE_REVISION
            )
            sure = not session.dirty or st.checkbox("Drop my unsaved changes", key=state.RESTORE_CONFIRM)
            # drawn at the last full run, this panel may predate the latest table edit:
            # `sure` is checked again at the click
            if st.button("Restore", key=state.RESTORE_BUTTON, disabled=not sure) and sure:
                restored = database.restore_revision(
                    session.assessment.id, chosen, state.analyst() or "unnamed analyst"
                )
                state.start_editing(session.situation_id, restored)
                state.flash(f"Restored revision {chosen} as revision {restored.revision}.")
                st.rerun()


def situation_of(session: state.EditSession) -> Situation:
    """The situation of the edit; when it cannot be read, its id alone (an import matches by id), the edit kept."""
    try:
        return services.database().get_situation(session.situation_id, include_deleted=True)
    except R2PError as error:
        if not unreachable(error):
            show_error(error)
        return Situation(
            id=session.situation_id,
            name="(name not available: the database could not be reached)"
            if unreachable(error)
            else "(name not available)",
        )


def _may_download_draft(database, analyst: str, situation_id: str, assessment_id: str | None) -> None:
    """The rights checked again, and the download recorded, when the edit is downloaded (outside the script run, so
    a refusal is logged here and the browser says the file could not be made). While the database cannot be reached
    the edit is still given: it is the user's own, already on their screen, and this is how it is kept safe."""
    try:
        database.record_export(
            analyst, {"format": "json", "unsaved_edit": True}, situation_id=situation_id, assessment_id=assessment_id
        )
    except R2PError as error:
        if unreachable(error):
            log.warning("the edit in progress was downloaded while the database could not be reached (not recorded)")
            return
        log.warning("download of the edit in progress refused: %s", problem_codes(error.problems))
        raise PermissionError("the download was refused; the reason is in the log") from None


def save_panel(session: state.EditSession, situation: Situation, model: Model) -> None:
    """Save, and download the edit as a snapshot.

    A fragment of its own on the Assess screen, never reading the database.
    """
    left, right = st.columns([1, 3])
    if not identity.allowed("assessment.save"):
        left.button(
            "Save",
            type="primary",
            key=state.SAVE_ASSESSMENT,
            width="stretch",
            disabled=True,
            help=f"your role ({identity.current_user().role}) reads assessments; saving needs the analyst role",
        )
        right.caption(
            "You can try ratings here, but your role cannot save them; download the edit as a snapshot, "
            "or ask an admin for the analyst role."
        )
    elif left.button("Save", type="primary", key=state.SAVE_ASSESSMENT, width="stretch"):
        save(session, session.base_revision)
    holder, database, analyst = state.draft_holder(), services.database(), state.analyst()

    def snapshot() -> str:  # built when clicked, from the edit as it is then (this bar is not redrawn on every edit)
        assessment = (holder.session or session).assessment
        _may_download_draft(database, analyst, session.situation_id, assessment.id)
        return dump_snapshot(
            build_snapshot(situation, assessment, model.framework, model.params, dt.datetime.now(dt.UTC))
        )

    right.download_button(
        "Download this edit as a snapshot (JSON)",
        snapshot,
        key=state.DOWNLOAD_DRAFT,
        file_name=f"{session.assessment.assessed_on}-draft.json",
        mime="application/json",
        on_click="ignore",
    )
    conflict_panel(session)
