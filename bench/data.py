"""Generated data for the benchmarks: fully rated assessments and a database of many revisions.

Everything is seeded, so every run measures the same data. A "fully rated" assessment rates every
indicator the framework lists (114 of the official 143) and rates as a whole the four risk factors
whose indicator lists are incomplete (11-14), as the Assess screen asks.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pycountry
from sqlalchemy import insert

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.framework import Framework
from r2p_risk.model_inputs import model_inputs_json
from r2p_risk.storage import tables
from r2p_risk.storage.database import Database

CONFIDENCES = [None, "low", "medium", "high"]
TRENDS = [None, "improving", "stable", "worsening"]


def fully_rated(framework: Framework, rng: random.Random, assessed_on: dt.date, tension: float = 0.5) -> Assessment:
    """Every listed indicator rated (a few unknown), with confidence, trend and a line of evidence on some."""

    def level() -> int | None:
        if rng.random() < 0.05:
            return None
        return min(3, max(0, round(rng.gauss(3 * tension, 0.9))))

    ratings = [
        {
            "indicator": i,
            "level": level(),
            "confidence": rng.choice(CONFIDENCES),
            "trend": rng.choice(TRENDS),
            "evidence": f"Reports on {i} from the field office, {assessed_on:%B %Y}." if rng.random() < 0.3 else "",
        }
        for i in framework.indicator_ids
    ]
    wholes = [
        {"risk_factor": rf.number, "level": level(), "confidence": rng.choice(CONFIDENCES)}
        for rf in framework.risk_factors
        if not rf.indicators_complete
    ]
    return Assessment(
        assessed_on=assessed_on,
        analyst="Bench Analyst",
        status="final",
        key_judgements="Generated for the benchmarks.",
        ratings=ratings,
        risk_factor_ratings=wholes,
    )


def quarter(start: dt.date, index: int) -> dt.date:
    months = start.month - 1 + 3 * index
    return dt.date(start.year + months // 12, months % 12 + 1, 15)


def many_assessments(framework: Framework, situations: int, per_situation: int, seed: int = 7) -> list[Assessment]:
    """`situations` x `per_situation` fully rated assessments, quarterly, each situation with its own tension."""
    rng = random.Random(seed)
    result = []
    for _ in range(situations):
        tension = rng.random()
        for k in range(per_situation):
            tension = min(1.0, max(0.0, tension + rng.gauss(0, 0.08)))
            result.append(fully_rated(framework, rng, quarter(dt.date(2014, 1, 1), k), tension))
    return result


def countries(count: int) -> list[str]:
    return sorted(c.alpha_3 for c in pycountry.countries)[:count]


def fill_database(
    database: Database, framework: Framework, situations: int = 193, revisions: int = 10_000, seed: int = 11
) -> dict:
    """`situations` situations with `revisions` saved revisions in all, written in one transaction.

    Each situation is assessed quarterly and each assessment saved twice (a draft, then the final
    revision) until `revisions` is reached: 10,000 revisions are 5,000 assessments, about 26 per
    situation. The rows are the ones `Database.save_assessment` writes, inserted in bulk so that
    the database takes seconds to make, not minutes (10,000 saves one by one take over a minute);
    the audit trail, which no read here uses, stays empty. Returns the ids of one situation and
    of its latest assessment.
    """
    rng = random.Random(seed)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    situation_rows, revision_rows = [], []
    for n, code in enumerate(countries(situations)):
        situation = Situation(id=f"situation-{n:03d}", name=f"Situation {n:03d}", country=code, tags=["bench"])
        situation_rows.append(
            {
                "id": situation.id,
                "name": situation.name,
                "country": situation.country,
                "area": None,
                "tags_json": json.dumps(situation.tags),
                "created_at": now,
                "created_by": "bench",
                "updated_at": now,
                "updated_by": "bench",
            }
        )
    for k in range(-(-revisions // (2 * situations))):
        for situation in situation_rows:
            if len(revision_rows) >= revisions:
                break
            assessment = fully_rated(framework, rng, quarter(dt.date(2020, 1, 1), k), rng.random())
            assessment_id = f"{situation['id']}-q{k:02d}"
            for revision, status in ((1, "draft"), (2, "final"))[: min(2, revisions - len(revision_rows))]:
                saved = assessment.model_copy(update={"id": assessment_id, "revision": revision, "status": status})
                data_json = saved.model_dump_json()
                revision_rows.append(
                    {
                        "assessment_id": assessment_id,
                        "revision": revision,
                        "situation_id": situation["id"],
                        "assessed_on": saved.assessed_on,
                        "analyst": saved.analyst,
                        "status": status,
                        "saved_by": "bench",
                        "saved_at": now,
                        "note": "",
                        "data_json": data_json,
                        "inputs_json": model_inputs_json(data_json),
                    }
                )
    with database.engine.begin() as conn:
        conn.execute(insert(tables.situations), situation_rows)
        conn.execute(insert(tables.revisions), revision_rows)
    last = revision_rows[-1]
    return {
        "situation_id": last["situation_id"],
        "assessment_id": last["assessment_id"],
        "revisions": len(revision_rows),
    }
