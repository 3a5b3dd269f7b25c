"""The database schema: situations, and every saved revision of every assessment."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no offset, so UTC is stored)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)

    process_result_value = process_bind_param


metadata = MetaData()
situations = Table(
    "situations", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(3)),
    Column("area", String(200)),
    Column("tags_json", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False), Column("created_by", String(200), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False), Column("updated_by", String(200), nullable=False),
    Column("deleted_at", UtcDateTime), Column("deleted_by", String(200)),  # set while the situation is in the bin
)
revisions = Table(
    "assessment_revisions", metadata,
    Column("assessment_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("situation_id", String(64), ForeignKey("situations.id"), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("analyst", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("saved_by", String(200), nullable=False), Column("saved_at", UtcDateTime, nullable=False),
    Column("note", Text, nullable=False),  # e.g. "restored from revision 2"
    Column("data_json", Text, nullable=False),  # the Assessment as JSON, with its id and revision
    PrimaryKeyConstraint("assessment_id", "revision", name="pk_assessment_revisions"),
    Index("ix_assessment_revisions_situation_id", "situation_id"),
)
