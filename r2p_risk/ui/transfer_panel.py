"""Bulk export to one ZIP, and import of snapshots and bundles with a plan shown before anything is stored."""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
import streamlit as st

from r2p_risk.logs import problem_codes
from r2p_risk.sizes import megabytes
from r2p_risk.storage.transfer import apply_import, export_all, plan_import, read_import_files
from r2p_risk.ui import identity, services, state
from r2p_risk.ui.feedback import plain, reporting

log = logging.getLogger(__name__)

EXPORT = "bulk_export"  # the prepared ZIP: (situation ids, bytes)
PLAN = "import_plan"  # the plan for the uploaded files: (upload signature, plan)
ACTION_TITLES = {
    "new_situation": "new situation",
    "new_assessment": "new assessment",
    "new_revision": "new revision",
    "identical": "identical to a stored revision: skipped",
    "rejected": "rejected: nothing stored",
}


def export_section() -> None:
    st.subheader("Export")
    situations = services.database().list_situations()
    names = {s.id: s.name for s in situations if s.id is not None}
    chosen = st.multiselect(
        "Situations (none chosen: all)", list(names), format_func=names.__getitem__, key="export_situations"
    )
    ids = tuple(chosen) or tuple(names)
    if st.button("Prepare the ZIP", key=state.PREPARE_EXPORT, disabled=not names):
        bar = st.progress(0.0, text="Collecting revisions")

        def show_progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"{done} of {total} revisions")

        with reporting():
            data = export_all(
                services.database(), services.model(), list(ids), actor=state.analyst(), progress=show_progress
            )
            st.session_state[EXPORT] = (ids, data)
    prepared = st.session_state.get(EXPORT)
    if prepared and prepared[0] == ids:
        st.download_button(
            "Download the ZIP",
            prepared[1],
            file_name=f"r2p-risk-export-{dt.date.today()}.zip",
            mime="application/zip",
            key=state.DOWNLOAD_EXPORT,
            on_click="ignore",
        )
        st.caption(
            "One snapshot per revision of every assessment, and assessments.csv: situation x assessment x risk factor, "
            "for Excel or pandas."
        )


def _plan_frame(plan) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "file": e.source,
                "situation": e.situation,
                "assessed on": e.assessed_on,
                "what happens": ACTION_TITLES[e.action],
                "details": e.message,
            }
            for e in plan.entries
        ]
    )


def import_section() -> None:
    st.subheader("Import")
    if not identity.allowed("import"):
        st.info(f"Importing needs the analyst role; yours is {identity.current_user().role}.")
        return
    sizes = services.settings().sizes
    server_limit = st.get_option("server.maxUploadSize")  # what Streamlit's server lets through, in MB
    if server_limit < sizes.upload_mb:
        log.warning(
            "server.maxUploadSize is %s MB, below R2P_RISK_MAX_UPLOAD_MB (%s MB); uploads are limited to the lower",
            server_limit,
            sizes.upload_mb,
        )
    uploads = st.file_uploader(
        "Snapshots (.json) or exports (.zip)",
        type=["json", "zip"],
        accept_multiple_files=True,
        key=state.IMPORT_FILES,
        max_upload_size=min(sizes.upload_mb, server_limit),
    )
    if not uploads:
        st.session_state.pop(PLAN, None)
        return
    signature = tuple((u.file_id, u.name, u.size) for u in uploads)
    if st.session_state.get(PLAN, (None,))[0] != signature:
        with reporting():
            files = read_import_files([(u.name, u.getvalue()) for u in uploads], services.model(), sizes)
            st.session_state[PLAN] = (signature, plan_import(services.database(), files))
            rejected = st.session_state[PLAN][1].rejected
            if rejected:
                log.warning(
                    "import: %d snapshot(s) rejected, shown to the user (%s)",
                    len(rejected),
                    problem_codes(p for entry in rejected for p in entry.problems),
                )
    if PLAN not in st.session_state:
        return
    plan = st.session_state[PLAN][1]
    st.dataframe(_plan_frame(plan), hide_index=True, width="stretch")
    for entry in plan.rejected:
        st.error(plain(f"{entry.source}: " + "; ".join(str(p) for p in entry.problems)))
    storable = sum(plan.count(a) for a in ("new_situation", "new_assessment", "new_revision"))
    skip = bool(plan.rejected) and st.checkbox(
        "Import the valid files and leave the rejected ones out", key=state.IMPORT_SKIP_INVALID
    )
    if st.button(
        f"Import {storable} snapshot(s)",
        key=state.CONFIRM_IMPORT,
        type="primary",
        disabled=storable == 0 or (bool(plan.rejected) and not skip),
    ):
        with reporting():
            report = apply_import(services.database(), plan, state.analyst() or "unnamed analyst", skip_invalid=skip)
            st.session_state.pop(PLAN, None)
            lines = [f"- {plain(o.entry.source)}: {plain(o.message)}" for o in report.outcomes]
            state.flash(
                f"Imported {len(report.imported)} snapshot(s); {len(report.not_imported)} not imported.\n\n"
                + "\n".join(lines)
            )
            st.rerun()
    st.caption(
        f"Nothing stored is ever overwritten: a changed assessment becomes a new revision. Limits: "
        f"{megabytes(sizes.snapshot_bytes)} per snapshot, {min(sizes.upload_mb, server_limit)} MB per ZIP."
    )
