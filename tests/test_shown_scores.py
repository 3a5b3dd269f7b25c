"""Scores as people read them: one decimal, and the class printed beside a score always matches the number shown."""

import pytest

from r2p_risk.parameters import score_figure, shown_score
from r2p_risk.watchlist import NOTHING, WatchRow, watch_list_frame


def test_a_score_just_below_a_class_bound_never_shows_as_the_bound(params):
    for hundredths in range(0, 1001):
        score = hundredths / 100
        assert params.risk_level(shown_score(score)) == params.risk_level(score), score
    assert (score_figure(6.47), params.risk_level_label(params.risk_level(6.47))) == ("6.4", "High")
    assert (score_figure(6.5), params.risk_level_label(params.risk_level(6.5))) == ("6.5", "Very high")


@pytest.mark.parametrize(
    ("score", "shown"),
    [(8.55, "8.5"), (0.99, "0.9"), (0.57, "0.5"), (2.0, "2.0"), (10.0, "10.0"), (None, "not determined")],
)
def test_every_score_is_printed_with_one_decimal(score, shown):
    assert score_figure(score) == shown


def test_the_watch_list_table_has_words_in_every_cell_never_none():
    row = WatchRow(
        situation_id="s",
        situation="Isle of Peravo (fictional)",
        country=None,
        region=None,
        tags=[],
        assessment_id=None,
        status=None,
        status_label="No assessment yet",
        provisional=False,
        risk_class=None,
        overall=None,
        overall_range=None,
        assessed=None,
        reliability=None,
        last_assessed=None,
        change=None,
        assessments=0,
    )
    frame = watch_list_frame(
        [
            row,
            row.model_copy(
                update={
                    "status": "monitoring",
                    "overall": 6.47,
                    "risk_class": "High",
                    "overall_range": (6.47, 8.55),
                    "change": -0.25,
                }
            ),
        ]
    )
    assert not frame.drop(columns=["assessment_id", "overall_range"]).isna().any().any()
    assert list(frame.loc[0, ["country", "region", "risk_class", "overall", "change"]]) == [NOTHING] * 5
    assert list(frame.loc[1, ["overall", "range", "change"]]) == ["6.4", "6.4-8.5", "-0.2"]
