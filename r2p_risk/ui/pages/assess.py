"""Assess: rate a situation indicator by indicator; the profile follows as you go."""

import streamlit as st

from r2p_risk.resources import pages_dir
from r2p_risk.ui import drafts, saving, state
from r2p_risk.ui.feedback import plain, reporting
from r2p_risk.ui.workspace import workspace

st.title("Assess")
state.show_flash()
if drafts.offer_panel():  # an unsaved draft was found for what is being opened: restore or discard it first
    st.stop()
session = state.editing()
if session is None:
    st.info(
        "Nothing is open for editing. On the Situations screen, open a situation and start a new assessment, "
        "copy the latest one, or open an existing one."
    )
    st.page_link(pages_dir() / "situations.py", label="Go to Situations")
    st.stop()
state.link(session)  # the tab's address names the edit (a page switch clears it), so a reload finds it again
situation = saving.situation_of(session)  # the edit stays on screen when the database cannot be reached
st.caption(f"{plain(situation.name)} · scores are r2p-risk's own model; the UN Framework prescribes no numbers")
workspace(situation)
with reporting():
    saving.history_panel(state.current_edit())
