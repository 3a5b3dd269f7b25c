"""The fictional vignettes: the model reaches the verdict an expert would, and its figures are pinned.

`expected.yaml` holds the expert's verdict and why, written by hand; `golden.json` pins every status,
determined level and range the model gives, so a model change is a reviewed diff. After a deliberate
change, rewrite the golden file with
    .venv/bin/python -c "import sys; sys.path[:0] = ['tests']; import test_vignettes as t; t.write_golden()"
"""

import json
from pathlib import Path

import pytest
import yaml
from helpers import FRAMEWORKS

from r2p_risk.parameters import RISK_LEVELS
from r2p_risk.scoring import score_assessment
from r2p_risk.snapshot import load_snapshot_text
from r2p_risk.storage.files import load_model

HERE = Path(__file__).resolve().parent / "fixtures" / "vignettes"
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
GOLDEN = HERE / "golden.json"
NAMES = sorted(EXPECTED)


def profile_of(name: str, model):
    snapshot = load_snapshot_text((HERE / f"{name}.json").read_bytes(), model.framework, model.params)
    assert "FICTIONAL" in snapshot.assessment.key_judgements and "(fictional)" in snapshot.situation.name
    return score_assessment(snapshot.assessment, model.framework, model.params)


def test_there_are_at_least_fifteen_vignettes_each_with_its_verdict_and_why():
    assert len(NAMES) >= 15
    assert sorted(p.stem for p in HERE.glob("*.json") if p.name != "golden.json") == NAMES
    assert all(EXPECTED[name]["why"].strip() for name in NAMES)


def meets(level: str | None, expected) -> bool:
    if expected == "undetermined":
        return level is None
    if level is None:
        return False
    if isinstance(expected, dict):
        bound, limit = next(iter(expected.items()))
        rank, limit_rank = RISK_LEVELS.index(level), RISK_LEVELS.index(limit)
        return rank <= limit_rank if bound == "at_most" else rank >= limit_rank
    return level == expected


@pytest.mark.parametrize("name", NAMES)
def test_the_model_reaches_the_experts_verdict(name, model):
    expected, profile = EXPECTED[name], profile_of(name, model)
    assert profile.status.label == expected["status"], expected["why"]
    assert profile.status.provisional is expected["provisional"], expected["why"]
    for crime, wanted in expected["crimes"].items():
        assert meets(profile.crimes[crime].level, wanted), f"{crime}: {profile.crimes[crime].level}, expected {wanted}"


def golden_record(model) -> dict:
    record = {}
    for name in NAMES:
        p = profile_of(name, model)
        record[name] = {
            "status": p.status.label,
            "provisional": p.status.provisional,
            "overall": [p.overall.score, p.overall.level, list(p.overall.range), p.overall.determined],
            "crimes": {c: [r.score, r.level, list(r.range), r.determined] for c, r in p.crimes.items()},
            "risk_factors": {k: [f.score, list(f.range)] for k, f in p.risk_factors.items()},
            "assess_next": [n.indicator for n in p.assess_next],
        }
    return record


def test_the_vignettes_figures_match_the_golden_file(model):
    assert golden_record(model) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def write_golden() -> None:
    GOLDEN.write_text(json.dumps(golden_record(load_model(FRAMEWORKS)), indent=1) + "\n", encoding="utf-8")


def test_the_worked_vignettes_in_frameworks_readme(model):
    """The numbers frameworks/README.md works by hand are the model's, and the README quotes them."""
    readme = (FRAMEWORKS / "README.md").read_text(encoding="utf-8")
    sarn = profile_of("armed-conflict-two-indicators", model)
    assert (sarn.factor(1).score, sarn.factor(1).range) == (9.01, (4.91, 9.82))
    assert sarn.crimes["genocide"].range == (0.27, 9.99) and sarn.status.label == "insufficient_evidence"
    ostric = profile_of("one-manifesto", model)
    assert (ostric.factor(10).score, ostric.factor(10).range) == (6.7, (3.18, 9.75))
    assert (ostric.status.label, ostric.status.provisional) == ("serious_concern", True)
    aventa = profile_of("common-high-specific-absent", model)
    assert aventa.factor(1).score == 6.33
    assert (aventa.crimes["genocide"].score, aventa.crimes["genocide"].range) == (1.77, (1.77, 1.77))
    assert aventa.crimes["war_crimes"].range == (1.77, 3.0)
    assert aventa.crimes["crimes_against_humanity"].range == (1.77, 8.17)
    assert (aventa.status.label, aventa.status.provisional) == ("imminent_risk", True)
    assert [n.indicator for n in aventa.assess_next[:3]] == ["11.1", "11.2", "11.3"]
    for figure in (
        "9.01",
        "4.91-9.82",
        "0.27 to 9.99",
        "3.18",
        "9.75",
        "6.33",
        "6.65",
        "**1.77",
        "1.77-3.00",
        "8.17",
        "6.64",
    ):
        assert figure in readme, figure
