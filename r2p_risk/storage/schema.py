"""The schema's revision, and bringing it to the newest one with Alembic on every start.

The migrations live in `migrations/versions/`; no alembic.ini is needed: the configuration is
built here. Upgrading runs inside the caller's write transaction, so it is all or nothing and
several processes starting at once upgrade once: SQLite's write lock (BEGIN IMMEDIATE) or a
PostgreSQL advisory lock makes the others wait, then they find the schema current.
A database made before migrations existed (tables, no `alembic_version`) is stamped at the
first revision, which is exactly what it holds, and upgraded from there.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from r2p_risk.errors import Problem, StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
INITIAL = "0001_initial"
ADVISORY_LOCK = 7_232_011_401  # any constant: the key of the PostgreSQL lock held while upgrading
_ALEMBIC = threading.Lock()  # Alembic's `context` and `op` are process-wide: one migration at a time per process


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration without a file: our migrations, on `connection` (or `url`, for developers)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def head_revision() -> str:
    head = _scripts().get_current_head()
    if head is None:
        raise StorageError(
            [Problem("no_schema", "migrations", "this installation has no database schema revisions")],
            "could not open the database",
        )
    return head


@cache
def known_revisions() -> tuple[str, ...]:
    """Every revision, oldest first."""
    return tuple(script.revision for script in reversed(list(_scripts().walk_revisions())))


def schema_revision(conn: Connection) -> str | None:
    """The revision the database is at; None when it has no `alembic_version` (empty, or made before migrations)."""
    revision = MigrationContext.configure(conn).get_current_revision()
    if revision is not None and revision not in known_revisions():
        raise StorageError(
            [
                Problem(
                    "schema_too_new",
                    "database",
                    f"the database is at schema revision {revision}, which "
                    "this version of r2p-risk does not know; it was written by a newer version: upgrade r2p-risk",
                )
            ],
            "the database was made by a newer r2p-risk",
        )
    return revision


def is_current(conn: Connection) -> bool:
    return schema_revision(conn) == head_revision()


def upgrade_schema(conn: Connection, to: str = "head") -> None:
    """Migrate to `to` inside the caller's write transaction, taking the PostgreSQL lock first."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
    current = schema_revision(conn)
    if current == (head_revision() if to == "head" else to):
        return  # another process did it while we waited for the lock
    config = alembic_config(conn)
    with _ALEMBIC:
        if current is None and inspect(conn).has_table("situations"):
            command.stamp(config, INITIAL)
        command.upgrade(config, to)
