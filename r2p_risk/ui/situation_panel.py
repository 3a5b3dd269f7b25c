"""The parts of the Situations screen: one situation's assessments and actions, new and deleted situations."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from pydantic import ValidationError

from r2p_risk import editing, watchlist
from r2p_risk.assessment import Situation, country_codes, country_name, parse_tags
from r2p_risk.errors import R2PError, problems_from_validation_error
from r2p_risk.resources import pages_dir
from r2p_risk.storage.examples import load_examples as load_example_files
from r2p_risk.ui import drafts, identity, services, state
from r2p_risk.ui.feedback import plain, show_error, show_problems

WATCH_COLUMNS = {
    "situation": st.column_config.TextColumn("Situation", pinned=True),
    "country": st.column_config.TextColumn("Country"),
    "region": st.column_config.TextColumn("UN region"),
    "status": st.column_config.TextColumn(
        "Status",
        help="Current crisis, Imminent risk and Serious concern are the R2P "
        "Monitor's categories, assigned by r2p-risk's own rules",
    ),
    "risk_class": st.column_config.TextColumn("Risk class"),
    "overall": st.column_config.TextColumn(
        "Overall (0-10)",
        alignment="right",
        help="r2p-risk's model, one decimal, cut (6.47 shows as 6.4) so the class beside it matches",
    ),
    "range": st.column_config.TextColumn(
        "Could be", help="the range the overall score could still take while indicators are unassessed"
    ),
    "assessed": st.column_config.TextColumn("Indicators assessed", alignment="right", help="of the Framework's 143"),
    "reliability": st.column_config.TextColumn("Reliability (0-10)", alignment="right"),
    "last_assessed": st.column_config.TextColumn("Last assessed"),
    "change": st.column_config.TextColumn(
        "Change", alignment="right", help="overall score change since the previous assessment"
    ),
    "assessments": st.column_config.NumberColumn("Assessments"),
    "next_trigger": st.column_config.TextColumn(
        "Next trigger",
        help="the next dated event in the latest assessment's dossier, "
        "and triggers past their date whose outcome is not written yet",
    ),
    "review": st.column_config.TextColumn(
        "Review",
        help="due this long after the last sign-off (the situation's review cadence, by default every 4 months)",
    ),
    "tags": st.column_config.TextColumn("Tags"),
}
ASSESS_PAGE = pages_dir() / "assess.py"
WATCH_IDS = "watch_list_ids"  # the situation ids of the watch list's rows, in the order shown
CLICKED = "watch_list_clicked"  # the row click already acted on


def open_clicked_row(rows: list[int]) -> None:
    """A row clicked in the watch list opens its situation below (drawn after the list, so it can still be set)."""
    ids = st.session_state.get(WATCH_IDS, [])
    clicked = ids[rows[0]] if rows and rows[0] < len(ids) else None
    if clicked is not None and clicked != st.session_state.get(CLICKED):
        st.session_state[state.SITUATION] = st.session_state[state.OPEN_SITUATION] = clicked
    st.session_state[CLICKED] = clicked


def compact_watch_list(rows) -> None:
    """The watch list for a phone (style.css shows it only on narrow screens, and hides the table there): each
    situation's name and status on screen, whatever the width."""
    with st.container(key="watch_compact"):
        st.markdown(
            "\n".join(f"- **{plain(name)}**: {plain(status)}" for name, status in watchlist.compact_lines(rows))
        )


def _actor() -> str:
    return state.analyst() or "unnamed analyst"


def load_examples() -> None:
    try:
        count = load_example_files(
            services.database(), services.model(), _actor(), keep_review=identity.allowed("assessment.review")
        )
        state.flash(f"Loaded {count} fictional example assessments. They describe invented places.")
    except R2PError as error:
        show_error(error)


def _open(situation_id: str, assessment) -> None:
    drafts.open_assessment(situation_id, assessment, dirty=assessment.id is None)
    st.switch_page(ASSESS_PAGE)


