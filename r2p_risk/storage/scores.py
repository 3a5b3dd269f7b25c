"""Score summaries of saved revisions, stored once per model: what `Database.situation_overviews` reads.

The summary of a revision never changes while the model does not, so it is stored the first time
it is needed (`assessment_scores`, keyed by `overview.model_key`) and read from there afterwards:
listing 193 situations reads a few kilobytes per situation instead of scoring every assessment.
A revision without a summary for the current model (new, or the model changed) is scored on the
batch path from the model inputs stored beside it (model_inputs.py: its ratings' codes, findings and
watch dates, never its evidence), a few hundred at a time, and its summary stored; when it cannot be
stored (a read-only database), the figures are shown all the same and computed again next time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import orjson
from sqlalchemy import and_, case, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from r2p_risk import batch
from r2p_risk.errors import R2PError
from r2p_risk.model_inputs import arrays_and_facts_from_inputs, model_inputs
from r2p_risk.overview import ScoreSummary, summaries, summarise, watch_facts
from r2p_risk.storage.parts import DatabasePart
from r2p_risk.storage.revisions import assessment_from_row, validated
from r2p_risk.storage.tables import assessment_scores, revisions

log = logging.getLogger(__name__)
CHUNK = 250  # revisions scored at once when their summaries are missing: bounds the memory it takes


class ScoreSummaries(DatabasePart):
    """Mixed into `Database`, which provides `_transaction` and `backend`."""

    def _summarise_missing(self, keys: list[tuple[str, int]], model, key: str) -> dict[tuple[str, int], ScoreSummary]:
        """Score the given revisions in chunks and store their summaries; returns them by (assessment id, revision)."""
        found: dict[tuple[str, int], ScoreSummary] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            with self._transaction("read the assessments to score") as conn:
                rows = conn.execute(_inputs_of(chunk)).all()
            try:
                summaries = _summarise_inputs(rows, model)
            except (ValueError, KeyError, TypeError, AttributeError):  # validated the slow way: says what is wrong
                with self._transaction("read the assessments to score") as conn:
                    rows = conn.execute(_inputs_of(chunk, whole=True)).all()
                summaries = summarise([assessment_from_row(row) for row in rows], model)
            found.update({(row.assessment_id, row.revision): s for row, s in zip(rows, summaries, strict=True)})
            self._store_summaries(
                [
                    {
                        "assessment_id": row.assessment_id,
                        "revision": row.revision,
                        "model_key": key,
                        "situation_id": row.situation_id,
                        "summary_json": s.model_dump_json(),
                    }
                    for row, s in zip(rows, summaries, strict=True)
                ]
            )
        return found

    def _store_summaries(self, values: Iterable[dict]) -> None:
        values = list(values)
        if not values:
            return
        dialect = postgresql if self.backend == "postgresql" else sqlite
        try:  # a summary another process stored first is the same figures: keep theirs
            with self._transaction("store the score summaries", write=True) as conn:
                conn.execute(dialect.insert(assessment_scores).on_conflict_do_nothing(), values)
        except R2PError as error:
            log.warning("score summaries not stored, they will be computed again: %s", error)


def _inputs_of(keys: list[tuple[str, int]], whole: bool = False):
    """The stored model inputs of the given revisions, with the whole JSON of those stored without them (or of all).

    Selected by assessment id first, so that SQLite finds them through the primary key's index (it scans the
    whole table for a list of (id, revision) pairs alone).
    """
    r = revisions.c
    data = r.data_json if whole else case((r.inputs_json.is_(None), r.data_json)).label("data_json")
    return select(r.assessment_id, r.revision, r.situation_id, r.inputs_json, data).where(
        r.assessment_id.in_(sorted({k[0] for k in keys})), tuple_(r.assessment_id, r.revision).in_(keys)
    )


def _summarise_inputs(rows, model) -> list[ScoreSummary]:
    """Score stored revisions from their model inputs (or, stored without them, from their JSON through the same
    inputs), which were validated when saved: no model object per rating, no evidence read."""
    inputs = [
        orjson.loads(row.inputs_json) if row.inputs_json is not None else model_inputs(orjson.loads(row.data_json))
        for row in rows
    ]
    arrays, facts = arrays_and_facts_from_inputs(inputs, model.framework, watch_facts)
    return summaries(batch.score_rating_arrays(arrays, model.framework, model.params), model, facts)


def latest_with_summaries(which, key: str):
    """The latest revision of every assessment matching `which`, its summary under `key` or None; by assessed_on
    then id."""
    newest = (
        select(revisions.c.assessment_id, func.max(revisions.c.revision).label("revision"))
        .where(which)
        .group_by(revisions.c.assessment_id)
        .subquery()
    )
    s = assessment_scores.c
    return (
        select(
            revisions.c.assessment_id,
            revisions.c.revision,
            revisions.c.situation_id,
            revisions.c.assessed_on,
            s.summary_json,
        )
        .join(
            newest, and_(revisions.c.assessment_id == newest.c.assessment_id, revisions.c.revision == newest.c.revision)
        )
        .outerjoin(
            assessment_scores,
            and_(s.assessment_id == revisions.c.assessment_id, s.revision == revisions.c.revision, s.model_key == key),
        )
        .order_by(revisions.c.assessed_on, revisions.c.assessment_id)
    )


def summary_from_row(row) -> ScoreSummary:
    return validated(
        lambda: ScoreSummary.model_validate_json(row.summary_json),
        f"score summary of assessment {row.assessment_id} revision {row.revision}",
    )
