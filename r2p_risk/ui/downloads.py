"""Downloads of one assessment: the one-page brief and the briefing as PDF, Word and Markdown, the snapshot and the CSV.

A file is made when its button is clicked, in the script run, so that the user's rights are checked again
at that moment and a failure is shown with its message (`r2p_risk.exports`); the file made is then offered
as a download. A handling marking that cannot be printed is refused where it is typed.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from r2p_risk.errors import R2PError
from r2p_risk.exports import KINDS, check_marking, make_download
from r2p_risk.report import HANDLING_MARKINGS
from r2p_risk.ui import services, state
from r2p_risk.ui.choose import Chosen
from r2p_risk.ui.feedback import reporting, show_error

PREPARED = "prepared_download"  # (what was asked for, Download)


def downloads(chosen: Chosen) -> None:
    st.subheader("Export this assessment")
    marking = st.selectbox(
        "Handling marking, printed on every page of the briefing",
        HANDLING_MARKINGS,
        index=2,
        key=state.BRIEFING_MARKING,
        accept_new_options=True,
    )
    try:
        check_marking(marking)
        marking_ok = True
    except R2PError as error:
        show_error(error)
        marking_ok = False
    author = st.checkbox("Print the analyst's name in the brief and the briefing", key="briefing_author")
    edit = state.editing()
    version = (
        chosen.situation.id,
        chosen.assessment.id,
        chosen.assessment.revision,
        edit.edit_id if chosen.unsaved and edit else None,
        chosen.assessment if chosen.unsaved else None,
    )
    briefs = [k for k, f in KINDS.items() if f.one_page]
    columns = [*st.columns(len(briefs)), *st.columns(len(KINDS) - len(briefs))]
    for column, (kind, file) in zip(columns, KINDS.items(), strict=True):
        briefing = file.exporter is not None
        if column.button(
            file.label, key=state.prepare_download_key(kind), disabled=briefing and not marking_ok, width="stretch"
        ):
            st.session_state.pop(PREPARED, None)
            with reporting():
                made = make_download(
                    services.database(),
                    kind,
                    chosen.situation,
                    chosen.assessment,
                    chosen.unsaved,
                    marking,
                    services.model(),
                    services.catalogue(),
                    dt.datetime.now(dt.UTC),
                    state.analyst(),
                    author=author,
                    vocabulary=services.vocabulary(),
                )
                st.session_state[PREPARED] = ((kind, marking, author, version), made)
    prepared = st.session_state.get(PREPARED)
    if prepared is not None and prepared[0][1:] == (marking, author, version):
        made = prepared[1]
        st.download_button(
            f"Download {made.file_name}",
            made.data,
            file_name=made.file_name,
            mime=made.mime,
            key="download_file",
            type="primary",
            on_click="ignore",
        )
    st.caption(
        "Click a kind of file to make it (your access is checked again and the export recorded), then download "
        "it. The one-page brief and the briefing list the tools ticked on the Recommendations screen, or the ones "
        "that fit best when none are."
    )
