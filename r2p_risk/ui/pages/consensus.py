"""Consensus: several analysts rate one situation independently, see where they diverge, and the lead reconciles."""

import streamlit as st

from r2p_risk.ui import consensus_panel, state
from r2p_risk.ui.feedback import reporting

st.title("Consensus")
state.show_flash()
with reporting():
    situation_id = consensus_panel.choose_situation()
    if situation_id is None:
        st.stop()
    found = consensus_panel.choose_round(situation_id)
    if found is None:
        st.caption("No round of independent ratings for this situation yet.")
        st.stop()
    consensus_panel.members(found)
    consensus_panel.my_rating(found)
    consensus_panel.reconciled(found)
    consensus_panel.view(found)
