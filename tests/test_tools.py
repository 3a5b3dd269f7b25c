"""The response-tool catalogue: every tool valid, every quote verbatim in the summary it cites."""

import copy
import re
from itertools import pairwise
from typing import get_args

import pytest
import yaml
from helpers import FRAMEWORKS

from r2p_risk.errors import FrameworkError
from r2p_risk.storage.files import load_catalogue, load_sources, verify_catalogue
from r2p_risk.tools import (
    MAX_QUOTE_WORDS,
    POLICY_SPACES,
    Stage,
    all_citations,
    check_quotes,
    parse_catalogue,
    passage_around,
)

TOOLS_DIR = FRAMEWORKS / "response-tools"


@pytest.fixture(scope="module")
def catalogue(framework):
    return load_catalogue(FRAMEWORKS, framework)


@pytest.fixture(scope="module")
def raw():
    header = yaml.safe_load((TOOLS_DIR / "catalogue.yaml").read_text(encoding="utf-8"))
    files = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(TOOLS_DIR.glob("tools-*.yaml"))}
    return header, files


def test_every_shipped_quote_is_verbatim_in_the_summary_it_cites(framework):
    catalogue = verify_catalogue(FRAMEWORKS, framework)  # raises, listing every quote not found
    assert sum(len(all_citations(t)) for t in catalogue.tools) > 150


def test_the_catalogue_is_broad(catalogue):
    assert len(catalogue.tools) > 60
    assert {t.policy_space for t in catalogue.tools} == set(POLICY_SPACES)
    assert {s for t in catalogue.tools for s in t.stages} == set(get_args(Stage))
    assert {c.meeting for t in catalogue.tools for c in t.citations} == {m.id for m in catalogue.meetings}
    assert all(len(c.quote.split()) <= MAX_QUOTE_WORDS for t in catalogue.tools for _, c in all_citations(t))


@pytest.mark.parametrize(
    "tool_id",
    [
        "arria_formula_meeting",
        "any_other_business_briefing",
        "hrc_fact_finding_mission",
        "international_investigative_mechanism",
        "universal_jurisdiction",
        "veto_restraint_french_mexican_initiative",
    ],
)
def test_tools_the_meetings_named_are_in(catalogue, tool_id):
    assert catalogue.has_tool(tool_id)


def test_the_venezuela_case_keeps_its_effect_and_its_caveat(catalogue):
    case = next(c for c in catalogue.tool("hrc_fact_finding_mission").cases if "50 percent" in c.citation.quote)
    assert case.situation == "Venezuela" and "caus" in case.caveat


def test_sources_are_the_meeting_summaries_byte_for_byte(catalogue):
    shared = FRAMEWORKS.parent.parent / "shared" / "meeting-summaries"
    for meeting in catalogue.meetings:
        copy_in_project = (FRAMEWORKS / meeting.source_file).read_bytes()
        assert re.search(str(meeting.year), copy_in_project.decode("utf-8"))
        if shared.exists():
            assert copy_in_project == (shared / meeting.source_file.removeprefix("sources/")).read_bytes()


def test_a_misquote_is_reported_with_the_tool_and_place(catalogue):
    tool = catalogue.tools[0]
    wrong = tool.citations[0].model_copy(update={"quote": tool.citations[0].quote + " and something nobody said"})
    broken = catalogue.model_copy(update={"tools": [tool.model_copy(update={"citations": [wrong]})]})
    problems = check_quotes(broken, load_sources(FRAMEWORKS, catalogue))
    assert [p.where for p in problems] == [f"{tool.id}.citations[0]"]


