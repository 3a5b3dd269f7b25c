"""Situation overviews from the database: score summaries stored once per model, and always the single path's figures.

Tests taking `db` run on SQLite and on a throwaway PostgreSQL server.
"""

import datetime as dt
import json

import pytest
from helpers import make_assessment
from sqlalchemy import event, func, select, update
from test_faults import unwritable

from r2p_risk.assessment import Situation
from r2p_risk.model_inputs import model_inputs
from r2p_risk.overview import model_key, overviews_from_histories
from r2p_risk.scoring import score_assessment
from r2p_risk.storage.database import open_database
from r2p_risk.storage.examples import load_examples
from r2p_risk.storage.files import Model
from r2p_risk.storage.tables import assessment_scores, revisions


def stored(db, key=None) -> int:
    query = select(func.count()).select_from(assessment_scores)
    if key is not None:
        query = query.where(assessment_scores.c.model_key == key)
    with db.engine.connect() as conn:
        return conn.execute(query).scalar()


def statements(db, call) -> list[str]:
    seen = []
    listen = lambda conn, cursor, statement, *rest: seen.append(statement.lstrip().split()[0].upper())  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return seen


def latest_count(db) -> int:
    return sum(len(h.assessments) for h in db.situation_histories())


def test_overviews_give_the_figures_of_scoring_every_assessment_and_store_them_once(db, model):
    load_examples(db, model, "ana")
    quiet = db.create_situation(Situation(name="A quiet place"), "ana")
    expected = overviews_from_histories(db.situation_histories(), model)
    assert stored(db) == 0
    first = db.situation_overviews(model)
    assert first == expected and any(o.situation == quiet and o.assessments == [] for o in first)
    assert stored(db, model_key(model)) == latest_count(db) > 0
    again = []
    done = statements(db, lambda: again.append(db.situation_overviews(model)))
    assert [s for s in done if s != "BEGIN"] == ["SELECT", "SELECT"]  # nothing read to score, nothing stored
    assert again[0] == expected


def test_a_new_revision_is_summarised_at_the_next_read_and_the_old_summary_stays(db, model, framework):
    situation = db.create_situation(Situation(name="Eastern Region (fictional)"), "ana")
    saved = db.save_assessment(situation.id, make_assessment({i: 1 for i in framework.indicator_ids}), "ana", None)
    before = db.situation_overviews(model)[0].assessments[0].summary
    worse = saved.model_copy(update={"ratings": [r.model_copy(update={"level": 3}) for r in saved.ratings]})
    db.save_assessment(situation.id, worse, "ana", saved.revision)
    [scored] = db.situation_overviews(model)[0].assessments
    assert scored.revision == 2 and scored.summary.overall > before.overall
    assert (
        scored.summary.overall == score_assessment(db.load_assessment(saved.id), framework, model.params).overall.score
    )
    assert stored(db) == 2


def test_a_changed_scoring_model_computes_new_summaries_under_its_own_key(db, model, framework, params):
    load_examples(db, model, "ana")
    db.situation_overviews(model)
    heavier = Model(
        framework, params.model_copy(update={"risk_factor_weights": {**params.risk_factor_weights, 8: 3.0}})
    )
    assert model_key(heavier) != model_key(model)
    changed = db.situation_overviews(heavier)
    assert changed == overviews_from_histories(db.situation_histories(), heavier) != db.situation_overviews(model)
    assert stored(db, model_key(heavier)) == stored(db, model_key(model)) == latest_count(db)


def test_the_stored_summary_is_what_the_screens_show(db, model):
    """Proof that the summaries are read, not recomputed: a stored figure changed by hand is what comes back."""
    situation = db.create_situation(Situation(name="Eastern Region"), "ana")
    db.save_assessment(situation.id, make_assessment({"1.1": 2}), "ana", None)
    summary = db.situation_overviews(model)[0].assessments[0].summary
    with db.engine.begin() as conn:
        conn.execute(
            update(assessment_scores).values(
                summary_json=summary.model_copy(update={"overall": 9.99}).model_dump_json()
            )
        )
    assert db.situation_overviews(model)[0].assessments[0].summary.overall == 9.99


def test_purging_a_situation_removes_its_summaries(db, model):
    situation = db.create_situation(Situation(name="Eastern Region"), "ana")
    db.save_assessment(situation.id, make_assessment({"1.1": 2}), "ana", None)
    db.situation_overviews(model, include_deleted=True)
    db.delete_situation(situation.id, "ana")
    assert stored(db) == 1 and db.situation_overviews(model) == []
    db.purge_situation(situation.id, "ana")
    assert stored(db) == 0 and db.situation_overviews(model, include_deleted=True) == []


def test_a_read_only_database_still_shows_the_figures_without_storing_them(tmp_path, model):
    path = tmp_path / "risk.db"
    db = open_database(f"sqlite:///{path}")
    situation = db.create_situation(Situation(name="Eastern Region"), "ana")
    db.save_assessment(situation.id, make_assessment({"1.1": 2}, assessed_on=dt.date(2026, 3, 1)), "ana", None)
    expected = overviews_from_histories(db.situation_histories(), model)
    db.close()
    with unwritable(path):
        reader = open_database(f"sqlite:///{path}")
        try:
            assert reader.situation_overviews(model) == expected
            assert stored(reader) == 0
        finally:
            reader.close()


def test_the_stored_model_inputs_are_what_is_scored(db, model, framework):
    """Proof that the watch list scores the inputs stored beside a revision and leaves its JSON (its evidence) unread:
    inputs changed by hand are what is scored."""
    situation = db.create_situation(Situation(name="Eastern Region"), "ana")
    db.save_assessment(situation.id, make_assessment({"1.1": 1}), "ana", None)
    higher = make_assessment({"1.1": 3})
    with db.engine.begin() as conn:
        conn.execute(
            update(revisions).values(inputs_json=json.dumps(model_inputs(json.loads(higher.model_dump_json()))))
        )
    [scored] = db.situation_overviews(model)[0].assessments
    assert scored.summary.risk_factors["1"] == score_assessment(higher, framework, model.params).risk_factors["1"].score
    assert (
        scored.summary.risk_factors["1"]
        != score_assessment(db.load_assessment(scored.assessment_id), framework, model.params).risk_factors["1"].score
    )


@pytest.mark.parametrize("inputs", [None, '{"ratings": []}', "not JSON"], ids=["none", "damaged", "not JSON"])
def test_a_revision_without_readable_model_inputs_is_scored_from_its_json_with_the_same_figures(db, model, inputs):
    """Revisions saved before the inputs were stored, or whose inputs cannot be read, are scored from their JSON."""
    load_examples(db, model, "ana")
    expected = overviews_from_histories(db.situation_histories(), model)
    with db.engine.begin() as conn:
        conn.execute(update(revisions).values(inputs_json=inputs))
    assert db.situation_overviews(model) == expected and stored(db) == latest_count(db)
