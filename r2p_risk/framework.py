"""The UN Framework of Analysis for Atrocity Crimes (2014) as validated data.

`parse_framework` turns the mapping read from ``frameworks/un-framework-2014.yaml`` into a
`Framework`, reporting every problem in the file at once.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from r2p_risk.errors import FrameworkError, Problem, problems_from_validation_error
from r2p_risk.models import StrictModel, TextRules
from r2p_risk.parameters import Crime

GroupId = Literal["common", "genocide", "crimes_against_humanity", "war_crimes"]
CRIMES: tuple[Crime, ...] = ("genocide", "crimes_against_humanity", "war_crimes")
FRAMEWORK_SCHEMA_VERSION = 1


class Indicator(StrictModel):
    id: str = Field(pattern=r"^\d{1,2}\.\d{1,2}$")
    text: str = Field(min_length=1)
    wording_check: Literal["checked", "recollection", "uncertain"]
    conduct: bool = Field(default=False, description="describes acts being committed, not a condition or a threat")
    wording_note: Annotated[str, TextRules(300, min_length=10)] | None = Field(
        default=None, description="what about the wording is unconfirmed; kept out of the text, which briefings print"
    )

    @model_validator(mode="after")
    def _note_only_on_unconfirmed_wording(self) -> Indicator:
        if self.wording_note is not None and self.wording_check == "checked":
            raise ValueError("wording_note explains an unconfirmed wording; a checked indicator has none")
        return self

    @property
    def risk_factor(self) -> int:
        return int(self.id.split(".")[0])


class RiskFactor(StrictModel):
    number: int = Field(ge=1, le=99)
    title: str = Field(min_length=1)
    group: GroupId
    description: str = Field(min_length=1)
    indicators_complete: bool
    official_indicator_count: int | None = Field(
        ge=0, description="indicators in the official text; null where not known exactly"
    )
    indicators: list[Indicator]


class Group(StrictModel):
    id: GroupId
    title: str


class Framework(StrictModel):
    schema_version: Literal[1]
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    edition: str
    data_version: str
    title: str
    citation: str
    official_indicator_count: int = Field(ge=0)
    note: str
    groups: list[Group]
    risk_factors: list[RiskFactor]

    _indicators: dict[str, Indicator] = PrivateAttr(default_factory=dict)
    _factors: dict[int, RiskFactor] = PrivateAttr(default_factory=dict)
    _counted: dict[int, float] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context) -> None:
        self._factors = {rf.number: rf for rf in self.risk_factors}
        self._indicators = {i.id: i for rf in self.risk_factors for i in rf.indicators}
        self._counted = _counted_indicators(self)

    def risk_factor(self, number: int) -> RiskFactor:
        return self._factors[number]

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicators[indicator_id]

    def has_indicator(self, indicator_id: str) -> bool:
        return indicator_id in self._indicators

    def has_risk_factor(self, number: int) -> bool:
        return number in self._factors

    @property
    def indicator_ids(self) -> list[str]:
        return list(self._indicators)

    def factors_in_group(self, group: str) -> list[int]:
        return [rf.number for rf in self.risk_factors if rf.group == group]

    def group_title(self, group: str) -> str:
        return next(g.title for g in self.groups if g.id == group)

    def counted_indicators(self, number: int) -> float:
        """The indicators a risk factor's coverage is counted against: its official count where known;
        else the listed ones plus an even share of the official indicators this file does not list."""
        return self._counted[number]

    def unlisted_indicators(self, number: int) -> float:
        """Official indicators of a risk factor that this file does not list (an even share where not known exactly)."""
        return self._counted[number] - len(self._factors[number].indicators)


def _counted_indicators(framework: Framework) -> dict[int, float]:
    known = {
        rf.number: rf.official_indicator_count
        for rf in framework.risk_factors
        if rf.official_indicator_count is not None
    }
    unknown = [rf for rf in framework.risk_factors if rf.official_indicator_count is None]
    unlisted = framework.official_indicator_count - sum(known.values()) - sum(len(rf.indicators) for rf in unknown)
    share = round(max(unlisted, 0) / len(unknown), 2) if unknown else 0.0
    return {**{n: float(c) for n, c in known.items()}, **{rf.number: len(rf.indicators) + share for rf in unknown}}


def check_framework_consistency(raw: object) -> list[Problem]:
    """Cross-field rules pydantic cannot see: unique numbers and ids, ids under their factor."""
    problems: list[Problem] = []
    factors = raw.get("risk_factors") if isinstance(raw, dict) else None
    if not isinstance(factors, list):
        return problems
    numbers = Counter(rf.get("number") for rf in factors if isinstance(rf, dict))
    seen_ids: set[str] = set()
    for f_index, rf in enumerate(factors):
        if not isinstance(rf, dict):
            continue
        number = rf.get("number")
        if numbers[number] > 1:
            problems.append(
                Problem("duplicate_number", f"risk_factors[{f_index}].number", f"duplicate risk factor number {number}")
            )
        indicators = given if isinstance(given := rf.get("indicators"), list) else []
        for i_index, ind in enumerate(indicators):
            ind_id = ind.get("id") if isinstance(ind, dict) else None
            if not isinstance(ind_id, str):
                continue
            where = f"risk_factors[{f_index}].indicators[{i_index}].id"
            if ind_id in seen_ids:
                problems.append(Problem("duplicate_id", where, f'duplicate id "{ind_id}"'))
            seen_ids.add(ind_id)
            if ind_id.split(".")[0] != str(number):
                problems.append(
                    Problem("misplaced_indicator", where, f'indicator "{ind_id}" is listed under risk factor {number}')
                )
        official = rf.get("official_indicator_count")
        complete = rf.get("indicators_complete")
        if isinstance(official, int) and not isinstance(official, bool):
            if complete is True and official != len(indicators):
                problems.append(
                    Problem(
                        "official_count_mismatch",
                        f"risk_factors[{f_index}].official_indicator_count",
                        f"the list is marked complete with {len(indicators)} indicators, "
                        f"but the official count is {official}",
                    )
                )
            if complete is False and official <= len(indicators):
                problems.append(
                    Problem(
                        "official_count_mismatch",
                        f"risk_factors[{f_index}].official_indicator_count",
                        "the list is marked incomplete, so the official count must exceed the "
                        f"{len(indicators)} listed",
                    )
                )
        elif official is None and complete is True:
            problems.append(
                Problem(
                    "official_count_missing",
                    f"risk_factors[{f_index}].official_indicator_count",
                    "a complete list has a known official count",
                )
            )
    expected = list(range(1, len(factors) + 1))
    if sorted(n for n in numbers if isinstance(n, int)) != expected and not problems:
        problems.append(
            Problem("numbering_gap", "risk_factors", f"risk factors must be numbered 1 to {len(factors)} without gaps")
        )
    return problems


def parse_framework(raw: object, source: str = "framework") -> Framework:
    """Validate a mapping read from YAML; raise FrameworkError listing every problem found."""
    prefix = f"{source} > "
    problems = [Problem(p.code, prefix + p.where, p.message) for p in check_framework_consistency(raw)]
    framework = None
    try:
        framework = Framework.model_validate(raw)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, prefix) + problems
    if problems or framework is None:
        raise FrameworkError(problems, f"{source} is not a valid framework file")
    return framework
