"""The Framework file: official numbering and titles, honest flags, and every problem reported at once."""

import json
import re

import pytest
import yaml
from helpers import FRAMEWORKS

from r2p_risk.errors import FrameworkError
from r2p_risk.framework import parse_framework
from r2p_risk.parameters import parse_parameters

# A copy of ../shared/reference/un-framework-of-analysis-2014.json, the structured source of the YAML.
REFERENCE = FRAMEWORKS.parent / "tests" / "fixtures" / "un-framework-of-analysis-2014.json"


def raw_framework() -> dict:
    return yaml.safe_load((FRAMEWORKS / "un-framework-2014.yaml").read_text(encoding="utf-8"))


def test_fourteen_risk_factors_in_four_groups(framework):
    assert [rf.number for rf in framework.risk_factors] == list(range(1, 15))
    assert framework.factors_in_group("common") == list(range(1, 9))
    assert framework.factors_in_group("genocide") == [9, 10]
    assert framework.factors_in_group("crimes_against_humanity") == [11, 12]
    assert framework.factors_in_group("war_crimes") == [13, 14]


def test_titles_numbering_and_flags_match_the_reference(framework):
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    for ref, rf in zip(reference["risk_factors"], framework.risk_factors, strict=True):
        assert (rf.number, rf.title, rf.group, rf.indicators_complete) == (
            ref["number"],
            ref["title"],
            ref["group"],
            ref["indicators_complete"],
        )
        assert [(i.id, i.wording_check) for i in rf.indicators] == [
            (i["id"], i["wording_check"]) for i in ref["indicators"]
        ]


def test_risk_factors_11_to_14_are_marked_incomplete(framework):
    assert [rf.number for rf in framework.risk_factors if not rf.indicators_complete] == [11, 12, 13, 14]
    assert framework.official_indicator_count == 143 > len(framework.indicator_ids)


def test_every_problem_in_a_broken_file_is_reported_at_once():
    raw = raw_framework()
    raw["risk_factors"][3]["indicators"][2]["id"] = "4.2"  # duplicate of the indicator before it
    raw["risk_factors"][0]["title"] = ""
    raw["risk_factors"][5]["group"] = "piracy"
    raw["risk_factors"][7]["indicators"][0]["wording_check"] = "maybe"
    raw["risk_factors"][1]["colour"] = "red"
    with pytest.raises(FrameworkError) as caught:
        parse_framework(raw, "un-framework-2014.yaml")
    places = {p.where: p.message for p in caught.value.problems}
    assert places["un-framework-2014.yaml > risk_factors[3].indicators[2].id"] == 'duplicate id "4.2"'
    for where in (
        "risk_factors[0].title",
        "risk_factors[5].group",
        "risk_factors[7].indicators[0].wording_check",
        "risk_factors[1].colour",
    ):
        assert f"un-framework-2014.yaml > {where}" in places
    assert len(caught.value.problems) == 5


def test_indicator_listed_under_the_wrong_factor_is_reported():
    raw = raw_framework()
    raw["risk_factors"][0]["indicators"][0]["id"] = "2.99"
    with pytest.raises(FrameworkError, match="listed under risk factor 1"):
        parse_framework(raw)


def test_parameters_naming_an_unknown_risk_factor_are_rejected(framework):
    raw = yaml.safe_load((FRAMEWORKS / "scoring-model.yaml").read_text(encoding="utf-8"))
    raw["crimes"]["genocide"]["specific_risk_factors"] = [9, 15]
    raw["risk_factor_weights"] = {22: 2.0}
    with pytest.raises(FrameworkError) as caught:
        parse_parameters(raw, framework, "scoring-model.yaml")
    assert {str(p) for p in caught.value.problems} == {
        "scoring-model.yaml > risk_factor_weights: unknown risk factor 22",
        "scoring-model.yaml > crimes.genocide.specific_risk_factors: unknown risk factor 15",
    }


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("level_points",), {0: 0, 1: 5, 2: 4, 3: 10}, "must not fall"),
        (("risk_classes", 1, "below"), 1.0, "rising"),
        (("aggregation", "peak_weight"), 1.5, "less than or equal to 1"),
    ],
)
def test_broken_parameters_are_rejected_with_a_reason(framework, path, value, message):
    raw = yaml.safe_load((FRAMEWORKS / "scoring-model.yaml").read_text(encoding="utf-8"))
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(FrameworkError, match=message):
        parse_parameters(raw, framework)


@pytest.mark.parametrize(
    ("indicator", "kept"),
    [
        ("7.8", "populations or individuals"),  # not narrowed to protected groups: political groups count too
        ("7.10", "populations or individuals"),
        ("9.4", "protected groups"),
        ("13.7", "show of strength"),  # threats made ahead of further violence
    ],
)
def test_paraphrases_keep_the_scope_of_the_official_indicator(framework, indicator, kept):
    assert kept in framework.indicator(indicator).text


def test_editorial_remarks_sit_beside_the_wording_check_not_in_the_text(framework):
    remark = re.compile(r"unconfirmed|exact (ending|wording)|not sure|wording", re.I)
    assert not [i.id for i in (framework.indicator(n) for n in framework.indicator_ids) if remark.search(i.text)]
    note = framework.indicator("13.10")
    assert note.wording_check == "uncertain" and "unconfirmed" in note.wording_note
    assert note.text.endswith("weapons of an unlawful kind.")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"wording_check": "checked", "wording_note": "The ending is unconfirmed."}, "a checked indicator has none"),
        ({"wording_check": "uncertain", "wording_note": "short"}, "at least 10 characters"),
        ({"wording_check": "uncertain", "wording_note": "x" * 301}, "at most 300 characters"),
    ],
)
def test_a_wording_note_is_only_a_short_remark_on_unconfirmed_wording(change, message):
    raw = raw_framework()
    raw["risk_factors"][0]["indicators"][0].update(change)
    with pytest.raises(FrameworkError) as caught:
        parse_framework(raw, "un-framework-2014.yaml")
    [problem] = caught.value.problems
    assert (
        problem.where.startswith("un-framework-2014.yaml > risk_factors[0].indicators[0]")
        and message in problem.message
    )
