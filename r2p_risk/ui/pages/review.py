"""Review: draft -> in review -> final (or returned with comments).

Comments on indicators, risk factors and the dossier.
"""

import datetime as dt

import streamlit as st

from r2p_risk.scoring import score_assessment
from r2p_risk.ui import review_panel, services, state
from r2p_risk.ui.dossier_view import show_dossier
from r2p_risk.ui.feedback import plain, reporting

st.title("Review")
state.show_flash()
st.caption(
    "An assessment becomes final when a reviewer signs it off; in a team, someone other than its last editor (four "
    "eyes). Open comments must be resolved first. Every step is in the audit trail."
)
with reporting():
    chosen = review_panel.choose()
    if chosen is None:
        st.stop()
    situation, assessment = chosen
    model = services.model()
    profile = score_assessment(assessment, model.framework, model.params)
    status = model.params.status_label(profile.status.label) + (" (provisional)" if profile.status.provisional else "")
    st.markdown(
        f"Assessed on {assessment.assessed_on} by {plain(assessment.analyst)}: **{plain(status)}**, "
        f"{profile.assessed_indicators} of {profile.official_indicators} indicators assessed (r2p-risk's model)."
    )
    review_panel.summary(assessment)
    review_panel.steps(assessment)
    review_panel.comments(assessment)
    review_panel.new_comment(assessment)
    review_panel.cadence(situation)
    with st.expander("The dossier of this assessment"):
        show_dossier(assessment.dossier, services.vocabulary(), dt.date.today())
