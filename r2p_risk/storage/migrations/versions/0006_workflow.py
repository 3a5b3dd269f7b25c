"""Assessing without losing a word: drafts of the edit in progress, per-user settings, a source library per
situation, and imported revisions that keep who saved them (the import recorded beside).

Revision ID: 0006_workflow
Revises: 0005_oidc_binding
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_workflow"
down_revision = "0005_oidc_binding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = sa.DateTime(timezone=True)
    with op.batch_alter_table("assessment_revisions") as batch:
        batch.add_column(sa.Column("imported_by", sa.String(200)))
        batch.add_column(sa.Column("imported_at", utc))
    op.create_table(
        "assessment_drafts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("situation_id", sa.String(64), sa.ForeignKey("situations.id"), nullable=False),
        sa.Column("assessment_id", sa.String(64)),
        sa.Column("base_revision", sa.Integer),
        sa.Column("data_json", sa.Text, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
    )
    op.create_index("ix_assessment_drafts_owner", "assessment_drafts", ["owner"])
    op.create_table(
        "user_settings",
        sa.Column("identity", sa.String(200), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("identity", "name", name="pk_user_settings"),
    )
    op.create_table(
        "situation_sources",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("situation_id", sa.String(64), sa.ForeignKey("situations.id"), nullable=False),
        sa.Column("data_json", sa.Text, nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", utc, nullable=False),
    )
    op.create_index("ux_situation_sources_title", "situation_sources", ["situation_id", "title"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_situation_sources_title", table_name="situation_sources")
    op.drop_table("situation_sources")
    op.drop_table("user_settings")
    op.drop_index("ix_assessment_drafts_owner", table_name="assessment_drafts")
    op.drop_table("assessment_drafts")
    with op.batch_alter_table("assessment_revisions") as batch:
        batch.drop_column("imported_at")
        batch.drop_column("imported_by")
