"""Issue 13: the model inputs of each revision beside its JSON, so that scoring it never reads its evidence.

`assessment_revisions.inputs_json` holds what the scoring model and the watch list read of the
revision (`r2p_risk.model_inputs`). It is derived from `data_json`: filled here for every revision
saved before, a few hundred at a time. A revision whose JSON cannot be read that way is left without
inputs; the app then reads its JSON and reports what is wrong with it, as before.

Revision ID: 0008_model_inputs
Revises: 0007_dossier
"""

import sqlalchemy as sa
from alembic import op

from r2p_risk.model_inputs import model_inputs_json

revision = "0008_model_inputs"
down_revision = "0007_dossier"
branch_labels = None
depends_on = None
BATCH = 500

revisions = sa.table(
    "assessment_revisions",
    sa.column("assessment_id", sa.String),
    sa.column("revision", sa.Integer),
    sa.column("data_json", sa.Text),
    sa.column("inputs_json", sa.Text),
)


def upgrade() -> None:
    op.add_column("assessment_revisions", sa.Column("inputs_json", sa.Text))
    conn, r = op.get_bind(), revisions.c
    update = (
        sa.update(revisions)
        .where(r.assessment_id == sa.bindparam("id"), r.revision == sa.bindparam("number"))
        .values(inputs_json=sa.bindparam("inputs"))
    )
    after: tuple[str, int] | None = None
    while True:  # by primary key, a batch at a time: never every revision's JSON at once
        query = _select_batch(after)
        rows = conn.execute(query).all()
        if not rows:
            return
        filled = [{"id": a, "number": n, "inputs": inputs} for a, n, data in rows if (inputs := _inputs(data))]
        if filled:
            conn.execute(update, filled)
        after = (rows[-1].assessment_id, rows[-1].revision)


def _select_batch(after: tuple[str, int] | None):
    r = revisions.c
    query = sa.select(r.assessment_id, r.revision, r.data_json).order_by(r.assessment_id, r.revision).limit(BATCH)
    return query if after is None else query.where(sa.tuple_(r.assessment_id, r.revision) > after)


def _inputs(data_json: str) -> str | None:
    try:
        return model_inputs_json(data_json)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def downgrade() -> None:
    # SQLite drops the column in place (3.35 and later); a batch would copy the table, which the foreign keys of
    # stored score summaries forbid
    op.drop_column("assessment_revisions", "inputs_json")
