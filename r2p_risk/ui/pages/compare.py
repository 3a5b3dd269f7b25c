"""Compare: situations x risk factors, a ranking, and trends over time."""

import streamlit as st

from r2p_risk import charts, watchlist
from r2p_risk.ui import services

st.title("Compare situations")
database, model = services.database(), services.model()
assessed = [o for o in database.situation_overviews(model) if o.assessments]
if not assessed:
    st.info("No assessed situations yet.")
    st.stop()

st.subheader("Risk factors of each situation's latest assessment")
heat = watchlist.heatmap_frame(assessed, model)
st.plotly_chart(charts.heatmap_figure(heat), width="stretch", key="heatmap", config={"displaylogo": False})
st.caption("RF n = risk factor n (see the Framework screen). Blank: not assessed.")

st.subheader("Ranking by overall score")
rows = sorted(watchlist.build_watch_list(assessed, model, services.regions()), key=lambda r: -(r.overall or 0))
frame = watchlist.watch_list_frame(rows)
st.dataframe(frame[["situation", "status", "risk_class", "overall", "reliability", "last_assessed", "change"]],
             hide_index=True, width="stretch")

st.subheader("Trend over time")
names = {o.situation.id: o.situation.name for o in assessed}
chosen = st.multiselect("Situations", list(names), default=list(names)[:3], format_func=names.get, key="trend_situations")
value = st.selectbox("Score", ["overall", "genocide", "crimes_against_humanity", "war_crimes"], key="trend_value",
                     format_func=lambda v: v.replace("_", " ").capitalize())
if chosen:
    trend = watchlist.trend_frame(assessed, chosen)
    st.plotly_chart(charts.trend_figure(trend, value), width="stretch", key="trend_chart", config={"displaylogo": False})
