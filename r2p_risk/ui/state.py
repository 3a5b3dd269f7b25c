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
DRAFT_KEPT = "draft_kept"  # when the edit was last written to the database, or the problem that stopped it
DRAFT_OFFER = "draft_offer"  # a storage Draft found for what is being opened: restore or discard, asked on Assess
TABLE_GENERATION = "table_generation"  # risk factor -> a counter raised when its table must show the draft afresh
CHANGES = "changes"  # how many changes (a table cell counts one) the edit took since it was opened
# widget keys
ANALYST = "analyst_name"
FACTOR = "assess_factor"
ASSESS_NEXT = "assess_next_open"  # the Assess screen's "What to assess next", open or folded
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
SOURCE_FIELDS = {field: f"source_{field}" for field in ("title", "url", "grade", "date")}  # the library's new source
ADD_SOURCE = "add_source"
CONFLICT_SAVE_MERGE, CONFLICT_RELOAD = "conflict_save_merge", "conflict_reload"
DRAFT_RESTORE, DRAFT_DISCARD = "draft_restore", "draft_discard"
PICK_ASSESSMENT = "pick_assessment"  # Situations: the assessment to open
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


def start_editing(
    situation_id: str,
    assessment: Assessment,
    dirty: bool = False,
    *,
    edit_id: str | None = None,
    base_revision: int | None = None,
) -> EditSession:
    """Edit `assessment`; `edit_id` and `base_revision` continue a restored draft (its id, the revision it started
    from)."""
    session = EditSession(
        edit_id or uuid.uuid4().hex,
        situation_id,
        assessment,
        assessment.revision if edit_id is None else base_revision,
        dirty,
    )
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
    """The address of the tab names what is edited, so a reload opens it again: the assessment, or the draft of a new
    one."""
    if session.assessment.id:
        st.query_params["assessment"] = session.assessment.id
        st.query_params.pop("draft", None)
    else:
        st.query_params["draft"] = session.edit_id
        st.query_params.pop("assessment", None)


def editing() -> EditSession | None:
    return st.session_state.get(DRAFT)


def replace_draft(
    assessment: Assessment, dirty: bool = True, base_revision: int | None = None, changes: int = 1
) -> None:
    """The edit changed (by `changes` changes): kept in this session and written to the database as the user's draft."""
    from r2p_risk.ui import (
        drafts,
    )  # here, not at the top: drafts reads the database through services, which needs state

    session = st.session_state[DRAFT]
    if assessment == session.assessment and base_revision is None:
        return
    changed = EditSession(
        session.edit_id,
        session.situation_id,
        assessment,
        session.base_revision if base_revision is None else base_revision,
        dirty,
    )
    _keep(changed)
    st.session_state[CHANGES] = st.session_state.get(CHANGES, 0) + changes
    if dirty:
        drafts.keep(changed)


def saved(assessment: Assessment) -> None:
    """After a save: the edit is the saved revision, the next save builds on it, and the draft is done with.

    The tables keep their keys: they show what was saved already, and an edit the browser sends just after the click
    (a cell committed as Save was clicked) then lands in the new draft instead of in a table drawn no more."""
    from r2p_risk.ui import drafts

    if assessment.id is None:
        raise RuntimeError("the database returned a saved assessment without an id")
    session = st.session_state[DRAFT]
    _keep(EditSession(session.edit_id, session.situation_id, assessment, assessment.revision, False))
    st.session_state.pop(CONFLICT, None)
    drafts.discard(session.edit_id)
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
    """Every risk factor's table shows the draft afresh at its next run (after a merge)."""
    refresh_table(0)


def table_generation(number: int, session: Mapping | None = None) -> str:
    """The part of a table's key that changes when it must be drawn afresh: all tables' count, then its own."""
    values = st.session_state if session is None else session
    generations = values[TABLE_GENERATION] if TABLE_GENERATION in values else {}  # noqa: SIM401 - as in widget_key
    return f"{generations.get(0, 0)}.{generations.get(number, 0)}"


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
    """Callback of the sidebar name field: kept for this session, and in the database for the next one."""
    from r2p_risk.ui import drafts

    st.session_state[ANALYST_NAME] = st.session_state[ANALYST]
    drafts.remember_name(st.session_state[ANALYST_NAME])


def current_edit() -> EditSession:
    """The edit in progress, for code that only runs while there is one (its page checked, or its widget exists)."""
    session = editing()
    if session is None:
        raise RuntimeError("no assessment is being edited: this part of the screen runs only during an edit")
    return session


# --- keys made of parts: of the edit in progress (session as in widget_key), and of the thing a widget is about ----
def ratings_key(number: int, session: Mapping | None = None) -> str:
    """Risk factor `number`'s ratings table on Assess; its generation changes when the table must show the draft
    afresh (`refresh_table`)."""
    return widget_key("factor", number, "ratings", table_generation(number, session), session=session)


def detail_key(field: str, session: Mapping | None = None) -> str:
    """A field of the assessment itself on Assess (analyst, assessed on, key judgements ...)."""
    return widget_key("assessment", field, session=session)


def dossier_key(*parts: object, session: Mapping | None = None) -> str:
    """A field of the dossier form; the generation changes when an item is removed."""
    values = st.session_state if session is None else session
    generation = values[DOSSIER_GENERATION] if DOSSIER_GENERATION in values else 0  # noqa: SIM401 - as above
    return widget_key("dossier", generation, *parts, session=session)


def merge_choice_key(change_key: str) -> str:
    """Mine or theirs, for a field both sides of a conflicting save changed (`FieldChange.key`)."""
    return f"merge_choice:{change_key}"


def restore_draft_key(draft_id: str) -> str:
    return f"restore_draft:{draft_id}"


def discard_draft_key(draft_id: str) -> str:
    return f"discard_draft:{draft_id}"


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


def assess_next_key(indicator: str) -> str:
    """The key of the Assess screen's button that opens the risk factor of `indicator`, under "What to assess next"."""
    return f"assess_next:{indicator}"
