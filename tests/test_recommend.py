"""Recommendations follow the situation's stage and evidence, explain themselves in words, are ranked by
fit, and never drop a tool as the risk rises."""

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from helpers import EXAMPLES, FRAMEWORKS, make_assessment
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from r2p_risk.judgement import judge_situation, stages_for
from r2p_risk.recommend import by_policy_space, chosen_tools, recommend_tools
from r2p_risk.scoring import score_assessment
from r2p_risk.snapshot import load_snapshot_text
from r2p_risk.storage.files import load_catalogue, read_snapshot_file

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "recommendations-golden.json"
VIGNETTES = Path(__file__).resolve().parent / "fixtures" / "vignettes"
STRONG = ("coercive_measures", "judicial_action")
ENDED = {"crime": "genocide", "state": "ended", "ended_on": "2025-01-01", "evidence": "Fictional: massacres ended."}


@pytest.fixture(scope="module")
def catalogue(framework):
    return load_catalogue(FRAMEWORKS, framework)


def recommend(assessment, model, catalogue):
    profile = score_assessment(assessment, model.framework, model.params)
    return profile, recommend_tools(profile, assessment, catalogue, model.framework, model.params)


def vignette(name, model):
    return load_snapshot_text((VIGNETTES / f"{name}.json").read_bytes(), model.framework, model.params).assessment


def test_nothing_assessed_recommends_only_what_structural_prevention_warrants(model, catalogue):
    profile, found = recommend(make_assessment(), model, catalogue)
    assert profile.status.label == "insufficient_evidence" and found.tools
    assert found.judgement.thin_evidence and found.judgement.warranted == [
        "cooperative_support",
        "diplomatic_engagement",
    ]
    assert all("structural_prevention" in catalogue.tool(r.tool_id).stages for r in found.tools)
    assert not [r for r in found.tools if r.intrusiveness not in found.judgement.warranted]
    assert found.tools[0].tool_id == "national_risk_assessment_scenarios"  # establish the facts first


def test_an_ended_finding_makes_accountability_and_recovery_the_current_stage(model, catalogue):
    profile, found = recommend(make_assessment({"1.1": 0}, atrocity_findings=[ENDED]), model, catalogue)
    assert found.judgement.current_stage == "accountability_recovery" and found.judgement.finding_stages == [
        "accountability_recovery"
    ]
    current = [r for r in found.tools if r.stage_fit == "current"]
    assert current and all("accountability_recovery" in catalogue.tool(r.tool_id).stages for r in current)
    assert "judicial_action" in found.judgement.warranted and "coercive_measures" not in found.judgement.warranted
    _, without = recommend(make_assessment({"1.1": 0}), model, catalogue)
    assert without.judgement.current_stage == "structural_prevention"


def test_a_current_crisis_brings_protection_inquiry_and_council_tools_to_the_top(model, catalogue):
    snapshot = read_snapshot_file(EXAMPLES / "tamaris-north-current-crisis.json", model)
    profile, found = recommend(snapshot.assessment, model, catalogue)
    assert profile.status.label == "current_crisis" and not found.if_escalates
    top = [catalogue.tool(r.tool_id) for r in found.tools[: catalogue.ranking.shown]]
    assert all("ongoing_atrocities" in t.stages for t in top)
    assert {"new_york", "geneva"} <= {t.policy_space for t in top}
    assert "peacekeeping_protection_mandate" in [t.id for t in top]
    assert found.tools[0].reasons[0].text == "Fits the current stage: ongoing atrocities"


# "risk factor 7 at 9.01", an unrounded figure (an indicator's number like 13.10 aside), or an id like current_crisis
RAW_FIGURE = re.compile(r"risk factor \d+ at \d|(?<!indicator )\b\d+\.\d\d\b|\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize(
    "name", ["pre-genocide-before-killing", "ceasefire-holding", "one-manifesto", "post-atrocity-transition"]
)
def test_reasons_are_in_words_a_diplomat_reads(name, model, catalogue, framework):
    _, found = recommend(vignette(name, model), model, catalogue)
    texts = [r.text for rec in found.tools for r in rec.reasons] + [e.condition.text for e in found.if_escalates]
    texts += [r.text for r in found.judgement.reasons]
    assert texts and not [t for t in texts if RAW_FIGURE.search(t)]
    signs = [r for rec in found.tools for r in rec.reasons if r.code == "tool_sign_indicator"]
    assert signs and all(r.params["text"][1:] in framework.indicator(r.params["indicator"]).text for r in signs)


