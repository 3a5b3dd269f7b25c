"""The first schema: situations (soft delete) and one row per saved assessment revision.

Databases made before migrations existed hold exactly this and are stamped at this revision.

Revision ID: 0001_initial
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = sa.DateTime(timezone=True)
    op.create_table(
        "situations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(3)),
        sa.Column("area", sa.String(200)),
        sa.Column("tags_json", sa.Text, nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("deleted_at", utc),
        sa.Column("deleted_by", sa.String(200)),
    )
    op.create_table(
        "assessment_revisions",
        sa.Column("assessment_id", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("situation_id", sa.String(64), sa.ForeignKey("situations.id"), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("analyst", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("saved_at", utc, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("data_json", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "revision", name="pk_assessment_revisions"),
    )
    op.create_index("ix_assessment_revisions_situation_id", "assessment_revisions", ["situation_id"])


def downgrade() -> None:
    op.drop_table("assessment_revisions")
    op.drop_table("situations")
