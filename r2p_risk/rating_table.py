"""The ratings of one risk factor as a table: what the Assess screen's editor shows, and applying its edits.

One row rates the risk factor as a whole, then one row per listed indicator. Level, confidence and
trend are edited in the table; evidence and sources, which are longer, are edited beside it, one
row at a time. The table's edits arrive as Streamlit's `edited_rows` ({row: {column: value}});
`apply_edits` puts them into the assessment through the same validated setters as every other
change, and applying the same edits again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from r2p_risk import editing
from r2p_risk.assessment import LEVEL_LABELS, Assessment, RatingFields
from r2p_risk.errors import Problem, R2PError
from r2p_risk.framework import RiskFactor

UNKNOWN = "unknown"
LEVEL_OPTIONS = {UNKNOWN: None, **{f"{level} · {LEVEL_LABELS[level]}": level for level in (0, 1, 2, 3)}}
LEVEL_CELLS: dict[int | None, str] = {level: label for label, level in LEVEL_OPTIONS.items() if level is not None}
CONFIDENCES = ["low", "medium", "high"]
TRENDS = ["improving", "stable", "worsening"]
EDITABLE = ("level", "confidence", "trend")
WORDING = {"recollection": "wording not verified against the official text", "uncertain": "wording uncertain"}


@dataclass(frozen=True)
class Row:
    kind: str  # "factor" (the risk factor as a whole) or "indicator"
    ident: int | str  # the risk factor number or the indicator id
    label: str
    text: str

    @property
    def target(self) -> tuple[str, int | str]:
        return (self.kind, self.ident)


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


def notes(rating: RatingFields | None) -> str:
    if rating is None:
        return ""
    parts = (["evidence"] if rating.evidence else []) + (
        [f"{len(rating.sources)} source" + ("s" if len(rating.sources) > 1 else "")] if rating.sources else []
    )
    return " · ".join(parts)


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
                "notes": notes(rating_of(assessment, row)),
            }
        )
    return pd.DataFrame(records, columns=["item", "text", "level", "confidence", "trend", "notes"], dtype=object)


def _cell_value(column: str, value):
    if value is None or value == "":
        return None
    if column == "level":
        if value not in LEVEL_OPTIONS:
            raise ValueError(f"not a level: {value!r}")
        return LEVEL_OPTIONS[value]
    return value


def apply_edits(assessment: Assessment, factor: RiskFactor, edited_rows: dict) -> tuple[Assessment, list[Problem]]:
    """The assessment with the table's edits in it, and the problems of the edits that could not be kept."""
    rows, problems = rows_of(factor), []
    for position, changes in sorted(edited_rows.items(), key=lambda item: int(item[0])):
        row = rows[int(position)] if 0 <= int(position) < len(rows) else None
        for column, value in changes.items():
            if row is None or column not in EDITABLE:
                continue  # only level, confidence and trend are editable; the rest is shown, not taken
            where = f"risk factor {row.ident} as a whole" if row.kind == "factor" else f"indicator {row.ident}"
            try:
                wanted = _cell_value(column, value)
            except ValueError as error:
                problems.append(Problem("invalid", f"{where}.{column}", str(error)))
                continue
            current = rating_of(assessment, row)
            if getattr(current, column, None) == wanted:
                continue
            try:
                if isinstance(row.ident, int):  # the risk factor as a whole
                    assessment = editing.set_factor_field(assessment, row.ident, column, wanted)
                else:
                    assessment = editing.set_indicator_field(assessment, row.ident, column, wanted)
            except R2PError as error:
                problems += error.problems
    return assessment, problems
