"""Risk profile: status and its reasons, per-crime risk, the 14 risk factors, and what changed."""

import streamlit as st

from r2p_risk import charts
from r2p_risk.compare import compare_assessments
from r2p_risk.scoring import score_assessment
from r2p_risk.ui import profile_view, services
from r2p_risk.ui.choose import choose_assessment
from r2p_risk.ui.downloads import downloads

st.title("Risk profile")
model = services.model()
chosen = choose_assessment("profile")
if chosen is None:
    st.stop()
profile = score_assessment(chosen.assessment, model.framework, model.params)
if chosen.unsaved:
    st.warning("This profile includes unsaved changes of the assessment being edited.")
profile_view.headline(chosen, profile, model.params)
profile_view.crimes(profile, model.params)
st.subheader("The 14 risk factors")
thresholds = [c.below for c in model.params.risk_classes if c.below is not None]
st.plotly_chart(
    charts.factor_scores_figure(profile, thresholds), width="stretch", key="factor_chart", config={"displaylogo": False}
)
st.dataframe(
    profile_view.factor_frame(profile, model.params),
    hide_index=True,
    width="stretch",
    column_config=profile_view.FACTOR_COLUMNS,
)
profile_view.assess_next(profile)
profile_view.drivers(profile, chosen.assessment)
st.subheader("What changed since the previous assessment")
if chosen.previous is None:
    st.caption("This is the first assessment of this situation.")
else:
    previous_profile = score_assessment(chosen.previous, model.framework, model.params)
    change = compare_assessments(chosen.previous, previous_profile, chosen.assessment, profile, model.framework)
    profile_view.changes(change, model.params)
    st.plotly_chart(
        charts.factor_change_figure(change), width="stretch", key="change_chart", config={"displaylogo": False}
    )
with st.expander("How these numbers are made"):
    st.write(profile.method)
    st.caption(
        f"Framework {profile.versions.framework_edition} (data {profile.versions.framework_data_version}) · "
        f"scoring model {profile.versions.scoring_id} {profile.versions.scoring_version}"
    )
downloads(chosen)
