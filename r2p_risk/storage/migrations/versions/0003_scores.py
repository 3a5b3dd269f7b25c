"""Score summaries of saved revisions, so the watch list and Compare need not score every assessment.

The table starts empty; summaries are computed and stored the first time a screen needs them.

Revision ID: 0003_scores
Revises: 0002_team
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_scores"
down_revision = "0002_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_scores",
        sa.Column("assessment_id", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("model_key", sa.String(64), nullable=False),
        sa.Column("situation_id", sa.String(64), sa.ForeignKey("situations.id"), nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "revision", "model_key", name="pk_assessment_scores"),
        sa.ForeignKeyConstraint(
            ["assessment_id", "revision"],
            ["assessment_revisions.assessment_id", "assessment_revisions.revision"],
            name="fk_assessment_scores_revision",
        ),
    )


def downgrade() -> None:
    op.drop_table("assessment_scores")
