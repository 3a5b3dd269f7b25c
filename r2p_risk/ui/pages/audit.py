"""Audit (admins): every change with who, when, and what it was before and after; filters and the CSV.

The screen only reads: the app has no way to change or delete an audit event.
"""

import datetime as dt

import streamlit as st

from r2p_risk.ui import audit_view, services, state
from r2p_risk.ui.feedback import reporting

SHOWN = 500
AUDIT_CSV = "audit_csv"  # (the filters, the CSV made with them)

st.title("Audit trail")
st.caption(
    "Every change: situations, assessment saves and restores, imports, deletions, roles, access, restores of "
    "a backup. For an assessment, before and after hold only what changed. Nothing here can be edited."
)
database = services.database()
names = {s.id: s.name for s in database.list_situations(include_deleted=True) if s.id is not None}
chosen = audit_view.filters(database, names)
events = database.list_audit(**chosen, limit=SHOWN)
st.caption(
    f"{len(events)} events, newest first"
    + (f" (only the newest {SHOWN} are shown; the CSV has all)" if len(events) == SHOWN else "")
)
st.dataframe(audit_view.frame(events, names), hide_index=True, width="stretch", column_config=audit_view.COLUMNS)
if st.button("Download the audit trail (CSV)", key=state.PREPARE_AUDIT):
    with reporting():  # made now, the admin's rights checked again, and the download recorded
        st.session_state[AUDIT_CSV] = (chosen, database.audit_csv(**chosen))
        database.record_export(state.analyst(), {"format": "csv", "of": "audit trail", "filters": chosen})
prepared = st.session_state.get(AUDIT_CSV)
if prepared is not None and prepared[0] == chosen:
    st.download_button(
        "Save the CSV",
        prepared[1],
        key=state.DOWNLOAD_AUDIT,
        file_name=f"r2p-risk-audit-{dt.date.today()}.csv",
        mime="text/csv",
        type="primary",
        on_click="ignore",
    )
