"""Dossier: who is at risk, from whom, when to watch, what could happen, in words; saved with the assessment."""

import datetime as dt

import streamlit as st

from r2p_risk.ui import dossier_open, dossier_panel, identity, saving, services, state
from r2p_risk.ui.dossier_view import show_dossier
from r2p_risk.ui.feedback import plain, reporting

st.title("Dossier")
state.show_flash()
model, vocabulary, today = services.model(), services.vocabulary(), dt.date.today()
session = state.editing()
if session is None:
    with reporting():
        latest = dossier_open.open_latest()
        if latest is not None:
            show_dossier(latest.dossier, vocabulary, today)
    st.stop()

situation = saving.situation_of(session)
st.caption(
    f"{plain(situation.name)} · the assessment of {session.assessment.assessed_on}, revision "
    f"{session.base_revision or 'new'} · the dossier is versioned with each assessment"
)
dossier_open.save_bar()
writable = identity.allowed("assessment.save")
dossier = state.current_edit().assessment.dossier
sections = {t.id: t for t in vocabulary.dossier_sections}


def heading(section: str) -> None:
    st.subheader(sections[section].label)
    st.caption(sections[section].description)


heading("populations_at_risk")
dossier_panel.populations(dossier, vocabulary, model.framework, writable)
heading("perpetrators")
dossier_panel.perpetrators(dossier, vocabulary, model.framework, writable)
heading("triggers")
dossier_panel.triggers(dossier, model.framework, today, writable)
heading("developments_to_monitor")
dossier_panel.developments(dossier, model.framework, writable, dossier_open.seed_developments)
heading("scenarios")
st.caption("Then the narrative, in the sections the R2P Monitor writes.")
dossier_panel.texts(dossier, vocabulary, writable, dossier_open.seed_necessary_action)
