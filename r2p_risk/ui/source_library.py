"""The situation's source library on the Assess screen: add a source once, with its reliability graded A-F; it is
then offered in the Sources cell of every rating. A title typed in a cell that the library lacks is added to it."""

from __future__ import annotations

import contextlib
import datetime as dt

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from r2p_risk.assessment import RELIABILITY_LABELS, Source
from r2p_risk.errors import R2PError, problems_from_validation_error
from r2p_risk.ui import identity, services, state
from r2p_risk.ui.feedback import reporting, show_error, show_problems

LIBRARY = "source_library"  # (situation id, [Source]) as last read
GRADES = list(RELIABILITY_LABELS)


def library(situation_id: str) -> list[Source]:
    """The situation's library, read once per situation and kept for this session until it changes."""
    held = st.session_state.get(LIBRARY)
    if held is None or held[0] != situation_id:
        try:
            held = (situation_id, services.database().library_sources(situation_id))
        except R2PError:
            held = (situation_id, [])
        st.session_state[LIBRARY] = held
    return held[1]


def add_sources(situation_id: str, sources: list[Source]) -> None:
    """Add sources typed in the table to the library (ungraded); the edit keeps them whatever happens here."""
    if not sources or not identity.allowed("assessment.save"):
        return
    for source in sources:
        # already there (another tab added it), or the database is away: the rating has its copy
        with contextlib.suppress(R2PError):
            services.database().add_library_source(situation_id, source, state.analyst())
    st.session_state.pop(LIBRARY, None)


def _grade(grade: str | None) -> str:
    return f"{grade} · {RELIABILITY_LABELS[grade]}" if grade else "not graded"


def library_panel(situation_id: str) -> None:
    sources = library(situation_id)
    with st.expander(f"Sources of this situation ({len(sources)}): add once, pick in any row's Sources cell"):
        if sources:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "source": s.title,
                            "reliability": _grade(s.reliability),
                            "address": s.url or "",
                            "date": s.date,
                        }
                        for s in sources
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        if not identity.allowed("assessment.save"):
            return
        with st.form("add_source_form", clear_on_submit=True, border=False):
            title, grade = st.columns([3, 1])
            title.text_input(
                "Title (how it is named in the Sources cells)", key=state.SOURCE_FIELDS["title"], max_chars=500
            )
            grade.selectbox(
                "Reliability",
                GRADES,
                index=None,
                format_func=_grade,
                key=state.SOURCE_FIELDS["grade"],
                placeholder="not graded",
            )
            address, date = st.columns([3, 1])
            address.text_input(
                "Web address (optional, http:// or https://)", key=state.SOURCE_FIELDS["url"], max_chars=2000
            )
            date.date_input(
                "Date (optional)", value=None, key=state.SOURCE_FIELDS["date"], min_value=dt.date(1900, 1, 1)
            )
            added = st.form_submit_button("Add to the library", key=state.ADD_SOURCE)
        if added:
            _add(situation_id)
        if sources:
            _regrade(situation_id, sources)


def _add(situation_id: str) -> None:
    values = {
        "title": (st.session_state.get(state.SOURCE_FIELDS["title"]) or "").strip(),
        "url": (st.session_state.get(state.SOURCE_FIELDS["url"]) or "").strip() or None,
        "date": st.session_state.get(state.SOURCE_FIELDS["date"]),
        "reliability": st.session_state.get(state.SOURCE_FIELDS["grade"]),
    }
    try:
        source = Source.model_validate(values)
    except ValidationError as exc:
        show_problems(problems_from_validation_error(exc, "source."), "The source was not added")
        return
    try:
        services.database().add_library_source(situation_id, source, state.analyst())
    except R2PError as error:
        show_error(error)
        return
    st.session_state.pop(LIBRARY, None)
    st.rerun()


def _regrade(situation_id: str, sources: list[Source]) -> None:
    titles = [s.title for s in sources]
    which, grade, button = st.columns([3, 1, 1], vertical_alignment="bottom")
    chosen = which.selectbox("Grade a source", titles, index=None, key="regrade_source", placeholder="Choose a source")
    new = grade.selectbox("New grade", GRADES, index=None, format_func=_grade, key="regrade_grade", placeholder="grade")
    if button.button("Grade", key="regrade_button", disabled=chosen is None or new is None) and chosen is not None:
        with reporting():
            old = next(s for s in sources if s.title == chosen)
            services.database().update_library_source(
                situation_id, chosen, old.model_copy(update={"reliability": new}), state.analyst()
            )
            st.session_state.pop(LIBRARY, None)
            st.rerun()
