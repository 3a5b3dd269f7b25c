"""Issue 7, item 2: saving and loading one fully rated revision, and the watch list of 10,000 revisions.

On SQLite always; on PostgreSQL when R2P_RISK_BENCH_POSTGRES_URL names a database (an empty one:
the benchmark fills it and deletes what it added at the end).
"""

from __future__ import annotations

import os
import time

from sqlalchemy import delete, func, select

from bench.common import Figure, median_ms, skipped, timings
from bench.data import fill_database
from r2p_risk import watchlist
from r2p_risk.storage import tables
from r2p_risk.storage.database import Database, SituationHistory, open_database
from r2p_risk.storage.files import load_regions
from r2p_risk.storage.revisions import assessment_from_row

POSTGRES = "R2P_RISK_BENCH_POSTGRES_URL"


def measure(database: Database, info: dict, model, frameworks_dir, quick: bool, backend: str) -> list[Figure]:
    regions = load_regions(frameworks_dir)
    parts: dict[str, list[float]] = {"histories": [], "rows": []}

    def watch_list() -> None:
        start = time.perf_counter()
        histories = database.situation_histories()
        middle = time.perf_counter()
        watchlist.build_watch_list(histories, model, regions)
        parts["histories"].append(middle - start)
        parts["rows"].append(time.perf_counter() - middle)

    counts = database.counts()
    lists = timings(watch_list, repeat=1 if quick else 5, warmup=0 if quick else 1)
    latest_two = timings(lambda: watch_list_from_latest_two(database, model, regions), repeat=3 if quick else 10)
    assessment_id = info["assessment_id"]
    loads = timings(lambda: database.load_assessment(assessment_id), repeat=10 if quick else 50, warmup=2)
    state = {"latest": database.load_assessment(assessment_id), "level": 0}

    def save() -> None:
        latest, state["level"] = state["latest"], (state["level"] + 1) % 4
        first = latest.ratings[0].model_copy(update={"level": state["level"]})
        changed = latest.model_copy(update={"ratings": [first, *latest.ratings[1:]]})
        state["latest"] = database.save_assessment(info["situation_id"], changed, "bench", latest.revision)

    saves = timings(save, repeat=10 if quick else 50, warmup=2)
    histories, rows = median_ms(parts["histories"][-len(lists):]), median_ms(parts["rows"][-len(lists):])
    return [
        Figure(f"storage_{backend}_save", median_ms(saves), "ms", "<= 20", f"median of {len(saves)}, fully rated"),
        Figure(f"storage_{backend}_load", median_ms(loads), "ms", "<= 20", f"median of {len(loads)}, fully rated"),
        Figure(f"storage_{backend}_watch_list", median_ms(lists), "ms", "<= 300",
               f"{counts['revisions']:,} revisions, {counts['assessments']:,} assessments, {counts['situations']} situations; "
               f"situation_histories {histories:.0f} ms + build_watch_list {rows:.0f} ms; median of {len(lists)}"),
        Figure(f"storage_{backend}_watch_list_latest_two", median_ms(latest_two), "ms",
               note="prototype, not in the app: one query for the latest two assessments of each situation and "
                    f"their counts, then build_watch_list; median of {len(latest_two)}"),
    ]


def watch_list_from_latest_two(database: Database, model, regions) -> list:
    """What the watch list needs, read in one query: the latest two assessments per situation and the count.

    A measured target for the storage layer; the app reads every assessment (situation_histories).
    """
    r = tables.revisions
    newest = select(r.c.assessment_id, func.max(r.c.revision).label("revision")).group_by(r.c.assessment_id).subquery()
    order = (r.c.assessed_on.desc(), r.c.assessment_id.desc())
    ranked = (select(r.c.situation_id, r.c.assessment_id, r.c.revision,  # keys only: the JSON is read for the chosen rows
                     func.row_number().over(partition_by=r.c.situation_id, order_by=order).label("place"),
                     func.count().over(partition_by=r.c.situation_id).label("assessments"))
              .join(newest, (r.c.assessment_id == newest.c.assessment_id) & (r.c.revision == newest.c.revision))
              .subquery())
    chosen = select(ranked).where(ranked.c.place <= 2).subquery()
    query = (select(r.c.assessment_id, r.c.revision, r.c.situation_id, r.c.data_json, chosen.c.place)
             .join(chosen, (r.c.assessment_id == chosen.c.assessment_id) & (r.c.revision == chosen.c.revision))
             .order_by(r.c.situation_id, chosen.c.place.desc()))
    with database.engine.connect() as conn:
        rows = conn.execute(query).all()
    situations = {s.id: s for s in database.list_situations()}
    recent: dict[str, list] = {}
    for row in rows:
        recent.setdefault(row.situation_id, []).append(assessment_from_row(row))
    histories = [SituationHistory(situations[i], recent.get(i, [])) for i in situations]
    return watchlist.build_watch_list(histories, model, regions)


def run_sqlite(database: Database, info: dict, model, frameworks_dir, quick: bool) -> list[Figure]:
    return measure(database, info, model, frameworks_dir, quick, "sqlite")


def run_postgres(model, frameworks_dir, quick: bool) -> list[Figure]:
    url = os.environ.get(POSTGRES)
    if not url:
        return [skipped("storage_postgresql", "no PostgreSQL URL (set R2P_RISK_BENCH_POSTGRES_URL)")]
    database = open_database(url)
    if database.counts()["situations"]:
        return [skipped("storage_postgresql", f"{POSTGRES} names a database that is not empty")]
    try:
        info = fill_database(database, model.framework)
        return measure(database, info, model, frameworks_dir, quick, "postgresql")
    finally:
        _remove_bench_rows(database)
        database.close()


def _remove_bench_rows(database: Database) -> None:
    """Delete every row the benchmark added: rows of its situations in every table, then the situations."""
    with database.engine.begin() as conn:
        ids = [row.id for row in conn.execute(select(tables.situations.c.id).where(tables.situations.c.id.like("situation-%")))]
        for table in reversed(tables.metadata.sorted_tables):
            if "situation_id" in table.c and table is not tables.situations:
                conn.execute(delete(table).where(table.c.situation_id.in_(ids)))
        conn.execute(delete(tables.situations).where(tables.situations.c.id.in_(ids)))