def test_a_broken_catalogue_lists_every_problem_with_its_file(raw, framework):
    header, files = copy.deepcopy(raw)
    name = sorted(files)[0]
    first, second = files[name]["tools"][:2]
    second["id"] = first["id"]
    first["topics"] = ["piracy"]
    first.pop("general_purpose", None)
    first["citations"][0]["meeting"] = "geneva_2031"
    first["citations"][0]["quote"] = " ".join(["word"] * 30)
    first["stages"] = ["someday"]
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    places = [p.where for p in error.value.problems]
    assert f"{name} > tools[0].citations[0].meeting" in places
    assert f"{name} > tools[0].citations[0].quote" in places
    assert f"{name} > tools[0].stages[0]" in places
    second["stages"] = first["stages"] = ["rising_risk"]
    first["citations"][0]["meeting"] = "doha_2017"
    first["citations"][0]["quote"] = "a short quote"
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    messages = {p.where: p.message for p in error.value.problems}
    assert messages[f"{name} > tools[1].id"].startswith("duplicate tool id")
    assert messages[f"{name} > tools[0].topics"] == 'no topic "piracy" in catalogue.yaml'


def test_the_source_passage_surrounds_the_quote(catalogue):
    sources = load_sources(FRAMEWORKS, catalogue)
    citation = catalogue.tool("hrc_fact_finding_mission").citations[0]
    passage = passage_around(sources[citation.meeting], citation.quote, 200)
    assert citation.quote in passage and len(passage) > len(citation.quote) + 300


# --- stages, intrusiveness and topics: every tool described, every vocabulary labelled in the data ---


def test_every_tool_fits_a_stage_has_an_intrusiveness_and_answers_a_topic_or_serves_a_general_purpose(catalogue):
    levels = {level.id for level in catalogue.intrusiveness_levels}
    for tool in catalogue.tools:
        assert tool.stages and tool.intrusiveness in levels, tool.id
        assert bool(tool.topics) != tool.general_purpose, tool.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"general_purpose": False, "topics": []}, "either names the topics it answers or is marked general_purpose"),
        (
            {"general_purpose": True, "topics": ["displacement"]},
            "either names the topics it answers or is marked general_purpose",
        ),
        ({"intrusiveness": "airstrikes"}, "Input should be"),
        ({"stages": ["rising_risk", "rising_risk"]}, "listed once each"),
    ],
)
def test_a_tool_without_a_clear_description_is_refused_at_its_place(raw, framework, change, message):
    header, files = copy.deepcopy(raw)
    name = sorted(files)[0]
    tool = files[name]["tools"][0]
    tool.pop("general_purpose", None)
    tool.update(change)
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    assert any(p.where.startswith(f"{name} > tools[0]") and message in p.message for p in error.value.problems)


def test_the_intrusiveness_scale_runs_from_cooperative_support_to_judicial_action(catalogue):
    assert [level.id for level in catalogue.intrusiveness_levels] == [
        "cooperative_support",
        "diplomatic_engagement",
        "public_pressure",
        "coercive_measures",
        "judicial_action",
    ]
    assert catalogue.intrusiveness_rank("public_pressure") == 2
    assert catalogue.intrusiveness_label("coercive_measures") == "Coercive measures"


def test_every_stage_is_labelled_in_the_data_in_escalating_order(catalogue):
    assert [s.id for s in catalogue.stages] == list(get_args(Stage))
    assert catalogue.stage_label("accountability_recovery") == "Accountability and recovery"


@pytest.mark.parametrize("field", ["stages", "intrusiveness_levels"])
def test_a_vocabulary_missing_an_id_is_reported(raw, framework, field):
    header, files = copy.deepcopy(raw)
    header[field] = header[field][:-1]
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    assert [p.where for p in error.value.problems] == [f"catalogue.yaml > {field}"]


def test_coercive_and_judicial_tools_never_fit_structural_prevention(catalogue):
    strong = [t for t in catalogue.tools if t.intrusiveness in ("coercive_measures", "judicial_action")]
    assert len(strong) >= 10
    assert not [t.id for t in strong if "structural_prevention" in t.stages]


def test_tools_that_preserve_evidence_also_fit_ongoing_atrocities(catalogue):
    evidence = [t for t in catalogue.tools if "accountability_evidence" in t.topics]
    assert {
        "international_investigative_mechanism",
        "evidence_documentation_preservation",
        "ohchr_inquiries_branch",
    } <= {t.id for t in evidence}
    assert not [t.id for t in evidence if "ongoing_atrocities" not in t.stages]


