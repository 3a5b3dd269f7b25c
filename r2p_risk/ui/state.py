"""Session-state keys and the edit in progress.

The assessment being edited lives in one non-widget key (`DRAFT`) as a validated model, so it
survives widgets that are not rendered (other risk factors, other pages). Widget keys carry the
id of the edit session, so opening another assessment starts with fresh widgets. Every change of
the edit is also written to the database as the user's draft (`ui/drafts.py`), under the same id,
so a reload, a crash or a server restart loses nothing.
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
DRAFT_KEPT = "draft_kept"       # when the edit was last written to the database, or the problem that stopped it
DRAFT_OFFER = "draft_offer"     # a storage Draft found for what is being opened: restore or discard, asked on Assess
TABLE_GENERATION = "table_generation"  # risk factor -> a counter raised when its table must show the draft afresh
CHANGES = "changes"             # how many changes (a table cell counts one) the edit took since it was opened
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


def start_editing(situation_id: str, assessment: Assessment, dirty: bool = False, *, edit_id: str | None = None,
                  base_revision: int | None = None) -> EditSession:
    """Edit `assessment`; `edit_id` and `base_revision` continue a restored draft (its id, the revision it started from)."""
    session = EditSession(edit_id or uuid.uuid4().hex, situation_id, assessment,
                          assessment.revision if edit_id is None else base_revision, dirty)
    _keep(session)
    st.session_state[SITUATION] = situation_id
    st.session_state[FIELD_PROBLEMS] = {}
    st.session_state.pop(CONFLICT, None)
    st.session_state.pop(DRAFT_KEPT, None)
    st.session_state.pop(DRAFT_OFFER, None)
    st.session_state[CHANGES] = 0
    link(session)
    return session


def link(session: EditSession) -> None:
    """The address of the tab names what is edited, so a reload opens it again: the assessment, or the draft of a new one."""
    if session.assessment.id:
        st.query_params["assessment"] = session.assessment.id
        st.query_params.pop("draft", None)
    else:
        st.query_params["draft"] = session.edit_id
        st.query_params.pop("assessment", None)


def editing() -> EditSession | None:
    return st.session_state.get(DRAFT)


def replace_draft(assessment: Assessment, dirty: bool = True, base_revision: int | None = None, changes: int = 1) -> None:
    """The edit changed (by `changes` changes): kept in this session and written to the database as the user's draft."""
    from r2p_risk.ui import drafts  # here, not at the top: drafts reads the database through services, which needs state

    session = st.session_state[DRAFT]
    if assessment == session.assessment and base_revision is None:
        return
    changed = EditSession(session.edit_id, session.situation_id, assessment,
                          session.base_revision if base_revision is None else base_revision, dirty)
    _keep(changed)
    st.session_state[CHANGES] = st.session_state.get(CHANGES, 0) + changes
    if dirty:
        drafts.keep(changed)


def saved(assessment: Assessment) -> None:
    """After a save: the edit is the saved revision, the next save builds on it, and the draft is done with."""
    from r2p_risk.ui import drafts

    session = st.session_state[DRAFT]
    _keep(EditSession(session.edit_id, session.situation_id, assessment, assessment.revision, False))
    st.session_state.pop(CONFLICT, None)
    drafts.discard(session.edit_id)
    refresh_tables()
    link(st.session_state[DRAFT])


def stop_editing() -> None:
    """Close the edit in this session (its draft, if any, stays in the database until restored or discarded)."""
    _keep(None)
    st.session_state.pop(CONFLICT, None)
    st.query_params.pop("assessment", None)
    st.query_params.pop("draft", None)


def refresh_table(number: int) -> None:
    """The risk factor's table shows the draft afresh at its next run (after a change made outside the table)."""
    generations = st.session_state.setdefault(TABLE_GENERATION, {})
    generations[number] = generations.get(number, 0) + 1


def refresh_tables() -> None:
    """Every risk factor's table shows the draft afresh at its next run (after a save, which may hold a merge)."""
    refresh_table(0)


def table_generation(number: int) -> str:
    """The part of a table's key that changes when it must be drawn afresh: all tables' count, then its own."""
    generations = st.session_state.get(TABLE_GENERATION, {})
    return f"{generations.get(0, 0)}.{generations.get(number, 0)}"


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
    """Callback of the sidebar name field: kept for this session, and in the database for the next one."""
    from r2p_risk.ui import drafts

    st.session_state[ANALYST_NAME] = st.session_state[ANALYST]
    drafts.remember_name(st.session_state[ANALYST_NAME])
