"""Changing an assessment one field at a time, as the Assess screen does; every change validated.

Assessments are frozen models: each function returns a new assessment or raises `SnapshotError`
naming the field and the problem, and the assessment it was given stays as it was.
"""

from __future__ import annotations

import datetime as dt
import json

from pydantic import ValidationError

from r2p_risk.assessment import Assessment, AtrocityFinding, IndicatorRating, RiskFactorRating, Source
from r2p_risk.errors import Problem, SnapshotError, problems_from_validation_error
from r2p_risk.models import without_invisible
from r2p_risk.sizes import ASSESSMENT_BYTES, megabytes
from r2p_risk.snapshot import readable_problems

RATING_FIELDS = ("level", "confidence", "trend", "evidence", "sources")
ASSESSMENT_FIELDS = ("assessed_on", "analyst", "status", "key_judgements", "selected_tools")


def _is_empty(rating) -> bool:
    return (
        rating.level is None
        and rating.confidence is None
        and rating.trend is None
        and not rating.evidence
        and not rating.sources
    )


def _validated(model_cls, data: dict, where: str):
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        raise SnapshotError(
            readable_problems(problems_from_validation_error(exc, f"{where}.")), "this change was not kept"
        ) from None


def _set_rating_field(
    assessment: Assessment, collection: str, key: str, ident, model_cls, where: str, sort_key, field: str, value
) -> Assessment:
    """One field of the rating in `collection` whose `key` is `ident` changed; empty ratings are dropped."""
    if field not in RATING_FIELDS:
        raise ValueError(f"not a rating field: {field}")
    ratings = getattr(assessment, collection)
    current = next((r for r in ratings if getattr(r, key) == ident), None)
    data = current.model_dump() if current else {key: ident}
    rating = _validated(model_cls, {**data, field: value}, where)
    others = [r for r in ratings if getattr(r, key) != ident]
    changed = sorted(others if _is_empty(rating) else others + [rating], key=sort_key)
    return within_size(assessment.model_copy(update={collection: changed}), f"{where}.{field}")


def size_in_a_snapshot(assessment: Assessment) -> int:
    """The bytes the assessment takes in a snapshot file: its indented JSON, one level down (2 more spaces a line)."""
    text = json.dumps(assessment.model_dump(mode="json"), indent=2, ensure_ascii=False)
    return len(text.encode("utf-8")) + 2 * text.count("\n")


def within_size(assessment: Assessment, where: str = "assessment") -> Assessment:
    """The assessment, unless this change made it larger than an assessment may be (the size policy)."""
    size = size_in_a_snapshot(assessment)
    if size > ASSESSMENT_BYTES:
        raise SnapshotError(
            [
                Problem(
                    "too_large",
                    where,
                    f"this change would make the assessment {megabytes(size)}; an "
                    f"assessment may hold {megabytes(ASSESSMENT_BYTES)}, so that it can always be "
                    "exported and imported: shorten the evidence, or move some to the sources",
                )
            ],
            "this change was not kept",
        )
    return assessment


def set_indicator_field(assessment: Assessment, indicator: str, field: str, value) -> Assessment:
    """The assessment with one field of one indicator's rating changed; empty ratings are dropped."""
    return _set_rating_field(
        assessment,
        "ratings",
        "indicator",
        indicator,
        IndicatorRating,
        f"indicator {indicator}",
        lambda r: tuple(int(p) for p in r.indicator.split(".")),
        field,
        value,
    )


def set_factor_field(assessment: Assessment, risk_factor: int, field: str, value) -> Assessment:
    """The assessment with one field of a whole-risk-factor rating changed."""
    return _set_rating_field(
        assessment,
        "risk_factor_ratings",
        "risk_factor",
        risk_factor,
        RiskFactorRating,
        f"risk factor {risk_factor} as a whole",
        lambda r: r.risk_factor,
        field,
        value,
    )


def set_assessment_field(assessment: Assessment, field: str, value) -> Assessment:
    """The assessment with its date, analyst, status, key judgements or selected tools changed."""
    if field not in ASSESSMENT_FIELDS:
        raise ValueError(f"not an assessment field: {field}")
    data = assessment.model_dump()
    data[field] = value
    return within_size(_validated(Assessment, data, "assessment"), f"assessment.{field}")


def add_finding(
    assessment: Assessment, crime: str, state: str, ended_on: dt.date | None, evidence: str, sources_text: str = ""
) -> Assessment:
    """The assessment with one more recorded finding of atrocity crimes; every problem of the new finding at once."""
    where = f"atrocity_findings[{len(assessment.atrocity_findings)}]"
    sources, problems = parse_source_lines(sources_text, f"{where}.sources")
    data = {
        "crime": crime,
        "state": state,
        "ended_on": ended_on if state == "ended" else None,
        "evidence": evidence,
        "sources": [s.model_dump() for s in sources],
    }
    try:
        finding = AtrocityFinding.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, f"{where}.") + problems
        finding = None
    if problems or finding is None:
        raise SnapshotError(readable_problems(problems), "this finding was not recorded")
    updated = assessment.model_dump()
    updated["atrocity_findings"] = [*updated["atrocity_findings"], finding.model_dump()]
    return within_size(_validated(Assessment, updated, "assessment"), f"{where}.evidence")


def remove_finding(assessment: Assessment, index: int) -> Assessment:
    findings = [f for k, f in enumerate(assessment.atrocity_findings) if k != index]
    return assessment.model_copy(update={"atrocity_findings": findings})


def parse_source_lines(text: str, where: str = "sources") -> tuple[list[Source], list[Problem]]:
    """Sources typed one per line as `title | url | date` (url and date optional, date YYYY-MM-DD)."""
    sources, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [without_invisible(p).strip() for p in line.split("|")]
        if len(parts) > 3:
            problems.append(Problem("too_many_parts", f"{where} line {number}", "use at most: title | url | date"))
            continue
        title, url, date = (parts + ["", ""])[:3]
        data = {"title": title, "url": url or None, "date": date or None}
        try:
            sources.append(Source.model_validate(data))
        except ValidationError as exc:
            problems += problems_from_validation_error(exc, f"{where} line {number}.")
    return sources, problems


def format_source_lines(sources: list[Source]) -> str:
    """The inverse of `parse_source_lines`, trailing empty parts left out."""
    lines = []
    for source in sources:
        parts = [source.title, source.url or "", source.date.isoformat() if source.date else ""]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def new_assessment(analyst: str, today: dt.date) -> Assessment:
    return Assessment(assessed_on=today, analyst=analyst or "Unnamed analyst")


def copy_assessment(previous: Assessment, analyst: str, today: dt.date) -> Assessment:
    """A new draft that starts from an earlier assessment, so only the changes need entering."""
    return previous.model_copy(
        update={
            "id": None,
            "revision": None,
            "assessed_on": today,
            "analyst": analyst or previous.analyst,
            "status": "draft",
        }
    )
