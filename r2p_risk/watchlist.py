"""Tables for the watch list and comparison screens, built from situation overviews (score summaries)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from r2p_risk.assessment import country_name
from r2p_risk.models import StrictModel
from r2p_risk.overview import SituationOverview
from r2p_risk.parameters import STATUSES, score_figure
from r2p_risk.regions import Region
from r2p_risk.schedule import next_trigger_text, review_due

NOT_ASSESSED = "No assessment yet"


class WatchRow(StrictModel):
    situation_id: str
    situation: str
    country: str | None
    region: str | None
    tags: list[str]
    assessment_id: str | None
    status: str | None
    status_label: str  # the status in words; "(provisional)" when the alarm rests on an incomplete assessment
    provisional: bool
    risk_class: str | None  # the overall risk class in words, or "Not determined"
    overall: float | None
    overall_range: tuple[float, float] | None
    assessed: int | None  # indicators assessed in the latest assessment
    reliability: float | None
    last_assessed: dt.date | None
    change: float | None
    assessments: int
    next_trigger: str = ""  # "in 12 days: Presidential run-off", from the latest assessment's dossier
    review: str = ""  # "due since 2026-09-01", "due in 23 days (...)", "not signed off yet"
    review_due: bool = False


def review_columns(overview: SituationOverview, today: dt.date | None) -> dict:
    """The next trigger (latest assessment's dossier) and whether the situation's review is due, as of `today`."""
    if today is None or not overview.assessments:
        return {}
    latest = max(overview.assessments, key=lambda a: a.assessed_on).summary
    signed = [a.summary.signed_off_on for a in overview.assessments if a.summary.signed_off_on is not None]
    due = review_due(max(signed) if signed else None, overview.situation.review_every_months, today)
    return {"next_trigger": next_trigger_text(latest.triggers, today), "review": due.text, "review_due": due.due}


def build_watch_list(
    overviews: list[SituationOverview], model, regions: dict[str, Region], today: dt.date | None = None
) -> list[WatchRow]:
    """One row per situation: its latest assessment's status and score, and the change since the one before;
    with `today`, its next trigger and whether its review is due."""
    rows = []
    for overview in overviews:
        situation = overview.situation
        pair = sorted(overview.assessments, key=lambda a: a.assessed_on)[-2:]
        latest = pair[-1] if pair else None
        before = pair[-2].summary.overall if len(pair) > 1 else None
        overall = latest.summary.overall if latest else None
        region = regions.get(situation.country) if situation.country else None
        summary = latest.summary if latest else None
        rows.append(
            WatchRow(
                situation_id=situation.id,
                situation=situation.name,
                country=country_name(situation.country),
                region=region.region if region else None,
                tags=situation.tags,
                assessment_id=latest.assessment_id if latest else None,
                status=summary.status if summary else None,
                status_label=status_label(summary, model.params),
                provisional=bool(summary and summary.provisional),
                risk_class=model.params.risk_level_label(summary.level) if summary else None,
                overall=overall,
                overall_range=summary.range if summary else None,
                assessed=summary.assessed if summary else None,
                reliability=summary.reliability if summary else None,
                last_assessed=latest.assessed_on if latest else None,
                change=None if overall is None or before is None else round(overall - before, 2),
                assessments=len(overview.assessments),
                **review_columns(overview, today),
            )
        )
    severity: dict[str | None, int] = {status: -model.params.severity(status) for status in STATUSES}  # unassessed last
    rows.sort(key=lambda r: (severity.get(r.status, 1), -(r.overall if r.overall is not None else -1), r.situation))
    return rows


def status_label(summary, params) -> str:
    """The status of a summary in words, the provisional mark included; "No assessment yet" without one."""
    if summary is None:
        return NOT_ASSESSED
    label = params.status_label(summary.status)
    return f"{label} (provisional)" if summary.provisional else label


def filter_watch_list(rows: list[WatchRow], regions: list[str], statuses: list[str], tags: list[str]) -> list[WatchRow]:
    """Keep rows in any of the chosen regions, statuses and tags; an empty choice keeps all."""
    return [
        r
        for r in rows
        if (not regions or r.region in regions)
        and (not statuses or r.status in statuses)
        and (not tags or set(tags) & set(r.tags))
    ]


NOTHING = "—"  # in a cell that has no value (a table would print "None" for it)


def watch_list_frame(rows: list[WatchRow]) -> pd.DataFrame:
    """The rows as a table for people: words, never ids or "None"; every score as `score_figure` shows it (so the
    class beside it matches); the overall score with the range it could still take."""
    frame = pd.DataFrame([r.model_dump() for r in rows], columns=list(WatchRow.model_fields))
    frame["status"] = frame["status_label"]
    frame["range"] = frame["overall_range"].map(
        lambda r: f"{score_figure(r[0])}-{score_figure(r[1])}" if r is not None else NOTHING
    )
    frame["overall"] = [score_figure(r.overall, "not determined" if r.status else NOTHING) for r in rows]
    frame["reliability"] = [score_figure(r.reliability, NOTHING) for r in rows]
    frame["change"] = [NOTHING if r.change is None else f"{r.change:+.1f}" for r in rows]
    frame["assessed"] = [NOTHING if r.assessed is None else str(r.assessed) for r in rows]
    frame["last_assessed"] = [NOTHING if r.last_assessed is None else r.last_assessed.isoformat() for r in rows]
    for column in ("country", "region", "risk_class"):
        frame[column] = frame[column].fillna(NOTHING)
    frame["tags"] = frame["tags"].map(", ".join)
    frame["review"] = [
        ("⚠ " if due else "") + text for due, text in zip(frame["review_due"], frame["review"], strict=True)
    ]
    return frame


def compact_lines(rows: list[WatchRow]) -> list[tuple[str, str]]:
    """Each situation as (name, what it is at) for a narrow screen: status, risk class and overall score in words."""
    return [
        (
            r.situation,
            r.status_label
            if r.status is None
            else f"{r.status_label} · overall risk {r.risk_class}"
            + (f" ({score_figure(r.overall)})" if r.overall is not None else ""),
        )
        for r in rows
    ]


def heatmap_frame(overviews: list[SituationOverview], model) -> pd.DataFrame:
    """Situations x risk factors: the factor scores of each situation's latest assessment."""
    columns = [str(rf.number) for rf in model.framework.risk_factors]
    data = {}  # a name twice: its first place, its last scores
    for overview in overviews:
        if overview.assessments:
            latest = max(overview.assessments, key=lambda a: a.assessed_on).summary
            data[overview.situation.name] = [latest.risk_factors.get(n) for n in columns]
    return pd.DataFrame(list(data.values()), index=list(data), columns=columns, dtype="float64")


def trend_frame(overviews: list[SituationOverview], situation_ids: list[str]) -> pd.DataFrame:
    """Overall and per-crime scores of every assessment of the chosen situations, by date, each with its range
    (`overall_low`, `overall_high`, ...); a score not determined is empty, its range is not."""
    records = []
    for o in overviews:
        if o.situation.id not in situation_ids:
            continue
        for a in o.assessments:
            ranges = {"overall": a.summary.range, **a.summary.crime_ranges}
            records.append(
                {
                    "situation": o.situation.name,
                    "assessed_on": a.assessed_on,
                    "overall": a.summary.overall,
                    "status": a.summary.status,
                    **a.summary.crimes,
                    **{f"{name}_low": r[0] for name, r in ranges.items()},
                    **{f"{name}_high": r[1] for name, r in ranges.items()},
                }
            )
    figures = ["overall", "genocide", "crimes_against_humanity", "war_crimes"]
    columns = [
        "situation",
        "assessed_on",
        "status",
        *figures,
        *(f"{f}_{end}" for f in figures for end in ("low", "high")),
    ]
    return pd.DataFrame(records, columns=columns).sort_values(["situation", "assessed_on"], ignore_index=True)
