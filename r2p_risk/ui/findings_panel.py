"""Recorded findings of atrocity crimes on the Assess screen: what the analyst judges is, or was, being committed.

A finding is recorded, never inferred: an ongoing one makes the status a current crisis, an ended
one puts the situation in the accountability-and-recovery stage of the recommendations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from r2p_risk import editing
from r2p_risk.errors import R2PError
from r2p_risk.parameters import ScoringParameters
from r2p_risk.ui import state
from r2p_risk.ui.feedback import plain

ADD_KEYS = state.FINDING_NEW
PROBLEMS = "finding_new"


def _add(params: ScoringParameters) -> None:
    # widget values, any type: add_finding checks them
    values: dict[str, Any] = {field: st.session_state.get(key) for field, key in ADD_KEYS.items()}
    try:
        changed = editing.add_finding(
            state.current_edit().assessment,
            values["crime"],
            values["state"],
            values["ended_on"],
            values["evidence"] or "",
            values["sources"] or "",
        )
    except R2PError as error:
        state.set_field_problems(PROBLEMS, error.problems)
        return
    state.replace_draft(changed)
    state.set_field_problems(PROBLEMS, [])
    for field in ("evidence", "sources"):
        st.session_state[ADD_KEYS[field]] = ""


def _remove(index: int) -> None:
    state.replace_draft(editing.remove_finding(state.current_edit().assessment, index))


def findings_panel(session: state.EditSession, params: ScoringParameters) -> None:
    findings = session.assessment.atrocity_findings
    title = (
        f"Findings of atrocity crimes ({len(findings)} recorded)"
        if findings
        else "Findings of atrocity crimes (none recorded)"
    )
    with st.expander(title, expanded=bool(findings)):
        st.caption(
            "Record that genocide, crimes against humanity or war crimes are being committed, or were and have "
            "ended, when the evidence supports that judgement. Signs of intent or threats are rated as indicators, "
            "not recorded here."
        )
        for index, finding in enumerate(findings):
            left, right = st.columns([6, 1], vertical_alignment="center")
            ended = f", ended {finding.ended_on}" if finding.ended_on else ""
            left.markdown(f"**{params.crime_label(finding.crime)}: {finding.state}{ended}**")
            left.text(finding.evidence)
            right.button("Remove", key=f"finding_remove_{index}", on_click=_remove, args=(index,))
        crime, kind, ended_on = st.columns(3)
        crime.selectbox("Crime", list(params.crimes), key=ADD_KEYS["crime"], format_func=params.crime_label)
        kind.radio("State", ["ongoing", "ended"], key=ADD_KEYS["state"], horizontal=True)
        ended_on.date_input(
            "Ended on (for an ended finding)",
            value=session.assessment.assessed_on,
            max_value=session.assessment.assessed_on,
            min_value=dt.date(1900, 1, 1),
            key=ADD_KEYS["ended_on"],
        )
        st.text_area("Evidence (required)", key=ADD_KEYS["evidence"], height=80)
        st.text_area("Sources, one per line: title | url | date", key=ADD_KEYS["sources"], height=68)
        st.button("Record this finding", key=state.FINDING_ADD, on_click=_add, args=(params,))
        for problem in state.field_problems(PROBLEMS):
            st.error(f"{plain(problem.where)}: {plain(problem.message)} (the finding was not recorded)")
