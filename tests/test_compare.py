"""What changed since the previous assessment of a situation."""

from helpers import make_assessment

from r2p_risk.compare import compare_assessments
from r2p_risk.scoring import score_assessment


def test_changes_list_deltas_worsened_indicators_and_new_triggers(framework, params):
    earlier = make_assessment({"8.1": 0, "8.2": None, "7.1": 1, "2.1": 3, "9.1": None})
    later = make_assessment({"8.1": 2, "8.2": 1, "7.1": 3, "2.1": 1, "9.1": 0})
    change = compare_assessments(
        earlier,
        score_assessment(earlier, framework, params),
        later,
        score_assessment(later, framework, params),
        framework,
    )
    assert [c.indicator for c in change.worsened_indicators] == ["7.1", "8.1"]
    assert [c.indicator for c in change.newly_rated_indicators] == ["8.2", "9.1"], "unknown before: new, not worse"
    assert [c.indicator for c in change.improved_indicators] == ["2.1"]
    assert [c.indicator for c in change.new_triggering_factors] == ["8.1", "8.2"]
    factor8 = next(f for f in change.risk_factors if f.number == 8)
    assert factor8.before == 0.0 and factor8.delta == factor8.after > 0
    factor9 = next(f for f in change.risk_factors if f.number == 9)
    assert factor9.before is None and factor9.delta is None


def test_no_change_when_nothing_changed(framework, params):
    assessment = make_assessment({i: 1 for i in framework.indicator_ids})
    profile = score_assessment(assessment, framework, params)
    change = compare_assessments(assessment, profile, assessment, profile, framework)
    assert change.worsened_indicators == change.improved_indicators == change.new_triggering_factors == []
    assert change.overall_delta == 0.0
