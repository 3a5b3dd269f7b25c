"""The scoring model's parameters (frameworks/scoring-model.yaml) as validated data."""

from __future__ import annotations

from typing import Annotated, Literal, TypeGuard, get_args

from pydantic import AfterValidator, Field, ValidationError, model_validator

from r2p_risk.errors import FrameworkError, Problem, problems_from_validation_error
from r2p_risk.models import StrictModel

RiskLevel = Literal["very_low", "low", "medium", "high", "very_high"]
RISK_LEVELS: tuple[str, ...] = ("very_low", "low", "medium", "high", "very_high")
Status = Literal["monitoring", "insufficient_evidence", "serious_concern", "imminent_risk", "current_crisis"]
STATUSES: tuple[str, ...] = (
    "monitoring",
    "insufficient_evidence",
    "serious_concern",
    "imminent_risk",
    "current_crisis",
)
Crime = Literal["genocide", "crimes_against_humanity", "war_crimes"]
Score = Annotated[float, Field(ge=0, le=10)]
PARAMETERS_SCHEMA_VERSION = 2


def is_crime(value: str) -> TypeGuard[Crime]:
    """Whether `value` is the id of one of the three crimes (`Crime`)."""
    return value in get_args(Crime)


def _two_decimals(value: float) -> float:
    """Points and weights are summed exactly in hundredths, so each has at most two decimals."""
    if abs(value * 100 - round(value * 100)) > 1e-6:
        raise ValueError("must have at most two decimals")
    return value


