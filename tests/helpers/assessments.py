"""Assessments built in one line, and a clock whose every reading is known."""

import datetime as dt

from r2p_risk.assessment import Assessment


def make_assessment(
    levels: dict[str, int | None] | None = None, whole: dict[int, int | None] | None = None, **fields
) -> Assessment:
    """An assessment rating the given indicators (id -> level) and risk factors as a whole."""
    ratings = [{"indicator": i, "level": level, "confidence": "medium"} for i, level in (levels or {}).items()]
    wholes = [{"risk_factor": n, "level": level, "confidence": "medium"} for n, level in (whole or {}).items()]
    return Assessment(
        assessed_on=fields.pop("assessed_on", dt.date(2026, 1, 15)),
        analyst=fields.pop("analyst", "Test Analyst"),
        ratings=ratings,
        risk_factor_ratings=wholes,
        **fields,
    )


class Clock:
    """A minute later at every call, so saved_at values are known and distinct."""

    def __init__(self):
        self.time = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.time += dt.timedelta(minutes=1)
        return self.time
