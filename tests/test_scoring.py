"""The scoring model 2.0 on hand-checked cases: gates, ranges, findings, conduct, the war-crimes cap, the status
rules."""

import datetime as dt

import pytest
from helpers import make_assessment

from r2p_risk.assessment import Assessment
from r2p_risk.reasons import TEMPLATES, render
from r2p_risk.scoring import score_assessment


def all_common(level: int, framework, **extra) -> dict:
    levels = {i.id: level for rf in framework.risk_factors if rf.group == "common" for i in rf.indicators}
    return levels | extra


def finding(crime: str, state: str, ended_on: str | None = None) -> dict:
    return {"crime": crime, "state": state, "ended_on": ended_on, "evidence": "Fictional finding for a test."}


def test_two_conflict_indicators_determine_no_crime_risk(framework, params):
    profile = score_assessment(make_assessment({"1.1": 3, "1.2": 2}), framework, params)
    for crime in profile.crimes.values():
        assert (crime.determined, crime.score, crime.level) == (False, None, None)
        assert crime.range[0] < 1 and crime.range[1] > 9
    assert (profile.overall.determined, profile.overall.level) == (False, None)
    assert profile.status.label == "insufficient_evidence"
    assert "2 of 143 indicators" in profile.status.reasons[0].text


def test_a_few_absent_indicators_are_not_an_all_clear(framework, params):
    profile = score_assessment(make_assessment({"1.1": 0, "2.2": 0, "3.3": 0, "7.14": 0, "9.1": 0}), framework, params)
    assert profile.status.label == "insufficient_evidence"
    assert profile.status.title == "Not enough assessed"
    assert profile.overall.score is None


def test_an_empty_assessment_is_not_enough_assessed(framework, params):
    profile = score_assessment(make_assessment(), framework, params)
    assert all(f.score is None and f.range == (0.0, 10.0) for f in profile.risk_factors.values())
    assert all(c.score is None for c in profile.crimes.values())
    assert profile.status.label == "insufficient_evidence" and not profile.status.provisional
    assert profile.coverage == 0.0 and profile.reliability == 0.0 and profile.assessed_indicators == 0


def test_genocide_risk_without_its_specific_factors_is_a_gap_not_a_finding(framework, params):
    profile = score_assessment(make_assessment(all_common(2, framework)), framework, params)
    genocide = profile.crimes["genocide"]
    assert not genocide.determined and genocide.level is None
    assert genocide.range[1] - genocide.range[0] > 5
    assert any(r.code == "crime_undetermined_specific" for r in genocide.reasons)


def test_absent_specific_factors_pull_genocide_risk_down_to_at_most_medium(framework, params):
    levels = all_common(3, framework) | {i.id: 0 for n in (9, 10) for i in framework.risk_factor(n).indicators}
    genocide = score_assessment(make_assessment(levels), framework, params).crimes["genocide"]
    assert genocide.determined and genocide.level in ("very_low", "low", "medium")
    assert genocide.range == (genocide.score, genocide.score), "everything genocide rests on is assessed"


def test_crime_risk_combines_common_and_specific_as_a_geometric_mean(framework, params):
    levels = all_common(2, framework) | {i.id: 3 for i in framework.risk_factor(9).indicators}
    profile = score_assessment(make_assessment(levels), framework, params)
    common, specific = 6.7, 10.0  # every common indicator at level 2; risk factor 9 all at 3, risk factor 10 unknown
    assert profile.factor(9).score == specific and profile.factor(1).score == common
    expected = round(((common + 1) * (specific + 1)) ** 0.5 - 1, 2)
    assert profile.crimes["genocide"].score == expected == 8.2
    assert any(r.code == "crime_combined" and "8.20" in r.text for r in profile.crimes["genocide"].reasons)


def test_common_evidence_below_the_gate_leaves_crimes_undetermined(framework, params):
    levels = {i.id: 1 for i in framework.risk_factor(1).indicators} | {"9.1": 2}
    genocide = score_assessment(make_assessment(levels), framework, params).crimes["genocide"]
    assert not genocide.determined
    gate = next(r for r in genocide.reasons if r.code == "crime_undetermined_common")
    assert (
        gate.params["gate"] == params.evidence_gates.min_common_evidence
        and gate.params["evidence"] < gate.params["gate"]
    )


def test_one_manifesto_is_a_provisional_serious_concern_not_a_current_crisis(framework, params):
    profile = score_assessment(make_assessment({"10.1": 2}), framework, params)
    assert profile.status.label == "serious_concern"
    assert profile.status.provisional
    assert any(r.code == "status_provisional" and "1 of 143" in r.text for r in profile.status.reasons)


@pytest.mark.parametrize(
    ("level", "confidence", "crisis"),
    [
        (2, "medium", True),
        (3, "high", True),
        (2, "low", False),
        (1, "high", False),
        (2, None, False),
    ],
)
def test_conduct_clearly_present_with_enough_confidence_is_a_current_crisis(
    framework, params, level, confidence, crisis
):
    assessment = Assessment(
        assessed_on=dt.date(2026, 1, 15),
        analyst="A",
        ratings=[{"indicator": "11.1", "level": level, "confidence": confidence}],
    )
    profile = score_assessment(assessment, framework, params)
    assert (profile.status.label == "current_crisis") is crisis
    if crisis:
        assert any(r.code == "conduct_present" and r.params["indicator"] == "11.1" for r in profile.status.reasons)


