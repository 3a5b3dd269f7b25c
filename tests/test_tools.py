"""The response-tool catalogue: every tool valid, every quote verbatim in the summary it cites."""

import copy
import re

import pytest
import yaml

from conftest import FRAMEWORKS
from r2p_risk.errors import FrameworkError
from r2p_risk.storage.files import load_catalogue, load_sources, verify_catalogue
from r2p_risk.tools import MAX_QUOTE_WORDS, POLICY_SPACES, STAGES, all_citations, check_quotes, parse_catalogue, passage_around

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
    assert {s for t in catalogue.tools for s in t.stages} == set(STAGES)
    assert {c.meeting for t in catalogue.tools for c in t.citations} == {m.id for m in catalogue.meetings}
    assert all(len(c.quote.split()) <= MAX_QUOTE_WORDS for t in catalogue.tools for _, c in all_citations(t))


@pytest.mark.parametrize("tool_id", ["arria_formula_meeting", "any_other_business_briefing", "hrc_fact_finding_mission",
                                     "international_investigative_mechanism", "universal_jurisdiction", "veto_restraint_french_mexican_initiative"])
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
    first["risk_factors"] = [99]
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
    assert messages[f"{name} > tools[0].risk_factors"] == "no risk factor 99"


def test_the_source_passage_surrounds_the_quote(catalogue):
    sources = load_sources(FRAMEWORKS, catalogue)
    citation = catalogue.tool("hrc_fact_finding_mission").citations[0]
    passage = passage_around(sources[citation.meeting], citation.quote, 200)
    assert citation.quote in passage and len(passage) > len(citation.quote) + 300
