"""A writer killed with SIGKILL in the middle of saving leaves the database consistent, on SQLite and PostgreSQL.

A separate process (forked from a server that has already imported the package, so it starts at once) saves
revisions of one large assessment in a loop, reporting "saving N" before and "saved N" after each save. The
test kills it at random moments, several times, and after each kill checks: the SQLite file passes
`PRAGMA integrity_check`; revisions are 1..n without gaps, n at least the last one reported saved and at most
the one being saved (complete or absent); every revision loads, validates and is whole; revisions seen before
are unchanged; the audit trail has exactly one assessment.save event per revision.
"""

import contextlib
import datetime as dt
import hashlib
import multiprocessing
import random
import signal
import sqlite3
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import ConflictError
from r2p_risk.storage.database import open_database
from r2p_risk.storage.tables import audit_events, revisions

KILLS = 6
PROCESSES = multiprocessing.get_context("forkserver")
PROCESSES.set_forkserver_preload(["r2p_risk.storage.database", "test_crash"])
FILLER = "Evidence gathered on the ground, cross-checked against two independent sources. " * 25  # ~2 KB per rating


def large_assessment(framework) -> Assessment:
    """Every indicator rated with two kilobytes of evidence, so a save is a long transaction (~250 KB of JSON)."""
    ratings = [
        {"indicator": i, "level": n % 4, "confidence": "medium", "evidence": FILLER}
        for n, i in enumerate(framework.indicator_ids)
    ]
    return Assessment(assessed_on=dt.date(2026, 3, 1), analyst="Writer", ratings=ratings)


def key_judgements(revision: int) -> str:
    """What revision N says, so a revision stored half-written would show."""
    return f"revision {revision}: " + hashlib.sha256(str(revision).encode()).hexdigest() * 50


def write_revisions(url: str, situation_id: str, assessment_id: str, report) -> None:
    """The writer: save the next revision, forever, reporting each one before and after."""
    database = open_database(url)
    latest = database.load_assessment(assessment_id)
    while True:
        number = latest.revision + 1
        report.send(("saving", number))
        try:
            latest = database.save_assessment(
                situation_id,
                latest.model_copy(update={"key_judgements": key_judgements(number)}),
                "writer",
                latest.revision,
            )
        except ConflictError:  # PostgreSQL: the killed writer's last save was committed after this one read the latest
            latest = database.load_assessment(assessment_id)
            continue
        report.send(("saved", latest.revision))


def kill_at_a_random_moment(
    url: str, situation_id: str, assessment_id: str, rng: random.Random
) -> list[tuple[str, int]]:
    """Start a writer; once it has saved a revision, SIGKILL it 0-60 ms later. Returns what it reported."""
    received, report = PROCESSES.Pipe(duplex=False)
    writer = PROCESSES.Process(target=write_revisions, args=(url, situation_id, assessment_id, report), daemon=True)
    writer.start()
    report.close()
    events: list[tuple[str, int]] = []
    try:
        while not events or events[-1][0] != "saved":
            assert received.poll(60), "the writer saved nothing within a minute"
            events.append(received.recv())
        time.sleep(rng.uniform(0, 0.06))  # the random moment itself, not a wait for something to happen
    finally:
        writer.kill()
        writer.join(30)
    assert writer.exitcode == -signal.SIGKILL
    with contextlib.suppress(EOFError, OSError):  # a message cut off by the kill: the save it announced never began
        while received.poll():
            events.append(received.recv())
    received.close()
    return events


def reported(events: list[tuple[str, int]], word: str) -> int:
    return max((number for said, number in events if said == word), default=0)


def check_consistent(url: str, assessment_id: str, seen: dict[int, str], framework) -> int:
    """Every check of the module docstring; returns the number of revisions; `seen` gains their checksums."""
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(make_url(url).database)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    database = open_database(url)
    try:
        numbers = sorted(info.revision for info in database.list_revisions(assessment_id))
        assert numbers == list(range(1, len(numbers) + 1))
        with database.engine.connect() as conn:
            rows = dict(
                conn.execute(
                    select(revisions.c.revision, revisions.c.data_json).where(
                        revisions.c.assessment_id == assessment_id
                    )
                ).all()
            )
            saves = conn.execute(
                select(audit_events.c.revision, func.count())
                .where(audit_events.c.assessment_id == assessment_id, audit_events.c.action == "assessment.save")
                .group_by(audit_events.c.revision)
            ).all()
        assert sorted(saves) == [(n, 1) for n in numbers]
        for number in numbers:
            assessment = database.load_assessment(assessment_id, number)
            assert assessment.revision == number and len(assessment.ratings) == len(framework.indicator_ids)
            assert number == 1 or assessment.key_judgements == key_judgements(number)
            checksum = hashlib.sha256(rows[number].encode()).hexdigest()
            assert seen.setdefault(number, checksum) == checksum, f"revision {number} changed after it was saved"
        return len(numbers)
    finally:
        database.close()


@pytest.mark.processes
def test_a_writer_killed_mid_save_leaves_every_revision_whole_and_audited(database_url, framework):
    database = open_database(database_url)
    situation = database.create_situation(Situation(name="Crash test"), "ana")
    first = database.save_assessment(situation.id, large_assessment(framework), "ana", None)
    database.close()
    rng, seen, stored, inside = random.Random(8), {}, 1, 0
    for _ in range(KILLS):
        events = kill_at_a_random_moment(database_url, situation.id, first.id, rng)
        inside += events[-1][0] == "saving"
        count = check_consistent(database_url, first.id, seen, framework)
        assert max(stored, reported(events, "saved")) <= count <= max(stored, reported(events, "saving"))
        stored = count
    assert inside >= KILLS // 2, f"only {inside} of {KILLS} kills landed during a save"
    database = open_database(database_url)  # and the database takes the next save as if nothing happened
    latest = database.load_assessment(first.id)
    assert database.save_assessment(situation.id, latest, "ana", latest.revision).revision == stored + 1
    database.close()