def show(situation_id: str) -> None:
    """One situation: what it is, its assessments, and what can be done with it."""
    database = services.database()
    situation = database.get_situation(situation_id)
    assessments = database.list_assessments(situation_id)
    st.subheader(plain(situation.name))
    facts = [country_name(situation.country) or "no country set", situation.area or "", ", ".join(situation.tags)]
    st.text(" · ".join(f for f in facts if f))
    today = dt.date.today()
    buttons = st.columns(3)
    writing = identity.allowed("assessment.save")
    if writing and buttons[0].button("New assessment", key=state.NEW_ASSESSMENT):
        _open(situation_id, editing.new_assessment(_actor(), today))
    if (
        writing
        and assessments
        and buttons[1].button(
            "Copy the latest assessment",
            key=state.COPY_ASSESSMENT,
            help="start from the latest ratings, so only changes need entering",
        )
    ):
        _open(situation_id, editing.copy_assessment(assessments[-1], _actor(), today))
    if not assessments:
        st.caption("No assessment yet.")
        _delete_controls(situation)
        return
    labels = {a.id: services.assessment_label(a) for a in assessments if a.id is not None}
    chosen = st.selectbox("Assessments", list(labels)[::-1], format_func=labels.__getitem__, key=state.PICK_ASSESSMENT)
    if buttons[2].button("Open the chosen assessment", key=state.OPEN_ASSESSMENT, type="primary"):
        _open(situation_id, database.load_assessment(chosen))
    _delete_controls(situation)


def _delete_controls(situation: Situation) -> None:
    if identity.allowed("situation.delete"):
        _delete_expander(situation)


def _delete_expander(situation: Situation) -> None:
    situation_id = situation.id
    if situation_id is None:
        raise RuntimeError("a situation that was never saved was offered for deletion")
    with st.expander("Delete this situation"):
        st.write(
            "The situation and its assessments disappear from every list. They stay recoverable "
            "under 'Deleted situations' until purged."
        )
        sure = st.checkbox(f"Yes, delete {plain(situation.name)}", key=state.CONFIRM_DELETE)
        if st.button("Delete situation", key=state.DELETE_SITUATION, disabled=not sure):
            services.database().delete_situation(situation_id, _actor())
            st.session_state.pop(state.SITUATION, None)
            session = state.editing()
            if session is not None and session.situation_id == situation_id:
                state.stop_editing()
            state.flash(f"Deleted {plain(situation.name)}. It can be restored under 'Deleted situations'.")
            st.rerun()


NEW_PROBLEMS = "new_situation_problems"


def _create() -> None:
    """Callback of Create situation: runs before the screen is drawn, so the new situation is the one opened below."""
    values = {field: st.session_state.get(f"new_situation_{field}") for field in ("name", "country", "area", "tags")}
    try:
        situation = Situation(
            name=(values["name"] or "").strip(),
            country=values["country"],
            area=(values["area"] or "").strip() or None,
            tags=parse_tags(values["tags"] or ""),
        )
    except ValidationError as exc:
        st.session_state[NEW_PROBLEMS] = problems_from_validation_error(exc)
        return
    try:
        created = services.database().create_situation(situation, _actor())
    except R2PError as error:
        st.session_state[NEW_PROBLEMS] = error.problems
        return
    st.session_state.pop(NEW_PROBLEMS, None)
    st.session_state[state.SITUATION] = st.session_state[state.OPEN_SITUATION] = created.id
    state.flash(f"Created {plain(created.name)}.")


def new_situation_form() -> None:
    codes = country_codes()
    with st.form("new_situation", clear_on_submit=False, border=False):
        st.text_input(
            "Name",
            key=state.NEW_SITUATION_NAME,
            max_chars=200,
            placeholder="e.g. Upper Keldar (a place, region or country)",
        )
        st.selectbox(
            "Country (ISO 3166-1)",
            codes,
            index=None,
            key=state.NEW_SITUATION_COUNTRY,
            format_func=lambda c: f"{country_name(c)} ({c})",
            placeholder="Type to search",
        )
        st.text_input("Sub-national area (optional)", key="new_situation_area", max_chars=200)
        st.text_input("Tags, comma-separated (optional)", key=state.NEW_SITUATION_TAGS)
        st.form_submit_button("Create situation", key=state.CREATE_SITUATION, on_click=_create)
    if st.session_state.get(NEW_PROBLEMS):
        show_problems(st.session_state[NEW_PROBLEMS], "The situation was not created")


def deleted_situations() -> None:
    database = services.database()
    deleted = database.deleted_situations()
    if not deleted:
        return
    with st.expander(f"Deleted situations ({len(deleted)})"):
        for situation in deleted:
            situation_id = situation.id
            if situation_id is None:
                raise RuntimeError("a deleted situation without an id was listed")
            left, middle, right = st.columns([4, 1, 2])
            left.text(situation.name)
            if middle.button("Restore", key=state.restore_situation_key(situation_id)):
                database.restore_situation(situation_id, _actor())
                state.flash(f"Restored {plain(situation.name)}.")
                st.rerun()
            if (
                identity.allowed("situation.purge")
                and right.checkbox("Purge for good", key=state.confirm_purge_key(situation_id))
                and right.button("Purge now", key=state.purge_key(situation_id))
            ):
                database.purge_situation(situation_id, _actor())
                state.flash(f"Purged {plain(situation.name)} and its assessments.")
                st.rerun()