def test_intent_and_threat_conditions_alone_never_make_a_current_crisis(framework, params):
    intent = {i.id: 3 for i in framework.risk_factor(10).indicators if not i.conduct}
    threats = {i.id: 3 for i in framework.risk_factor(13).indicators}
    profile = score_assessment(
        make_assessment(all_common(1, framework) | intent | threats | {"1.1": 3}), framework, params
    )
    assert profile.status.label != "current_crisis"
    assert not any(i.conduct for i in framework.risk_factor(13).indicators)


def test_an_ongoing_finding_is_a_current_crisis_that_is_not_provisional(framework, params):
    assessment = make_assessment({"1.1": 3}, atrocity_findings=[finding("crimes_against_humanity", "ongoing")])
    profile = score_assessment(assessment, framework, params)
    assert (profile.status.label, profile.status.provisional) == ("current_crisis", False)
    assert profile.findings[0].crime == "crimes_against_humanity"
    assert any(r.code == "finding_ongoing" for r in profile.status.reasons)


def test_an_ended_finding_is_recorded_but_is_no_current_crisis(framework, params):
    assessment = make_assessment({"1.1": 0}, atrocity_findings=[finding("genocide", "ended", "2025-03-01")])
    profile = score_assessment(assessment, framework, params)
    assert profile.status.label != "current_crisis"
    assert [(f.crime, f.state, f.ended_on) for f in profile.findings] == [("genocide", "ended", "2025-03-01")]


def test_a_finding_is_dated_when_ended_and_not_after_the_assessment():
    with pytest.raises(ValueError, match="ended_on"):
        make_assessment(atrocity_findings=[finding("genocide", "ended")])
    with pytest.raises(ValueError, match="after the assessment date"):
        make_assessment(atrocity_findings=[finding("genocide", "ended", "2027-01-01")])
    with pytest.raises(ValueError, match="evidence"):
        make_assessment(atrocity_findings=[{"crime": "genocide", "state": "ongoing", "evidence": ""}])


@pytest.mark.parametrize(("armed_conflict", "capped"), [(0, True), (1, False), (None, False)])
def test_war_crimes_without_armed_conflict_are_capped_inside_the_low_class(framework, params, armed_conflict, capped):
    levels = all_common(2, framework) | {f"13.{i}": 3 for i in range(1, 11)} | {"1.1": armed_conflict}
    profile = score_assessment(make_assessment(levels), framework, params)
    war_crimes = profile.crimes["war_crimes"]
    cap = params.crimes["war_crimes"].requires.cap_otherwise
    assert params.risk_level(cap) == "low" and cap != 3.5
    assert war_crimes.capped is capped
    if capped:
        assert war_crimes.score == cap and war_crimes.level == "low" and war_crimes.range[1] == cap
    else:
        assert war_crimes.score > cap
    if armed_conflict is None:
        assert war_crimes.range[0] <= cap and any(r.code == "crime_cap_unknown" for r in war_crimes.reasons)


def test_a_capped_crime_and_its_specific_factors_cannot_set_the_status(framework, params):
    threats = {i.id: 3 for i in framework.risk_factor(13).indicators}
    levels = (
        all_common(0, framework)
        | threats
        | {i.id: 0 for n in (9, 10, 11, 12) for i in framework.risk_factor(n).indicators}
    )
    profile = score_assessment(make_assessment(levels | {"1.1": 0}), framework, params)
    assert profile.factor(13).score >= 6.5 and profile.crimes["war_crimes"].capped
    assert profile.status.label == "monitoring"
    with_conflict = score_assessment(make_assessment(levels | {"1.1": 1}), framework, params)
    assert with_conflict.status.label == "serious_concern"


def test_one_structural_factor_never_makes_serious_concern(framework, params):
    levels = all_common(0, framework) | {i.id: 3 for i in framework.risk_factor(3).indicators}
    levels |= {i.id: 0 for n in (9, 10, 11, 12) for i in framework.risk_factor(n).indicators}
    profile = score_assessment(make_assessment(levels), framework, params)
    assert profile.factor(3).score == 10.0
    assert profile.status.label == "monitoring"


def test_imminent_risk_from_preparation_and_triggers_on_structural_risk(framework, params):
    levels = all_common(2, framework) | {i.id: 1 for n in (9, 10, 11, 12) for i in framework.risk_factor(n).indicators}
    profile = score_assessment(make_assessment(levels | {"1.1": 0}), framework, params)
    assert profile.status.label == "imminent_risk" and not profile.status.provisional
    assert [r.code for r in profile.status.reasons] == [
        "status_rule",
        "factor_at_least",
        "factor_at_least",
        "factors_mean_at_least",
    ]


