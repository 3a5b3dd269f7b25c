"""The response-tool catalogue: what the Focal Points meetings said works, as validated data.

The catalogue lives in ``frameworks/response-tools/``: ``catalogue.yaml`` holds the meetings
(the cited sources), the labelled vocabularies (crisis stages, the intrusiveness scale, topics)
and the ranking weights, each ``tools-*.yaml`` a list of tools. Every tool cites a meeting, a
section and a short verbatim quote; `check_quotes` proves each quote is in the summary it cites.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated, Literal, get_args

from pydantic import Field, ValidationError, field_validator, model_validator

from r2p_risk.errors import FrameworkError, Problem, problems_from_validation_error
from r2p_risk.framework import Framework
from r2p_risk.models import StrictModel, TextRules
from r2p_risk.parameters import Crime, RiskLevel
from r2p_risk.tool_vocabulary import (  # noqa: F401  (ACTORS, POLICY_SPACES, VENUES are read from here too)
    ACTORS,
    POLICY_SPACES,
    VENUES,
    Actor,
    CrisisStage,
    Description,
    Id,
    Intrusiveness,
    IntrusivenessLevel,
    Name,
    PolicySpace,
    Stage,
    Topic,
    Venue,
)

MeetingId = Literal["doha_2017", "helsinki_2018", "brussels_2019", "brussels_2025"]
MAX_QUOTE_WORDS = 25
CATALOGUE_SCHEMA_VERSION = 3
# Older versions are refused with the reason: each newer one records judgements the older did not hold.
OLD_SCHEMAS = {
    1: f"version 1 is no longer read: version {CATALOGUE_SCHEMA_VERSION} gives every tool an intrusiveness and the "
    "topics it answers, which cannot be inferred from version 1 (see CHANGELOG.md)",
    2: f"version 2 is no longer read: version {CATALOGUE_SCHEMA_VERSION} says which intrusiveness each stage warrants "
    "(`warrants`) and what thin evidence allows (`restraint`), judgements version 2 did not record; its `status_is` "
    "and `stage_is` conditions are gone, since a tool's `stages` say where it fits (see CHANGELOG.md)",
}


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
    quote: Annotated[str, TextRules(400, min_length=10)]

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


# --- when a tool especially fits: a closed vocabulary of conditions ------------------------------
# The threshold conditions (a risk factor, a crime's risk or an indicator at least ...) are the
# tool's own warning signs; `thin_evidence` marks the tools that establish facts, which fit best
# while too little is assessed. Where a situation stands (its stages) is read from its status, not
# from a condition.


class ThinEvidence(StrictModel):
    kind: Literal["thin_evidence"]


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
    ThinEvidence | RiskFactorAtLeast | CrimeRiskAtLeast | IndicatorAtLeast, Field(discriminator="kind")
]
Threshold = (RiskFactorAtLeast, CrimeRiskAtLeast, IndicatorAtLeast)


class Tool(StrictModel):
    id: Id
    name: Name
    description: Description
    category: Literal[
        "security_council",
        "general_assembly",
        "human_rights_council",
        "un_system",
        "accountability",
        "regional",
        "capital",
        "mediation",
        "women_peace_security",
        "civil_society",
        "humanitarian",
        "hate_speech_education",
        "focal_points",
    ]
    venue: Venue
    policy_space: PolicySpace
    actors: list[Actor] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    intrusiveness: Intrusiveness
    topics: list[str] = Field(default_factory=list)
    general_purpose: bool = False
    when: list[Condition] = Field(default_factory=list)
    citations: list[Citation] = Field(min_length=1)
    cases: list[Case] = Field(default_factory=list)
    cautions: list[Caution] = Field(default_factory=list)

    @model_validator(mode="after")
    def _answers_topics_or_is_general(self) -> Tool:
        if bool(self.topics) == self.general_purpose:
            raise ValueError(
                "a tool either names the topics it answers or is marked general_purpose, not both or neither"
            )
        if len(set(self.stages)) != len(self.stages) or len(set(self.topics)) != len(self.topics):
            raise ValueError("stages and topics are listed once each")
        return self


class Restraint(StrictModel):
    """What thin evidence and a tool's own warning sign warrant (see `r2p_risk.recommend`)."""

    thin_evidence_crimes: list[Crime] = Field(min_length=1)
    thin_evidence_warrants: Intrusiveness
    own_sign_warrants: Intrusiveness


class Ranking(StrictModel):
    """Weights of the recommendation ranking and how many tools each view shows (see `r2p_risk.recommend`)."""

    current_stage: float = Field(ge=0)
    early_action: float = Field(ge=0)
    earlier_stage: float = Field(ge=0)
    strongest_topic: float = Field(ge=0)
    second_topic: float = Field(ge=0)
    second_sign: float = Field(
        ge=0, le=1, description="the share of a topic's strength that its second strongest sign gives"
    )
    general_purpose: float = Field(ge=0)
    worsening: float = Field(ge=0)
    condition: float = Field(ge=0)
    thin_evidence: float = Field(ge=0)
    shown: int = Field(ge=10, le=15, description="tools the Recommendations screen shows before 'show all'")
    briefing_tools: int = Field(ge=1, le=15)
    brief_asks: int = Field(ge=3, le=5)


class StatusStages(StrictModel):
    monitoring: list[Stage]
    insufficient_evidence: list[Stage]
    serious_concern: list[Stage]
    imminent_risk: list[Stage]
    current_crisis: list[Stage]


