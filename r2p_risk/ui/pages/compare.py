"""Compare: situations x risk factors, a ranking, and trends over time."""

import datetime as dt

import streamlit as st

from r2p_risk import charts, watchlist
from r2p_risk.ui import services, situation_panel

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
st.caption("Scores are r2p-risk's own model. A situation whose overall risk is not determined is ranked by the lower end "
           "of its range, and says so in its status.")
rows = sorted(watchlist.build_watch_list(assessed, model, services.regions(), today=dt.date.today()),
              key=lambda r: -(r.overall if r.overall is not None else r.overall_range[0]))
frame = watchlist.watch_list_frame(rows)
st.dataframe(frame[["situation", "status", "risk_class", "overall", "range", "assessed", "reliability", "last_assessed", "change",
                    "review"]],
             hide_index=True, width="stretch", column_config=situation_panel.WATCH_COLUMNS)

st.subheader("Trend over time")
names = {o.situation.id: o.situation.name for o in assessed}
chosen = st.multiselect("Situations", list(names), default=list(names)[:3], format_func=names.get, key="trend_situations")
labels = {"overall": "Overall", **{crime: m.label for crime, m in model.params.crimes.items()}}
value = st.selectbox("Score", list(labels), key="trend_value", format_func=labels.get)
if chosen:
    trend = watchlist.trend_frame(assessed, chosen)
    st.plotly_chart(charts.trend_figure(trend, value), width="stretch", key="trend_chart", config={"displaylogo": False})
