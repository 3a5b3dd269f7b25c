"""Score summaries of saved revisions, stored once per model: what `Database.situation_overviews` reads.

The summary of a revision never changes while the model does not, so it is stored the first time
it is needed (`assessment_scores`, keyed by `overview.model_key`) and read from there afterwards:
listing 193 situations reads a few kilobytes per situation instead of scoring every assessment.
A revision without a summary for the current model (new, or the model changed) is scored on the
batch path, a few hundred at a time, and its summary stored; when it cannot be stored (a read-only
database), the figures are shown all the same and computed again next time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from r2p_risk import batch
from r2p_risk.errors import R2PError
from r2p_risk.overview import ScoreSummary, summaries, summarise, watch_facts
from r2p_risk.rating_arrays import arrays_and_facts_from_json
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
            query = select(
                revisions.c.assessment_id, revisions.c.revision, revisions.c.situation_id, revisions.c.data_json
            ).where(tuple_(revisions.c.assessment_id, revisions.c.revision).in_(chunk))
            with self._transaction("read the assessments to score") as conn:
                rows = conn.execute(query).all()
            summaries = _summarise_rows(rows, model)
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


def _summarise_rows(rows, model) -> list[ScoreSummary]:
    """Score stored revisions straight from their JSON, which was validated when saved: no model object per rating.

    A row that does not read as a stored assessment is validated the slow way, which reports what is wrong with it.
    """
    try:
        arrays, facts = arrays_and_facts_from_json([row.data_json for row in rows], model.framework, watch_facts)
        found = summaries(batch.score_rating_arrays(arrays, model.framework, model.params), model)
        return [summary.model_copy(update=fact) for summary, fact in zip(found, facts, strict=True)]
    except (ValueError, KeyError, TypeError, AttributeError):
        return summarise([assessment_from_row(row) for row in rows], model)


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