def shown_score(score: float) -> float:
    """A score (0-10, at most two decimals) as people read it: one decimal, cut, not rounded, so a score below a class
    bound is never shown at the bound (6.47 is High and shows as 6.4, never as 6.5, the bound of Very high).
    Every screen and document shows scores, their ranges and reliabilities through this (`score_figure`)."""
    return (round(score * 100) // 10) / 10


def score_figure(score: float | None, missing: str = "not determined") -> str:
    """A score in words: "6.4", or `missing` when there is none."""
    return missing if score is None else f"{shown_score(score):.1f}"


def change_figure(before: float | None, after: float | None) -> str:
    """A change between two scores as the difference of the numbers shown, so the sum a reader does comes out."""
    if before is None or after is None:
        raise ValueError("a change is between two scores")
    return f"{shown_score(after) - shown_score(before):+.1f}"


Hundredths = Annotated[float, Field(ge=0), AfterValidator(_two_decimals)]
Weight = Annotated[float, Field(gt=0, le=100), AfterValidator(_two_decimals)]


class Aggregation(StrictModel):
    method: Literal["mean", "max", "blend"]
    peak_weight: float = Field(ge=0, le=1)


class WholeFactorRating(StrictModel):
    weight: float = Field(ge=0, le=1)
    evidence_credit: float = Field(ge=0, le=1)


class ConfidenceWeights(StrictModel):
    low: Hundredths = Field(le=1)
    medium: Hundredths = Field(le=1)
    high: Hundredths = Field(le=1)
    unstated: Hundredths = Field(le=1)


class ConflictRequirement(StrictModel):
    indicator: str
    min_level: int = Field(ge=1, le=3)
    cap_otherwise: Score
    explanation: str


class CrimeModel(StrictModel):
    label: str = Field(min_length=1)
    specific_risk_factors: list[int] = Field(min_length=1)
    specific_weight: float = Field(gt=0, lt=1)
    requires: ConflictRequirement | None = None


class EvidenceGates(StrictModel):
    min_common_evidence: float = Field(ge=0, le=1)


class Overall(StrictModel):
    method: Literal["max"]


class RiskClass(StrictModel):
    level: RiskLevel
    label: str
    below: Score | None


class StatusDefinition(StrictModel):
    status: Status
    label: str
    description: str
    borrowed_from: str | None = None


class RiskFactorAtLeast(StrictModel):
    kind: Literal["risk_factor_at_least"]
    risk_factors: list[int] = Field(min_length=1)
    score: Score
    match: Literal["any", "all"]


class RiskFactorsMeanAtLeast(StrictModel):
    kind: Literal["risk_factors_mean_at_least"]
    risk_factors: list[int] = Field(min_length=1)
    score: Score


class CrimeAtLeast(StrictModel):
    """A determined crime risk, not capped for want of an armed conflict, reaches `score`."""

    kind: Literal["crime_at_least"]
    score: Score


class SpecificRiskFactorAtLeast(StrictModel):
    """A risk factor specific to a crime reaches `score`, unless that crime is capped for want of an armed conflict."""

    kind: Literal["specific_risk_factor_at_least"]
    score: Score


class FindingIs(StrictModel):
    kind: Literal["finding"]
    state: Literal["ongoing"]


class ConductPresent(StrictModel):
    """An indicator marked `conduct` in the framework is rated at least `min_level` with at least `min_confidence`."""

    kind: Literal["conduct"]
    min_level: int = Field(ge=1, le=3)
    min_confidence: Literal["low", "medium", "high"]


StatusCondition = Annotated[
    FindingIs | ConductPresent | RiskFactorAtLeast | RiskFactorsMeanAtLeast | CrimeAtLeast | SpecificRiskFactorAtLeast,
    Field(discriminator="kind"),
]


class StatusRule(StrictModel):
    status: Status
    description: str
    match: Literal["any", "all"]
    conditions: list[StatusCondition] = Field(min_length=1)

    @property
    def rests_on_finding(self) -> bool:
        return any(isinstance(c, FindingIs) for c in self.conditions)


class NoAlarm(StrictModel):
    determined: Status
    undetermined: Status


class ScoringParameters(StrictModel):
    schema_version: Literal[2]
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    version: str
    framework: str
    method: str
    level_points: dict[int, Annotated[Hundredths, Field(le=10)]]
    aggregation: Aggregation
    indicator_weights: dict[str, Weight] = Field(default_factory=dict)
    whole_factor_rating: WholeFactorRating
    confidence_weights: ConfidenceWeights
    risk_factor_weights: dict[int, Weight] = Field(default_factory=dict)
    crimes: dict[Crime, CrimeModel]
    evidence_gates: EvidenceGates
    overall: Overall
    risk_classes: list[RiskClass]
    statuses: list[StatusDefinition]
    status_rules: list[StatusRule]
    no_alarm: NoAlarm

    @model_validator(mode="after")
    def _consistent(self) -> ScoringParameters:
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
        inner = [bound for bound in bounds[:-1] if bound is not None]
        if bounds[-1] is not None or len(inner) < len(bounds) - 1 or inner != sorted(inner):
            raise ValueError("risk_classes need rising `below` bounds, and none on the last class")
        if [s.status for s in self.statuses] != list(STATUSES):
            raise ValueError(f"statuses must list {', '.join(STATUSES)}, least to most severe, in that order")
        order = [self.severity(rule.status) for rule in self.status_rules]
        if order != sorted(order, reverse=True):
            raise ValueError("status_rules must be ordered most severe first")
        if self.no_alarm.determined != "monitoring" or self.no_alarm.undetermined != "insufficient_evidence":
            raise ValueError("no_alarm must be monitoring when determined and insufficient_evidence otherwise")
        return self

    def severity(self, status: str) -> int:
        """0 for the least severe status (monitoring) up to 4 for current crisis."""
        return STATUSES.index(status)

    def risk_level(self, score: float | None) -> RiskLevel | None:
        if score is None:
            return None
        for risk_class in self.risk_classes:
            if risk_class.below is None or score < risk_class.below:
                return risk_class.level
        raise AssertionError("unreachable: the last risk class is unbounded")

    def risk_level_label(self, level: str | None) -> str:
        return next((c.label for c in self.risk_classes if c.level == level), "Not determined")

    def status_definition(self, status: str) -> StatusDefinition:
        return next(s for s in self.statuses if s.status == status)

    def status_label(self, status: str) -> str:
        return self.status_definition(status).label

    def crime_label(self, crime: str) -> str:
        if not is_crime(crime):
            raise KeyError(crime)
        return self.crimes[crime].label


def check_parameters_against_framework(params: ScoringParameters, framework) -> list[Problem]:
    """Every risk factor and indicator the parameters name must exist in the framework."""
    problems = []
    if params.framework != framework.id:
        problems.append(
            Problem("framework_mismatch", "framework", f'parameters are for "{params.framework}", not "{framework.id}"')
        )
    named_factors = [("risk_factor_weights", n) for n in params.risk_factor_weights]
    for crime, model in params.crimes.items():
        named_factors += [(f"crimes.{crime}.specific_risk_factors", n) for n in model.specific_risk_factors]
        if model.requires and not framework.has_indicator(model.requires.indicator):
            problems.append(
                Problem(
                    "unknown_indicator",
                    f"crimes.{crime}.requires.indicator",
                    f'unknown indicator "{model.requires.indicator}"',
                )
            )
    for r_index, rule in enumerate(params.status_rules):
        for c_index, cond in enumerate(rule.conditions):
            named_factors += [
                (f"status_rules[{r_index}].conditions[{c_index}]", n) for n in getattr(cond, "risk_factors", [])
            ]
    problems += [
        Problem("unknown_risk_factor", where, f"unknown risk factor {n}")
        for where, n in named_factors
        if not framework.has_risk_factor(n)
    ]
    problems += [
        Problem("unknown_indicator", "indicator_weights", f'unknown indicator "{i}"')
        for i in params.indicator_weights
        if not framework.has_indicator(i)
    ]
    common = set(framework.factors_in_group("common"))
    specific = [n for model in params.crimes.values() for n in model.specific_risk_factors]
    if common & set(specific) or len(specific) != len(set(specific)):
        problems.append(
            Problem(
                "overlapping_risk_factors", "crimes", "a risk factor is common and specific, or specific to two crimes"
            )
        )
    return problems


def parse_parameters(raw: object, framework, source: str = "scoring parameters") -> ScoringParameters:
    """Validate a mapping read from YAML against the models and the framework; all problems at once."""
    prefix = f"{source} > "
    if isinstance(raw, dict) and raw.get("schema_version") == 1:
        raise FrameworkError(
            [
                Problem(
                    "old_scoring_model",
                    prefix + "schema_version",
                    "this is a scoring model of schema 1 (model 1.x); this version of r2p-risk reads "
                    "schema 2 (model 2.0): see CHANGELOG.md",
                )
            ],
            f"{source} is too old",
        )
    try:
        params = ScoringParameters.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkError(problems_from_validation_error(exc, prefix), f"{source} is not valid") from None
    problems = check_parameters_against_framework(params, framework)
    if problems:
        raise FrameworkError(
            [Problem(p.code, prefix + p.where, p.message) for p in problems], f"{source} does not fit the framework"
        )
    return params
