"""What an analyst records: a situation, and assessments of it made of ratings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

import pycountry
from pydantic import AfterValidator, ConfigDict, Field, StrictInt, model_validator

from r2p_risk.dossier import Dossier, indicator_references
from r2p_risk.errors import Problem
from r2p_risk.models import LongText, ShortText, StrictModel, TextRules
from r2p_risk.review import ConsensusRecord, Review

Level = Annotated[StrictInt, Field(ge=0, le=3)]
Confidence = Literal["low", "medium", "high"]
Trend = Literal["improving", "stable", "worsening"]
Crime = Literal["genocide", "crimes_against_humanity", "war_crimes"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]
RELIABILITY_LABELS: dict[
    str, str
] = {  # the grading analysts use for a source's reliability (A best, F cannot be judged)
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
LEVEL_LABELS: dict[int | None, str] = {
    None: "unknown / not assessed",
    0: "not present",
    1: "weak or isolated signs",
    2: "clearly present",
    3: "strongly present / pervasive",
}


def _iso3_country(code: str) -> str:
    if pycountry.countries.get(alpha_3=code) is None:
        raise ValueError(f'"{code}" is not an ISO 3166-1 alpha-3 country code')
    return code


def _http_url(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return url


def country_name(code: str | None) -> str | None:
    country = pycountry.countries.get(alpha_3=code) if code else None
    return getattr(country, "common_name", None) or getattr(country, "name", None)


class Source(StrictModel):
    title: Annotated[str, TextRules(500, min_length=1)]
    url: Annotated[str, TextRules(2_000), AfterValidator(_http_url)] | None = None
    date: dt.date | None = None
    reliability: Reliability | None = None  # graded A-F; None: not graded


def source_label(source: Source) -> str:
    """How a source is named in pick lists: its title, with its reliability grade when graded."""
    return f"{source.title} [{source.reliability}]" if source.reliability else source.title


class RatingFields(StrictModel):
    level: Level | None = None
    confidence: Confidence | None = None
    trend: Trend | None = None
    evidence: LongText = ""
    sources: list[Source] = Field(default_factory=list, max_length=100)


class IndicatorRating(RatingFields):
    indicator: str = Field(pattern=r"^\d{1,2}\.\d{1,2}$")


class RiskFactorRating(RatingFields):
    """A rating of a risk factor as a whole, for incomplete indicator lists or holistic judgements."""

    risk_factor: StrictInt = Field(ge=1, le=99)


class AtrocityFinding(StrictModel):
    """A recorded finding that atrocity crimes are being, or were, committed: a judgement with its evidence, never
    inferred."""

    # the schema's description (schemas/snapshot.schema.json) stays on one line, as before the docstring was wrapped
    model_config = ConfigDict(
        json_schema_extra={
            "description": (
                "A recorded finding that atrocity crimes are being, or were, committed: "
                "a judgement with its evidence, never inferred."
            )
        }
    )

    crime: Crime
    state: Literal["ongoing", "ended"]
    ended_on: dt.date | None = None
    evidence: Annotated[str, TextRules(20_000, min_length=1, multiline=True)]
    sources: list[Source] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _dated_when_ended(self) -> AtrocityFinding:
        if self.state == "ended" and self.ended_on is None:
            raise ValueError("an ended finding needs ended_on, the date the crimes ended")
        if self.state == "ongoing" and self.ended_on is not None:
            raise ValueError("an ongoing finding has no ended_on")
        return self


class Situation(StrictModel):
    id: Annotated[str, TextRules(64, min_length=1)] | None = None
    name: ShortText
    country: Annotated[str, Field(pattern=r"^[A-Z]{3}$"), AfterValidator(_iso3_country)] | None = None
    area: Annotated[str, TextRules(200)] | None = None
    tags: list[Annotated[str, TextRules(50, min_length=1)]] = Field(default_factory=list, max_length=30)
    review_every_months: StrictInt = Field(default=4, ge=1, le=36)  # the review cadence: "review due" after this long


class Assessment(StrictModel):
    id: Annotated[str, TextRules(64, min_length=1)] | None = None
    revision: StrictInt | None = Field(default=None, ge=1)
    assessed_on: dt.date
    analyst: ShortText
    status: Literal["draft", "final"] = "draft"
    key_judgements: LongText = ""
    ratings: list[IndicatorRating] = Field(default_factory=list, max_length=1_000)
    risk_factor_ratings: list[RiskFactorRating] = Field(default_factory=list, max_length=100)
    selected_tools: list[Annotated[str, TextRules(100, min_length=1)]] = Field(default_factory=list, max_length=200)
    atrocity_findings: list[AtrocityFinding] = Field(default_factory=list, max_length=30)
    dossier: Dossier = Field(default_factory=Dossier)
    review: Review = Field(default_factory=Review)  # written by the package (review_rules.py), never by an edit
    consensus: ConsensusRecord | None = None  # set when a lead reconciles several analysts' independent ratings

    @model_validator(mode="after")
    def _findings_not_after_assessment(self) -> Assessment:
        for finding in self.atrocity_findings:
            if finding.ended_on is not None and finding.ended_on > self.assessed_on:
                raise ValueError(
                    f"a finding cannot have ended ({finding.ended_on}) after the assessment date ({self.assessed_on})"
                )
        return self

    def rating_for(self, indicator_id: str) -> IndicatorRating | None:
        return next((r for r in self.ratings if r.indicator == indicator_id), None)

    def factor_rating_for(self, number: int) -> RiskFactorRating | None:
        return next((r for r in self.risk_factor_ratings if r.risk_factor == number), None)


def check_assessment(assessment: Assessment | dict, framework, where: str = "assessment") -> list[Problem]:
    """Problems that need the framework: unknown or repeated indicator and risk factor ids.

    Works on raw data too, so a file with wrong types still gets its ids checked in the same report.
    """
    data = assessment.model_dump() if isinstance(assessment, Assessment) else assessment
    if not isinstance(data, dict):
        return []
    problems = []
    for key, field, known, label in (
        ("ratings", "indicator", framework.has_indicator, "indicator"),
        ("risk_factor_ratings", "risk_factor", framework.has_risk_factor, "risk factor"),
    ):
        items = given if isinstance(given := data.get(key), list) else []
        seen = set()
        for index, item in enumerate(items):
            value = item.get(field) if isinstance(item, dict) else None
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                continue
            place = f"{where}.{key}[{index}].{field}"
            if not known(value):
                problems.append(Problem(f"unknown_{field}", place, f"unknown {label} {json.dumps(value)}"))
            elif value in seen:
                problems.append(Problem(f"duplicate_{field}", place, f"{label} {json.dumps(value)} is rated twice"))
            seen.add(value)
    return problems + _reference_problems(data, framework, where)


def _reference_problems(data: dict, framework, where: str) -> list[Problem]:
    """Unknown indicators and risk factors named by the dossier and the consensus record."""
    dossier = given if isinstance(given := data.get("dossier"), dict) else {}
    named = [(place, value, "indicator") for place, value in indicator_references(dossier)]
    consensus = given if isinstance(given := data.get("consensus"), dict) else {}
    for key, label in (("indicators", "indicator"), ("risk_factors", "risk factor")):
        levels = given if isinstance(given := consensus.get(key), dict) else {}
        named += [(f"consensus.{key}.{ident}", ident, label) for ident in levels]
    review = given if isinstance(given := data.get("review"), dict) else {}
    comments = given if isinstance(given := review.get("comments"), list) else []
    named += [
        (f"review.comments[{index}].target", comment.get("target"), comment["on"].replace("_", " "))
        for index, comment in enumerate(comments)
        if isinstance(comment, dict) and comment.get("on") in ("indicator", "risk_factor")
    ]

    def known(value: str, label: str) -> bool:
        if label == "indicator":
            return framework.has_indicator(value)
        return value.isdigit() and framework.has_risk_factor(int(value))

    return [
        Problem(f"unknown_{label.replace(' ', '_')}", f"{where}.{place}", f"unknown {label} {json.dumps(value)}")
        for place, value, label in named
        if isinstance(value, str) and not known(value, label)
    ]


def country_codes() -> list[str]:
    """Every ISO 3166-1 alpha-3 code, ordered by the country's common name."""
    return sorted((c.alpha_3 for c in pycountry.countries), key=lambda code: country_name(code) or code)


def parse_tags(text: str) -> list[str]:
    """Tags typed as a comma-separated list: trimmed, empty ones dropped, duplicates removed in order."""
    return list(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
