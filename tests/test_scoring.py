"""The scoring model on hand-checked cases, including the worked example in frameworks/README.md."""

import datetime as dt

import pytest

from conftest import make_assessment
from r2p_risk.assessment import Assessment
from r2p_risk.scoring import score_assessment


def test_worked_example_in_frameworks_readme(framework, params):
    assessment = Assessment(assessed_on=dt.date(2026, 1, 15), analyst="A", ratings=[
        {"indicator": "8.1", "level": 3, "confidence": "high"},
        {"indicator": "8.3", "level": 2, "confidence": "medium"},
        {"indicator": "8.5", "level": 0, "confidence": "low"},
    ], risk_factor_ratings=[{"risk_factor": 11, "level": 2, "confidence": "medium"}])
    profile = score_assessment(assessment, framework, params)
    factor8 = profile.factor(8)
    assert (factor8.score, factor8.coverage, factor8.reliability, factor8.level) == (7.34, 0.25, 1.75, "very_high")
    assert profile.factor(11).score == 6.7
    assert profile.crimes["genocide"].score == 7.34
    assert profile.crimes["crimes_against_humanity"].score == 7.02
    assert profile.crimes["war_crimes"].score == 7.34
    assert (profile.overall.score, profile.overall.level) == (7.34, "very_high")
    assert profile.status.label == "current_crisis"
    assert "genocide and war crimes at 7.34" in profile.overall.reasons[0].text


def test_unknown_rating_does_not_count_as_absent(framework, params):
    only_high = score_assessment(make_assessment({"7.1": 3, "7.2": None}), framework, params)
    with_absent = score_assessment(make_assessment({"7.1": 3, "7.2": 0}), framework, params)
    assert only_high.factor(7).score == 10.0
    assert with_absent.factor(7).score < only_high.factor(7).score
    assert only_high.factor(7).coverage < with_absent.factor(7).coverage


def test_factor_with_nothing_assessed_is_null_not_zero(framework, params):
    profile = score_assessment(make_assessment({"1.1": 0}), framework, params)
    assert profile.factor(1).score == 0.0
    assert profile.factor(2).score is None and profile.factor(2).level is None
    assert profile.factor(2).reliability == 0.0
    assert "Nothing assessed" in profile.factor(2).reasons[-1].text


def test_empty_assessment_has_no_scores_and_monitoring_status(framework, params):
    profile = score_assessment(make_assessment(), framework, params)
    assert all(f.score is None for f in profile.risk_factors.values())
    assert all(c.score is None for c in profile.crimes.values())
    assert profile.overall.score is None and profile.status.label == "monitoring"
    assert profile.coverage == 0.0 and profile.reliability == 0.0


def test_risk_factor_without_listed_indicators_can_be_rated_as_a_whole(framework, params):
    assert framework.risk_factor(14).indicators == []
    profile = score_assessment(make_assessment(whole={14: 3}), framework, params)
    assert profile.factor(14).score == 10.0
    assert profile.factor(14).coverage == 1.0
    assert profile.factor(14).reliability == pytest.approx(10 * 0.5 * 0.7)


def test_whole_factor_rating_is_blended_with_indicators(framework, params):
    profile = score_assessment(make_assessment({"11.1": 0}, whole={11: 3}), framework, params)
    assert profile.factor(11).score == 5.0
    assert any("Rated as a whole" in r.text for r in profile.factor(11).reasons)


def test_incomplete_factor_says_so(framework, params):
    profile = score_assessment(make_assessment({"12.1": 1}), framework, params)
    assert not profile.factor(12).indicators_complete
    assert any("incomplete" in r.text for r in profile.factor(12).reasons)


@pytest.mark.parametrize(("armed_conflict", "capped"), [(0, True), (1, False), (None, False)])
def test_war_crimes_without_armed_conflict_are_capped(framework, params, armed_conflict, capped):
    levels = {f"13.{i}": 3 for i in range(1, 9)} | {"7.1": 3, "1.1": armed_conflict}
    profile = score_assessment(make_assessment(levels), framework, params)
    war_crimes = profile.crimes["war_crimes"]
    assert (war_crimes.score == 3.5) is capped
    wording = "capped" if capped else ("not assessed" if armed_conflict is None else None)
    if wording:
        assert any(wording in r.text for r in war_crimes.reasons)


@pytest.mark.parametrize(("levels", "status"), [
    ({"1.1": 0, "2.1": 1}, "monitoring"),
    ({f"1.{i}": 2 for i in range(1, 6)}, "serious_concern"),
    ({"7.1": 3, "7.2": 2, "8.1": 3, "8.2": 2, "1.4": 2, "3.1": 2, "4.1": 1}, "imminent_risk"),
    ({"7.1": 3, "8.1": 3, "1.4": 2, "11.1": 3}, "current_crisis"),
    ({"10.1": 3, "10.2": 2}, "current_crisis"),
])
def test_status_rules(framework, params, levels, status):
    profile = score_assessment(make_assessment(levels), framework, params)
    assert profile.status.label == status
    assert profile.status.reasons, "every status says why"


def test_imminent_risk_needs_elevated_structural_risk(framework, params):
    triggers_only = {"7.1": 3, "7.2": 2, "8.1": 3, "8.2": 2, "1.4": 0, "3.1": 0}
    profile = score_assessment(make_assessment(triggers_only), framework, params)
    assert profile.status.label == "serious_concern"
    assert profile.factor(7).score >= 5 and profile.factor(8).score >= 5


def test_drivers_are_the_strongest_indicators_first(framework, params):
    profile = score_assessment(make_assessment({"9.1": 2, "1.1": 3, "7.4": 3, "2.1": 1}), framework, params)
    assert [d.indicator for d in profile.drivers] == ["1.1", "7.4", "9.1"]
    assert profile.drivers[0].text == framework.indicator("1.1").text


def test_every_output_states_the_method_and_versions(framework, params):
    profile = score_assessment(make_assessment({"1.1": 1}), framework, params)
    assert "prescribes no" in profile.method
    assert profile.versions.scoring_version == params.version
    assert profile.versions.framework_edition == "2014"


def test_changing_a_weight_in_data_changes_the_score(framework, params):
    assessment = make_assessment({"5.1": 3, "5.2": 0})
    base = score_assessment(assessment, framework, params).factor(5).score
    peak_only = params.model_copy(update={"aggregation": params.aggregation.model_copy(update={"method": "max"})})
    mean_only = params.model_copy(update={"aggregation": params.aggregation.model_copy(update={"method": "mean"})})
    assert score_assessment(assessment, framework, peak_only).factor(5).score == 10.0
    assert score_assessment(assessment, framework, mean_only).factor(5).score == 5.0
    assert 5.0 < base < 10.0
