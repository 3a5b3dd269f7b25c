"""The briefing object and its Markdown rendering: what a Focal Point reads, each figure explained."""

import datetime as dt
import re
from pathlib import Path

import pytest
from helpers import EXAMPLES, FRAMEWORKS, make_assessment

from r2p_risk.assessment import Situation
from r2p_risk.exporters.markdown import briefing_to_markdown, escape
from r2p_risk.report import briefing_for
from r2p_risk.storage.files import load_catalogue, read_snapshot_file

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "briefing-golden.md"
NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
HOSTILE = (
    '<script>alert(1)</script> **bold** [link](javascript:alert(1)) =HYPERLINK("http://evil")'
    " <img src=x onerror=alert(1)>"
)


@pytest.fixture(scope="module")
def catalogue(framework):
    return load_catalogue(FRAMEWORKS, framework)


def tamaris(model):
    snapshots = [read_snapshot_file(p, model) for p in sorted(EXAMPLES.glob("tamaris-*.json"))]
    latest = max(snapshots, key=lambda s: s.assessment.assessed_on)
    return latest, [s.assessment for s in snapshots if s is not latest]


def make(model, catalogue, author=False, **changes):
    latest, earlier = tamaris(model)
    assessment = latest.assessment.model_copy(update=changes)
    return briefing_for(
        latest.situation,
        assessment,
        earlier,
        model.framework,
        model.params,
        catalogue,
        "Restricted",
        NOW,
        author=author,
    )


def test_the_briefing_says_what_changed_since_the_previous_assessment(model, catalogue):
    briefing = make(model, catalogue)
    assert briefing.change is not None and briefing.change.earlier_assessed_on == "2026-08-25"
    assert (
        briefing.change_summary[0]
        == "Since the assessment of 2026-08-25: status unchanged (Current crisis); overall score 7.5 → 8.5."
    )
    assert [p.assessed_on.isoformat() for p in briefing.trend] == ["2026-05-20", "2026-08-25", "2026-11-18"]


def test_without_a_selection_the_briefing_takes_the_best_fitting_tools_across_policy_spaces(model, catalogue):
    briefing = make(model, catalogue)
    actions = [a for g in briefing.action_groups for a in g.actions]
    assert len(actions) == catalogue.ranking.briefing_tools and len(briefing.action_groups) >= 3
    assert briefing.actions_note.startswith("The analyst selected no tools, so these are the 6 of the ")
    assert all(a.reasons and a.citations for a in actions)


def test_the_analysts_selection_is_what_the_briefing_recommends(model, catalogue):
    briefing = make(model, catalogue, selected_tools=["arms_embargo", "focal_points_manual"])
    names = {a.tool_id: a for g in briefing.action_groups for a in g.actions}
    assert set(names) == {"arms_embargo", "focal_points_manual"}
    assert briefing.actions_note.startswith("The 2 tools the analyst selected")


def test_a_selected_tool_the_situation_does_not_warrant_says_when_it_would(model, catalogue):
    assessment = make_assessment({"7.14": 2}, selected_tools=["peacekeeping_protection_mandate"])
    briefing = briefing_for(
        Situation(name="Quiet place (fictional)"),
        assessment,
        [],
        model.framework,
        model.params,
        catalogue,
        "Restricted",
        NOW,
    )
    [action] = [a for g in briefing.action_groups for a in g.actions]
    assert action.tool_id == "peacekeeping_protection_mandate"
    assert action.reasons == [
        "Selected by the analyst; not recommended by r2p-risk now: if the status reaches Imminent risk, "
        "on firmer evidence (the risk of genocide and crimes against humanity determined)"
    ]


def test_the_annex_holds_every_rating_once_by_risk_factor_and_the_drivers_no_evidence(model, catalogue):
    latest, _ = tamaris(model)
    briefing = make(model, catalogue)
    listed = re.findall(r"(\d+\.\d+): ", " ".join(f.ratings for f in briefing.annex))
    assert sorted(listed) == sorted(r.indicator for r in latest.assessment.ratings)
    evidenced = [r for r in latest.assessment.ratings if r.evidence]
    assert len([e for f in briefing.annex for e in f.evidence if e.evidence]) == len(evidenced) + sum(
        bool(r.evidence) for r in latest.assessment.risk_factor_ratings
    )
    assert not hasattr(briefing.drivers[0].indicators[0], "evidence")


def test_the_method_note_sits_beside_the_figures_and_no_sentence_repeats(model, catalogue):
    briefing = make(model, catalogue)
    assert "not the UN's" in briefing.model_line and "not the UN's" in briefing.model_note
    assert "prescribes no numbers" in briefing.model_note
    sentences = [
        s.strip()
        for text in [briefing.model_note, briefing.status_note, *briefing.methodology]
        for s in re.split(r"(?<=[.;:])\s+", text)
        if len(s.strip()) > 30
    ]
    assert len(sentences) == len(set(sentences)), [s for s in sentences if sentences.count(s) > 1]


