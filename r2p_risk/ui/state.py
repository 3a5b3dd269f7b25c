"""Session-state keys and the edit in progress.

The assessment being edited lives in one non-widget key (`DRAFT`) as a validated model, so it
survives widgets that are not rendered (other risk factors, other pages). Widget keys carry the
id of the edit session, so opening another assessment starts with fresh widgets.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from r2p_risk.access import User
from r2p_risk.assessment import Assessment
from r2p_risk.errors import Problem
from r2p_risk.logs import problem_codes

log = logging.getLogger(__name__)

# non-widget keys
DRAFT = "draft"  # EditSession of the assessment being edited, or absent
SITUATION = "situation_id"  # the situation the user is looking at
FIELD_PROBLEMS = "field_problems"  # widget key -> problems of a change that was not kept
CONFLICT = "save_conflict"  # message when somebody else saved first
FLASH = "flash"  # a message to show once after a rerun
ANALYST_NAME = "analyst"  # the name typed in the sidebar, kept when widgets are reset by a page switch
USER = "signed_in_user"  # the User signed in to this session, set afresh by every full run of app.py
DRAFT_HOLDER = "draft_holder"  # DraftHolder: the same edit, for a deferred download clicked after later edits
# widget keys
ANALYST = "analyst_name"
FACTOR = "assess_factor"
OPEN_SITUATION = "open_situation"
# widget keys the tests find widgets by, by screen (one definition: the UI and the tests both use these)
LOAD_EXAMPLES = "load_examples"
NEW_SITUATION_NAME, NEW_SITUATION_COUNTRY = "new_situation_name", "new_situation_country"
NEW_SITUATION_TAGS = "new_situation_tags"
CREATE_SITUATION = "create_situation"
NEW_ASSESSMENT, COPY_ASSESSMENT, OPEN_ASSESSMENT = "new_assessment", "copy_assessment", "open_assessment"
CONFIRM_DELETE, DELETE_SITUATION = "confirm_delete", "delete_situation"
SAVE_ASSESSMENT, CONFLICT_OVERWRITE, DOWNLOAD_DRAFT = "save_assessment", "conflict_overwrite", "download_draft"
RESTORE_REVISION, RESTORE_CONFIRM, RESTORE_BUTTON = "restore_revision", "restore_confirm", "restore_button"
FINDING_NEW = {field: f"finding_new_{field}" for field in ("crime", "state", "ended_on", "evidence", "sources")}
FINDING_ADD = "finding_add"
BRIEFING_MARKING = "briefing_marking"
FILTER_VENUE, SHOW_ALL_TOOLS, SAVE_TOOL_SELECTION = "filter_venue", "show_all_tools", "save_tool_selection"
PREPARE_EXPORT, DOWNLOAD_EXPORT = "prepare_export", "download_export"
IMPORT_FILES, IMPORT_SKIP_INVALID, CONFIRM_IMPORT = "import_files", "import_skip_invalid", "confirm_import"
AUDIT_ACTOR, AUDIT_ACTION, AUDIT_DATES = "audit_actor", "audit_action", "audit_dates"
PREPARE_AUDIT, DOWNLOAD_AUDIT = "prepare_audit", "download_audit"
USER_PICK, SET_ROLE, TOGGLE_USER = "user_pick", "set_role", "toggle_user"
ACCESS_SITUATION, OPEN_ACCESS, SAVE_ACCESS = "access_situation", "open_access", "save_access"
SIGN_IN, SIGN_OUT = "sign_in", "sign_out"
DOSSIER_SAVE = "dossier_save"
DOSSIER_GENERATION = (
    "dossier_generation"  # raised when a dossier item is removed: the keys of the items after it change
)
REVIEW_SUBMIT, REVIEW_SIGN_OFF, REVIEW_RETURN = "review_submit", "review_sign_off", "review_return"
REVIEW_COMMENT_ON, REVIEW_COMMENT_TEXT, REVIEW_COMMENT_ADD = (
    "review_comment_on",
    "review_comment_text",
    "review_comment_add",
)
CONSENSUS_OPEN, CONSENSUS_JOIN = "consensus_open", "consensus_join"
CONSENSUS_SUBMIT, CONSENSUS_RECONCILE = "consensus_submit", "consensus_reconcile"


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
    if assessment.id is None:
        raise RuntimeError("the database returned a saved assessment without an id")
    session = st.session_state[DRAFT]
    _keep(EditSession(session.edit_id, session.situation_id, assessment, assessment.revision, False))
    st.session_state.pop(CONFLICT, None)
    st.query_params["assessment"] = assessment.id


def stop_editing() -> None:
    _keep(None)
    st.session_state.pop(CONFLICT, None)
    st.query_params.pop("assessment", None)


def widget_key(*parts: object, session: Mapping | None = None) -> str:
    """A key unique to the edit session: `<edit id>:<indicator or factor>:<field>`. The edit is read from `session`
    (a test passes its AppTest's session state), by default from this session's state."""
    values = st.session_state if session is None else session
    draft = values[DRAFT] if DRAFT in values else None  # noqa: SIM401 - an AppTest session state has no get()
    return ":".join([draft.edit_id if draft else "none", *map(str, parts)])


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


# --- keys made of parts: of the edit in progress (session as in widget_key), and of the thing a widget is about ----
def ratings_key(number: int, session: Mapping | None = None) -> str:
    """Risk factor `number`'s ratings table on Assess."""
    return widget_key("factor", number, "ratings", session=session)


def evidence_of_key(number: int, session: Mapping | None = None) -> str:
    """The choice of the row of risk factor `number` whose evidence and sources are edited below its table."""
    return widget_key("factor", number, "evidence_of", session=session)


def rating_field_key(kind: str, ident: object, field: str, session: Mapping | None = None) -> str:
    """A field (evidence, sources) of a rating.

    Of an indicator (kind "indicator", its id) or of a risk factor as a whole.
    """
    return widget_key(kind, ident, field, session=session)


def indicator_key(indicator_id: str, field: str, session: Mapping | None = None) -> str:
    """A field (evidence, sources) of one indicator's rating."""
    return rating_field_key("indicator", indicator_id, field, session=session)


def dossier_key(*parts: object, session: Mapping | None = None) -> str:
    """A field of the dossier form; the generation changes when an item is removed."""
    values = st.session_state if session is None else session
    generation = values[DOSSIER_GENERATION] if DOSSIER_GENERATION in values else 0  # noqa: SIM401 - as above
    return widget_key("dossier", generation, *parts, session=session)


def pick_situation_key(page: str) -> str:
    return f"{page}_situation"


def pick_assessment_key(page: str) -> str:
    return f"{page}_assessment"


def restore_situation_key(situation_id: str) -> str:
    return f"restore:{situation_id}"


def confirm_purge_key(situation_id: str) -> str:
    return f"confirm_purge:{situation_id}"


def purge_key(situation_id: str) -> str:
    return f"purge:{situation_id}"


def prepare_download_key(kind: str) -> str:
    return f"prepare_{kind}"


def select_tool_key(tool_id: str) -> str:
    return f"select_tool:{tool_id}"


def user_role_key(identity: str) -> str:
    return f"user_role:{identity}"


def access_users_key(situation_id: str) -> str:
    return f"access_users:{situation_id}"


def access_groups_key(situation_id: str) -> str:
    return f"access_groups:{situation_id}"


def review_resolve_key(comment_id: str) -> str:
    return f"review_resolve:{comment_id}"


def review_comment_target_key(on: str) -> str:
    return f"review_comment_target:{on}"
