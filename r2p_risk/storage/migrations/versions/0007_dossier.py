"""Issue 18: the review cadence of each situation, and rounds of independent ratings by several analysts.

The dossier and the review record live in each revision's JSON (`Assessment.dossier`, `.review`),
so they need no table. A round lists its analysts and their independent assessments, whose
revisions are ordinary rows of assessment_revisions, kept out of every list until reconciled.

Revision ID: 0007_dossier
Revises: 0006_workflow
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_dossier"
down_revision = "0006_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = sa.DateTime(timezone=True)
    with op.batch_alter_table("situations") as batch:
        batch.add_column(sa.Column("review_every_months", sa.Integer, nullable=False, server_default="4"))
    op.create_table(
        "rating_rounds",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("situation_id", sa.String(64), sa.ForeignKey("situations.id"), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("lead", sa.String(200), nullable=False),
        sa.Column("opened_at", utc, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("reconciled_assessment_id", sa.String(64)),
        sa.Column("reconciled_at", utc),
    )
    op.create_index("ix_rating_rounds_situation_id", "rating_rounds", ["situation_id"])
    op.create_table(
        "round_members",
        sa.Column("round_id", sa.String(64), sa.ForeignKey("rating_rounds.id"), nullable=False),
        sa.Column("analyst", sa.String(200), nullable=False),
        sa.Column("assessment_id", sa.String(64), nullable=False, unique=True),
        sa.Column("joined_at", utc, nullable=False),
        sa.Column("submitted_at", utc),
        sa.PrimaryKeyConstraint("round_id", "analyst", name="pk_round_members"),
    )


def downgrade() -> None:
    op.drop_table("round_members")
    op.drop_index("ix_rating_rounds_situation_id", table_name="rating_rounds")
    op.drop_table("rating_rounds")
    with op.batch_alter_table("situations") as batch:
        batch.drop_column("review_every_months")
