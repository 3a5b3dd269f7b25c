"""The throwaway PostgreSQL server of the tests says what to install when PostgreSQL is missing."""

import postgres_server
import pytest


def test_missing_postgresql_fails_with_the_command_that_installs_it(monkeypatch):
    monkeypatch.delenv(postgres_server.EXTERNAL, raising=False)
    monkeypatch.setattr(postgres_server.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(postgres_server.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError) as caught:
        postgres_server.start_postgres()
    assert "scripts/setup --system" in str(caught.value) and "R2P_RISK_TEST_POSTGRES_URL" in str(caught.value)


def test_an_external_server_is_used_when_named(monkeypatch):
    monkeypatch.setenv(postgres_server.EXTERNAL, "postgresql+psycopg://me:pw@db-host:5433/postgres")
    server = postgres_server.start_postgres()
    assert server.admin_url.host == "db-host" and server.admin_url.port == 5433
    server.stop()  # an external server is left running
