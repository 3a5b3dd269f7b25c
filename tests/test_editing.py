"""Editing an assessment field by field, as the Assess screen does."""

import datetime as dt

import pytest
from helpers import make_assessment

from r2p_risk import editing
from r2p_risk.editing import (
    copy_assessment,
    format_source_lines,
    parse_source_lines,
    set_assessment_field,
    set_factor_field,
    set_indicator_field,
)
from r2p_risk.errors import SnapshotError


def test_a_change_is_validated_and_leaves_the_original_alone():
    before = make_assessment({"1.1": 2})
    after = set_indicator_field(before, "1.1", "level", 3)
    assert (before.rating_for("1.1").level, after.rating_for("1.1").level) == (2, 3)
    with pytest.raises(SnapshotError) as error:
        set_indicator_field(after, "1.1", "level", 7)
    assert [p.where for p in error.value.problems] == ["indicator 1.1.level"]


def test_ratings_stay_in_framework_order_and_empty_ones_disappear():
    assessment = set_indicator_field(make_assessment({"2.1": 1}), "1.10", "level", 2)
    assessment = set_indicator_field(assessment, "1.2", "level", 0)
    assert [r.indicator for r in assessment.ratings] == ["1.2", "1.10", "2.1"]
    cleared = set_indicator_field(set_indicator_field(assessment, "2.1", "level", None), "2.1", "confidence", None)
    assert cleared.rating_for("2.1") is None


def test_a_risk_factor_can_be_rated_as_a_whole():
    assessment = set_factor_field(make_assessment(), 12, "level", 2)
    assert assessment.factor_rating_for(12).level == 2


def test_assessment_fields_are_checked():
    with pytest.raises(SnapshotError) as error:
        set_assessment_field(make_assessment(), "analyst", "")
    assert error.value.problems[0].where == "assessment.analyst"
    assert set_assessment_field(make_assessment(), "status", "final").status == "final"


def test_source_lines_round_trip_and_bad_lines_are_named():
    text = "UN report | https://example.org/a | 2026-05-01\nWitness account (name withheld)\nRadio |  | 2026-04-02"
    sources, problems = parse_source_lines(text)
    assert problems == [] and format_source_lines(sources) == text
    _, problems = parse_source_lines(
        "ok\nLeaflet | javascript:alert(1)\n | https://x.org\na | b | c | d\nx | | 31-02-2026"
    )
    assert [p.where for p in problems] == [
        "sources line 2.url",
        "sources line 3.title",
        "sources line 4",
        "sources line 5.date",
    ]


def test_a_copy_starts_a_new_draft_with_the_same_ratings():
    previous = make_assessment({"1.1": 3}, id="a1", revision=4, status="final")
    copy = copy_assessment(previous, "Bo", dt.date(2026, 11, 27))
    assert (copy.id, copy.revision, copy.status, copy.analyst) == (None, None, "draft", "Bo")
    assert copy.ratings == previous.ratings and copy.assessed_on == dt.date(2026, 11, 27)


def test_a_finding_is_recorded_with_its_sources_and_removed_again():
    assessment = make_assessment()
    recorded = editing.add_finding(
        assessment,
        "genocide",
        "ended",
        dt.date(2025, 3, 1),
        "Fictional: massacres ended.",
        "Fictional commission report | https://example.org/report | 2025-04-01",
    )
    [finding] = recorded.atrocity_findings
    assert (finding.crime, finding.state, finding.ended_on) == ("genocide", "ended", dt.date(2025, 3, 1))
    assert finding.sources[0].url == "https://example.org/report"
    assert editing.remove_finding(recorded, 0).atrocity_findings == []


def test_a_finding_without_evidence_or_date_is_refused_naming_each_problem():
    with pytest.raises(SnapshotError) as error:
        editing.add_finding(make_assessment(), "genocide", "ended", None, "", "x | not-a-url")
    places = [p.where for p in error.value.problems]
    assert any("evidence" in w for w in places) and any("sources line 1" in w for w in places)
    ongoing = editing.add_finding(
        make_assessment(), "war_crimes", "ongoing", dt.date(2025, 1, 1), "Fictional shelling."
    )
    assert ongoing.atrocity_findings[0].ended_on is None, "an ongoing finding has no end date"
