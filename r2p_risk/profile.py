"""The result of scoring: a `RiskProfile` with a range and a reason behind every figure."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from r2p_risk.models import StrictModel
from r2p_risk.parameters import RiskLevel, Status

Range = tuple[float, float]


class Reason(StrictModel):
    """One sentence of explanation: a stable `code` and its `params`, with the English `text` rendered from them."""

    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    text: str

    @property
    def risk_factor(self) -> int | None:
        return self.params.get("risk_factor")

    @property
    def indicator(self) -> str | None:
        return self.params.get("indicator")


class RiskFactorResult(StrictModel):
    number: int
    title: str
    group: str
    score: float | None = Field(description="0-10; null when nothing in the risk factor was assessed")
    level: RiskLevel | None
    range: Range = Field(description="lowest and highest score if every unassessed indicator were rated 0, resp. 3")
    determined: bool = Field(description="something in the risk factor is assessed")
    coverage: float = Field(description="share of the risk factor's official indicators that were assessed, 0-1")
    reliability: float = Field(description="0-10: falls with low coverage and low confidence")
    assessed_indicators: int
    listed_indicators: int
    counted_indicators: float = Field(
        description="the official indicators coverage is counted against (an even share where not known exactly)"
    )
    indicators_complete: bool
    whole_factor_level: int | None
    reasons: list[Reason]


class CrimeResult(StrictModel):
    crime: str
    score: float | None = Field(description="null when not determined")
    level: RiskLevel | None
    range: Range
    determined: bool
    capped: bool = Field(description="no armed conflict: war-crimes risk is capped")
    reliability: float
    reasons: list[Reason]


class OverallResult(StrictModel):
    score: float | None
    level: RiskLevel | None
    range: Range
    determined: bool
    reliability: float
    reasons: list[Reason]


class StatusResult(StrictModel):
    label: Status
    title: str
    provisional: bool = Field(description="an alarm on thin evidence: raised, but the overall risk is not determined")
    reasons: list[Reason]


class Driver(StrictModel):
    """An indicator that pushes the result up, strongest first."""

    indicator: str
    risk_factor: int
    level: int
    points: float
    text: str


class AssessNext(StrictModel):
    """An unassessed indicator whose rating would change the picture most, and why."""

    indicator: str
    risk_factor: int
    text: str
    why: Reason


class FindingResult(StrictModel):
    crime: str
    state: str
    ended_on: str | None


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
    coverage: float = Field(description="share of the Framework's official indicators assessed")
    assessed_indicators: int
    official_indicators: int
    drivers: list[Driver]
    findings: list[FindingResult]
    assess_next: list[AssessNext]

    def factor(self, number: int) -> RiskFactorResult:
        return self.risk_factors[str(number)]
