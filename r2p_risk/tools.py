"""The response-tool catalogue: what the Focal Points meetings said works, as validated data.

The catalogue lives in ``frameworks/response-tools/``: ``catalogue.yaml`` holds the meetings
(the cited sources) and the ranking weights, each ``tools-*.yaml`` a list of tools. Every tool
cites a meeting, a section and a short verbatim quote; `check_quotes` proves each quote is in
the summary it cites.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated, Literal, Union

from pydantic import Field, ValidationError, field_validator

from r2p_risk.errors import FrameworkError, Problem, problems_from_validation_error
from r2p_risk.framework import Framework
from r2p_risk.models import StrictModel, text_field
from r2p_risk.parameters import RiskLevel, Status

PolicySpace = Literal["new_york", "geneva", "capital", "regional", "accountability"]
POLICY_SPACES: dict[str, str] = {
    "new_york": "New York",
    "geneva": "Geneva",
    "capital": "Capital",
    "regional": "Regional",
    "accountability": "Courts and accountability",
}
Stage = Literal["structural_prevention", "rising_risk", "imminent_risk", "ongoing_atrocities", "accountability_recovery"]
STAGES: dict[str, str] = {
    "structural_prevention": "Structural prevention",
    "rising_risk": "Rising risk",
    "imminent_risk": "Imminent risk",
    "ongoing_atrocities": "Ongoing atrocities",
    "accountability_recovery": "Accountability and recovery",
}
Actor = Literal[
    "focal_point", "mission_new_york", "mission_geneva", "embassy", "ministry", "parliament",
    "regional_organisation", "un_system", "civil_society", "courts",
]
ACTORS: dict[str, str] = {
    "focal_point": "R2P Focal Point",
    "mission_new_york": "Mission in New York",
    "mission_geneva": "Mission in Geneva",
    "embassy": "Embassy",
    "ministry": "Ministry in capital",
    "parliament": "Parliament",
    "regional_organisation": "Regional organisation",
    "un_system": "UN system",
    "civil_society": "Civil society",
    "courts": "Courts and prosecutors",
}
Venue = Literal[
    "security_council", "general_assembly", "human_rights_council", "un_secretariat", "un_field",
    "international_courts", "national_courts", "regional_organisation", "national_government",
    "bilateral", "civil_society", "global_network",
]
VENUES: dict[str, str] = {
    "security_council": "UN Security Council",
    "general_assembly": "UN General Assembly",
    "human_rights_council": "Human Rights Council",
    "un_secretariat": "UN Secretariat and Joint Office",
    "un_field": "UN presence in the field",
    "international_courts": "International courts and mechanisms",
    "national_courts": "National courts",
    "regional_organisation": "Regional organisation",
    "national_government": "National government",
    "bilateral": "Bilateral diplomacy",
    "civil_society": "Civil society and survivors",
    "global_network": "Global Network of R2P Focal Points",
}
MeetingId = Literal["doha_2017", "helsinki_2018", "brussels_2019", "brussels_2025"]
MAX_QUOTE_WORDS = 25

Name = text_field(120, min_length=3)
Description = text_field(1_000, min_length=10)


class Meeting(StrictModel):
    id: MeetingId
    number: int = Field(ge=1)
    city: str
    year: int = Field(ge=2000, le=2100)
    dates: str
    title: str
    source_file: str = Field(pattern=r"^sources/[a-z0-9-]+\.txt$")
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.number}th meeting, {self.city} {self.year}"


class Citation(StrictModel):
    meeting: MeetingId
    section: Name
    quote: text_field(400, min_length=10)

    @field_validator("quote")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value.split()) > MAX_QUOTE_WORDS:
            raise ValueError(f"a quote has at most {MAX_QUOTE_WORDS} words, this one has {len(value.split())}")
        return value


class Case(StrictModel):
    """A situation where the meetings reported a tool's effect, with the caveat they gave."""

    situation: Name
    effect: Description
    caveat: str = ""
    citation: Citation