def test_ties_are_broken_by_fit_then_the_less_intrusive_tool_never_by_the_alphabet(model, catalogue):
    _, found = recommend(make_assessment(), model, catalogue)  # many structural tools fit equally
    tied = [r for r in found.tools if r.relevance == found.tools[5].relevance]
    order = [t.id for t in catalogue.tools]
    expected = sorted(tied, key=lambda r: (catalogue.intrusiveness_rank(r.intrusiveness), order.index(r.tool_id)))
    assert len(tied) > 5 and tied == expected
    assert [r.tool_id for r in tied] != sorted(r.tool_id for r in tied)
    _, found = recommend(vignette("one-hate-speech-incident", model), model, catalogue)
    counter, condemn = found.tool("counter_incitement_media"), found.tool("public_condemnation_hate_speech")
    assert (
        counter.relevance == condemn.relevance and counter.rank < condemn.rank
    )  # the same fit: the less intrusive first


def test_thin_evidence_holds_back_what_firm_evidence_would_warrant(model, catalogue):
    _, found = recommend(vignette("common-factors-only", model), model, catalogue)
    assert found.judgement.thin_evidence and "coercive_measures" not in found.judgement.warranted
    sanctions = next(e for e in found.if_escalates if e.tool_id == "un_targeted_sanctions")
    assert sanctions.status == "imminent_risk" and sanctions.condition.code == "escalate_firmer"
    assert "genocide and crimes against humanity" in sanctions.condition.text
    verify = [r.tool_id for r in found.tools[:5]]
    assert {"request_un_agency_assessment", "mission_embassy_liaison"} <= set(verify)


def test_a_tool_whose_own_sign_holds_is_recommended_ahead_of_its_stage_but_never_coercive(model, catalogue):
    _, found = recommend(make_assessment({"7.14": 2}), model, catalogue)  # not enough assessed: structural prevention
    condemn = found.tool("public_condemnation_hate_speech")
    assert condemn and condemn.stage_fit == "early" and condemn.intrusiveness == "public_pressure"
    _, found = recommend(
        make_assessment({"5.1": 3, "5.8": 3, "7.4": 3}), model, catalogue
    )  # the arms embargo's own signs
    assert found.tool("arms_embargo") is None


def test_rating_an_armed_conflict_present_never_withdraws_a_tool(model, catalogue):
    """1.1 from 0 to 1 makes war-crimes risk undetermined (risk factors 13-14 no longer count as absent): the
    status turns provisional, yet every tool stays, since thin evidence is judged on genocide and crimes against
    humanity."""
    assessment = vignette("pre-genocide-before-killing", model)
    raised = assessment.model_copy(
        update={
            "ratings": [r.model_copy(update={"level": 1}) if r.indicator == "1.1" else r for r in assessment.ratings]
        }
    )
    before, found_before = recommend(assessment, model, catalogue)
    after, found_after = recommend(raised, model, catalogue)
    assert not before.status.provisional and after.status.provisional
    assert {r.tool_id for r in found_before.tools} <= {r.tool_id for r in found_after.tools}


levels = st.sampled_from([0, 0, 0, 1, 1, 2, 3])
# Mostly absent, now and then present: about one draw in three rates a monitoring situation. With `levels` hardly
# any did: hypothesis spent minutes on examples `assume` threw away, and at times failed its too-slow health check.
quiet_levels = st.sampled_from([0] * 12 + [1, 1, 2, 3])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_raising_risk_never_removes_a_recommended_tool(model, catalogue, data):
    ids = model.framework.indicator_ids
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=90, unique=True))
    rated = {i: data.draw(st.integers(0, 2)) for i in chosen}
    raised = {i: level + data.draw(st.integers(0, 1)) for i, level in rated.items()}
    findings = [ENDED] if data.draw(st.booleans()) else []
    before_profile, before = recommend(make_assessment(rated, atrocity_findings=findings), model, catalogue)
    after_profile, after = recommend(make_assessment(raised, atrocity_findings=findings), model, catalogue)
    assert {r.tool_id for r in before.tools} <= {r.tool_id for r in after.tools}
    assert set(before.judgement.warranted) <= set(after.judgement.warranted)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_a_monitoring_situation_gets_no_coercive_or_judicial_tool(model, catalogue, data):
    framework = model.framework
    rated = {i.id: data.draw(quiet_levels) for n in range(1, 13) for i in framework.risk_factor(n).indicators}
    rated["1.1"] = 0
    profile, found = recommend(make_assessment(rated), model, catalogue)
    assume(profile.status.label == "monitoring")
    assert not [r.tool_id for r in found.tools if r.intrusiveness in STRONG]


@pytest.mark.parametrize("name", ["stable-democracy", "weak-but-peaceful-state", "ceasefire-holding"])
def test_the_monitoring_vignettes_get_no_coercive_or_judicial_tool(name, model, catalogue):
    profile, found = recommend(vignette(name, model), model, catalogue)
    assert profile.status.label == "monitoring"
    assert not [r.tool_id for r in found.tools if r.intrusiveness in STRONG]
    assert [e for e in found.if_escalates if e.intrusiveness in STRONG]


