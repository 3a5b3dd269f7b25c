"""The r2p-risk command line: each command's output and exit status, run in the test process (helpers.cli), and
once as a real process, `python -m r2p_risk` as a shell runs it."""

import json
import subprocess
import sys

import pytest
from helpers import EXAMPLES, ROOT
from helpers.cli import run

CRISIS = EXAMPLES / "tamaris-north-current-crisis.json"


def test_score_prints_the_profile_as_json():
    result = subprocess.run(
        [sys.executable, "-m", "r2p_risk", "score", str(CRISIS)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    profile = json.loads(result.stdout)
    assert set(profile["risk_factors"]) == {str(n) for n in range(1, 15)}
    assert {"score", "coverage", "reasons"} <= set(profile["risk_factors"]["11"])
    assert set(profile["crimes"]) == {"genocide", "crimes_against_humanity", "war_crimes"}
    assert {"score", "level"} <= set(profile["crimes"]["war_crimes"])
    assert profile["overall"]["level"] == "very_high"
    assert profile["status"]["label"] == "current_crisis" and profile["status"]["reasons"]
    assert 0 <= profile["reliability"] <= 10
    assert "prescribes no" in profile["method"]


def test_score_keeps_the_model_2_contract():
    """Ranges and `determined` on every figure, level null when undetermined, the five statuses, assess_next, coded
    reasons."""
    profile = json.loads(run("score", str(ROOT / "tests" / "fixtures" / "vignettes" / "one-manifesto.json")).stdout)
    figures = [*profile["risk_factors"].values(), *profile["crimes"].values(), profile["overall"]]
    for figure in figures:
        low, high = figure["range"]
        assert 0 <= low <= high <= 10 and isinstance(figure["determined"], bool)
        assert {"score", "level"} <= set(figure)
    for crime in profile["crimes"].values():
        assert crime["determined"] is False and crime["level"] is None and crime["score"] is None
    assert profile["status"]["label"] == "serious_concern" and profile["status"]["provisional"] is True
    assert profile["status"]["label"] in {
        "current_crisis",
        "imminent_risk",
        "serious_concern",
        "monitoring",
        "insufficient_evidence",
    }
    assert 1 <= len(profile["assess_next"]) <= 10
    assert all(
        set(n) >= {"indicator", "why"} and set(n["why"]) == {"code", "params", "text"} for n in profile["assess_next"]
    )
    reasons = [r for f in figures for r in f["reasons"]] + profile["status"]["reasons"]
    assert all(set(r) == {"code", "params", "text"} for r in reasons)


def test_framework_lists_factors_and_marks_gaps():
    result = run("framework")
    assert result.returncode == 0
    assert "Risk factor 14: Serious threats to humanitarian or peacekeeping operations" in result.stdout
    assert "indicator list incomplete" in result.stdout and "wording uncertain" in result.stdout


def test_template_then_validate_then_csv(tmp_path):
    template = run("template", "--country", "SDN", "--name", "Keldar watch (fictional)")
    assert template.returncode == 0
    data = json.loads(template.stdout)
    assert data["situation"] == {
        "id": None,
        "name": "Keldar watch (fictional)",
        "country": "SDN",
        "area": None,
        "tags": [],
        "review_every_months": 4,
    }
    data["assessment"]["ratings"][0]["level"] = 2
    path = tmp_path / "filled.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    validated = run("validate", str(path))
    assert validated.returncode == 0 and "1 indicators rated" in validated.stdout
    table = run("csv", str(path))
    assert table.returncode == 0 and table.stdout.startswith("\ufeffrisk_factor,")


def test_schema_is_printed():
    result = run("schema")
    assert json.loads(result.stdout)["title"] == "Snapshot"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (None, "No such file or directory"),
        ("{not json", "not valid JSON"),
        ('{"format": "r2p-risk-snapshot", "schema_version": 7}', "newer than this app reads"),
        ("LEVEL7", "assessment.ratings[0].level: Input should be less than or equal to 3"),
        ("UNKNOWN", 'assessment.ratings[0].indicator: unknown indicator "99.9"'),
        ("WRONGTYPE", "assessment.ratings[0].level: Input should be a valid integer"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "score", "csv"])
def test_bad_input_exits_2_with_the_field_and_no_traceback(tmp_path, command, setup, expected):
    path = tmp_path / "input.json"
    if setup in ("LEVEL7", "UNKNOWN", "WRONGTYPE"):
        data = json.loads(CRISIS.read_text(encoding="utf-8"))
        rating = data["assessment"]["ratings"][0]
        rating.update({"LEVEL7": {"level": 7}, "UNKNOWN": {"indicator": "99.9"}, "WRONGTYPE": {"level": "high"}}[setup])
        path.write_text(json.dumps(data), encoding="utf-8")
    elif setup is not None:
        path.write_text(setup, encoding="utf-8")
    result = run(command, str(path))
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_country_in_template_exits_2():
    result = run("template", "--country", "XYZ")
    assert result.returncode == 2 and "situation.country" in result.stderr and "Traceback" not in result.stderr


def test_recommend_prints_ranked_tools_with_reasons_and_citations():
    result = run("recommend", str(CRISIS))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["status"] == "current_crisis" and output["catalogue"]["id"] == "focal_points_response_tools"
    assert output["stage"]["stages"][-1] == "ongoing_atrocities" and output["if_the_situation_escalates"] == []
    first = output["recommendations"][0]
    assert {
        "rank",
        "tool_id",
        "name",
        "venue",
        "policy_space",
        "intrusiveness",
        "relevance",
        "reasons",
        "citations",
    } <= set(first)
    assert first["rank"] == 1 and first["reasons"][0]["text"] and first["citations"][0]["quote"]


def test_recommend_says_which_tools_are_held_back_and_when_they_would_fit():
    output = json.loads(run("recommend", str(ROOT / "tests" / "fixtures" / "vignettes" / "one-manifesto.json")).stdout)
    held = {e["tool_id"]: e["condition"]["text"] for e in output["if_the_situation_escalates"]}
    assert held["un_targeted_sanctions"].startswith("If the status reaches Imminent risk, on firmer evidence")
    assert not [r for r in output["recommendations"] if r["intrusiveness"] in ("coercive_measures", "judicial_action")]


def test_brief_writes_one_page_and_the_briefing_prints_the_analyst_only_when_asked(tmp_path):
    from pypdf import PdfReader

    brief = tmp_path / "brief.pdf"
    result = run(
        "brief", str(CRISIS), "-o", str(brief), "--earlier", str(EXAMPLES / "tamaris-north-current-crisis-2026-08.json")
    )
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(brief).pages) == 1 and "brief on 'Northern Tamaris (fictional)'" in result.stdout
    for flags, printed in (((), False), (("--author",), True)):
        markdown = tmp_path / f"briefing{len(flags)}.md"
        assert run("briefing", str(CRISIS), "-o", str(markdown), *flags).returncode == 0
        assert ("Example Analyst" in markdown.read_text(encoding="utf-8")) is printed


@pytest.mark.parametrize("command", ["brief", "briefing"])
def test_a_brief_or_briefing_in_an_unknown_format_exits_2_without_writing(command, tmp_path):
    result = run(command, str(CRISIS), "-o", str(tmp_path / "out.txt"))
    assert (
        result.returncode == 2 and "written as .pdf, .docx or .md" in result.stderr and "Traceback" not in result.stderr
    )
    assert not (tmp_path / "out.txt").exists()


def test_catalogue_checks_every_quote(tmp_path):
    result = run("catalogue")
    assert result.returncode == 0, result.stderr
    assert "every quote found" in result.stdout
