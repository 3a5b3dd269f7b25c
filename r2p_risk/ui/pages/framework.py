"""Framework: the risk factors and indicators, and our scoring model explained from its data."""

import pandas as pd
import streamlit as st

from r2p_risk.status import describe_rule
from r2p_risk.ui import services

model = services.model()
framework, params = model.framework, model.params
st.title("Framework of Analysis and scoring model")
st.write(f"**{framework.title}** ({framework.edition}). {framework.note}")
st.info("The UN Framework of Analysis prescribes no numbers. Every score in r2p-risk comes from our own model "
        f"({params.id} {params.version}), described below from the data file it is read from.")

for group in framework.groups:
    st.header(group.title)
    for number in framework.factors_in_group(group.id):
        factor = framework.risk_factor(number)
        gap = "" if factor.indicators_complete else " · indicator list incomplete"
        with st.expander(f"Risk factor {factor.number}: {factor.title}{gap}"):
            st.write(factor.description)
            if not factor.indicators_complete:
                st.warning("The official indicators of this risk factor could not all be obtained; the list below is "
                           "incomplete. Analysts rate this risk factor as a whole as well.")
            st.dataframe(pd.DataFrame([{"indicator": i.id, "text": i.text, "wording": i.wording_check, "wording note": i.wording_note or ""}
                                       for i in factor.indicators]),
                         hide_index=True, width="stretch")

st.header("The scoring model")
st.write(params.method)
st.subheader("Points per indicator level")
st.dataframe(pd.DataFrame([{"level": k, "points": v} for k, v in params.level_points.items()]), hide_index=True)
st.subheader("Risk classes")
st.dataframe(pd.DataFrame([{"class": c.label, "scores below": c.below} for c in params.risk_classes]),
             hide_index=True)
st.subheader("Status rules, most severe first")
for rule in params.status_rules:
    st.markdown(f"- {describe_rule(rule)}. *{rule.description}*")
st.markdown(f"- otherwise {params.default_status.label}. *{params.default_status.description}*")
with st.expander("All parameters as data"):
    st.json(params.model_dump(mode="json"), expanded=False)
