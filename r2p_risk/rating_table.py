"""The ratings of one risk factor as a table: what the Assess screen's editor shows, and applying its edits.

One row rates the risk factor as a whole, then one row per listed indicator; every field of a rating
(level, confidence, trend, evidence, sources) is a cell of that row, so an edit can only land on the
row it was typed in. The table's edits arrive as Streamlit's `edited_rows` ({row: {column: value}}),
which holds every edit since the table was drawn; `new_edits` keeps only the cells that changed since
the edits last seen, and `apply_edits` puts those into the assessment through the same validated
setters as every other change. Sources are picked by title from the situation's source library; a
title typed that the library lacks becomes a new source.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from r2p_risk import editing
from r2p_risk.assessment import LEVEL_LABELS, Assessment, RatingFields, Source
from r2p_risk.errors import Problem, R2PError
from r2p_risk.framework import RiskFactor

UNKNOWN = "unknown"
LEVEL_OPTIONS = {UNKNOWN: None, **{f"{level} · {LEVEL_LABELS[level]}": level for level in (0, 1, 2, 3)}}
LEVEL_CELLS: dict[int | None, str] = {level: label for label, level in LEVEL_OPTIONS.items() if level is not None}
CONFIDENCES = ["low", "medium", "high"]
TRENDS = ["improving", "stable", "worsening"]
EDITABLE = ("level", "confidence", "trend", "evidence", "sources")
COLUMNS = ["item", "text", "level", "confidence", "trend", "evidence", "sources"]
WORDING = {"recollection": "wording not verified against the official text", "uncertain": "wording uncertain"}
NO_INFORMATION = "No information found."  # the evidence of an indicator marked unknown: looked at, nothing known


@dataclass(frozen=True)
class Row:
    kind: str  # "factor" (the risk factor as a whole) or "indicator"
    ident: int | str  # the risk factor number or the indicator id
    label: str
    text: str

    @property
    def target(self) -> tuple[str, int | str]:
        return (self.kind, self.ident)

    @property
    def where(self) -> str:
        return f"risk factor {self.ident} as a whole" if self.kind == "factor" else f"indicator {self.ident}"


def rows_of(factor: RiskFactor) -> list[Row]:
    whole = Row(
        "factor",
        factor.number,
        f"RF {factor.number}",
        f"Risk factor {factor.number} as a whole: a holistic rating, "
        "for indicators the list lacks or an overall judgement",
    )
    return [
        whole,
        *(
            Row(
                "indicator",
                i.id,
                i.id,
                i.text + (f" (⚠ {WORDING[i.wording_check]})" if i.wording_check in WORDING else ""),
            )
            for i in factor.indicators
        ),
    ]


def rating_of(assessment: Assessment, row: Row) -> RatingFields | None:
    if isinstance(row.ident, int):  # the risk factor as a whole
        return assessment.factor_rating_for(row.ident)
    return assessment.rating_for(row.ident)


def table(assessment: Assessment, factor: RiskFactor) -> pd.DataFrame:
    """One row per rating of the risk factor, level as its label; blank cells are not rated (unknown)."""
    records = []
    for row in rows_of(factor):
        rating = rating_of(assessment, row) or RatingFields()
        records.append(
            {
                "item": row.label,
                "text": row.text,
                "level": LEVEL_CELLS.get(rating.level),
                "confidence": rating.confidence,
                "trend": rating.trend,
                "evidence": rating.evidence,
                "sources": [source.title for source in rating.sources],
            }
        )
    return pd.DataFrame(records, columns=COLUMNS, dtype=object)


def source_titles(assessment: Assessment, library: list[Source]) -> list[str]:
    """What the sources cells offer: the library's titles, then any other title a rating cites."""
    titles = [source.title for source in library]
    cited = {s.title for rating in [*assessment.ratings, *assessment.risk_factor_ratings] for s in rating.sources}
    return titles + sorted(cited - set(titles))


def new_edits(current: dict, seen: dict | None) -> dict[int, dict]:
    """The cells of `current` (edited_rows) whose value differs from `seen`, the edited_rows already applied."""
    seen = {int(row): cells for row, cells in (seen or {}).items()}
    fresh: dict[int, dict] = {}
    for row, cells in current.items():
        before = seen.get(int(row), {})
        for column, value in cells.items():
            if column not in before or before[column] != value:
                fresh.setdefault(int(row), {})[column] = value
    return fresh


def _cell_value(column: str, value, current: RatingFields | None, library: list[Source]):
    if column == "sources":
        return _sources(value or [], current, library)
    if value is None or value == "":
        return "" if column == "evidence" else None
    if column == "level":
        if value not in LEVEL_OPTIONS:
            raise ValueError(f"not a level: {value!r}")
        return LEVEL_OPTIONS[value]
    return value


def _sources(titles: list, current: RatingFields | None, library: list[Source]) -> list[Source]:
    """Titles picked in a cell as sources: the rating's own copy, else the library's, else a new source."""
    known = {s.title: s for s in library} | {s.title: s for s in (current.sources if current else [])}
    picked = []
    for title in dict.fromkeys(str(t).strip() for t in titles):
        if title:
            picked.append(known.get(title) or Source(title=title))
    return picked


def apply_edits(
    assessment: Assessment, factor: RiskFactor, edited_rows: dict, library: list[Source] | None = None
) -> tuple[Assessment, list[Problem]]:
    """The assessment with the table's edits in it, and the problems of the edits that could not be kept."""
    rows, problems = rows_of(factor), []
    for position, changes in sorted(edited_rows.items(), key=lambda item: int(item[0])):
        row = rows[int(position)] if 0 <= int(position) < len(rows) else None
        for column, value in changes.items():
            if row is None or column not in EDITABLE:
                continue  # only the rating's fields are editable; the rest is shown, not taken
            current = rating_of(assessment, row)
            try:
                wanted = _cell_value(column, value, current, library or [])
            except (ValueError, R2PError) as error:
                problems.append(Problem("invalid", f"{row.where}.{column}", str(error)))
                continue
            if getattr(current or RatingFields(), column) == wanted:
                continue
            try:
                if isinstance(row.ident, int):  # the risk factor as a whole
                    assessment = editing.set_factor_field(assessment, row.ident, column, wanted)
                else:
                    assessment = editing.set_indicator_field(assessment, row.ident, column, wanted)
            except R2PError as error:
                problems += error.problems
    return assessment, problems


def new_source_titles(assessment: Assessment, library: list[Source]) -> list[Source]:
    """The sources the ratings cite by a title the library does not have yet (typed in a cell)."""
    titles = {s.title for s in library}
    found: dict[str, Source] = {}
    for rating in [*assessment.ratings, *assessment.risk_factor_ratings]:
        for source in rating.sources:
            if source.title not in titles:
                found.setdefault(source.title, source)
    return list(found.values())


def mark_rest(assessment: Assessment, factor: RiskFactor, level: int | None) -> Assessment:
    """Every indicator of the risk factor without a level: not present (level 0), or unknown (looked at, nothing
    found)."""
    for indicator in factor.indicators:
        rating = assessment.rating_for(indicator.id)
        if rating is not None and rating.level is not None:
            continue
        if level is None:
            if rating is None or not rating.evidence:
                assessment = editing.set_indicator_field(assessment, indicator.id, "evidence", NO_INFORMATION)
        else:
            assessment = editing.set_indicator_field(assessment, indicator.id, "level", level)
    return assessment
