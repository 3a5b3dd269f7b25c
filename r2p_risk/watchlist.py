"""Tables for the watch list and comparison screens, built from situation histories."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import pandas as pd

from r2p_risk.assessment import Assessment, Situation, country_name
from r2p_risk.models import StrictModel
from r2p_risk.profile import RiskProfile
from r2p_risk.regions import Region
from r2p_risk.scoring import score_assessment

STATUS_ORDER = {"current_crisis": 0, "imminent_risk": 1, "serious_concern": 2, "monitoring": 3}
STATUS_TITLES = {"current_crisis": "Current crisis", "imminent_risk": "Imminent risk", "serious_concern": "Serious concern", "monitoring": "Monitoring"}


class History(Protocol):
    situation: Situation
    assessments: list[Assessment]


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


def _scored(assessments: list[Assessment], model) -> list[tuple[Assessment, RiskProfile]]:
    return [(a, score_assessment(a, model.framework, model.params)) for a in assessments]


def build_watch_list(histories: list[History], model, regions: dict[str, Region]) -> list[WatchRow]:
    """One row per situation: its latest assessment's status and score, and the change since the one before."""
    rows = []
    for history in histories:
        situation = history.situation
        scored = _scored(sorted(history.assessments, key=lambda a: a.assessed_on)[-2:], model)
        latest = scored[-1] if scored else None
        previous = scored[-2] if len(scored) > 1 else None
        overall = latest[1].overall.score if latest else None
        before = previous[1].overall.score if previous else None
        region = regions.get(situation.country) if situation.country else None
        rows.append(WatchRow(
            situation_id=situation.id, situation=situation.name,
            country=country_name(situation.country), region=region.region if region else None, tags=situation.tags,
            assessment_id=latest[0].id if latest else None,
            status=latest[1].status.label if latest else None,
            risk_class=model.params.risk_level_label(latest[1].overall.level) if latest and latest[1].overall.level else None,
            overall=overall, reliability=latest[1].reliability if latest else None,
            last_assessed=latest[0].assessed_on if latest else None,
            change=None if overall is None or before is None else round(overall - before, 2),
            assessments=len(history.assessments),
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


def heatmap_frame(histories: list[History], model) -> pd.DataFrame:
    """Situations x risk factors: the factor scores of each situation's latest assessment."""
    data = {}
    for history in histories:
        if history.assessments:
            latest = max(history.assessments, key=lambda a: a.assessed_on)
            profile = score_assessment(latest, model.framework, model.params)
            data[history.situation.name] = {n: f.score for n, f in profile.risk_factors.items()}
    frame = pd.DataFrame.from_dict(data, orient="index", columns=[str(rf.number) for rf in model.framework.risk_factors])
    return frame.astype("float64")


def trend_frame(histories: list[History], model, situation_ids: list[str]) -> pd.DataFrame:
    """Overall and per-crime scores of every assessment of the chosen situations, by date."""
    records = []
    for history in histories:
        if history.situation.id not in situation_ids:
            continue
        for assessment, profile in _scored(history.assessments, model):
            records.append({
                "situation": history.situation.name, "assessed_on": assessment.assessed_on,
                "overall": profile.overall.score, "status": profile.status.label,
                **{crime: result.score for crime, result in profile.crimes.items()},
            })
    columns = ["situation", "assessed_on", "overall", "status", "genocide", "crimes_against_humanity", "war_crimes"]
    return pd.DataFrame(records, columns=columns).sort_values(["situation", "assessed_on"], ignore_index=True)
