"""Session-state keys and the edit in progress.

The assessment being edited lives in one non-widget key (`DRAFT`) as a validated model, so it
survives widgets that are not rendered (other risk factors, other pages). Widget keys carry the
id of the edit session, so opening another assessment starts with fresh widgets.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import streamlit as st

from r2p_risk.access import User
from r2p_risk.assessment import Assessment
from r2p_risk.errors import Problem
from r2p_risk.logs import problem_codes

log = logging.getLogger(__name__)

# non-widget keys
DRAFT = "draft"                 # EditSession of the assessment being edited, or absent
SITUATION = "situation_id"      # the situation the user is looking at
FIELD_PROBLEMS = "field_problems"  # widget key -> problems of a change that was not kept
CONFLICT = "save_conflict"      # message when somebody else saved first
FLASH = "flash"                 # a message to show once after a rerun
ANALYST_NAME = "analyst"        # the name typed in the sidebar, kept when widgets are reset by a page switch
USER = "signed_in_user"         # the User signed in to this session, set afresh by every full run of app.py
DRAFT_HOLDER = "draft_holder"   # DraftHolder: the same edit, for a deferred download clicked after later edits
# widget keys
ANALYST = "analyst_name"
FACTOR = "assess_factor"
OPEN_SITUATION = "open_situation"


@dataclass(frozen=True)
class EditSession:
    """An assessment being edited: where it belongs and which saved revision it started from."""

    edit_id: str
    situation_id: str
    assessment: Assessment
    base_revision: int | None
    dirty: bool = False


class DraftHolder:
    """The edit in progress, readable where no script runs: a deferred download reads it when clicked, so the
    snapshot holds the latest edit even when the download button was drawn before it."""

    __slots__ = ("session",)

    def __init__(self) -> None:
        self.session: EditSession | None = None


def draft_holder() -> DraftHolder:
    return st.session_state.setdefault(DRAFT_HOLDER, DraftHolder())


def _keep(session: EditSession | None) -> None:
    """Every change of the edit goes through here: the session key and its holder stay the same."""
    if session is None:
        st.session_state.pop(DRAFT, None)
    else:
        st.session_state[DRAFT] = session
    draft_holder().session = session


def start_editing(situation_id: str, assessment: Assessment, dirty: bool = False) -> EditSession:
    session = EditSession(uuid.uuid4().hex[:8], situation_id, assessment, assessment.revision, dirty)
    _keep(session)
    st.session_state[SITUATION] = situation_id
    st.session_state[FIELD_PROBLEMS] = {}
    st.session_state.pop(CONFLICT, None)
    if assessment.id:
        st.query_params["assessment"] = assessment.id
    return session


def editing() -> EditSession | None:
    return st.session_state.get(DRAFT)


def replace_draft(assessment: Assessment, dirty: bool = True) -> None:
    session = st.session_state[DRAFT]
    _keep(EditSession(session.edit_id, session.situation_id, assessment, session.base_revision, dirty))


def saved(assessment: Assessment) -> None:
    """After a save: the draft is the saved revision, and the next save builds on it."""
    session = st.session_state[DRAFT]
    _keep(EditSession(session.edit_id, session.situation_id, assessment, assessment.revision, False))
    st.session_state.pop(CONFLICT, None)
    st.query_params["assessment"] = assessment.id


def stop_editing() -> None:
    _keep(None)
    st.session_state.pop(CONFLICT, None)
    st.query_params.pop("assessment", None)


def widget_key(*parts: object) -> str:
    """A key unique to the edit session: `<edit id>:<indicator or factor>:<field>`."""
    session = editing()
    return ":".join([session.edit_id if session else "none", *map(str, parts)])


def set_field_problems(key: str, problems: list[Problem]) -> None:
    found = st.session_state.setdefault(FIELD_PROBLEMS, {})
    if problems:
        log.info("edit refused, shown to the user: %s", problem_codes(problems))
        found[key] = problems
    else:
        found.pop(key, None)


def field_problems(key: str) -> list[Problem]:
    return st.session_state.get(FIELD_PROBLEMS, {}).get(key, [])


def all_field_problems() -> list[Problem]:
    return [p for problems in st.session_state.get(FIELD_PROBLEMS, {}).values() for p in problems]


def flash(message: str) -> None:
    st.session_state[FLASH] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def analyst() -> str:
    """Who is working: the signed-in user's name in a team deployment, the name typed in the sidebar locally."""
    user: User | None = st.session_state.get(USER)
    if user is not None and not user.local:
        return user.name or user.identity
    return (st.session_state.get(ANALYST_NAME) or "").strip()


def remember_analyst() -> None:
    """Callback of the sidebar name field."""
    st.session_state[ANALYST_NAME] = st.session_state[ANALYST]


def current_edit() -> EditSession:
    """The edit in progress, for code that only runs while there is one (its page checked, or its widget exists)."""
    session = editing()
    if session is None:
        raise RuntimeError("no assessment is being edited: this part of the screen runs only during an edit")
    return session
