"""The docs keep in step with the code: every setting and every data field is documented."""

import re

import pytest
from helpers import FRAMEWORKS, ROOT

from r2p_risk import dossier_vocabulary, parameters, tools
from r2p_risk.framework import Framework, Group, Indicator, RiskFactor
from r2p_risk.settings import Settings


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`R2P_RISK_{name.upper()}`" in readme


TOOL_CONDITIONS = [tools.ThinEvidence, tools.RiskFactorAtLeast, tools.CrimeRiskAtLeast, tools.IndicatorAtLeast]
STATUS_CONDITIONS = [
    parameters.FindingIs,
    parameters.ConductPresent,
    parameters.RiskFactorAtLeast,
    parameters.RiskFactorsMeanAtLeast,
    parameters.CrimeAtLeast,
    parameters.SpecificRiskFactorAtLeast,
]
DATA_MODELS = [
    Framework,
    Group,
    RiskFactor,
    Indicator,
    parameters.ScoringParameters,
    parameters.Aggregation,
    parameters.WholeFactorRating,
    parameters.ConfidenceWeights,
    parameters.CrimeModel,
    parameters.ConflictRequirement,
    parameters.EvidenceGates,
    parameters.Overall,
    parameters.RiskClass,
    parameters.StatusDefinition,
    parameters.StatusRule,
    parameters.NoAlarm,
    *STATUS_CONDITIONS,
    tools.Catalogue,
    tools.Meeting,
    tools.Ranking,
    tools.StatusStages,
    tools.Tool,
    tools.CrisisStage,
    tools.IntrusivenessLevel,
    tools.Topic,
    tools.Citation,
    tools.Case,
    tools.Caution,
    tools.Restraint,
    *TOOL_CONDITIONS,
    dossier_vocabulary.DossierVocabulary,
    dossier_vocabulary.Term,
]


@pytest.mark.parametrize("model_cls", DATA_MODELS, ids=lambda m: m.__name__)
def test_every_data_field_is_documented(model_cls):
    documented = set(re.findall(r"`([a-z_0-9]+)`", (FRAMEWORKS / "README.md").read_text(encoding="utf-8")))
    missing = set(model_cls.model_fields) - documented
    assert not missing, f"frameworks/README.md does not document {sorted(missing)} of {model_cls.__name__}"


def test_every_condition_kind_is_documented():
    readme = (FRAMEWORKS / "README.md").read_text(encoding="utf-8")
    for cls in STATUS_CONDITIONS + TOOL_CONDITIONS:
        assert f"`{cls.model_fields['kind'].annotation.__args__[0]}`" in readme
