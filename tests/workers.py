"""What concurrent test workers run; a small module, so spawned processes start quickly."""

import multiprocessing

from r2p_risk.errors import ConflictError
from r2p_risk.storage.database import open_database

# Separate processes forked from a server that has imported the storage layer once (a fresh interpreter importing it
# takes a second or two of CPU each): each opens its own database connections, as separate processes of the app do.
PROCESSES = multiprocessing.get_context("forkserver")
PROCESSES.set_forkserver_preload(["r2p_risk.storage.database", "workers"])


def save_edit(db, situation_id, assessment, text, actor="ana"):
    return db.save_assessment(
        situation_id, assessment.model_copy(update={"key_judgements": text}), actor, assessment.revision
    )


def save_many(database, situation_id: str, assessment_id: str, actor: str, saves: int, start) -> int:
    """Save `saves` revisions, reloading the latest and trying again after each conflict; returns the conflicts."""
    conflicts = 0
    start.wait()  # all workers begin together
    for n in range(saves):
        while True:
            latest = database.load_assessment(assessment_id)
            try:
                save_edit(database, situation_id, latest, f"{actor} save {n}", actor=actor)
                break
            except ConflictError:
                conflicts += 1
    return conflicts


def save_many_in_process(url: str, *args) -> None:
    database = open_database(url)
    try:
        save_many(database, *args)
    finally:
        database.close()


def open_and_report(url: str, start, results) -> None:
    """Open (and so migrate) the database when every worker is ready; report its schema revision."""
    start.wait()
    database = open_database(url)
    results.put(database.schema_revision())
    database.close()
