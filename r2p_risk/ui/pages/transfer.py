"""Export and import: everything (or chosen situations) as one ZIP; snapshots and ZIPs back in, without loss."""

import streamlit as st

from r2p_risk.ui import state, transfer_panel

st.title("Export and import")
state.show_flash()
transfer_panel.export_section()
st.divider()
transfer_panel.import_section()
