"""CSV for spreadsheets: UTF-8 with BOM so Excel reads it, formulas in text cells neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from r2p_risk.assessment import LEVEL_LABELS, Assessment, RatingFields, Source

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ASSESSMENT_COLUMNS = [
    "risk_factor",
    "risk_factor_title",
    "indicator",
    "indicator_text",
    "level",
    "level_label",
    "confidence",
    "trend",
    "evidence",
    "sources",
]


def neutralise_formula(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def format_sources(sources: list[Source]) -> str:
    parts = []
    for source in sources:
        extra = [x for x in (source.url, source.date.isoformat() if source.date else None) if x]
        parts.append(source.title + (f" ({', '.join(extra)})" if extra else ""))
    return "; ".join(parts)


def write_csv(header: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    """Rows to CSV bytes; every str cell is neutralised, numbers stay numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if cell is None else neutralise_formula(cell) if isinstance(cell, str) else cell for cell in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _rating_cells(rating: RatingFields | None) -> list[object]:
    if rating is None:
        return [None, LEVEL_LABELS[None], None, None, "", ""]
    return [
        rating.level,
        LEVEL_LABELS[rating.level],
        rating.confidence,
        rating.trend,
        rating.evidence,
        format_sources(rating.sources),
    ]


def assessment_to_csv(assessment: Assessment, framework) -> bytes:
    """One row per indicator in framework order, then one per whole-factor rating."""
    rows = []
    for factor in framework.risk_factors:
        for indicator in factor.indicators:
            rows.append(
                [
                    factor.number,
                    factor.title,
                    indicator.id,
                    indicator.text,
                    *_rating_cells(assessment.rating_for(indicator.id)),
                ]
            )
        whole = assessment.factor_rating_for(factor.number)
        if whole is not None and (whole.level is not None or whole.evidence or whole.sources):
            rows.append([factor.number, factor.title, "", "(risk factor rated as a whole)", *_rating_cells(whole)])
    return write_csv(ASSESSMENT_COLUMNS, rows)
