"""One vocabulary: crime, status and risk-level labels come from frameworks/scoring-model.yaml (params.crime_label,
params.status_label, params.risk_level_label), group titles from the framework, and the groups' short labels,
colours and patterns from r2p_risk/vocabulary.py. No other module keeps its own table of them."""

import ast

import pytest
from helpers import ROOT

from r2p_risk.framework import CRIMES
from r2p_risk.parameters import RISK_LEVELS, STATUSES
from r2p_risk.vocabulary import GROUPS, OTHER, group_style

GROUP_IDS = {"common", *CRIMES}
IDS = GROUP_IDS | set(STATUSES) | set(RISK_LEVELS)
HOME = ROOT / "r2p_risk" / "vocabulary.py"
SOURCES = sorted([ROOT / "app.py", *(ROOT / "r2p_risk").rglob("*.py")])


def label_tables(source: str) -> list[str]:
    """Dict literals keyed by two or more vocabulary ids whose values are texts, as 'line N: keys'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Dict):
            continue
        keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        texts = [
            v
            for v in node.values
            if isinstance(v, ast.Constant | ast.JoinedStr) and isinstance(getattr(v, "value", ""), str)
        ]
        if len(set(keys) & IDS) >= 2 and len(texts) >= 2:
            found.append(f"line {node.lineno}: {sorted(set(keys) & IDS)}")
    return found


@pytest.mark.parametrize("path", [p for p in SOURCES if p != HOME], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_keeps_its_own_table_of_labels(path):
    assert label_tables(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('NAMES = {"genocide": "Genocide", "war_crimes": "War crimes"}', ["line 1: ['genocide', 'war_crimes']"]),
        (
            'S = {"serious_concern": "Serious concern", "current_crisis": f"{x}"}',
            ["line 1: ['current_crisis', 'serious_concern']"],
        ),
        ('C = {"common": "#5b7083", "genocide": "#8e2c48"}', ["line 1: ['common', 'genocide']"]),
        ('W = {"genocide": 0.5, "war_crimes": 0.5}', []),  # numbers keyed by id are data, not labels
        ('L = {"genocide": "Genocide"}', []),
    ],
)
def test_the_scan_finds_label_tables(source, found):
    assert label_tables(source) == found


def test_every_group_of_the_framework_has_one_style(framework):
    assert set(GROUPS) == {g.id for g in framework.groups} == GROUP_IDS
    assert len({s.colour for s in GROUPS.values()}) == len({s.pattern for s in GROUPS.values()}) == len(GROUPS)
    assert group_style("a_group_added_later") == OTHER


@pytest.mark.parametrize("crime", CRIMES)
def test_a_crime_group_is_labelled_as_the_scoring_model_labels_its_crime(params, framework, crime):
    assert GROUPS[crime].label == params.crime_label(crime)
    assert crime.replace("_", " ") in framework.group_title(crime).lower()
