"""Users signing in with OpenID Connect are bound to their provider account (issuer and subject) at first sign-in.

Existing users stay unbound: the first sign-in with a verified e-mail equal to their identity binds them.

Revision ID: 0005_oidc_binding
Revises: 0003_scores (after merging: the lead's 0004)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_oidc_binding"
down_revision = "0003_scores"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("oidc_issuer", sa.String(500)))
        batch.add_column(sa.Column("oidc_subject", sa.String(255)))
    op.create_index("ux_users_oidc", "users", ["oidc_issuer", "oidc_subject"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_users_oidc", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("oidc_subject")
        batch.drop_column("oidc_issuer")
