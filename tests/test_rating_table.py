"""A risk factor's ratings as the Assess screen's table: the rows shown, and the table's edits put into the
assessment."""

from helpers import make_assessment

from r2p_risk.assessment import Source
from r2p_risk.rating_table import (
    LEVEL_CELLS,
    NO_INFORMATION,
    UNKNOWN,
    apply_edits,
    mark_rest,
    new_edits,
    new_source_titles,
    table,
)


def test_the_table_has_the_whole_factor_row_then_every_indicator_with_its_rating(framework):
    factor = framework.risk_factor(11)
    assessment = make_assessment({"11.1": 2}, whole={11: 3})
    frame = table(assessment, factor)
    assert list(frame["item"]) == ["RF 11", *(i.id for i in factor.indicators)]
    assert frame.loc[0, "level"] == LEVEL_CELLS[3] and frame.loc[1, "level"] == LEVEL_CELLS[2]
    assert frame.loc[1, "confidence"] == "medium" and frame.loc[2, "level"] is None


def test_edits_go_to_the_indicator_or_the_whole_factor_and_applying_them_again_changes_nothing(framework):
    factor = framework.risk_factor(1)
    edits = {0: {"level": LEVEL_CELLS[1]}, "2": {"level": LEVEL_CELLS[2], "confidence": "high", "trend": "worsening"}}
    edited, problems = apply_edits(make_assessment({}), factor, edits)
    assert problems == []
    assert edited.factor_rating_for(1).level == 1
    rating = edited.rating_for("1.2")
    assert (rating.level, rating.confidence, rating.trend) == (2, "high", "worsening")
    again, _ = apply_edits(edited, factor, edits)
    assert again is edited


def test_unknown_or_a_cleared_cell_leaves_the_level_out_and_an_empty_rating_is_dropped(framework):
    factor = framework.risk_factor(1)
    rated = make_assessment({"1.1": 3, "1.2": 2})
    edited, _ = apply_edits(rated, factor, {1: {"level": UNKNOWN}, 2: {"level": None}})
    assert edited.rating_for("1.1").level is None and edited.rating_for("1.1").confidence == "medium"
    cleared, _ = apply_edits(edited, factor, {1: {"confidence": None}})
    assert cleared.rating_for("1.1") is None and cleared.rating_for("1.2").level is None


def test_only_level_confidence_and_trend_are_taken_and_a_bad_value_is_named(framework):
    factor = framework.risk_factor(1)
    start = make_assessment({"1.1": 1})
    edited, problems = apply_edits(
        start,
        factor,
        {
            1: {"text": "rewritten", "notes": "x", "level": "7 · off the scale"},
            2: {"trend": "sideways"},
            99: {"level": LEVEL_CELLS[3]},
        },
    )
    assert edited == start  # nothing kept: read-only columns ignored, bad values refused, unknown rows ignored
    assert [p.where for p in problems] == ["indicator 1.1.level", "indicator 1.2.trend"]


def test_only_cells_changed_since_the_edits_last_seen_are_new():
    seen = {1: {"level": "a", "evidence": "x"}}
    current = {"1": {"level": "a", "evidence": "y"}, 2: {"trend": "stable"}}
    assert new_edits(current, seen) == {1: {"evidence": "y"}, 2: {"trend": "stable"}}
    assert new_edits(current, current) == {} and new_edits(current, None) == {
        1: {"level": "a", "evidence": "y"},
        2: {"trend": "stable"},
    }


def test_evidence_and_sources_are_cells_of_the_indicators_own_row(framework):
    factor = framework.risk_factor(4)
    library = [Source(title="OHCHR report", url="https://example.org/r", reliability="A")]
    edits = {
        1: {"evidence": "Hate radio, March."},
        2: {"evidence": "Curfews", "sources": ["OHCHR report", "Radio Keldar", "Radio Keldar"]},
    }
    edited, problems = apply_edits(make_assessment({}), factor, edits, library)
    assert (
        problems == []
        and edited.rating_for("4.1").evidence == "Hate radio, March."
        and edited.rating_for("4.1").level is None
    )
    assert edited.rating_for("4.2").sources == [library[0], Source(title="Radio Keldar")], (
        "the library's copy, then a new one"
    )
    assert [s.title for s in new_source_titles(edited, library)] == ["Radio Keldar"]
    assert list(table(edited, factor).loc[2, "sources"]) == ["OHCHR report", "Radio Keldar"]
    cleared, _ = apply_edits(edited, factor, {1: {"evidence": None}, 2: {"sources": []}}, library)
    assert cleared.rating_for("4.1") is None and cleared.rating_for("4.2").sources == []


def test_the_unrated_rest_of_a_risk_factor_is_marked_not_present_or_unknown(framework):
    factor = framework.risk_factor(2)
    start = make_assessment({"2.1": 3, "2.2": None})
    absent = mark_rest(start, factor, 0)
    assert absent.rating_for("2.1").level == 3 and {absent.rating_for(i.id).level for i in factor.indicators[1:]} == {0}
    unknown = mark_rest(start, factor, None)
    assert unknown.rating_for("2.1").level == 3
    assert all(
        unknown.rating_for(i.id).level is None and unknown.rating_for(i.id).evidence == NO_INFORMATION
        for i in factor.indicators[1:]
    )
