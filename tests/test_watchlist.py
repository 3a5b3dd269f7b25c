"""The watch list, heatmap and trend tables built from situation overviews (score summaries)."""

import datetime as dt
from dataclasses import dataclass

from conftest import FRAMEWORKS, make_assessment
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.charts import heatmap_figure, trend_figure
from r2p_risk.overview import overviews_from_histories
from r2p_risk.storage.files import load_regions
from r2p_risk.watchlist import build_watch_list, filter_watch_list, heatmap_frame, trend_frame, watch_list_frame


@dataclass
class History:
    situation: Situation
    assessments: list[Assessment]


def histories():
    crisis = {f"{rf}.{i}": 3 for rf in (1, 2, 8, 10, 11, 13) for i in range(1, 4)}
    return [
        History(Situation(id="s1", name="Darfur", country="SDN", tags=["Sahel"]), [
            make_assessment({"1.1": 1}, id="a1", assessed_on=dt.date(2026, 1, 1)),
            make_assessment(crisis, id="a2", assessed_on=dt.date(2026, 6, 1)),
        ]),
        History(Situation(id="s2", name="Rakhine", country="MMR"), [make_assessment({"1.1": 0}, id="a3")]),
        History(Situation(id="s3", name="Not yet assessed"), []),
    ]


def overviews(model):
    return overviews_from_histories(histories(), model)


def test_rows_put_the_most_severe_status_first_and_show_the_change(model):
    rows = build_watch_list(overviews(model), model, load_regions(FRAMEWORKS))
    assert [r.situation for r in rows] == ["Darfur", "Rakhine", "Not yet assessed"]
    darfur = rows[0]
    assert darfur.status == "current_crisis" and darfur.region == "Africa" and darfur.country == "Sudan"
    assert darfur.assessment_id == "a2" and darfur.last_assessed == dt.date(2026, 6, 1) and darfur.assessments == 2
    assert darfur.change is not None and darfur.change > 0
    assert rows[2].status is None and rows[2].overall is None
    frame = watch_list_frame(rows)
    assert list(frame["status"]) == ["Current crisis", "Monitoring", "Not assessed"]


def test_filters_keep_rows_matching_any_choice_and_empty_keeps_all(model):
    rows = build_watch_list(overviews(model), model, load_regions(FRAMEWORKS))
    assert [r.situation for r in filter_watch_list(rows, ["Asia"], [], [])] == ["Rakhine"]
    assert [r.situation for r in filter_watch_list(rows, [], [], ["Sahel"])] == ["Darfur"]
    assert [r.situation for r in filter_watch_list(rows, [], ["current_crisis", "monitoring"], [])] == ["Darfur", "Rakhine"]
    assert filter_watch_list(rows, [], [], []) == rows


def test_heatmap_has_a_row_per_assessed_situation_and_a_column_per_risk_factor(model):
    frame = heatmap_frame(overviews(model), model)
    assert list(frame.index) == ["Darfur", "Rakhine"] and list(frame.columns) == [str(n) for n in range(1, 15)]
    assert frame.loc["Darfur", "8"] > 5 and frame.isna().loc["Rakhine", "8"]
    assert heatmap_figure(frame).data[0].z.shape == (2, 14)


def test_trend_lists_every_assessment_of_the_chosen_situations_by_date(model):
    frame = trend_frame(overviews(model), ["s1"])
    assert list(frame["assessed_on"]) == [dt.date(2026, 1, 1), dt.date(2026, 6, 1)]
    assert frame["overall"].iloc[1] > frame["overall"].iloc[0]
    assert len(trend_figure(frame).data) == 1
