"""Recommendations: the response tools that fit the risk profile, with reasons and citations."""

import streamlit as st

from r2p_risk.recommend import recommend_tools
from r2p_risk.scoring import score_assessment
from r2p_risk.ui import services, tool_cards
from r2p_risk.ui.choose import choose_assessment

st.title("Recommended response tools")
st.caption(
    "From the summaries of the annual meetings of the Global Network of R2P Focal Points. Each tool says why it "
    "fits this risk profile and where the meetings discussed it; tools more intrusive than the situation warrants "
    "are held back, with the condition under which they would fit."
)
model, catalogue = services.model(), services.catalogue()
chosen = choose_assessment("recommendations")
if chosen is None:
    st.stop()
profile = score_assessment(chosen.assessment, model.framework, model.params)
recommendations = recommend_tools(profile, chosen.assessment, catalogue, model.framework, model.params)
tool_cards.situation_panel(recommendations, catalogue)
tool_cards.selection_bar(chosen)
tool_cards.tool_list(chosen, recommendations, catalogue)
