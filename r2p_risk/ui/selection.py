"""The tools ticked on the Recommendations screen, and saving them with the assessment in one action.

Ticks are kept per assessment until saved. Saving writes a new revision of the saved assessment that
changes only its selection, whether or not the assessment is open on the Assess screen; an edit in
progress there takes the selection and builds on the new revision, so that its own Save neither
drops the selection nor meets a conflict. The outcome is said on the Recommendations screen.
"""

from __future__ import annotations

import streamlit as st

from r2p_risk import editing
from r2p_risk.errors import R2PError
from r2p_risk.ui import services, state
from r2p_risk.ui.choose import Chosen
from r2p_risk.ui.feedback import show_error

SELECTION = "tool_selection"  # assessment id (or "draft") -> the tools ticked, not yet saved
SAVED = "tool_selection_saved"  # assessment id (or "draft") -> what the last save did, said once on this screen


def _key(chosen: Chosen) -> str:
    return chosen.assessment.id or "draft"


def pending_selection(chosen: Chosen) -> set[str]:
    pending = st.session_state.setdefault(SELECTION, {})
    return pending.setdefault(_key(chosen), set(chosen.assessment.selected_tools))


def toggle_tool(chosen: Chosen, tool_id: str, key: str) -> None:
    """Callback of a tool's tick box."""
    selection = pending_selection(chosen)
    selection.add(tool_id) if st.session_state[key] else selection.discard(tool_id)


def show_outcome(chosen: Chosen) -> None:
    """What the last "Save the selection" did, said once, where the button is."""
    outcome = st.session_state.get(SAVED, {}).pop(_key(chosen), None)
    if isinstance(outcome, R2PError):
        show_error(outcome)
    elif outcome:
        st.success(outcome)


def _say(chosen: Chosen, outcome: str | R2PError, key: str | None = None) -> None:
    st.session_state.setdefault(SAVED, {})[key or _key(chosen)] = outcome


def save_selection(chosen: Chosen) -> None:
    """Callback of "Save the selection": a new revision with the selection, the edit on Assess following it."""
    selection = sorted(pending_selection(chosen))
    session = state.editing()
    editing_this = session is not None and (chosen.unsaved or session.assessment.id == chosen.assessment.id)
    this_edit = session if editing_this else None
    try:
        if (
            chosen.assessment.id is None
        ):  # never saved: the selection can only go into the edit, saved with it on Assess
            draft = state.current_edit().assessment
            state.replace_draft(editing.set_assessment_field(draft, "selected_tools", selection))
            _say(
                chosen,
                f"The selection of {len(selection)} tools is in the new assessment being edited; this assessment has "
                "never been saved, so save it on the Assess screen to keep the selection.",
            )
            return
        if chosen.situation.id is None:
            raise RuntimeError("a saved assessment was shown with a situation that was never saved")
        database = services.database()
        latest = database.load_assessment(chosen.assessment.id)
        updated = editing.set_assessment_field(latest, "selected_tools", selection)
        saved = database.save_assessment(
            chosen.situation.id,
            updated,
            state.analyst() or "unnamed analyst",
            based_on_revision=latest.revision,
            note="tool selection",
        )
    except R2PError as error:
        _say(chosen, R2PError(error.problems, "Not saved: " + error.summary))
        return
    message = (
        f"Saved the selection of {len(selection)} tools as revision {saved.revision} "
        f"of the assessment of {saved.assessed_on}."
    )
    if this_edit is not None and this_edit.dirty:
        state.start_editing(
            this_edit.situation_id,
            this_edit.assessment.model_copy(update={"selected_tools": selection, "revision": saved.revision}),
            dirty=True,
        )
        message += (
            " Your unsaved edits on the Assess screen are kept, with this selection, and build on the new revision."
        )
    elif this_edit is not None:
        state.saved(saved)
    st.session_state[SELECTION].pop(_key(chosen), None)
    _say(chosen, message, key=saved.id)
    st.rerun()  # the whole page, so that the assessment shown is the revision just saved
