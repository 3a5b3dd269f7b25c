"""A throwaway PostgreSQL server for the tests, or the external one named by R2P_RISK_TEST_POSTGRES_URL.

The server is Debian's `postgresql` package (installed by `scripts/setup --system`): initdb into a
temporary folder, as the unprivileged `postgres` user when the tests run as root (initdb refuses
root), listening on 127.0.0.1 on a free port with fsync off. Each test gets a database of its own. Under
pytest-xdist every worker process starts a server of its own (a session fixture is per worker), in its own folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

EXTERNAL = "R2P_RISK_TEST_POSTGRES_URL"
MISSING = (
    "PostgreSQL is not installed, and the storage tests run against it as well as SQLite. "
    "Run `scripts/setup --system` as root (it installs Debian's `postgresql`), or point "
    f"{EXTERNAL} at a server where this user may create databases, "
    "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


class PostgresServer:
    def __init__(self, admin_url: str, data_dir: Path | None = None, run_as: list[str] | None = None):
        self.admin_url = make_url(admin_url)
        self._data_dir = data_dir
        self._run_as = run_as or []

    def create_database(self) -> str:
        name = f"r2p_test_{uuid.uuid4().hex[:12]}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")

    def stop(self) -> None:
        if self._data_dir is not None:
            _run([*self._run_as, _binary("pg_ctl"), "-D", str(self._data_dir), "-m", "immediate", "-w", "stop"])
            shutil.rmtree(self._data_dir, ignore_errors=True)

    def _admin(self, statement: str) -> None:
        with psycopg.connect(
            self.admin_url.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
        ) as conn:
            conn.execute(statement)


def start_postgres() -> PostgresServer:
    """The external server when R2P_RISK_TEST_POSTGRES_URL is set, else a new one; RuntimeError saying why not."""
    if os.environ.get(EXTERNAL):
        return PostgresServer(os.environ[EXTERNAL])
    run_as = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None or _no_user("postgres"):
            raise RuntimeError(
                "running as root, the throwaway server needs the `postgres` user and runuser. " + MISSING
            )
        run_as = ["runuser", "-u", "postgres", "--"]
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    data_dir = Path(tempfile.mkdtemp(prefix="r2p-risk-pg-"))
    if run_as:
        shutil.chown(data_dir, "postgres", "postgres")
    _run([*run_as, initdb, "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"])
    for attempt in range(
        3
    ):  # tests run in several processes at once: a port found free may be taken before it is bound
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {data_dir}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        try:
            _run(
                [
                    *run_as,
                    pg_ctl,
                    "-D",
                    str(data_dir),
                    "-l",
                    str(data_dir / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ]
            )
            break
        except RuntimeError:
            if attempt == 2 or "Address already in use" not in (data_dir / "server.log").read_text(errors="replace"):
                raise
    return PostgresServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", data_dir, run_as)


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[4]))
    path = found[-1] if found else shutil.which(name)
    if path is None:
        raise RuntimeError(MISSING)
    return path


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, cwd="/")
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _no_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return False
    except KeyError:
        return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
