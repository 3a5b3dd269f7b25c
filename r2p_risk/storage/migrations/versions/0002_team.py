"""Team deployment: users with roles, situations restricted to users or groups, the audit trail.

Revision ID: 0002_team
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_team"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = sa.DateTime(timezone=True)
    op.create_table(
        "users",
        sa.Column("identity", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("groups_json", sa.Text, nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
    )
    op.create_table(
        "situation_access",
        sa.Column("situation_id", sa.String(64), sa.ForeignKey("situations.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("principal", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("situation_id", "kind", "principal", name="pk_situation_access"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", utc, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("situation_id", sa.String(64)),
        sa.Column("assessment_id", sa.String(64)),
        sa.Column("revision", sa.Integer),
        sa.Column("target", sa.String(200)),
        sa.Column("before_json", sa.Text),
        sa.Column("after_json", sa.Text),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_situation_id", "audit_events", ["situation_id"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("situation_access")
    op.drop_table("users")
