"""Saving the assessment being edited: explicit, never silent about conflicts, never losing the edit."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Literal

import streamlit as st

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import ConflictError, Problem, R2PError
from r2p_risk.logs import problem_codes
from r2p_risk.merge import FieldChange, Merge, describe, merge_assessments
from r2p_risk.scoring import score_assessment
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
    state.flash(f"Saved revision {saved.revision} of the assessment of {saved.assessed_on}." + thin_note(saved))
    st.rerun()


def thin_note(assessment) -> str:
    """A sentence for a save of an empty or thin assessment: kept, and listed as not enough assessed."""
    model = services.model()
    profile = score_assessment(assessment, model.framework, model.params)
    if profile.status.label != model.params.no_alarm.undetermined:
        return ""
    return (
        f" Only {profile.assessed_indicators} of {profile.official_indicators} indicators are assessed: "
        "it is kept as a draft of the record and listed as "
        f'"{model.params.status_label(profile.status.label)}" until more is rated.'
    )


def _saved_id(session: state.EditSession) -> str:
    """The id of the edited assessment when a save conflicted: a conflict needs a revision saved before."""
    if session.assessment.id is None:
        raise RuntimeError("a save conflicted for an assessment that was never saved")
    return session.assessment.id


def _reload_latest(session: state.EditSession) -> None:
    latest = services.database().load_assessment(_saved_id(session))
    state.start_editing(session.situation_id, latest)


def _changes_text(changes: list[FieldChange], side: Literal["mine", "theirs"]) -> str:
    return "\n".join(
        f"- {plain(c.where)}, {c.field.replace('_', ' ')}: {plain(describe(c, 'base'))} → {plain(describe(c, side))}"
        for c in changes
    )


def _merge(session: state.EditSession) -> tuple[Merge, Assessment] | None:
    database = services.database()
    latest = database.load_assessment(_saved_id(session))
    if session.base_revision is None:
        return None
    base = database.load_assessment(_saved_id(session), session.base_revision)
    choices = {
        c: st.session_state[state.merge_choice_key(c)]
        for c in _conflict_keys(base, session, latest)
        if st.session_state.get(state.merge_choice_key(c))
    }
    return merge_assessments(base, session.assessment, latest, choices), latest


def _conflict_keys(base, session, latest) -> list[str]:
    return [c.key for c in merge_assessments(base, session.assessment, latest).conflicts]


def _side_text(change: FieldChange, side: Literal["mine", "theirs"]) -> str:
    return f"{side}: {describe(change, side)}"


def conflict_panel(session: state.EditSession) -> None:
    """Somebody saved since this edit started: what each side changed, kept together; a choice only where both
    changed the same field."""
    conflict = st.session_state.get(state.CONFLICT)
    if conflict is None:
        return
    st.warning("Not saved yet: " + "; ".join(plain(p.message.split(". Reload")[0]) for p in conflict.problems) + ".")
    found = _merge(session) if session.assessment.id else None
    if found is None:
        st.caption("Your edit is still here; download it as a snapshot, or open the saved assessment.")
        return
    merge, latest = found
    st.markdown(f"**Their changes and yours are merged** (revision {latest.revision} plus your edit):")
    shown: tuple[tuple[str, list[FieldChange], Literal["mine", "theirs"]], ...] = (
        ("Yours, kept", merge.mine, "mine"),
        ("Theirs, kept", merge.theirs, "theirs"),
        ("Changed alike by both", merge.both_alike, "mine"),
    )
    for title, changes, side in shown:
        if changes:
            st.markdown(f"*{title}* ({len(changes)})\n\n" + _changes_text(changes, side))
    if merge.conflicts:
        st.markdown(f"**Both changed these differently: choose which to keep** ({len(merge.conflicts)})")
    for change in merge.conflicts:
        st.radio(
            f"{change.where}, {change.field.replace('_', ' ')} (was {describe(change, 'base')})",
            ["mine", "theirs"],
            index=None,
            horizontal=True,
            key=state.merge_choice_key(change.key),
            format_func=partial(_side_text, change),
        )
    left, right = st.columns(2)
    if latest.revision is None:
        raise RuntimeError("a stored assessment was read without its revision")
    if (
        left.button(
            f"Save the merge as revision {latest.revision + 1}",
            key=state.CONFLICT_SAVE_MERGE,
            type="primary",
            disabled=merge.unresolved,
            help="choose mine or theirs for every field both changed" if merge.unresolved else None,
        )
        and merge.merged is not None
    ):
        state.replace_draft(merge.merged, base_revision=latest.revision)
        state.refresh_tables()  # the tables show their side only: drawn afresh, they show the merge
        st.session_state.pop(state.CONFLICT, None)
        save(state.current_edit(), latest.revision)
    if right.button(f"Drop my edit and open revision {latest.revision}", key=state.CONFLICT_RELOAD):
        _reload_latest(session)
        st.rerun()


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
