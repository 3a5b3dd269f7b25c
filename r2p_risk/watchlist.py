"""Tables for the watch list and comparison screens, built from situation overviews (score summaries)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from r2p_risk.assessment import country_name
from r2p_risk.models import StrictModel
from r2p_risk.overview import SituationOverview
from r2p_risk.regions import Region

STATUS_ORDER = {"current_crisis": 0, "imminent_risk": 1, "serious_concern": 2, "monitoring": 3}
STATUS_TITLES = {"current_crisis": "Current crisis", "imminent_risk": "Imminent risk", "serious_concern": "Serious concern", "monitoring": "Monitoring"}


class WatchRow(StrictModel):
    situation_id: str
    situation: str
    country: str | None
    region: str | None
    tags: list[str]
    assessment_id: str | None
    status: str | None
    risk_class: str | None
    overall: float | None
    reliability: float | None
    last_assessed: dt.date | None
    change: float | None
    assessments: int


def build_watch_list(overviews: list[SituationOverview], model, regions: dict[str, Region]) -> list[WatchRow]:
    """One row per situation: its latest assessment's status and score, and the change since the one before."""
    rows = []
    for overview in overviews:
        situation = overview.situation
        pair = sorted(overview.assessments, key=lambda a: a.assessed_on)[-2:]
        latest = pair[-1] if pair else None
        before = pair[-2].summary.overall if len(pair) > 1 else None
        overall = latest.summary.overall if latest else None
        region = regions.get(situation.country) if situation.country else None
        rows.append(WatchRow(
            situation_id=situation.id, situation=situation.name,
            country=country_name(situation.country), region=region.region if region else None, tags=situation.tags,
            assessment_id=latest.assessment_id if latest else None,
            status=latest.summary.status if latest else None,
            risk_class=model.params.risk_level_label(latest.summary.level) if latest and latest.summary.level else None,
            overall=overall, reliability=latest.summary.reliability if latest else None,
            last_assessed=latest.assessed_on if latest else None,
            change=None if overall is None or before is None else round(overall - before, 2),
            assessments=len(overview.assessments),
        ))
    rows.sort(key=lambda r: (STATUS_ORDER.get(r.status, 9), -(r.overall or -1), r.situation))
    return rows


def filter_watch_list(rows: list[WatchRow], regions: list[str], statuses: list[str], tags: list[str]) -> list[WatchRow]:
    """Keep rows in any of the chosen regions, statuses and tags; an empty choice keeps all."""
    return [
        r for r in rows
        if (not regions or r.region in regions) and (not statuses or r.status in statuses) and (not tags or set(tags) & set(r.tags))
    ]


def watch_list_frame(rows: list[WatchRow]) -> pd.DataFrame:
    frame = pd.DataFrame([r.model_dump() for r in rows], columns=list(WatchRow.model_fields))
    frame["status"] = frame["status"].map(lambda s: STATUS_TITLES.get(s, "Not assessed"))
    frame["tags"] = frame["tags"].map(", ".join)
    return frame


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
    """Overall and per-crime scores of every assessment of the chosen situations, by date."""
    records = [
        {"situation": o.situation.name, "assessed_on": a.assessed_on, "overall": a.summary.overall, "status": a.summary.status,
         **a.summary.crimes}
        for o in overviews if o.situation.id in situation_ids for a in o.assessments
    ]
    columns = ["situation", "assessed_on", "overall", "status", "genocide", "crimes_against_humanity", "war_crimes"]
    return pd.DataFrame(records, columns=columns).sort_values(["situation", "assessed_on"], ignore_index=True)