class Caution(StrictModel):
    text: Description
    citation: Citation


# --- when a tool fits: a closed vocabulary of conditions ---------------------------------------


class StatusIs(StrictModel):
    kind: Literal["status_is"]
    statuses: list[Status] = Field(min_length=1)


class StageIs(StrictModel):
    kind: Literal["stage_is"]
    stages: list[Stage] = Field(min_length=1)


class RiskFactorAtLeast(StrictModel):
    kind: Literal["risk_factor_at_least"]
    risk_factors: list[int] = Field(min_length=1)
    score: float = Field(ge=0, le=10)


class CrimeRiskAtLeast(StrictModel):
    kind: Literal["crime_risk_at_least"]
    crimes: list[Literal["genocide", "crimes_against_humanity", "war_crimes"]] = Field(min_length=1)
    level: RiskLevel


class IndicatorAtLeast(StrictModel):
    kind: Literal["indicator_at_least"]
    indicators: list[str] = Field(min_length=1)
    level: int = Field(ge=1, le=3)


Condition = Annotated[
    Union[StatusIs, StageIs, RiskFactorAtLeast, CrimeRiskAtLeast, IndicatorAtLeast], Field(discriminator="kind")
]


class Tool(StrictModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{2,60}$")
    name: Name
    description: Description
    category: Literal[
        "security_council", "general_assembly", "human_rights_council", "un_system", "accountability",
        "regional", "capital", "mediation", "women_peace_security", "civil_society", "humanitarian",
        "hate_speech_education", "focal_points",
    ]
    venue: Venue
    policy_space: PolicySpace
    actors: list[Actor] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    risk_factors: list[int] = Field(default_factory=list)
    when: list[Condition] = Field(default_factory=list)
    citations: list[Citation] = Field(min_length=1)
    cases: list[Case] = Field(default_factory=list)
    cautions: list[Caution] = Field(default_factory=list)


class Ranking(StrictModel):
    """Weights of the recommendation ranking (see `r2p_risk.recommend`)."""

    primary_stage: float = Field(ge=0)
    other_stage: float = Field(ge=0)
    condition: float = Field(ge=0)
    elevated_risk_factor: float = Field(ge=0)
    elevated_from: float = Field(ge=0, le=10, description="a risk factor scoring this or more counts as elevated")
    max_risk_factor_bonus: float = Field(ge=0)
    top_per_policy_space: int = Field(ge=1)


class StatusStages(StrictModel):
    monitoring: list[Stage]
    insufficient_evidence: list[Stage]
    serious_concern: list[Stage]
    imminent_risk: list[Stage]
    current_crisis: list[Stage]


class Catalogue(StrictModel):
    schema_version: Literal[1]
    id: str
    version: str
    title: str
    note: str
    meetings: list[Meeting] = Field(min_length=1)
    status_stages: StatusStages
    ranking: Ranking
    tools: list[Tool]

    def meeting(self, meeting_id: str) -> Meeting:
        return next(m for m in self.meetings if m.id == meeting_id)

    def tool(self, tool_id: str) -> Tool:
        return next(t for t in self.tools if t.id == tool_id)

    def has_tool(self, tool_id: str) -> bool:
        return any(t.id == tool_id for t in self.tools)


def all_citations(tool: Tool) -> list[tuple[str, Citation]]:
    """Every citation of a tool with its place in the tool: ('citations[0]', c), ('cases[1].citation', c)..."""
    found = [(f"citations[{i}]", c) for i, c in enumerate(tool.citations)]
    found += [(f"cases[{i}].citation", case.citation) for i, case in enumerate(tool.cases)]
    found += [(f"cautions[{i}].citation", caution.citation) for i, caution in enumerate(tool.cautions)]
    return found


def parse_catalogue(header: object, tool_files: dict[str, object], framework: Framework) -> Catalogue:
    """Build the catalogue from catalogue.yaml and the tools-*.yaml files; every problem at once."""
    problems: list[Problem] = []
    if not isinstance(header, dict):
        raise FrameworkError([Problem("not_a_mapping", "catalogue.yaml", "must be a mapping of fields")])
    tools: list[object] = []
    places: list[str] = []
    for name, data in sorted(tool_files.items()):
        if not isinstance(data, dict) or set(data) != {"tools"} or not isinstance(data["tools"], list):
            problems.append(Problem("not_a_tool_list", name, "must be a mapping with one key, tools, holding a list"))
            continue
        tools.extend(data["tools"])
        places.extend(f"{name} > tools[{i}]" for i in range(len(data["tools"])))
    try:
        catalogue = Catalogue.model_validate({**header, "tools": tools})
    except ValidationError as exc:
        for problem in problems_from_validation_error(exc):
            match = re.match(r"tools\[(\d+)\](.*)", problem.where)
            where = places[int(match.group(1))] + match.group(2) if match else f"catalogue.yaml > {problem.where}"
            problems.append(Problem(problem.code, where, problem.message))
        raise FrameworkError(problems, "the response-tool catalogue is not valid") from None
    problems += _check_references(catalogue, framework, places)
    if problems:
        raise FrameworkError(problems, "the response-tool catalogue is not valid")
    return catalogue


def _check_references(catalogue: Catalogue, framework: Framework, places: list[str]) -> list[Problem]:
    problems = []
    counts = Counter(t.id for t in catalogue.tools)
    meeting_ids = {m.id for m in catalogue.meetings}
    for tool, place in zip(catalogue.tools, places):
        if counts[tool.id] > 1:
            problems.append(Problem("duplicate_id", f"{place}.id", f'duplicate tool id "{tool.id}"'))
        for number in tool.risk_factors:
            if not framework.has_risk_factor(number):
                problems.append(Problem("unknown_risk_factor", f"{place}.risk_factors", f"no risk factor {number}"))
        for i, condition in enumerate(tool.when):
            if isinstance(condition, RiskFactorAtLeast):
                for number in condition.risk_factors:
                    if not framework.has_risk_factor(number):
                        problems.append(Problem("unknown_risk_factor", f"{place}.when[{i}]", f"no risk factor {number}"))
            if isinstance(condition, IndicatorAtLeast):
                for indicator in condition.indicators:
                    if not framework.has_indicator(indicator):
                        problems.append(Problem("unknown_indicator", f"{place}.when[{i}]", f'no indicator "{indicator}"'))
        for where, citation in all_citations(tool):
            if citation.meeting not in meeting_ids:
                problems.append(Problem("unknown_meeting", f"{place}.{where}", f'no meeting "{citation.meeting}" in catalogue.yaml'))
    return problems


def normalise_text(text: str) -> str:
    """Runs of whitespace (line breaks of the extracted PDFs included) become one space."""
    return " ".join(text.split())


def check_quotes(catalogue: Catalogue, sources: dict[str, str]) -> list[Problem]:
    """Every quote must occur verbatim (whitespace aside) in the summary of the meeting it cites."""
    texts = {meeting_id: normalise_text(text) for meeting_id, text in sources.items()}
    problems = []
    for tool in catalogue.tools:
        for where, citation in all_citations(tool):
            if normalise_text(citation.quote) not in texts.get(citation.meeting, ""):
                problems.append(
                    Problem("quote_not_found", f"{tool.id}.{where}", f"quote not found in the {citation.meeting} summary: {citation.quote!r}")
                )
    return problems


def passage_around(source: str, quote: str, context_chars: int = 400) -> str:
    """The quote with the text around it in the summary, for 'show the source passage'."""
    text = normalise_text(source)
    start = text.find(normalise_text(quote))
    if start < 0:
        return ""
    begin = max(0, start - context_chars)
    end = min(len(text), start + len(normalise_text(quote)) + context_chars)
    return ("…" if begin else "") + text[begin:end] + ("…" if end < len(text) else "")