def test_atrocities_recorded_as_ended_bring_justice_even_at_monitoring_never_coercion(model, catalogue):
    """The one exception to "monitoring gets no judicial tool": accountability for atrocities that have ended does not
    lapse when the risk of new ones is low; coercion still needs the risk."""
    stable = vignette("stable-democracy", model)
    assessment = type(stable).model_validate({**stable.model_dump(), "atrocity_findings": [ENDED]})
    profile, found = recommend(assessment, model, catalogue)
    assert profile.status.label == "monitoring" and found.judgement.current_stage == "accountability_recovery"
    assert found.tool("universal_jurisdiction") and not [
        r for r in found.tools if r.intrusiveness == "coercive_measures"
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_thin_evidence_never_brings_a_coercive_or_judicial_tool(model, catalogue, data):
    ids = model.framework.indicator_ids
    rated = {i: data.draw(levels) for i in data.draw(st.lists(st.sampled_from(ids), max_size=30, unique=True))}
    profile, found = recommend(make_assessment(rated), model, catalogue)
    assert found.judgement.thin_evidence == (
        not profile.crimes["genocide"].determined or not profile.crimes["crimes_against_humanity"].determined
    )
    if found.judgement.thin_evidence:
        assert not [r.tool_id for r in found.tools if r.intrusiveness in STRONG]


def test_every_tool_is_either_recommended_or_held_back_with_its_condition(model, catalogue):
    for name in ("stable-democracy", "one-manifesto", "pre-genocide-before-killing"):
        _, found = recommend(vignette(name, model), model, catalogue)
        assert sorted([r.tool_id for r in found.tools] + [e.tool_id for e in found.if_escalates]) == sorted(
            t.id for t in catalogue.tools
        )
        assert [r.rank for r in found.tools] == list(range(1, len(found.tools) + 1))
        assert all(e.condition.text for e in found.if_escalates)


def test_status_stages_only_grow_with_the_status(catalogue):
    order = ["monitoring", "insufficient_evidence", "serious_concern", "imminent_risk", "current_crisis"]
    for ended in (False, True):
        stages = [set(stages_for(s, ended, catalogue)[0]) for s in order]
        assert all(a <= b for a, b in pairwise(stages))


def test_the_briefing_takes_the_selection_or_the_best_fitting_tools_across_policy_spaces(model, catalogue):
    snapshot = read_snapshot_file(EXAMPLES / "orlavia-kessan-imminent-risk.json", model)
    _, found = recommend(snapshot.assessment, model, catalogue)
    best = chosen_tools(found, [], 5, catalogue.ranking.shown)
    assert len(best) == 5 and [r.rank for r in best] == sorted(r.rank for r in best)
    spaces = {r.policy_space for r in found.tools[: catalogue.ranking.shown]}
    assert {r.policy_space for r in best} == spaces or len({r.policy_space for r in best}) == 5
    chosen = [found.tools[-1].tool_id, found.tools[0].tool_id]
    assert [r.tool_id for r in chosen_tools(found, chosen, 5, 12)] == [found.tools[0].tool_id, found.tools[-1].tool_id]
    assert list(by_policy_space(found.tools)) == [
        s
        for s in ("new_york", "geneva", "capital", "regional", "accountability")
        if s in {r.policy_space for r in found.tools}
    ]


def test_the_judgement_says_why_in_words(model, catalogue, params):
    profile = score_assessment(vignette("one-manifesto", model), model.framework, model.params)
    judgement = judge_situation(profile, catalogue, params)
    assert [r.code for r in judgement.reasons] == ["stand_status", "stand_warranted", "stand_thin_provisional"]
    assert judgement.reasons[0].text == "The status, Serious concern, puts the situation at the stage of rising risk"


def golden_record(model, catalogue) -> dict:
    record = {}
    for path in sorted(EXAMPLES.glob("*.json")):
        snapshot = read_snapshot_file(path, model)
        _, found = recommend(snapshot.assessment, model, catalogue)
        record[path.name] = [
            {"tool_id": r.tool_id, "relevance": r.relevance, "reasons": [x.text for x in r.reasons]}
            for r in found.tools[:8]
        ]
    return record


def test_the_examples_get_the_recommendations_on_record(model, catalogue):
    """Golden file; after a deliberate change to the catalogue or ranking, rewrite it with
    `.venv/bin/python -c "import sys; sys.path[:0] = ['tests']; import test_recommend as t; t.write_golden()"`
    and review the diff."""
    assert golden_record(model, catalogue) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def write_golden() -> None:
    from r2p_risk.storage.files import load_model

    model = load_model(FRAMEWORKS)
    GOLDEN.write_text(
        json.dumps(golden_record(model, load_catalogue(FRAMEWORKS, model.framework)), indent=2, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
