"""Connecting to SQLite or PostgreSQL, and database failures in words people can act on.

What people see of a failure is what went wrong in plain words, never where the database is or how it
is reached: the driver's message, the database's host, user, name or file go to the operator's log only,
with every credential of the URL masked (`masked_url`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from functools import partial
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine

from r2p_risk.errors import Problem, StorageError

log = logging.getLogger(__name__)
SECRET_PARAMETERS = ("pass", "secret", "token", "key", "pwd")  # query parameters whose values are credentials
_REASONS = (  # (words in the driver's message, what to tell people)
    ("readonly", "the database is read-only"),
    ("locked", "the database is busy with another save; try again"),
    ("disk is full", "the disk is full"),
    ("unable to open", "the database file could not be opened (check the folder and its permissions)"),
    ("disk i/o", "the disk could not be read or written"),
    ("connect", "the database server could not be reached"),
)


def engine_for(url: URL) -> Engine:
    """An engine for `url`; SQLite in WAL mode, taking the write lock at BEGIN only for writes."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:" and not url.query.get("uri"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
    for pragma in ("busy_timeout=30000", "synchronous=NORMAL", "foreign_keys=ON"):
        dbapi_connection.execute(f"PRAGMA {pragma}")
    _enter_wal(dbapi_connection)


def _enter_wal(dbapi_connection, attempts: int = 300) -> None:
    """Switch a new file to WAL; while another process is creating it, SQLite refuses without waiting."""
    for attempt in range(attempts):
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def masked_url(url: URL) -> tuple[str, list[str]]:
    """The URL as it may be logged (password and secret query parameters as ***), and the secrets it held."""
    secrets = [url.password] if url.password else []
    query: dict[str, str | tuple[str, ...]] = {}
    for key, value in url.query.items():
        if any(word in key.lower() for word in SECRET_PARAMETERS):
            values = value if isinstance(value, tuple) else (value,)
            secrets += [v for v in values if v]
            query[key] = "***"
        else:
            query[key] = value
    return url.set(query=query).render_as_string(hide_password=True).replace("%2A%2A%2A", "***"), secrets


def failure(operation: str, error: BaseException, database: str, secrets: list[str]) -> Problem:
    """What people see: the operation and the reason in plain words. The operator's log also gets the driver's
    message and which database it was, with every secret masked."""
    detail = (str(getattr(error, "orig", None) or error).strip() or type(error).__name__).splitlines()[0]
    for secret in secrets:
        detail = detail.replace(secret, "***")
    reason = next((words for key, words in _REASONS if key in detail.lower().replace("read-only", "readonly")), None)
    log.warning("could not %s: %s (%s); database %s", operation, reason or "error", detail, database)
    shown = reason or "the database reported an error (the details are in the server's log)"
    return Problem("database_unavailable", "database", f"could not {operation}: {shown}")


def storage_error(code: str, where: str, message: str) -> StorageError:
    return StorageError([Problem(code, where, message)], message)


not_found = partial(storage_error, "not_found")