def test_coverage_counts_against_the_official_framework(framework, params):
    profile = score_assessment(make_assessment({f"11.{i}": 2 for i in range(1, 5)}), framework, params)
    factor = profile.factor(11)
    assert factor.assessed_indicators == factor.listed_indicators == 4
    assert factor.counted_indicators > 4 and factor.coverage < 1 and factor.reliability < 10
    assert factor.range[0] < factor.score == 6.7 < factor.range[1], (
        "the unlisted official indicators keep the range open"
    )
    assert profile.coverage == round(4 / 143, 2) and profile.official_indicators == 143
    assert any(r.code == "factor_assessed_incomplete" for r in factor.reasons)


def test_complete_risk_factors_reach_full_coverage(framework, params):
    profile = score_assessment(
        make_assessment({i.id: 1 for i in framework.risk_factor(5).indicators}), framework, params
    )
    factor = profile.factor(5)
    assert factor.coverage == 1.0 and factor.range == (factor.score, factor.score)


def test_risk_factor_without_listed_indicators_can_be_rated_as_a_whole(framework, params):
    assert framework.risk_factor(14).indicators == []
    factor = score_assessment(make_assessment(whole={14: 3}), framework, params).factor(14)
    assert factor.score == 10.0 and factor.coverage == 0.0
    assert factor.reliability == pytest.approx(10 * 0.5 * 0.7)
    assert factor.range == (5.0, 10.0)


def test_whole_factor_rating_is_blended_with_indicators(framework, params):
    profile = score_assessment(make_assessment({"11.1": 0}, whole={11: 3}), framework, params)
    assert profile.factor(11).score == 5.0
    assert any(r.code == "factor_whole_blend" for r in profile.factor(11).reasons)


def test_unknown_rating_does_not_count_as_absent(framework, params):
    only_high = score_assessment(make_assessment({"7.1": 3, "7.2": None}), framework, params)
    with_absent = score_assessment(make_assessment({"7.1": 3, "7.2": 0}), framework, params)
    assert only_high.factor(7).score == 10.0 and with_absent.factor(7).score < 10.0
    assert only_high.factor(7).assessed_indicators == 1 < with_absent.factor(7).assessed_indicators


def test_what_to_assess_next_starts_with_what_decides_an_undetermined_crime(framework, params):
    levels = (
        all_common(1, framework) | {i.id: 0 for n in (11, 12) for i in framework.risk_factor(n).indicators} | {"1.1": 0}
    )
    profile = score_assessment(make_assessment(levels), framework, params)
    assert not profile.crimes["genocide"].determined
    first = profile.assess_next[0]
    assert first.risk_factor in (9, 10) and first.why.code == "next_decides_crime"
    assert len(profile.assess_next) == 10
    rated = {r.indicator for r in make_assessment(levels).ratings}
    assert not rated & {n.indicator for n in profile.assess_next}


def test_nothing_left_to_assess_means_an_empty_list(framework, params):
    levels = {i: 1 for i in framework.indicator_ids}
    assert score_assessment(make_assessment(levels), framework, params).assess_next == []


def test_every_reason_is_a_code_with_params_and_its_rendered_text(framework, params):
    profile = score_assessment(make_assessment(all_common(2, framework) | {"10.1": 3, "11.1": 2}), framework, params)
    reasons = [r for f in profile.risk_factors.values() for r in f.reasons]
    reasons += (
        [r for c in profile.crimes.values() for r in c.reasons] + profile.overall.reasons + profile.status.reasons
    )
    reasons += [n.why for n in profile.assess_next]
    assert reasons
    for r in reasons:
        assert r.code in TEMPLATES and r.text == render(r.code, r.params) and "{" not in r.text


def test_drivers_are_the_strongest_indicators_first(framework, params):
    profile = score_assessment(make_assessment({"9.1": 2, "1.1": 3, "7.4": 3, "2.1": 1}), framework, params)
    assert [d.indicator for d in profile.drivers] == ["1.1", "7.4", "9.1"]
    assert profile.drivers[0].text == framework.indicator("1.1").text


def test_every_output_states_the_method_and_versions(framework, params):
    profile = score_assessment(make_assessment({"1.1": 1}), framework, params)
    assert "prescribes no" in profile.method
    assert profile.versions.scoring_version == params.version == "2.0.0"
    assert profile.versions.framework_edition == "2014"


def test_changing_a_weight_in_data_changes_the_score(framework, params):
    assessment = make_assessment({"5.1": 3, "5.2": 0})
    base = score_assessment(assessment, framework, params).factor(5).score
    peak_only = params.model_copy(update={"aggregation": params.aggregation.model_copy(update={"method": "max"})})
    mean_only = params.model_copy(update={"aggregation": params.aggregation.model_copy(update={"method": "mean"})})
    assert score_assessment(assessment, framework, peak_only).factor(5).score == 10.0
    assert score_assessment(assessment, framework, mean_only).factor(5).score == 5.0
    assert 5.0 < base < 10.0


def test_the_r2p_monitor_labels_are_attributed_in_the_data(params):
    borrowed = {s.status for s in params.statuses if s.borrowed_from}
    assert borrowed == {"serious_concern", "imminent_risk", "current_crisis"}
    assert all("R2P Monitor" in s.borrowed_from for s in params.statuses if s.borrowed_from)
