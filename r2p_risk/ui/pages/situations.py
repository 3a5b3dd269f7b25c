"""Situations: the watch list, a new situation, and one situation's assessments."""

import datetime as dt

import streamlit as st

from r2p_risk import watchlist
from r2p_risk.parameters import STATUSES
from r2p_risk.ui import drafts, identity, services, situation_panel, state

st.title("Situations")
state.show_flash()
drafts.drafts_panel()
database, model = services.database(), services.model()
overviews = database.situation_overviews(model)

creating = identity.allowed("situation.create")
if not overviews:
    st.info(
        "No situations yet. "
        + (
            "Add one below, or load the fictional examples to look around."
            if creating
            else "Your role (viewer) reads situations; an analyst or admin adds them."
        )
    )
    if creating and st.button("Load fictional examples", key=state.LOAD_EXAMPLES):
        situation_panel.load_examples()
        st.rerun()

rows = watchlist.build_watch_list(overviews, model, services.regions(), today=dt.date.today())
if rows:
    left, middle, right = st.columns(3)
    regions = left.multiselect("UN region", sorted({r.region for r in rows if r.region}), key="filter_region")
    statuses = middle.multiselect(
        "Status", list(reversed(STATUSES)), format_func=model.params.status_label, key="filter_status"
    )
    tags = right.multiselect("Tag", sorted({t for r in rows for t in r.tags}), key="filter_tag")
    shown = watchlist.filter_watch_list(rows, regions, statuses, tags)
    st.caption(
        f"{len(shown)} of {len(rows)} situations · most severe status first · click a row to open it, a column to sort"
    )
    st.session_state[situation_panel.WATCH_IDS] = [r.situation_id for r in shown]
    situation_panel.compact_watch_list(shown)  # on a phone, instead of the table
    with st.container(key="watch_table"):
        clicked = st.dataframe(
            watchlist.watch_list_frame(shown),
            hide_index=True,
            width="stretch",
            key="watch_list",
            on_select="rerun",
            selection_mode="single-row",
            column_order=[
                "situation",
                "status",
                "risk_class",
                "overall",
                "range",
                "next_trigger",
                "review",
                "country",
                "region",
                "assessed",
                "reliability",
                "last_assessed",
                "change",
                "assessments",
                "tags",
            ],
            column_config=situation_panel.WATCH_COLUMNS,
        )
    situation_panel.open_clicked_row(clicked.selection.rows)
    names = {r.situation_id: r.situation for r in rows}
    current = st.session_state.get(state.SITUATION)
    options = list(names)
    chosen = st.selectbox(
        "Open a situation",
        options,
        format_func=names.__getitem__,
        key=state.OPEN_SITUATION,
        index=options.index(current) if current in options else None,
        placeholder="Choose a situation",
    )
    if chosen:
        st.session_state[state.SITUATION] = chosen
        situation_panel.show(chosen)

if creating:
    with st.expander("New situation", expanded=not overviews):
        situation_panel.new_situation_form()
if identity.allowed("situation.restore"):
    situation_panel.deleted_situations()