def test_every_figure_comes_with_its_range_and_every_status_label_is_attributed(model, catalogue):
    briefing = make(model, catalogue)
    assert (
        "R2P Monitor" in briefing.status_note
        and "Global Centre for the Responsibility to Protect" in briefing.status_note
    )
    assert all(
        f.score_text.startswith(f"{f.score:.1f}") and ("could be" in f.score_text) == (f.range[0] != f.range[1])
        for f in [briefing.overall, *briefing.crimes]
    )
    assert briefing.coverage_line.startswith(
        f"{sum(r.level is not None for r in tamaris(model)[0].assessment.ratings)} of the Framework's 143"
    )


def test_paraphrased_indicators_are_marked_and_the_incomplete_lists_stated(model, catalogue, framework):
    briefing = make(model, catalogue)
    printed = [(i.indicator, i.text) for d in briefing.drivers for i in d.indicators]
    printed += [(e.indicator, e.text) for f in briefing.annex for e in f.evidence if e.indicator[0].isdigit()]
    assert printed and all(text.startswith(("≈ ", "≈? ")) for _, text in printed)
    assert all(text.startswith("≈? ") == (framework.indicator(i).wording_check != "checked") for i, text in printed)
    assert "≈?" in briefing.paraphrase_note and "paraphrases" in briefing.paraphrase_note
    assert (
        "risk factors 11, 12, 13 and 14 are incomplete" in briefing.incomplete_note
        and "17 of their 46" in briefing.incomplete_note
    )


def test_the_analysts_name_is_printed_only_when_asked_for(model, catalogue):
    latest, _ = tamaris(model)
    name = latest.assessment.analyst
    assert make(model, catalogue).analyst is None and name not in briefing_to_markdown(make(model, catalogue)).decode()
    assert make(model, catalogue, author=True).analyst == name
    assert f"Analyst: {escape(name)}" in briefing_to_markdown(make(model, catalogue, author=True)).decode()


def test_a_draft_is_marked_draft_and_a_final_assessment_is_not(model, catalogue):
    draft, final = make(model, catalogue, status="draft"), make(model, catalogue, status="final")
    assert draft.draft and not final.draft
    assert "**DRAFT**" in briefing_to_markdown(draft).decode() and "DRAFT" not in briefing_to_markdown(final).decode()


def test_a_thin_alarm_is_marked_provisional_and_holds_back_coercive_tools(model, catalogue):
    assessment = make_assessment({"10.1": 2})
    briefing = briefing_for(
        Situation(name="Ostric Plateau (fictional)"),
        assessment,
        [],
        model.framework,
        model.params,
        catalogue,
        "Restricted",
        NOW,
    )
    assert briefing.status == "Serious concern (provisional)" and briefing.status_provisional
    assert all(
        f.level == "not determined" and f.score_text.startswith("not determined, could be") for f in briefing.crimes
    )
    assert any("provisional" in line for line in briefing.stage_lines)
    assert any("Targeted sanctions" in line or "targeted sanctions" in line for line in briefing.held_back)
    markdown = briefing_to_markdown(briefing).decode()
    assert "Serious concern \\(provisional\\)" in markdown and "## What to assess next" in markdown


def test_hostile_text_is_inert_in_markdown(model, catalogue):
    markdown = briefing_to_markdown(
        make(model, catalogue, key_judgements=HOSTILE + "\n- not a list\n1. not a list")
    ).decode()
    assert not re.search(r"(?<!\\)[<\[]", markdown.split("## Key judgements")[1].split("## Bottom line")[0]), (
        "unescaped < or ["
    )
    assert "](javascript" not in markdown
    assert r"\<script\>" in markdown and r"\- not a list" in markdown and r"1\. not a list" in markdown


@pytest.mark.parametrize("text", ["Grubačić", "Acción Solidaria", "محمد عبد الله", "plain words"])
def test_escaping_leaves_letters_alone(text):
    assert escape(text) == text


def test_the_markdown_briefing_matches_the_golden_file(model, catalogue):
    """After a deliberate change, rewrite with `R2P_RISK_WRITE_GOLDEN=1 scripts/test tests/test_report.py` and
    review the diff."""
    markdown = briefing_to_markdown(make(model, catalogue, selected_tools=["arms_embargo", "hrc_fact_finding_mission"]))
    if __import__("os").environ.get("R2P_RISK_WRITE_GOLDEN"):
        GOLDEN.write_bytes(markdown)
    assert markdown.decode() == GOLDEN.read_text(encoding="utf-8")
    assert re.search(r"^\*\*RESTRICTED\*\* · \*\*DRAFT\*\*$", markdown.decode(), re.M)