def test_every_topic_names_framework_indicators_and_is_answered_by_a_tool(catalogue, framework):
    answered = {topic for t in catalogue.tools for topic in t.topics}
    for topic in catalogue.topics:
        assert all(framework.has_indicator(i) for i in topic.indicators), topic.id
        assert all(framework.has_risk_factor(n) for n in topic.risk_factors), topic.id
        assert topic.id in answered, f"no tool answers {topic.id}"
    for expected in (
        "hate_speech_incitement",
        "elections",
        "displacement",
        "armed_conflict_protection_of_civilians",
        "attacks_on_humanitarian_personnel",
        "accountability_evidence",
    ):
        assert expected in {t.id for t in catalogue.topics}


def test_a_topic_naming_what_the_framework_lacks_is_reported_at_its_place(raw, framework):
    header, files = copy.deepcopy(raw)
    header["topics"][0]["indicators"] = ["7.14", "7.99"]
    header["topics"][1]["risk_factors"] = [15]
    header["topics"][2]["indicators"] = []
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    assert "catalogue.yaml > topics[2]" in [p.where for p in error.value.problems]
    header["topics"][2]["indicators"] = ["1.3"]
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    assert {str(p) for p in error.value.problems} == {
        'catalogue.yaml > topics[0].indicators: no indicator "7.99"',
        "catalogue.yaml > topics[1].risk_factors: no risk factor 15",
    }


def test_a_tool_answers_the_risk_factors_of_its_topics(catalogue):
    condemnation = catalogue.tool("public_condemnation_hate_speech")
    assert condemnation.topics == ["hate_speech_incitement"]
    assert catalogue.indicators_answered(condemnation) == ["7.14", "8.7", "10.1", "11.4", "13.5", "13.7"]
    assert catalogue.risk_factors_answered(condemnation) == [7, 8, 10, 11, 13]
    assert catalogue.risk_factors_answered(catalogue.tool("focal_points_manual")) == []


def test_a_version_1_catalogue_is_refused_with_a_message_saying_why(raw, framework):
    header, files = copy.deepcopy(raw)
    header["schema_version"] = 1
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    [problem] = error.value.problems
    assert problem.where == "catalogue.yaml > schema_version" and "intrusiveness" in problem.message


def test_a_version_2_catalogue_is_refused_with_a_message_saying_why(raw, framework):
    header, files = copy.deepcopy(raw)
    header["schema_version"] = 2
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    [problem] = error.value.problems
    assert (
        problem.where == "catalogue.yaml > schema_version"
        and "warrants" in problem.message
        and "status_is" in problem.message
    )


def test_a_retired_status_is_condition_is_reported_at_its_place(raw, framework):
    header, files = copy.deepcopy(raw)
    name = sorted(files)[0]
    files[name]["tools"][0]["when"] = [{"kind": "status_is", "statuses": ["imminent_risk"]}]
    with pytest.raises(FrameworkError) as error:
        parse_catalogue(header, files, framework)
    assert any(p.where.startswith(f"{name} > tools[0].when[0]") for p in error.value.problems)


def test_each_stage_warrants_more_as_the_risk_rises_and_the_aftermath_justice_not_coercion(catalogue):
    warrants = {s.id: s.warrants for s in catalogue.stages}
    assert warrants["structural_prevention"] == ["cooperative_support", "diplomatic_engagement"]
    assert "public_pressure" in warrants["rising_risk"] and "coercive_measures" not in warrants["rising_risk"]
    assert "coercive_measures" in warrants["imminent_risk"] and "judicial_action" not in warrants["imminent_risk"]
    assert len(warrants["ongoing_atrocities"]) == 5
    assert (
        "judicial_action" in warrants["accountability_recovery"]
        and "coercive_measures" not in warrants["accountability_recovery"]
    )
    ladder = ["structural_prevention", "rising_risk", "imminent_risk", "ongoing_atrocities"]
    assert all(set(warrants[a]) <= set(warrants[b]) for a, b in pairwise(ladder))
    rank = catalogue.intrusiveness_rank
    assert rank(catalogue.restraint.thin_evidence_warrants) < rank("coercive_measures")
    assert rank(catalogue.restraint.own_sign_warrants) < rank("coercive_measures")


