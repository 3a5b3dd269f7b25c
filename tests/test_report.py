"""The briefing object and its Markdown rendering: what a Focal Point reads, each figure explained."""

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import EXAMPLES, FRAMEWORKS, make_assessment
from r2p_risk.assessment import Situation
from r2p_risk.exporters.markdown import briefing_to_markdown, escape
from r2p_risk.report import briefing_for
from r2p_risk.storage.files import load_catalogue, read_snapshot_file

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "briefing-golden.md"
NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.timezone.utc)
HOSTILE = '<script>alert(1)</script> **bold** [link](javascript:alert(1)) =HYPERLINK("http://evil") <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def catalogue(framework):
    return load_catalogue(FRAMEWORKS, framework)


def tamaris(model):
    snapshots = [read_snapshot_file(p, model) for p in sorted(EXAMPLES.glob("tamaris-*.json"))]
    latest = max(snapshots, key=lambda s: s.assessment.assessed_on)
    return latest, [s.assessment for s in snapshots if s is not latest]


def make(model, catalogue, **changes):
    latest, earlier = tamaris(model)
    assessment = latest.assessment.model_copy(update=changes)
    return briefing_for(latest.situation, assessment, earlier, model.framework, model.params, catalogue, "Restricted", NOW)


def test_the_briefing_says_what_changed_since_the_previous_assessment(model, catalogue):
    briefing = make(model, catalogue)
    assert briefing.change is not None and briefing.change.earlier_assessed_on == "2026-08-25"
    assert briefing.change_summary[0].startswith("Since the assessment of 2026-08-25")
    assert [p.assessed_on.isoformat() for p in briefing.trend] == ["2026-05-20", "2026-08-25", "2026-11-18"]


def test_without_a_selection_the_briefing_takes_the_top_tools_of_each_policy_space(model, catalogue):
    briefing = make(model, catalogue)
    assert not briefing.actions_selected_by_analyst
    assert [g.policy_space for g in briefing.action_groups] == ["new_york", "geneva", "capital", "regional", "accountability"]
    assert all(len(g.actions) == catalogue.ranking.top_per_policy_space for g in briefing.action_groups)
    assert all(a.reasons and a.citations for g in briefing.action_groups for a in g.actions)


def test_the_analysts_selection_is_what_the_briefing_recommends(model, catalogue):
    briefing = make(model, catalogue, selected_tools=["arms_embargo", "focal_points_manual"])
    names = {a.tool_id: a for g in briefing.action_groups for a in g.actions}
    assert briefing.actions_selected_by_analyst and set(names) == {"arms_embargo", "focal_points_manual"}


def test_a_selected_tool_the_profile_would_not_suggest_says_so(model, catalogue):
    situation = Situation(name="Quiet place")
    assessment = make_assessment(selected_tools=["peacekeeping_protection_mandate"])
    briefing = briefing_for(situation, assessment, [], model.framework, model.params, catalogue, "Restricted", NOW)
    [action] = [a for g in briefing.action_groups for a in g.actions]
    assert action.tool_id == "peacekeeping_protection_mandate" and action.reasons == ["selected by the analyst"]


def test_the_annex_lists_every_rating_in_framework_order(model, catalogue):
    latest, _ = tamaris(model)
    briefing = make(model, catalogue)
    assert len(briefing.annex) == len(latest.assessment.ratings) + len(latest.assessment.risk_factor_ratings)
    assert [r.risk_factor for r in briefing.annex] == sorted(r.risk_factor for r in briefing.annex)


def test_the_methodology_says_the_framework_prescribes_no_numbers(model, catalogue):
    text = " ".join(make(model, catalogue).methodology)
    assert "prescribes no numbers" in text and "2.0.0" in text


def test_every_figure_comes_with_its_range_and_the_model_note_beside_it(model, catalogue):
    briefing = make(model, catalogue)
    assert "not the UN's" in briefing.model_note and "R2P Monitor" in briefing.status_note
    assert all(f.score_text.startswith(f"{f.score:.1f}") and ("could be" in f.score_text) == (f.range[0] != f.range[1])
               for f in [briefing.overall, *briefing.crimes])
    assert briefing.coverage_line.startswith(f"{sum(r.level is not None for r in tamaris(model)[0].assessment.ratings)} of the Framework's 143")


def test_a_thin_alarm_is_marked_provisional_and_undetermined_crimes_say_so(model, catalogue):
    assessment = make_assessment({"10.1": 2})
    briefing = briefing_for(Situation(name="Ostric Plateau (fictional)"), assessment, [], model.framework, model.params,
                            catalogue, "Restricted", NOW)
    assert briefing.status == "Serious concern (provisional)" and briefing.status_provisional
    assert all(f.level == "not determined" and f.score_text.startswith("not determined, could be") for f in briefing.crimes)
    assert briefing.assess_next and all("(" in line for line in briefing.assess_next)
    markdown = briefing_to_markdown(briefing).decode()
    assert "Serious concern \\(provisional\\)" in markdown and "## What to assess next" in markdown


def test_hostile_text_is_inert_in_markdown(model, catalogue):
    markdown = briefing_to_markdown(make(model, catalogue, key_judgements=HOSTILE + "\n- not a list\n1. not a list")).decode()
    assert not re.search(r"(?<!\\)[<\[]", markdown.split("## Key judgements")[1].split("## Bottom line")[0]), "unescaped < or ["
    assert "](javascript" not in markdown
    assert r"\<script\>" in markdown and r"\- not a list" in markdown and r"1\. not a list" in markdown


@pytest.mark.parametrize("text", ["Grubačić", "Acción Solidaria", "محمد عبد الله", "plain words"])
def test_escaping_leaves_letters_alone(text):
    assert escape(text) == text


def test_the_markdown_briefing_matches_the_golden_file(model, catalogue):
    """After a deliberate change, rewrite with `R2P_RISK_WRITE_GOLDEN=1 scripts/test tests/test_report.py` and review the diff."""
    markdown = briefing_to_markdown(make(model, catalogue, selected_tools=["arms_embargo", "hrc_fact_finding_mission"]))
    if __import__("os").environ.get("R2P_RISK_WRITE_GOLDEN"):
        GOLDEN.write_bytes(markdown)
    assert markdown.decode() == GOLDEN.read_text(encoding="utf-8")
    assert re.search(r"^\*\*RESTRICTED\*\*$", markdown.decode(), re.M)