class Catalogue(StrictModel):
    schema_version: Literal[3]
    id: str
    version: str
    title: str
    note: str
    meetings: list[Meeting] = Field(min_length=1)
    stages: list[CrisisStage]
    intrusiveness_levels: list[IntrusivenessLevel]
    topics: list[Topic] = Field(min_length=1)
    status_stages: StatusStages
    restraint: Restraint
    ranking: Ranking
    tools: list[Tool]

    def meeting(self, meeting_id: str) -> Meeting:
        return next(m for m in self.meetings if m.id == meeting_id)

    def stage(self, stage_id: str) -> CrisisStage:
        return next(s for s in self.stages if s.id == stage_id)

    def stage_label(self, stage: str) -> str:
        return self.stage(stage).label

    def intrusiveness_label(self, level: str) -> str:
        return next(i.label for i in self.intrusiveness_levels if i.id == level)

    def intrusiveness_rank(self, level: str) -> int:
        """0 for the least intrusive step of the scale, 4 for the most."""
        levels: list[str] = [i.id for i in self.intrusiveness_levels]
        return levels.index(level)

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)

    def indicators_answered(self, tool: Tool) -> list[str]:
        """The Framework indicators the tool's topics name, in topic order, each once."""
        return list(dict.fromkeys(i for topic_id in tool.topics for i in self.topic(topic_id).indicators))

    def risk_factors_answered(self, tool: Tool) -> list[int]:
        """The risk factors its topics name, and those holding an indicator they name; none for a general-purpose
        tool."""
        named = {n for topic_id in tool.topics for n in self.topic(topic_id).risk_factors}
        return sorted(named | {int(i.split(".")[0]) for i in self.indicators_answered(tool)})

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
    if header.get("schema_version") in OLD_SCHEMAS:
        raise FrameworkError(
            [
                Problem(
                    "unsupported_schema_version",
                    "catalogue.yaml > schema_version",
                    OLD_SCHEMAS[header["schema_version"]],
                )
            ]
        )
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
    problems += _check_vocabularies(catalogue, framework) + _check_references(catalogue, framework, places)
    if problems:
        raise FrameworkError(problems, "the response-tool catalogue is not valid")
    return catalogue


def _check_vocabularies(catalogue: Catalogue, framework: Framework) -> list[Problem]:
    """Stages and intrusiveness levels are each labelled once; topics are unique and name what the Framework has."""
    problems = []
    for field, listed, known in (
        ("stages", [s.id for s in catalogue.stages], get_args(Stage)),
        ("intrusiveness_levels", [i.id for i in catalogue.intrusiveness_levels], get_args(Intrusiveness)),
    ):
        if sorted(listed) != sorted(known):
            problems.append(
                Problem(
                    "incomplete_vocabulary", f"catalogue.yaml > {field}", f"must list each of {', '.join(known)} once"
                )
            )
    counts = Counter(t.id for t in catalogue.topics)
    for i, topic in enumerate(catalogue.topics):
        where = f"catalogue.yaml > topics[{i}]"
        if counts[topic.id] > 1:
            problems.append(Problem("duplicate_id", f"{where}.id", f'duplicate topic id "{topic.id}"'))
        problems += [
            Problem("unknown_indicator", f"{where}.indicators", f'no indicator "{indicator}"')
            for indicator in topic.indicators
            if not framework.has_indicator(indicator)
        ]
        problems += [
            Problem("unknown_risk_factor", f"{where}.risk_factors", f"no risk factor {number}")
            for number in topic.risk_factors
            if not framework.has_risk_factor(number)
        ]
    return problems


def _check_references(catalogue: Catalogue, framework: Framework, places: list[str]) -> list[Problem]:
    problems = []
    counts = Counter(t.id for t in catalogue.tools)
    meeting_ids = {m.id for m in catalogue.meetings}
    topic_ids = {t.id for t in catalogue.topics}
    for tool, place in zip(catalogue.tools, places, strict=True):
        if counts[tool.id] > 1:
            problems.append(Problem("duplicate_id", f"{place}.id", f'duplicate tool id "{tool.id}"'))
        problems += [
            Problem("unknown_topic", f"{place}.topics", f'no topic "{topic}" in catalogue.yaml')
            for topic in tool.topics
            if topic not in topic_ids
        ]
        for i, condition in enumerate(tool.when):
            if isinstance(condition, RiskFactorAtLeast):
                for number in condition.risk_factors:
                    if not framework.has_risk_factor(number):
                        problems.append(
                            Problem("unknown_risk_factor", f"{place}.when[{i}]", f"no risk factor {number}")
                        )
            if isinstance(condition, IndicatorAtLeast):
                for indicator in condition.indicators:
                    if not framework.has_indicator(indicator):
                        problems.append(
                            Problem("unknown_indicator", f"{place}.when[{i}]", f'no indicator "{indicator}"')
                        )
        for where, citation in all_citations(tool):
            if citation.meeting not in meeting_ids:
                problems.append(
                    Problem("unknown_meeting", f"{place}.{where}", f'no meeting "{citation.meeting}" in catalogue.yaml')
                )
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
                    Problem(
                        "quote_not_found",
                        f"{tool.id}.{where}",
                        f"quote not found in the {citation.meeting} summary: {citation.quote!r}",
                    )
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
