"""The scoring model's parameters (frameworks/scoring-model.yaml) as validated data."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, ValidationError, model_validator

from r2p_risk.errors import FrameworkError, Problem, problems_from_validation_error
from r2p_risk.models import StrictModel

RiskLevel = Literal["very_low", "low", "medium", "high", "very_high"]
RISK_LEVELS: tuple[str, ...] = ("very_low", "low", "medium", "high", "very_high")
Status = Literal["monitoring", "serious_concern", "imminent_risk", "current_crisis"]
STATUSES: tuple[str, ...] = ("monitoring", "serious_concern", "imminent_risk", "current_crisis")
Crime = Literal["genocide", "crimes_against_humanity", "war_crimes"]
Score = Annotated[float, Field(ge=0, le=10)]


class Aggregation(StrictModel):
    method: Literal["mean", "max", "blend"]
    peak_weight: float = Field(ge=0, le=1)


class WholeFactorRating(StrictModel):
    weight: float = Field(ge=0, le=1)
    evidence_credit: float = Field(ge=0, le=1)


class ConfidenceWeights(StrictModel):
    low: float = Field(ge=0, le=1)
    medium: float = Field(ge=0, le=1)
    high: float = Field(ge=0, le=1)
    unstated: float = Field(ge=0, le=1)


class ConflictRequirement(StrictModel):
    indicator: str
    min_level: int = Field(ge=0, le=3)
    cap_otherwise: Score
    explanation: str


class CrimeModel(StrictModel):
    specific_risk_factors: list[int] = Field(min_length=1)
    specific_weight: float = Field(ge=0, le=1)
    requires: ConflictRequirement | None = None


class Overall(StrictModel):
    method: Literal["max", "mean"]


class RiskClass(StrictModel):
    level: RiskLevel
    label: str
    below: Score | None


class RiskFactorAtLeast(StrictModel):
    kind: Literal["risk_factor_at_least"]
    risk_factors: list[int] = Field(min_length=1)
    score: Score
    match: Literal["any", "all"]


class RiskFactorsMeanAtLeast(StrictModel):
    kind: Literal["risk_factors_mean_at_least"]
    risk_factors: list[int] = Field(min_length=1)
    score: Score


class OverallAtLeast(StrictModel):
    kind: Literal["overall_at_least"]
    score: Score


StatusCondition = Annotated[
    Union[RiskFactorAtLeast, RiskFactorsMeanAtLeast, OverallAtLeast], Field(discriminator="kind")
]


class StatusRule(StrictModel):
    status: Status
    label: str
    description: str
    match: Literal["any", "all"]
    conditions: list[StatusCondition] = Field(min_length=1)


class DefaultStatus(StrictModel):
    status: Status
    label: str
    description: str


class ScoringParameters(StrictModel):
    schema_version: Literal[1]
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    version: str
    framework: str
    method: str
    level_points: dict[int, Score]
    aggregation: Aggregation
    indicator_weights: dict[str, float] = Field(default_factory=dict)
    whole_factor_rating: WholeFactorRating
    confidence_weights: ConfidenceWeights
    risk_factor_weights: dict[int, float] = Field(default_factory=dict)
    crimes: dict[Crime, CrimeModel]
    overall: Overall
    risk_classes: list[RiskClass]
    status_rules: list[StatusRule]
    default_status: DefaultStatus

    @model_validator(mode="after")
    def _consistent(self) -> "ScoringParameters":
        if sorted(self.level_points) != [0, 1, 2, 3]:
            raise ValueError("level_points must give points for levels 0, 1, 2 and 3")
        points = [self.level_points[level] for level in range(4)]
        if points != sorted(points):
            raise ValueError("level_points must not fall as the level rises")
        if sorted(self.crimes) != sorted(("genocide", "crimes_against_humanity", "war_crimes")):
            raise ValueError("crimes must define genocide, crimes_against_humanity and war_crimes")
        bounds = [c.below for c in self.risk_classes]
        if [c.level for c in self.risk_classes] != list(RISK_LEVELS):
            raise ValueError(f"risk_classes must list {', '.join(RISK_LEVELS)} in that order")
        if bounds[-1] is not None or None in bounds[:-1] or bounds[:-1] != sorted(bounds[:-1]):
            raise ValueError("risk_classes need rising `below` bounds, and none on the last class")
        if any(w < 0 for w in [*self.indicator_weights.values(), *self.risk_factor_weights.values()]):
            raise ValueError("weights must not be negative")
        return self

    def risk_level(self, score: float | None) -> RiskLevel | None:
        if score is None:
            return None
        for risk_class in self.risk_classes:
            if risk_class.below is None or score < risk_class.below:
                return risk_class.level
        raise AssertionError("unreachable: the last risk class is unbounded")

    def risk_level_label(self, level: str | None) -> str:
        return next((c.label for c in self.risk_classes if c.level == level), "Not assessed")

    def status_label(self, status: str) -> str:
        rules = [*self.status_rules, self.default_status]
        return next(r.label for r in rules if r.status == status)


def check_parameters_against_framework(params: ScoringParameters, framework) -> list[Problem]:
    """Every risk factor and indicator the parameters name must exist in the framework."""
    problems = []
    if params.framework != framework.id:
        problems.append(Problem("framework_mismatch", "framework", f'parameters are for "{params.framework}", not "{framework.id}"'))
    named_factors = [("risk_factor_weights", n) for n in params.risk_factor_weights]
    for crime, model in params.crimes.items():
        named_factors += [(f"crimes.{crime}.specific_risk_factors", n) for n in model.specific_risk_factors]
        if model.requires and not framework.has_indicator(model.requires.indicator):
            problems.append(Problem("unknown_indicator", f"crimes.{crime}.requires.indicator", f'unknown indicator "{model.requires.indicator}"'))
    for r_index, rule in enumerate(params.status_rules):
        for c_index, cond in enumerate(rule.conditions):
            named_factors += [(f"status_rules[{r_index}].conditions[{c_index}]", n) for n in getattr(cond, "risk_factors", [])]
    problems += [Problem("unknown_risk_factor", where, f"unknown risk factor {n}") for where, n in named_factors if not framework.has_risk_factor(n)]
    problems += [Problem("unknown_indicator", "indicator_weights", f'unknown indicator "{i}"') for i in params.indicator_weights if not framework.has_indicator(i)]
    return problems


def parse_parameters(raw: object, framework, source: str = "scoring parameters") -> ScoringParameters:
    """Validate a mapping read from YAML against the models and the framework; all problems at once."""
    prefix = f"{source} > "
    try:
        params = ScoringParameters.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkError(problems_from_validation_error(exc, prefix), f"{source} is not valid") from None
    problems = check_parameters_against_framework(params, framework)
    if problems:
        raise FrameworkError([Problem(p.code, prefix + p.where, p.message) for p in problems], f"{source} does not fit the framework")
    return params