# --- what the entries claim: corrections that must stay corrected, additions that must stay in ---


def test_sanctions_and_the_embargo_are_not_filed_as_security_council_tools(catalogue):
    for tool_id in ("un_targeted_sanctions", "arms_embargo"):
        tool = catalogue.tool(tool_id)
        assert (tool.category, tool.venue) == ("general_assembly", "general_assembly")
        assert any("General Assembly and Human Rights Council initiatives" in c.quote for c in tool.citations)
    texts = [t.name + t.description for t in catalogue.tools] + [c.effect for t in catalogue.tools for c in t.cases]
    assert not [text for text in texts if re.search(r"\bbinding\b", text, re.I) and "embargo" in text.lower()]


def test_regional_sanctions_cite_only_what_names_a_regional_body(catalogue):
    tool = catalogue.tool("regional_targeted_sanctions")
    assert [c.meeting for _, c in all_citations(tool)] == ["brussels_2019"]
    assert "EU" in tool.citations[0].quote


def test_mandate_renewal_says_what_its_quotes_support(catalogue):
    tool = catalogue.tool("hrc_mandate_renewal")
    assert "monitoring mechanisms" in tool.name and "renew" in tool.name
    assert {c.quote for c in tool.citations} == {
        "including supporting monitoring mechanisms within the Human Rights Council",
        "They also pointed to the failure of the HRC to renew some mechanisms under these circumstances",
    }


def test_the_syria_commission_case_names_the_human_rights_council(catalogue):
    case = next(c for c in catalogue.tool("hrc_commission_of_inquiry").cases if "14 years" in c.citation.quote)
    assert "Human Rights Council" in case.effect and "Together with the Council" not in case.effect and case.caveat


@pytest.mark.parametrize(
    ("tool_id", "meeting", "words"),
    [
        ("public_calling_out_atrocities", "brussels_2025", "calling out atrocity situations"),
        ("hate_speech_hate_crimes_early_warning", "brussels_2019", "an early warning sign for mass atrocities"),
        (
            "sustained_funding_accountability_mechanisms",
            "doha_2017",
            "financial or logistical support to justice mechanisms",
        ),
        ("multiple_un_fora", "brussels_2019", "active across multiple UN fora"),
        ("r2p_at_home", "helsinki_2018", "no country is immune to mass atrocities"),
        ("root_causes_of_displacement", "doha_2017", "why people flee their homelands"),
    ],
)
def test_the_tools_the_issue_found_missing_are_in_with_their_source(catalogue, tool_id, meeting, words):
    assert any(c.meeting == meeting and words in c.quote for c in catalogue.tool(tool_id).citations)


@pytest.mark.parametrize(
    ("tool_id", "meeting", "words"),
    [
        ("veto_restraint_french_mexican_initiative", "doha_2017", "eight UN Security Council vetoes"),
        ("veto_restraint_french_mexican_initiative", "brussels_2025", "repeated vetoes by Russia and China"),
        ("icc_support_and_cooperation", "helsinki_2018", "legal arm of the responsibility to protect"),
        ("r2p_at_home", "brussels_2025", "The Gambia, South Africa, Colombia, Slovenia and Croatia"),
        ("multiple_un_fora", "brussels_2019", "crisis of multilateralism"),
        ("multiple_un_fora", "brussels_2025", "Ukraine, Sudan and Syria"),
    ],
)
def test_the_cases_the_issue_found_missing_are_in_with_a_caveat(catalogue, tool_id, meeting, words):
    case = next(c for c in catalogue.tool(tool_id).cases if c.citation.meeting == meeting and words in c.citation.quote)
    assert case.caveat


def test_the_syria_veto_case_does_not_put_a_2017_count_in_the_2025_summary(catalogue):
    cases = {c.citation.meeting: c for c in catalogue.tool("veto_restraint_french_mexican_initiative").cases}
    assert "eight" in cases["doha_2017"].effect and "2017" in cases["doha_2017"].caveat
    assert "eight" not in cases["brussels_2025"].effect and "no count" in cases["brussels_2025"].caveat
