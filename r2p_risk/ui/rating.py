"""Evidence and sources of one row of a risk factor's table (an indicator, or the risk factor as a whole).

Each field writes its value into the draft through a callback the moment it changes, so the draft
is complete whatever is on screen. A change that fails validation is not kept; its problems are
shown under the field until it is corrected.
"""

from __future__ import annotations

import streamlit as st

from r2p_risk import editing, rating_table
from r2p_risk.assessment import RatingFields
from r2p_risk.errors import Problem, R2PError
from r2p_risk.framework import RiskFactor
from r2p_risk.ui import state
from r2p_risk.ui.feedback import plain


def _apply(target: tuple, field: str, key: str) -> None:
    """Callback: put the widget's value into the draft (target: ('indicator', id) or ('factor', n))."""
    session = state.editing()
    if session is None:
        return
    value = st.session_state[key]
    problems: list[Problem] = []
    if field == "sources":
        value, problems = editing.parse_source_lines(value or "", where="sources")
        if problems:  # keep the sources as they were until every line is right
            state.set_field_problems(key, problems)
            return
    if field == "evidence":
        value = value or ""
    try:
        kind, ident = target
        setter = editing.set_indicator_field if kind == "indicator" else editing.set_factor_field
        state.replace_draft(setter(session.assessment, ident, field, value))
    except R2PError as error:
        problems = problems + error.problems
    state.set_field_problems(key, problems)


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def evidence_panel(factor: RiskFactor, session: state.EditSession) -> None:
    """Choose a row of the risk factor's table; edit its evidence and sources."""
    rows = rating_table.rows_of(factor)
    choice = st.selectbox(
        "Evidence and sources of",
        range(len(rows)),
        index=1 if len(rows) > 1 else 0,
        format_func=lambda k: f"{rows[k].label} — {_shorten(rows[k].text)}",
        key=state.evidence_of_key(factor.number),
    )
    row = rows[choice if choice is not None else 0]
    rating = rating_table.rating_of(session.assessment, row) or RatingFields()
    keys = {f: state.rating_field_key(row.kind, row.ident, f) for f in ("evidence", "sources")}
    left, right = st.columns(2)
    left.text_area(
        "Evidence",
        value=rating.evidence,
        key=keys["evidence"],
        on_change=_apply,
        args=(row.target, "evidence", keys["evidence"]),
        height=110,
    )
    right.text_area(
        "Sources, one per line: title | web address (http or https) | YYYY-MM-DD (address and date optional)",
        value=editing.format_source_lines(rating.sources),
        key=keys["sources"],
        on_change=_apply,
        args=(row.target, "sources", keys["sources"]),
        height=110,
    )
    for key in keys.values():
        for problem in state.field_problems(key):
            st.error(f"{plain(problem.where)}: {plain(problem.message)} (this change was not kept)")
