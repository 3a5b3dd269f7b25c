"""The rating controls of one indicator or one risk factor as a whole.

Every control writes its value into the draft through a callback the moment it changes, so the
draft is complete whatever is on screen. A change that fails validation is not kept; its
problems are shown under the control until it is corrected.
"""

from __future__ import annotations

import streamlit as st

from r2p_risk import editing
from r2p_risk.assessment import LEVEL_LABELS, RatingFields
from r2p_risk.errors import R2PError
from r2p_risk.ui import state
from r2p_risk.ui.feedback import plain

LEVELS = [None, 0, 1, 2, 3]
LEVEL_SHORT = {None: "Unknown", 0: "0", 1: "1", 2: "2", 3: "3"}
CONFIDENCES = [None, "low", "medium", "high"]
TRENDS = [None, "improving", "stable", "worsening"]


def _label(value) -> str:
    return "—" if value is None else str(value)


def _apply(target: tuple, field: str, key: str) -> None:
    """Callback: put the widget's value into the draft (target: ('indicator', id) or ('factor', n))."""
    session = state.editing()
    if session is None:
        return
    value = st.session_state[key]
    problems = []
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


def rating_controls(target: tuple, rating: RatingFields | None) -> None:
    """Level, confidence and trend in a row; evidence and sources in an expander."""
    rating = rating or RatingFields()
    kind, ident = target
    keys = {f: state.widget_key(kind, ident, f) for f in ("level", "confidence", "trend", "evidence", "sources")}
    left, middle, right = st.columns([4, 4, 2])
    left.radio("Level", LEVELS, index=LEVELS.index(rating.level), format_func=LEVEL_SHORT.get, horizontal=True,
               key=keys["level"], on_change=_apply, args=(target, "level", keys["level"]),
               help="; ".join(f"{LEVEL_SHORT[v]}: {LEVEL_LABELS[v]}" for v in LEVELS) + ". Unknown is not the same as 0.")
    middle.radio("Confidence", CONFIDENCES, index=CONFIDENCES.index(rating.confidence), format_func=_label, horizontal=True,
                 key=keys["confidence"], on_change=_apply, args=(target, "confidence", keys["confidence"]))
    right.selectbox("Trend", TRENDS, index=TRENDS.index(rating.trend), format_func=_label,
                    key=keys["trend"], on_change=_apply, args=(target, "trend", keys["trend"]))
    filled = bool(rating.evidence or rating.sources)
    with st.expander("Evidence and sources" + (" ✓" if filled else ""), expanded=False):
        st.text_area("Evidence", value=rating.evidence, key=keys["evidence"], on_change=_apply,
                     args=(target, "evidence", keys["evidence"]), height=90)
        st.text_area("Sources, one per line: title | https://link | YYYY-MM-DD (link and date optional)",
                     value=editing.format_source_lines(rating.sources), key=keys["sources"], on_change=_apply,
                     args=(target, "sources", keys["sources"]), height=70)
    for key in keys.values():
        for problem in state.field_problems(key):
            st.error(f"{plain(problem.where)}: {plain(problem.message)} (this change was not kept)")
