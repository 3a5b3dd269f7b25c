"""Schema migrations (Alembic) on SQLite and PostgreSQL: run on open, once, and never break older databases."""

import datetime as dt

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from helpers import make_assessment
from sqlalchemy import MetaData, Table, create_engine, delete, func, insert, inspect, select, text
from workers import PROCESSES, open_and_report

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import StorageError
from r2p_risk.model_inputs import model_inputs_json
from r2p_risk.scoring import score_assessment
from r2p_risk.storage import schema
from r2p_risk.storage.database import open_database
from r2p_risk.storage.examples import load_examples
from r2p_risk.storage.tables import assessment_scores, metadata, revisions, situations


def test_the_migrations_build_exactly_the_tables_of_tables_py(database_url):
    database = open_database(database_url)
    with database.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    database.close()
    assert differences == []
    assert schema.known_revisions() == (
        "0001_initial",
        "0002_team",
        "0003_scores",
        "0005_oidc_binding",
        "0006_workflow",
        "0007_dossier",
        "0008_model_inputs",
    )
    assert schema.head_revision() == "0008_model_inputs"


def test_a_database_made_before_migrations_is_stamped_and_upgraded_keeping_its_data(database_url):
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        open_database(database_url).close()  # only to make the folder; the tables are dropped again
        with engine.begin() as conn:
            for table in (
                "round_members",
                "rating_rounds",
                "assessment_drafts",
                "situation_sources",
                "user_settings",
                "audit_events",
                "situation_access",
                "users",
                "assessment_scores",
                "assessment_revisions",
                "situations",
                "alembic_version",
            ):
                conn.execute(text(f"DROP TABLE {table}"))
    before = MetaData()  # exactly what the code before migrations made: no review cadence, no model inputs yet,
    Table("situations", before, *(c._copy() for c in situations.columns if c.name != "review_every_months"))
    Table(
        "assessment_revisions",
        before,  # and revisions did not say who imported them (0006_workflow)
        *(c._copy() for c in revisions.columns if c.name not in ("imported_by", "imported_at", "inputs_json")),
    )
    before.create_all(engine)
    old = Assessment(
        id="a1", revision=1, assessed_on=dt.date(2025, 1, 1), analyst="Ana", ratings=[{"indicator": "1.1", "level": 2}]
    )
    now = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(situations).values(
                id="s1", name="Old", tags_json="[]", created_at=now, created_by="ana", updated_at=now, updated_by="ana"
            )
        )
        conn.execute(
            insert(revisions).values(
                assessment_id="a1",
                revision=1,
                situation_id="s1",
                assessed_on=old.assessed_on,
                analyst="Ana",
                status="draft",
                saved_by="ana",
                saved_at=now,
                note="",
                data_json=old.model_dump_json(),
            )
        )
    engine.dispose()

    database = open_database(database_url)
    assert database.schema_revision() == schema.head_revision()
    assert database.load_assessment("a1") == old and database.list_users() == []
    assert stored_inputs(database) == {("a1", 1): (old.model_dump_json(), model_inputs_json(old.model_dump_json()))}
    saved = database.save_assessment("s1", old, "ben", 1)
    assert saved.revision == 2 and [e.action for e in database.list_audit()] == ["assessment.save"]
    database.close()


