"""The database schema at the newest migration: situations, assessment revisions, users, access, audit.

Every change to it is a new revision under `migrations/versions/`; a test compares the two.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
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
    "situations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(3)),
    Column("area", String(200)),
    Column("tags_json", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("deleted_at", UtcDateTime),
    Column("deleted_by", String(200)),  # set while the situation is in the bin
    Column("review_every_months", Integer, nullable=False, server_default="4"),  # the review cadence ("review due")
)
revisions = Table(
    "assessment_revisions",
    metadata,
    Column("assessment_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("situation_id", String(64), ForeignKey("situations.id"), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("analyst", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("saved_by", String(200), nullable=False),
    Column("saved_at", UtcDateTime, nullable=False),
    Column("note", Text, nullable=False),  # e.g. "restored from revision 2"
    Column("data_json", Text, nullable=False),  # the Assessment as JSON, with its id and revision
    # an imported revision keeps who saved it and when (saved_by, saved_at) and records the import here
    Column("imported_by", String(200)),
    Column("imported_at", UtcDateTime),
    Column("inputs_json", Text),  # derived: what the model and the watch list read of data_json (model_inputs.py)
    PrimaryKeyConstraint("assessment_id", "revision", name="pk_assessment_revisions"),
    Index("ix_assessment_revisions_situation_id", "situation_id"),
)
drafts = (
    Table(  # the edit in progress of each user, written as they work; never audited, deleted when saved or discarded
        "assessment_drafts",
        metadata,
        Column("id", String(32), primary_key=True),
        Column("owner", String(200), nullable=False),  # the identity of the user editing
        Column("situation_id", String(64), ForeignKey("situations.id"), nullable=False),
        Column("assessment_id", String(64)),  # null for an assessment never saved
        Column("base_revision", Integer),  # the revision the edit started from
        Column("data_json", Text, nullable=False),  # the Assessment as edited
        Column("updated_at", UtcDateTime, nullable=False),
        Index("ix_assessment_drafts_owner", "owner"),
    )
)
user_settings = Table(  # small things remembered per user, e.g. the name typed in single-user mode
    "user_settings",
    metadata,
    Column("identity", String(200), nullable=False),
    Column("name", String(50), nullable=False),
    Column("value", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("identity", "name", name="pk_user_settings"),
)
situation_sources = Table(  # a situation's source library: added once, picked for any rating
    "situation_sources",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("situation_id", String(64), ForeignKey("situations.id"), nullable=False),
    Column("data_json", Text, nullable=False),  # the Source as JSON (title, url, date, reliability)
    Column("title", String(500), nullable=False),  # unique within the situation: how ratings name it
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ux_situation_sources_title", "situation_id", "title", unique=True),
)
assessment_scores = Table(  # derived from the revisions: computed again whenever missing; not audited
    "assessment_scores",
    metadata,
    Column("assessment_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("model_key", String(64), nullable=False),  # overview.model_key of the model that computed them
    Column("situation_id", String(64), ForeignKey("situations.id"), nullable=False),
    Column("summary_json", Text, nullable=False),  # an overview.ScoreSummary as JSON
    PrimaryKeyConstraint("assessment_id", "revision", "model_key", name="pk_assessment_scores"),
    ForeignKeyConstraint(
        ["assessment_id", "revision"],
        ["assessment_revisions.assessment_id", "assessment_revisions.revision"],
        name="fk_assessment_scores_revision",
    ),
)
users = Table(
    "users",
    metadata,
    Column("identity", String(200), primary_key=True),  # normalised e-mail or user name from the identity provider
    Column("name", String(200), nullable=False),
    Column("role", String(10), nullable=False),  # viewer | analyst | admin
    Column("disabled", Boolean, nullable=False),
    Column("groups_json", Text, nullable=False),  # the groups the identity provider or proxy last reported
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("oidc_issuer", String(500)),
    Column("oidc_subject", String(255)),  # the OIDC account bound at first sign-in
    Index("ux_users_oidc", "oidc_issuer", "oidc_subject", unique=True),
)
situation_access = Table(  # no rows for a situation: open to every signed-in user
    "situation_access",
    metadata,
    Column("situation_id", String(64), ForeignKey("situations.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # user | group
    Column("principal", String(200), nullable=False),
    PrimaryKeyConstraint("situation_id", "kind", "principal", name="pk_situation_access"),
)
audit_events = Table(  # only ever inserted into, in the same transaction as the change it records
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),  # e.g. assessment.save, user.set_role
    Column("situation_id", String(64)),  # no foreign keys: a purged situation keeps its audit trail
    Column("assessment_id", String(64)),
    Column("revision", Integer),
    Column("target", String(200)),  # the user whose role or status changed
    Column("before_json", Text),  # the changed fields before and after, JSON; null when nothing was there
    Column("after_json", Text),
    Index("ix_audit_events_at", "at"),
    Index("ix_audit_events_situation_id", "situation_id"),
)
rating_rounds = Table(  # several analysts rating one situation for one date, independently, before a lead reconciles
    "rating_rounds",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("situation_id", String(64), ForeignKey("situations.id"), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("lead", String(200), nullable=False),  # who opened it and reconciles it
    Column("opened_at", UtcDateTime, nullable=False),
    Column("state", String(12), nullable=False),  # open | reconciled
    Column("reconciled_assessment_id", String(64)),  # the assessment the lead made of the ratings
    Column("reconciled_at", UtcDateTime),
    Index("ix_rating_rounds_situation_id", "situation_id"),
)
round_members = (
    Table(  # each analyst's independent assessment in a round: hidden from every list, blind until submitted
        "round_members",
        metadata,
        Column("round_id", String(64), ForeignKey("rating_rounds.id"), nullable=False),
        Column("analyst", String(200), nullable=False),  # the identity (team) or the typed name (single user) who rates
        Column("assessment_id", String(64), nullable=False, unique=True),  # its revisions are in assessment_revisions
        Column("joined_at", UtcDateTime, nullable=False),
        Column("submitted_at", UtcDateTime),
        PrimaryKeyConstraint("round_id", "analyst", name="pk_round_members"),
    )
)
