"""Issue 7, item 2: saving and loading one fully rated revision, and the watch list of 10,000 revisions.

On SQLite always; on PostgreSQL when R2P_RISK_BENCH_POSTGRES_URL names a database (an empty one:
the benchmark fills it and deletes what it added at the end).
"""

from __future__ import annotations

import os
import time

from sqlalchemy import delete, select

from bench.common import Figure, median_ms, skipped, timings
from bench.data import fill_database
from r2p_risk import watchlist
from r2p_risk.storage import tables
from r2p_risk.storage.database import Database, open_database
from r2p_risk.storage.files import load_regions

POSTGRES = "R2P_RISK_BENCH_POSTGRES_URL"


def measure(database: Database, info: dict, model, frameworks_dir, quick: bool, backend: str) -> list[Figure]:
    regions = load_regions(frameworks_dir)
    parts: dict[str, list[float]] = {"overviews": [], "rows": []}

    def watch_list() -> None:
        start = time.perf_counter()
        overviews = database.situation_overviews(model)
        middle = time.perf_counter()
        watchlist.build_watch_list(overviews, model, regions)
        parts["overviews"].append(middle - start)
        parts["rows"].append(time.perf_counter() - middle)

    counts = database.counts()
    with database.engine.begin() as conn:  # as after an upgrade or a change to the scoring model: no summaries yet
        conn.execute(delete(tables.assessment_scores))
    first = timings(watch_list, repeat=1, warmup=0)
    lists = timings(watch_list, repeat=5 if quick else 20, warmup=0 if quick else 1)
    overviews, rows = median_ms(parts["overviews"][-len(lists) :]), median_ms(parts["rows"][-len(lists) :])
    assessment_id = info["assessment_id"]
    loads = timings(lambda: database.load_assessment(assessment_id), repeat=10 if quick else 50, warmup=2)
    state = {"latest": database.load_assessment(assessment_id), "level": 0}

    def save() -> None:
        latest, state["level"] = state["latest"], (state["level"] + 1) % 4
        first = latest.ratings[0].model_copy(update={"level": state["level"]})
        changed = latest.model_copy(update={"ratings": [first, *latest.ratings[1:]]})
        state["latest"] = database.save_assessment(info["situation_id"], changed, "bench", latest.revision)

    saves = timings(save, repeat=10 if quick else 50, warmup=2)
    after_save = []
    for _ in range(3 if quick else 10):
        save()
        after_save += timings(watch_list, repeat=1, warmup=0)
    return [
        Figure(f"storage_{backend}_save", median_ms(saves), "ms", "<= 20", f"median of {len(saves)}, fully rated"),
        Figure(f"storage_{backend}_load", median_ms(loads), "ms", "<= 20", f"median of {len(loads)}, fully rated"),
        Figure(
            f"storage_{backend}_watch_list",
            median_ms(lists),
            "ms",
            "<= 300",
            f"{counts['revisions']:,} revisions, {counts['assessments']:,} assessments, "
            f"{counts['situations']} situations; situation_overviews {overviews:.0f} ms "
            f"+ build_watch_list {rows:.0f} ms; median of {len(lists)}",
        ),
        Figure(
            f"storage_{backend}_watch_list_after_save",
            median_ms(after_save),
            "ms",
            note=f"the same right after a save (one new revision to score and store); median of {len(after_save)}",
        ),
        Figure(
            f"storage_{backend}_watch_list_first",
            median_ms(first),
            "ms",
            "<= 2000",
            note="once, with no summaries stored (after an upgrade or a change to the scoring model): "
            f"scores and stores {counts['assessments']:,} (issue 13)",
        ),
    ]


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
        ids = [
            row.id
            for row in conn.execute(select(tables.situations.c.id).where(tables.situations.c.id.like("situation-%")))
        ]
        for table in reversed(tables.metadata.sorted_tables):
            if "situation_id" in table.c and table is not tables.situations:
                conn.execute(delete(table).where(table.c.situation_id.in_(ids)))
        conn.execute(delete(tables.situations).where(tables.situations.c.id.in_(ids)))