@pytest.mark.processes
def test_several_processes_opening_a_new_database_at_once_migrate_it_once(database_url):
    start, results = PROCESSES.Barrier(4), PROCESSES.Queue()
    workers = [PROCESSES.Process(target=open_and_report, args=(database_url, start, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=180)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert sorted(results.get(timeout=5) for _ in workers) == [schema.head_revision()] * 4
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [schema.head_revision()]
        assert set(metadata.tables) <= set(inspect(conn).get_table_names())
    engine.dispose()


def test_a_database_written_by_a_newer_version_is_refused_in_words(database_url):
    open_database(database_url).close()
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(StorageError) as caught:
        open_database(database_url)
    problem = caught.value.problems[0]
    assert (
        problem.code == "schema_too_new" and "0099_future" in problem.message and "upgrade r2p-risk" in problem.message
    )


def test_every_migration_downgrades_and_upgrades_again(database_url):
    database = open_database(database_url)
    database.create_situation(Situation(name="Gone after the downgrade"), "ana")
    with database._transaction("downgrade", write=True) as conn:
        command.downgrade(schema.alembic_config(conn), "0001_initial")
        assert not inspect(conn).has_table("audit_events")
        command.downgrade(schema.alembic_config(conn), "base")
        assert not inspect(conn).has_table("situations")
    database.create_schema()
    assert database.schema_revision() == schema.head_revision() and database.list_situations() == []
    with database.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(situations)).scalar() == 0
    database.close()


def stored_inputs(database) -> dict[tuple[str, int], tuple[str, str | None]]:
    r = revisions.c
    with database.engine.connect() as conn:
        rows = conn.execute(select(r.assessment_id, r.revision, r.data_json, r.inputs_json)).all()
    return {(row.assessment_id, row.revision): (row.data_json, row.inputs_json) for row in rows}


def test_the_upgrade_to_0008_stores_the_model_inputs_a_save_stores_and_the_figures_stay(database_url, model):
    """Revisions saved before 0008 get their model inputs from the upgrade, exactly as a save makes them; the watch
    list then gives the figures it gave before, and those of scoring each assessment alone."""
    database = open_database(database_url)
    load_examples(database, model, "ana")
    place = database.create_situation(Situation(name="Western Reach (fictional)"), "ana")
    finding = {"crime": "war_crimes", "state": "ongoing", "evidence": "Shelling of the market, as reported."}
    database.save_assessment(
        place.id, make_assessment({"1.1": 3, "7.1": None}, {11: 2}, atrocity_findings=[finding]), "ana", None
    )
    saved = stored_inputs(database)
    assert all(inputs == model_inputs_json(data) for data, inputs in saved.values())
    expected = database.situation_overviews(model)  # stores the summaries, which refer to the revisions' rows
    with database._transaction("downgrade", write=True) as conn:
        command.downgrade(schema.alembic_config(conn), "0007_dossier")
        assert "inputs_json" not in {c["name"] for c in inspect(conn).get_columns("assessment_revisions")}
        conn.execute(delete(assessment_scores))  # as after a change of the model: every revision is scored again
    database.create_schema()
    assert database.schema_revision() == "0008_model_inputs" and stored_inputs(database) == saved
    assert database.situation_overviews(model) == expected
    for overview in expected:
        for scored in overview.assessments:
            alone = score_assessment(database.load_assessment(scored.assessment_id), model.framework, model.params)
            assert (scored.summary.overall, scored.summary.status) == (alone.overall.score, alone.status.label)
    database.close()


def test_the_upgrade_to_0008_leaves_a_revision_it_cannot_read_without_inputs_and_its_problem_is_reported(
    database_url, model
):
    database = open_database(database_url)
    place = database.create_situation(Situation(name="Western Reach (fictional)"), "ana")
    with database._transaction("downgrade", write=True) as conn:
        command.downgrade(schema.alembic_config(conn), "0007_dossier")
        for number, data in enumerate(['{"ratings": [{"indicator": "1.1", "level": 9}]}', "not JSON"], start=1):
            conn.execute(
                insert(Table("assessment_revisions", MetaData(), autoload_with=conn)).values(
                    assessment_id="damaged",
                    revision=number,
                    situation_id=place.id,
                    assessed_on=dt.date(2026, 1, number),
                    analyst="Ana",
                    status="draft",
                    saved_by="ana",
                    saved_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                    note="",
                    data_json=data,
                )
            )
    database.create_schema()
    assert [inputs for _, inputs in stored_inputs(database).values()] == [None, None]
    with pytest.raises(StorageError) as caught:
        database.situation_overviews(model)
    assert caught.value.problems[0].where.startswith("assessment damaged revision 2")
    database.close()
