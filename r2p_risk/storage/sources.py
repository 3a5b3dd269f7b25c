"""A situation's source library: a source is added once, with its reliability graded A-F, and picked for any rating.

Ratings keep their own copy of each source they cite (so a snapshot stands alone); the library is
where the analyst finds them again. A title names one source within a situation. Adding or changing
a library source is an audit event.
"""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select, update

from r2p_risk.assessment import Source
from r2p_risk.storage.audit import record_event
from r2p_risk.storage.engine import not_found, storage_error
from r2p_risk.storage.parts import DatabasePart
from r2p_risk.storage.revisions import validated
from r2p_risk.storage.tables import situation_sources


class SourceLibrary(DatabasePart):
    """Mixed into `Database`, which provides `_transaction`, `_now` and `_open_situation`."""

    def library_sources(self, situation_id: str) -> list[Source]:
        """The situation's sources by title."""
        query = (
            select(situation_sources)
            .where(situation_sources.c.situation_id == situation_id)
            .order_by(situation_sources.c.title)
        )
        with self._transaction("list the sources") as conn:
            return [
                validated(lambda text=row.data_json: Source.model_validate_json(text), f"source {row.id}")
                for row in conn.execute(query)
            ]

    def add_library_source(self, situation_id: str, source: Source, actor: str) -> Source:
        """Add a source to the situation's library; one with the same title is refused in words."""
        with self._transaction("add the source", write=True) as conn:
            self._open_situation(conn, situation_id)
            if _row_id(conn, situation_id, source.title) is not None:
                raise storage_error(
                    "already_exists", "source title", f'the library already has a source called "{source.title}"'
                )
            now = self._now()
            conn.execute(
                insert(situation_sources).values(
                    id=uuid.uuid4().hex,
                    situation_id=situation_id,
                    title=source.title,
                    data_json=source.model_dump_json(),
                    created_by=actor,
                    created_at=now,
                )
            )
            record_event(
                conn, now, actor, "source.add", situation_id=situation_id, after=source.model_dump(mode="json")
            )
        return source

    def update_library_source(self, situation_id: str, title: str, source: Source, actor: str) -> Source:
        """Change the library source called `title` (its title too, unless another source has the new one)."""
        with self._transaction("change the source", write=True) as conn:
            self._open_situation(conn, situation_id)
            found = _row_id(conn, situation_id, title)
            if found is None:
                raise not_found("source", f'the library has no source called "{title}"')
            if source.title != title and _row_id(conn, situation_id, source.title) is not None:
                raise storage_error(
                    "already_exists", "source title", f'the library already has a source called "{source.title}"'
                )
            old = conn.execute(select(situation_sources.c.data_json).where(situation_sources.c.id == found)).scalar()
            conn.execute(
                update(situation_sources)
                .where(situation_sources.c.id == found)
                .values(title=source.title, data_json=source.model_dump_json())
            )
            record_event(
                conn,
                self._now(),
                actor,
                "source.update",
                situation_id=situation_id,
                before=Source.model_validate_json(str(old)).model_dump(mode="json"),
                after=source.model_dump(mode="json"),
            )
        return source


def _row_id(conn, situation_id: str, title: str) -> str | None:
    return conn.execute(
        select(situation_sources.c.id).where(
            situation_sources.c.situation_id == situation_id, situation_sources.c.title == title
        )
    ).scalar()
