"""CSV for Excel: BOM, one row per indicator, formulas neutralised."""

import csv
import io

import pytest
from helpers import make_assessment

from r2p_risk.assessment import Assessment
from r2p_risk.exporters.spreadsheet import assessment_to_csv, neutralise_formula


def read_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM so Excel picks the encoding"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("plain text = fine", "plain text = fine"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised(text, expected):
    assert neutralise_formula(text) == expected


def test_one_row_per_indicator_and_whole_factor_rating(framework):
    assessment = make_assessment({"7.1": 2, "1.1": None}, whole={14: 3})
    rows = read_rows(assessment_to_csv(assessment, framework))
    assert len(rows) == len(framework.indicator_ids) + 1
    row = next(r for r in rows if r["indicator"] == "7.1")
    assert (row["risk_factor"], row["level"], row["level_label"], row["confidence"]) == (
        "7",
        "2",
        "clearly present",
        "medium",
    )
    assert next(r for r in rows if r["indicator"] == "1.1")["level"] == ""
    assert rows[-1]["risk_factor"] == "14" and rows[-1]["level"] == "3"


def test_hostile_evidence_stays_inert_and_unicode_survives(framework):
    assessment = Assessment.model_validate(
        {
            "assessed_on": "2026-01-01",
            "analyst": "A",
            "ratings": [
                {
                    "indicator": "2.1",
                    "level": 1,
                    "evidence": "=cmd|' /C calc'!A0",
                    "sources": [{"title": "@Grubačić report", "url": "https://example.org/x", "date": "2026-01-02"}],
                },
                {"indicator": "2.2", "level": 0, "evidence": "Acción Solidaria, محمد"},
            ],
        }
    )
    rows = {r["indicator"]: r for r in read_rows(assessment_to_csv(assessment, framework))}
    assert rows["2.1"]["evidence"] == "'=cmd|' /C calc'!A0"
    assert rows["2.1"]["sources"] == "'@Grubačić report (https://example.org/x, 2026-01-02)"
    assert rows["2.2"]["evidence"] == "Acción Solidaria, محمد"
