"""Compare: situations x risk factors, a ranking, and trends over time."""

import datetime as dt

import streamlit as st

from r2p_risk import charts, watchlist
from r2p_risk.ui import services, situation_panel


def ranking_score(row: watchlist.WatchRow) -> float:
    """The overall score, or the lower end of its range when it is not determined (every situation here is assessed)."""
    if row.overall is not None:
        return row.overall
    if row.overall_range is None:
        raise RuntimeError(f"the assessed situation {row.situation_id} has neither a score nor a range")
    return row.overall_range[0]


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
st.caption(
    "Scores are r2p-risk's own model. A situation whose overall risk is not determined is ranked by the lower end "
    "of its range, and says so in its status."
)
rows = sorted(
    watchlist.build_watch_list(assessed, model, services.regions(), today=dt.date.today()),
    key=lambda r: -ranking_score(r),
)
frame = watchlist.watch_list_frame(rows)
st.dataframe(
    frame[
        [
            "situation",
            "status",
            "risk_class",
            "overall",
            "range",
            "assessed",
            "reliability",
            "last_assessed",
            "change",
            "review",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config=situation_panel.WATCH_COLUMNS,
)

st.subheader("Trend over time")
names = {o.situation.id: o.situation.name for o in assessed if o.situation.id is not None}
chosen = st.multiselect(
    "Situations", list(names), default=list(names)[:3], format_func=names.__getitem__, key="trend_situations"
)
labels: dict[str, str] = {"overall": "Overall", **{crime: m.label for crime, m in model.params.crimes.items()}}
value = st.selectbox("Score", list(labels), key="trend_value", format_func=labels.__getitem__)
if chosen:
    trend = watchlist.trend_frame(assessed, chosen)
    st.plotly_chart(
        charts.trend_figure(trend, value), width="stretch", key="trend_chart", config={"displaylogo": False}
    )
