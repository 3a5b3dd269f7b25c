"""Choosing the assessment a page looks at: by default the one being edited, with its unsaved changes."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.ui import services, state

DRAFT_OPTION = "__draft__"


@dataclass(frozen=True)
class Chosen:
    situation: Situation
    assessment: Assessment
    previous: Assessment | None
    unsaved: bool


def choose_assessment(page: str) -> Chosen | None:
    """Two selectboxes (situation, assessment); None when there is nothing to show yet."""
    database = services.database()
    situations = {s.id: s for s in database.list_situations() if s.id is not None}
    session = state.editing()
    if not situations:
        st.info("No situations yet: add one on the Situations screen or load the fictional examples there.")
        return None
    ids = list(situations)
    current = st.session_state.get(state.SITUATION)
    left, right = st.columns(2)
    situation_id = left.selectbox(
        "Situation",
        ids,
        format_func=lambda i: situations[i].name,
        key=state.pick_situation_key(page),
        index=ids.index(current) if current in ids else 0,
    )
    assessments = database.list_assessments(situation_id)
    options = [a.id for a in assessments if a.id is not None][::-1]
    labels = {a.id: services.assessment_label(a) for a in assessments if a.id is not None}
    here = session if session is not None and session.situation_id == situation_id else None
    if here is not None and here.dirty:
        options = [DRAFT_OPTION] + [o for o in options if o != here.assessment.id]
        labels[DRAFT_OPTION] = f"{here.assessment.assessed_on} · the edit in progress (unsaved changes)"
    if not options:
        st.info("This situation has no assessment yet.")
        return None
    edited = here.assessment.id if here is not None else None
    default = edited if edited is not None and edited in options else options[0]
    chosen_id = right.selectbox(
        "Assessment",
        options,
        format_func=labels.__getitem__,
        key=state.pick_assessment_key(page),
        index=options.index(default),
    )
    unsaved = chosen_id == DRAFT_OPTION
    assessment = state.current_edit().assessment if unsaved else next(a for a in assessments if a.id == chosen_id)
    earlier = [a for a in assessments if a.id != assessment.id and a.assessed_on <= assessment.assessed_on]
    previous = max(earlier, key=lambda a: (a.assessed_on, a.revision or 0)) if earlier else None
    return Chosen(situations[situation_id], assessment, previous, unsaved)
