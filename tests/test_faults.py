"""Faults underneath: an unwritable database file, a full disk, PostgreSQL going down.

Each time the user is told in plain words (a StorageError naming the operation, the reason and the database),
nothing already saved is harmed (every table read back and compared), and the database works again once the
fault is gone. In the app, a failed Save shows the message and keeps the edit in the session and on screen,
with "Download this edit as a snapshot" still there.

The full disk is a real 4 MB tmpfs, filled up: mounting it needs root, as scripts/test runs in CI (like the
PostgreSQL tests, these fail with a message rather than skip without it). The storage test also runs with
SQLite's `PRAGMA max_page_count`, which fails the same way (SQLITE_FULL) without root.
"""

import contextlib
import datetime as dt
import os
import socket
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
import streamlit as st
from helpers import edit_ratings, table_row
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest
from test_app import new_session, open_page, sign

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import StorageError
from r2p_risk.rating_table import LEVEL_CELLS
from r2p_risk.storage.database import Database, open_database
from r2p_risk.storage.tables import assessment_scores, drafts, metadata, user_settings
from r2p_risk.ui import state

EVIDENCE = "Checkpoints closed on the eastern road; two independent witnesses."


def contents(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in key order; not the score summaries, which any screen may add (derived data), nor the
    user's draft and remembered name, which the app writes as they edit, before the fault."""
    with database.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in metadata.sorted_tables
            if t not in (assessment_scores, drafts, user_settings)
        }


def populate(url: str) -> tuple[Situation, Assessment, dict]:
    """A situation with two revisions of an assessment; returns them and every row stored."""
    database = open_database(url)
    situation = database.create_situation(Situation(name="Eastern Region (fictional)"), "ana")
    first = database.save_assessment(
        situation.id,
        Assessment(assessed_on=dt.date(2026, 1, 15), analyst="Ana", ratings=[{"indicator": "1.1", "level": 1}]),
        "ana",
        None,
    )
    second = database.save_assessment(situation.id, first.model_copy(update={"key_judgements": "second"}), "ana", 1)
    rows = contents(database)
    database.close()
    return situation, second, rows


def bigger(assessment: Assessment) -> Assessment:
    """An edit large enough to need new pages on disk (about 200 KB)."""
    return Assessment.model_validate(
        {
            **assessment.model_dump(),
            "key_judgements": "x" * 20_000,
            "ratings": [{"indicator": f"{n}.1", "level": 2, "evidence": "y" * 15_000} for n in range(1, 11)],
        }
    )


def assert_refused(call, reason: str) -> StorageError:
    with pytest.raises(StorageError) as caught:
        call()
    problem = caught.value.problems[0]
    assert problem.code == "database_unavailable" and reason in problem.message, problem.message
    assert "Traceback" not in str(caught.value)
    return caught.value


def assert_unharmed(url: str, rows: dict) -> None:
    """Every row as it was, the SQLite file sound, and the database taking saves again."""
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(make_url(url).database.removeprefix("file:").split("?")[0])) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    database = open_database(url)
    try:
        assert contents(database) == rows
        situation_id, assessment_id = rows["situations"][0][0], rows["assessment_revisions"][-1][0]
        latest = database.load_assessment(assessment_id)
        assert (
            database.save_assessment(situation_id, bigger(latest), "ana", latest.revision).revision
            == latest.revision + 1
        )
    finally:
        database.close()


# --- the database file cannot be written -------------------------------------------------------------------
@contextlib.contextmanager
def unwritable(path: Path):
    """The file read-only for everyone: mode 0444, and immutable when root (whom file modes do not stop)."""
    path.chmod(0o444)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True, capture_output=True)
        path.chmod(0o644)


