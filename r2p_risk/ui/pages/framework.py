"""Framework: the risk factors and indicators, and our scoring model explained from its data.

Its tables are static HTML tables (`st.table`): read, never sorted or edited, they show the full wording wrapped, screen
readers read them as tables, and the screen draws no grid (a grid's canvas per table made its first visit slow)."""

import pandas as pd
import streamlit as st

from r2p_risk.report import status_note
from r2p_risk.status import describe_rule
from r2p_risk.ui import services
from r2p_risk.ui.feedback import plain

model = services.model()
framework, params = model.framework, model.params
st.title("Framework of Analysis and scoring model")
st.write(f"**{framework.title}** ({framework.edition}). {framework.note}")
st.info(
    "The UN Framework of Analysis prescribes no numbers. Every score in r2p-risk comes from our own model "
    f"({params.id} {params.version}), described below from the data file it is read from."
)

for group in framework.groups:
    st.header(group.title)
    for number in framework.factors_in_group(group.id):
        factor = framework.risk_factor(number)
        gap = (
            ""
            if factor.indicators_complete
            else (
                f" · indicator list incomplete ({len(factor.indicators)} listed, "
                f"counted as {framework.counted_indicators(number):g})"
            )
        )
        with st.expander(f"Risk factor {factor.number}: {factor.title}{gap}"):
            st.write(factor.description)
            if not factor.indicators_complete:
                st.warning(
                    "The official indicators of this risk factor could not all be obtained; the list below is "
                    "incomplete. Analysts rate this risk factor as a whole as well."
                )
            st.table(  # plain HTML, the full wording wrapped and read by screen readers; cells are Markdown: escaped
                pd.DataFrame(
                    [
                        {
                            "indicator": i.id,
                            "text": plain(i.text),
                            "wording": plain(i.wording_check),
                            "wording note": plain(i.wording_note or ""),
                            "conduct": "yes" if i.conduct else "",
                        }
                        for i in factor.indicators
                    ]
                ),
                hide_index=True,
                border="horizontal",
            )

st.header("The scoring model")
st.write(params.method)
st.subheader("Points per indicator level")
st.table(
    pd.DataFrame([{"level": k, "points": v} for k, v in params.level_points.items()]), hide_index=True, width="content"
)
st.subheader("Risk classes")
st.table(
    pd.DataFrame([{"class": plain(c.label), "scores below": c.below} for c in params.risk_classes]),
    hide_index=True,
    width="content",
)
st.subheader("Per-crime risk and evidence gates")
st.markdown(
    "Each crime's risk combines the common risk factors (C) with its specific ones (S) as "
    "(C + 1) ^ (1 - w) x (S + 1) ^ w - 1, so absent specific factors pull it down however high the common risk. "
    f"It is determined only when one of its specific risk factors is assessed and the common risk factors have "
    f"at least {params.evidence_gates.min_common_evidence:.0%} evidence; "
    "otherwise it shows only the range it could take."
)
st.table(
    pd.DataFrame(
        [
            {
                "crime": plain(m.label),
                "specific risk factors": ", ".join(map(str, m.specific_risk_factors)),
                "w": m.specific_weight,
                "requires": plain(m.requires.explanation) if m.requires else "",
            }
            for m in params.crimes.values()
        ]
    ),
    hide_index=True,
    border="horizontal",
)
st.subheader("Status rules, most severe first")
for rule in params.status_rules:
    st.markdown(f"- {describe_rule(rule, params)}. *{rule.description}*")
st.markdown(
    f"- otherwise {params.status_label('monitoring')} when the overall risk is determined, else "
    f"{params.status_label('insufficient_evidence')}. An alarm on an undetermined assessment is marked provisional."
)
st.caption(status_note(params))
with st.expander("All parameters as data"):
    st.json(params.model_dump(mode="json"), expanded=False)
