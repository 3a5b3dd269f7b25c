"""The result of scoring: a `RiskProfile` with a reason behind every figure."""

from __future__ import annotations

from pydantic import Field

from r2p_risk.models import StrictModel
from r2p_risk.parameters import RiskLevel, Status


class Reason(StrictModel):
    """One sentence of explanation, with the indicator or risk factor it is about."""

    text: str
    risk_factor: int | None = None
    indicator: str | None = None


class RiskFactorResult(StrictModel):
    number: int
    title: str
    group: str
    score: float | None = Field(description="0-10; null when nothing in the risk factor was assessed")
    level: RiskLevel | None
    coverage: float = Field(description="share of the listed indicators that were assessed, 0-1")
    reliability: float = Field(description="0-10: falls with low coverage and low confidence")
    assessed_indicators: int
    listed_indicators: int
    indicators_complete: bool
    whole_factor_level: int | None
    reasons: list[Reason]


class CrimeResult(StrictModel):
    crime: str
    score: float | None
    level: RiskLevel | None
    reliability: float
    reasons: list[Reason]


class OverallResult(StrictModel):
    score: float | None
    level: RiskLevel | None
    reliability: float
    reasons: list[Reason]


class StatusResult(StrictModel):
    label: Status
    title: str
    reasons: list[Reason]


class Driver(StrictModel):
    """An indicator that pushes the result up, strongest first."""

    indicator: str
    risk_factor: int
    level: int
    points: float
    text: str


class ModelVersions(StrictModel):
    framework_id: str
    framework_edition: str
    framework_data_version: str
    scoring_id: str
    scoring_version: str


class RiskProfile(StrictModel):
    method: str
    versions: ModelVersions
    risk_factors: dict[str, RiskFactorResult]
    crimes: dict[str, CrimeResult]
    overall: OverallResult
    status: StatusResult
    reliability: float
    coverage: float
    drivers: list[Driver]

    def factor(self, number: int) -> RiskFactorResult:
        return self.risk_factors[str(number)]