@pytest.mark.parametrize("how", ["file_mode", "read_only_url"])
def test_an_unwritable_database_refuses_every_change_in_words_and_keeps_what_was_saved(tmp_path, how):
    path = tmp_path / "risk.db"
    situation, latest, rows = populate(f"sqlite:///{path}")
    url = f"sqlite:///file:{path}?mode=ro&uri=true" if how == "read_only_url" else f"sqlite:///{path}"
    with unwritable(path) if how == "file_mode" else contextlib.nullcontext():
        database = open_database(url)
        try:
            assert database.load_assessment(latest.id) == latest and contents(database) == rows  # reading still works
            error = assert_refused(
                lambda: database.save_assessment(situation.id, bigger(latest), "ana", latest.revision),
                "could not save the assessment: the database is read-only",
            )
            assert str(path) not in error.problems[0].message  # where the database is: for the operator's log only
            assert_refused(lambda: database.create_situation(Situation(name="New"), "ana"), "the database is read-only")
            assert_refused(lambda: database.delete_situation(situation.id, "ana"), "the database is read-only")
        finally:
            database.close()
    assert_unharmed(f"sqlite:///{path}", rows)


# --- the disk is full ---------------------------------------------------------------------------------------
class TinyDisk:
    """A 4 MB tmpfs mounted for one test; `fill()` takes every free byte, `free()` gives them back."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.filler = folder / "filler"
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(folder)], capture_output=True, text=True
        )
        if mounted.returncode != 0:
            pytest.fail(
                "a full disk is a tiny tmpfs, and mounting one needs root (scripts/test runs as root): "
                f"{mounted.stderr}",
                pytrace=False,
            )

    def fill(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:  # ENOSPC: the disk is full
            pass
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink()

    def unmount(self) -> None:
        subprocess.run(["umount", "--lazy", str(self.folder)], check=True, capture_output=True)


class PageLimit:
    """SQLite told it may not grow the file: the same SQLITE_FULL a full disk gives, without root."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.engines = []

    def limit(self, database: Database) -> None:
        """Called on the Database under test: every connection it opens from now on may not add a page."""

        def cap(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        database.engine.dispose()
        event.listen(database.engine, "connect", cap)
        self.engines.append((database.engine, cap))

    def fill(self) -> None:
        pass

    def free(self) -> None:
        for engine, cap in self.engines:
            event.remove(engine, "connect", cap)
            engine.dispose()

    def unmount(self) -> None:
        pass


def disk_of(kind: str, folder: Path) -> TinyDisk | PageLimit:
    folder.mkdir()
    return TinyDisk(folder) if kind == "tmpfs" else PageLimit(folder)


@pytest.fixture(params=["tmpfs", "page_limit"])
def disk(request, tmp_path):
    made = disk_of(request.param, tmp_path / "disk")
    yield made
    made.unmount()


def test_a_full_disk_refuses_saves_in_words_and_keeps_what_was_saved(disk):
    url = f"sqlite:///{disk.folder}/risk.db"
    situation, latest, rows = populate(url)
    database = open_database(url)
    try:
        database.load_assessment(latest.id)  # the WAL and its index exist before the disk fills
        if isinstance(disk, PageLimit):
            disk.limit(database)
        disk.fill()
        assert contents(database) == rows  # reading still works
        assert_refused(
            lambda: database.save_assessment(situation.id, bigger(latest), "ana", latest.revision),
            "could not save the assessment: the disk is full",
        )
        assert contents(database) == rows
        disk.free()
    finally:
        database.close()
    assert_unharmed(url, rows)


# --- the PostgreSQL server goes down ------------------------------------------------------------------------
class Relay:
    """A TCP relay in front of the test server: `down()` is the server going away (every connection cut, new
    ones refused), `up()` it coming back at the same address."""

    def __init__(self, url: str):
        parsed = make_url(url)
        self.target = (parsed.host, parsed.port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = parsed.set(port=port).render_as_string(hide_password=False)
        self.port = port
        self.links: list[socket.socket] = []
        self.up()

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        for sock in [self.listener, *self.links]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.links.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # down()
                return
            server = socket.create_connection(self.target)
            self.links += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def relay(postgres_url):
    made = Relay(postgres_url)
    yield made
    made.down()


@pytest.mark.postgres
def test_postgresql_going_down_is_a_plain_message_and_nothing_saved_is_harmed(relay, postgres_url):
    situation, latest, rows = populate(relay.url)
    database = open_database(relay.url)
    try:
        assert database.load_assessment(latest.id) == latest
        relay.down()
        assert_refused(
            lambda: database.save_assessment(situation.id, bigger(latest), "ana", latest.revision),
            "could not save the assessment: the database server could not be reached",
        )
        assert_refused(
            lambda: database.load_assessment(latest.id), "could not load the assessment: the database server"
        )
        relay.up()
        assert database.load_assessment(latest.id) == latest  # the same Database reconnects by itself
    finally:
        database.close()
    assert_unharmed(postgres_url, rows)


# --- in the app: a failed Save keeps the edit on screen and downloadable ---------------------------------------
@pytest.fixture
def app_database(monkeypatch):
    """Point the app at `url`, with Streamlit's caches empty before and after."""

    def use(url: str) -> None:
        monkeypatch.setenv("R2P_RISK_DATABASE_URL", url)
        st.cache_data.clear()
        st.cache_resource.clear()

    yield use
    st.cache_resource.clear()


def edit_then_save(assessment_id: str, fault) -> AppTest:
    """Open the saved assessment, rate 1.1 at 3 with evidence, let `fault` happen, press Save."""
    at = open_page(sign(new_session({"assessment": assessment_id})), "assess")
    edit_ratings(at, "1.1", level=3, evidence=EVIDENCE)
    fault()
    at.button(key=state.SAVE_ASSESSMENT).click().run()
    return at


def assert_edit_kept(at: AppTest, reason: str) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert any(reason in e.value for e in at.error), [e.value for e in at.error]
    assert any("Your edit is still here" in i.value for i in at.info)
    draft = at.session_state[state.DRAFT].assessment.rating_for("1.1")
    assert (draft.level, draft.evidence) == (3, EVIDENCE)
    assert table_row(at, "1.1")["level"] == LEVEL_CELLS[3]
    assert table_row(at, "1.1")["evidence"] == EVIDENCE
    assert [b.key for b in at.get("download_button")] == [state.DOWNLOAD_DRAFT]


def test_in_the_app_a_save_to_a_read_only_database_shows_why_and_keeps_the_edit(tmp_path, app_database):
    path = tmp_path / "app.db"
    _, latest, rows = populate(f"sqlite:///{path}")
    app_database(f"sqlite:///file:{path}?mode=ro&uri=true")
    at = edit_then_save(latest.id, lambda: None)
    assert_edit_kept(at, "could not save the assessment: the database is read-only")
    assert_unharmed(f"sqlite:///{path}", rows)


def test_in_the_app_a_save_to_a_full_disk_shows_why_and_keeps_the_edit(tmp_path, app_database):
    disk = disk_of("tmpfs", tmp_path / "disk")
    try:
        url = f"sqlite:///{disk.folder}/app.db"
        _, latest, rows = populate(url)
        app_database(url)
        at = edit_then_save(latest.id, disk.fill)
        assert_edit_kept(at, "could not save the assessment: the disk is full")
        disk.free()
        assert_unharmed(url, rows)
    finally:
        st.cache_resource.clear()  # the app's Database holds the file open
        disk.unmount()


@pytest.mark.postgres
def test_in_the_app_a_save_while_postgresql_is_down_shows_why_and_keeps_the_edit(relay, postgres_url, app_database):
    _, latest, rows = populate(relay.url)
    app_database(relay.url)
    at = edit_then_save(latest.id, relay.down)
    assert_edit_kept(at, "the database server could not be reached")  # the save's access check is what fails first
    relay.up()
    st.cache_resource.clear()
    assert_unharmed(postgres_url, rows)
