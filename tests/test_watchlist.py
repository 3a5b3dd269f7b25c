"""The watch list, heatmap and trend tables built from situation overviews (score summaries)."""

import datetime as dt
from dataclasses import dataclass

from helpers import FRAMEWORKS, make_assessment

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.charts import heatmap_figure, trend_figure
from r2p_risk.overview import overviews_from_histories
from r2p_risk.storage.files import load_regions
from r2p_risk.watchlist import build_watch_list, filter_watch_list, heatmap_frame, trend_frame, watch_list_frame


@dataclass
class History:
    situation: Situation
    assessments: list[Assessment]


def histories(framework):
    crisis = {f"{rf}.{i}": 3 for rf in (1, 2, 8, 10, 11, 13) for i in range(1, 4)}
    quiet = {i: 0 for i in framework.indicator_ids}
    # fictional places carry the scores; the real country is only a place on the list, never assessed
    return [
        History(
            Situation(id="s1", name="Northern Tamaris (fictional)", tags=["coast"]),
            [
                make_assessment({"1.1": 1}, id="a1", assessed_on=dt.date(2026, 1, 1)),
                make_assessment(crisis, id="a2", assessed_on=dt.date(2026, 6, 1)),
            ],
        ),
        History(Situation(id="s2", name="Varesia (fictional)"), [make_assessment(quiet, id="a3")]),
        History(Situation(id="s3", name="Not yet assessed", country="KEN"), []),
    ]


def overviews(model):
    return overviews_from_histories(histories(model.framework), model)


def test_rows_put_the_most_severe_status_first_and_show_the_change(model):
    rows = build_watch_list(overviews(model), model, load_regions(FRAMEWORKS))
    assert [r.situation for r in rows] == ["Northern Tamaris (fictional)", "Varesia (fictional)", "Not yet assessed"]
    tamaris = rows[0]
    assert tamaris.status == "current_crisis" and tamaris.assessment_id == "a2" and tamaris.assessments == 2
    assert tamaris.last_assessed == dt.date(2026, 6, 1) and tamaris.overall is None and tamaris.change is None
    assert tamaris.overall_range[0] < tamaris.overall_range[1], "undetermined, but the range says how high it could be"
    assert rows[1].status == "monitoring" and rows[1].overall == rows[1].overall_range[0] < rows[1].overall_range[1], (
        "every listed indicator is rated, but the unlisted official indicators of risk factors 11-14 keep a range open"
    )
    assert (
        rows[2].status is None and rows[2].overall is None and rows[2].region == "Africa" and rows[2].country == "Kenya"
    )
    frame = watch_list_frame(rows)
    assert list(frame["status"]) == ["Current crisis (provisional)", "Monitoring", "No assessment yet"]
    assert list(frame["risk_class"])[:2] == ["Not determined", "Very low"]


def test_a_provisional_alarm_and_not_enough_assessed_are_said_in_words(model):
    histories_ = [
        History(Situation(id="p", name="Ostric Plateau (fictional)"), [make_assessment({"10.1": 2}, id="m")]),
        History(Situation(id="e", name="Isle of Peravo (fictional)"), [make_assessment({"1.1": 0}, id="n")]),
    ]
    rows = build_watch_list(overviews_from_histories(histories_, model), model, {})
    assert [(r.status, r.status_label) for r in rows] == [
        ("serious_concern", "Serious concern (provisional)"),
        ("insufficient_evidence", "Not enough assessed"),
    ]
    assert rows[1].assessed == 1 and rows[1].overall is None


def test_filters_keep_rows_matching_any_choice_and_empty_keeps_all(model):
    rows = build_watch_list(overviews(model), model, load_regions(FRAMEWORKS))
    assert [r.situation for r in filter_watch_list(rows, ["Africa"], [], [])] == ["Not yet assessed"]
    assert [r.situation for r in filter_watch_list(rows, [], [], ["coast"])] == ["Northern Tamaris (fictional)"]
    assert [r.situation for r in filter_watch_list(rows, [], ["current_crisis", "monitoring"], [])] == [
        "Northern Tamaris (fictional)",
        "Varesia (fictional)",
    ]
    assert filter_watch_list(rows, [], [], []) == rows


def test_heatmap_has_a_row_per_assessed_situation_and_a_column_per_risk_factor(model):
    frame = heatmap_frame(overviews(model), model)
    assert list(frame.index) == ["Northern Tamaris (fictional)", "Varesia (fictional)"]
    assert list(frame.columns) == [str(n) for n in range(1, 15)]
    assert frame.loc["Northern Tamaris (fictional)", "8"] > 5 and frame.isna().loc["Varesia (fictional)", "14"]
    assert heatmap_figure(frame).data[0].z.shape == (2, 14)


def test_trend_lists_every_assessment_of_the_chosen_situations_by_date(model):
    frame = trend_frame(overviews(model), ["s1"])
    assert list(frame["assessed_on"]) == [dt.date(2026, 1, 1), dt.date(2026, 6, 1)]
    assert frame["status"].tolist() == ["insufficient_evidence", "current_crisis"]
    assert frame["overall"].isna().all() and (frame["overall_low"] < frame["overall_high"]).all()
    figure = trend_figure(frame)
    assert [t.name for t in figure.data] == ["Northern Tamaris (fictional) range", "Northern Tamaris (fictional)"]
