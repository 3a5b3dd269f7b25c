"""Tables for the watch list and comparison screens, built from situation histories."""

from __future__ import annotations

import datetime as dt
import math
from typing import Protocol

import pandas as pd

from r2p_risk.assessment import Assessment, Situation, country_name
from r2p_risk.batch import score_many
from r2p_risk.framework import CRIMES
from r2p_risk.models import StrictModel
from r2p_risk.regions import Region

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


def _value(x):
    """A figure of the batch tables (from `tolist()`) as the single path gives it: NaN becomes None."""
    return None if isinstance(x, float) and math.isnan(x) else x


def _overall_figures(assessments: list[Assessment], model) -> list[dict]:
    """Overall score, level, reliability and status of each assessment, scored in one batch."""
    overall = score_many(assessments, model.framework, model.params).overall
    columns = {name: overall[name].tolist() for name in ("score", "level", "reliability", "status")}
    return [{name: _value(values[i]) for name, values in columns.items()} for i in range(len(assessments))]


def build_watch_list(histories: list[History], model, regions: dict[str, Region]) -> list[WatchRow]:
    """One row per situation: its latest assessment's status and score, and the change since the one before."""
    recent = [sorted(history.assessments, key=lambda a: a.assessed_on)[-2:] for history in histories]
    figures = iter(_overall_figures([a for pair in recent for a in pair], model))
    rows = []
    for history, pair in zip(histories, recent):
        situation = history.situation
        scored = [(a, next(figures)) for a in pair]
        latest = scored[-1] if scored else None
        previous = scored[-2] if len(scored) > 1 else None
        overall = latest[1]["score"] if latest else None
        before = previous[1]["score"] if previous else None
        region = regions.get(situation.country) if situation.country else None
        rows.append(WatchRow(
            situation_id=situation.id, situation=situation.name,
            country=country_name(situation.country), region=region.region if region else None, tags=situation.tags,
            assessment_id=latest[0].id if latest else None,
            status=latest[1]["status"] if latest else None,
            risk_class=model.params.risk_level_label(latest[1]["level"]) if latest and latest[1]["level"] else None,
            overall=overall, reliability=latest[1]["reliability"] if latest else None,
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
    assessed = [h for h in histories if h.assessments]
    latest = [max(h.assessments, key=lambda a: a.assessed_on) for h in assessed]
    scores = score_many(latest, model.framework, model.params).risk_factors["score"].to_numpy()
    data = dict(zip((h.situation.name for h in assessed), scores))  # a name twice: its first place, its last scores
    columns = [str(rf.number) for rf in model.framework.risk_factors]
    return pd.DataFrame(list(data.values()), index=list(data), columns=columns, dtype="float64")


def trend_frame(histories: list[History], model, situation_ids: list[str]) -> pd.DataFrame:
    """Overall and per-crime scores of every assessment of the chosen situations, by date."""
    chosen = [(h.situation.name, a) for h in histories if h.situation.id in situation_ids for a in h.assessments]
    batch = score_many([a for _, a in chosen], model.framework, model.params)
    overall, status = batch.overall["score"].tolist(), batch.overall["status"].tolist()
    crimes = {crime: batch.crimes[("score", crime)].tolist() for crime in CRIMES}
    records = [
        {"situation": name, "assessed_on": assessment.assessed_on, "overall": _value(overall[i]), "status": status[i],
         **{crime: _value(scores[i]) for crime, scores in crimes.items()}}
        for i, (name, assessment) in enumerate(chosen)
    ]
    columns = ["situation", "assessed_on", "overall", "status", "genocide", "crimes_against_humanity", "war_crimes"]
    return pd.DataFrame(records, columns=columns).sort_values(["situation", "assessed_on"], ignore_index=True)
