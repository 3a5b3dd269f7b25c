"""The package works from a built wheel, as an operator installs it: sdist and wheel built from the
checkout, the wheel installed into a new virtual environment outside the checkout with only the
dependencies its metadata declares (at the versions and hashes of requirements.txt), then the
command line and the app run from there, reading the data files the wheel carries."""

import json
import os
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, free_port

pytestmark = pytest.mark.wheel
UV = Path(sys.executable).parent / "uv"  # from requirements-dev.txt
DATA_FILES = [
    "app.py",
    ".streamlit/config.toml",
    "frameworks/un-framework-2014.yaml",
    "frameworks/scoring-model.yaml",
    "frameworks/response-tools/catalogue.yaml",
    "frameworks/sources/2025-brussels-11th-meeting.txt",
    "frameworks/m49-regions.csv",
    "schemas/snapshot.schema.json",
    "data/examples/varesia-near-monitoring.json",
]


def uv(*args, **kwargs):
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    return subprocess.run([str(UV), *args], check=True, capture_output=True, text=True, env=env, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(work folder, virtual environment, environment variables) of a fresh install of the wheel."""
    work = tmp_path_factory.mktemp("wheel")
    uv("build", str(ROOT), "--out-dir", str(work / "dist"), "--no-build-isolation", "--python", sys.executable)
    uv("venv", str(work / "venv"), "--python", sys.executable)
    python = work / "venv" / "bin" / "python"
    wheel = next((work / "dist").glob("r2p_risk-*.whl"))
    uv("pip", "install", "--python", str(python), "--constraints", str(ROOT / "requirements.txt"), str(wheel))
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("R2P_RISK_", "STREAMLIT_", "PYTHON", "VIRTUAL_ENV", "XDG_"))
    }
    env |= {"HOME": str(work / "home"), "PATH": f"{python.parent}{os.pathsep}{env['PATH']}"}
    return work, work / "venv", env


def run(installed, *command, **env):
    work, venv, base = installed
    result = subprocess.run(
        [str(venv / "bin" / command[0]), *command[1:]],
        cwd=work,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_wheel_carries_the_data_files_the_licence_and_one_version(installed):
    work, _, _ = installed
    wheel = next((work / "dist").glob("r2p_risk-*.whl"))
    version = wheel.name.split("-")[1]
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"r2p_risk/_project/{name}" for name in DATA_FILES} <= names
    assert "r2p_risk/storage/migrations/script.py.mako" in names
    assert {f"r2p_risk-{version}.dist-info/licenses/{name}" for name in ("LICENSE", "NOTICE")} <= names
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert f'__version__ = "{version}"' in (ROOT / "r2p_risk" / "__init__.py").read_text(encoding="utf-8")


def test_only_runtime_dependencies_are_installed_and_they_fit_together(installed):
    _, venv, _ = installed
    listed = uv("pip", "list", "--python", str(venv / "bin" / "python"), "--format=json").stdout
    names = {package["name"].lower() for package in json.loads(listed)}
    assert {"r2p-risk", "streamlit", "pydantic", "sqlalchemy", "platformdirs", "authlib"} <= names
    assert not names & {"pytest", "hypothesis", "playwright", "oidc-provider-mock", "hatchling", "uv"}
    uv("pip", "check", "--python", str(venv / "bin" / "python"))


def test_installed_copy_reads_its_own_files_and_keeps_its_database_in_the_user_data_folder(installed):
    work, venv, _ = installed
    where = json.loads(
        run(
            installed,
            "python",
            "-c",
            "import json; from r2p_risk import resources as r; "
            "print(json.dumps([r.is_installed(), str(r.frameworks_dir()), r.default_database_url()]))",
        )
    )
    assert where[0] is True
    assert Path(where[1]).is_relative_to(venv) and not Path(where[1]).is_relative_to(ROOT)
    assert where[2] == f"sqlite:///{work / 'home' / '.local' / 'share' / 'r2p-risk' / 'r2p-risk.sqlite3'}"


def test_framework_template_and_score_run_from_the_install(installed):
    work, venv, _ = installed
    assert "Risk factor 14:" in run(installed, "r2p-risk", "framework")
    (work / "blank.json").write_text(
        run(installed, "r2p-risk", "template", "--name", "Fictional Arcadia"), encoding="utf-8"
    )
    assert "valid snapshot of 'Fictional Arcadia'" in run(installed, "r2p-risk", "validate", "blank.json")
    example = next(venv.rglob("r2p_risk/_project/data/examples/tamaris-north-current-crisis.json"))
    profile = json.loads(run(installed, "r2p-risk", "score", str(example)))
    assert profile == json.loads(example.read_text(encoding="utf-8"))["profile"]
    assert "every quote found in its summary" in run(installed, "r2p-risk", "catalogue")


def test_the_container_commands_of_the_deploy_guide_work_from_the_install(installed):
    work, _, _ = installed
    assert "alice@example.org: admin" in run(installed, "r2p-risk", "users", "set-role", "alice@example.org", "admin")
    run(installed, "r2p-risk", "backup", "-o", str(work / "backup.zip"))
    assert zipfile.ZipFile(work / "backup.zip").read("manifest.json")
    assert (work / "home" / ".local" / "share" / "r2p-risk" / "r2p-risk.sqlite3").is_file()


def test_the_installed_app_loads_the_examples_and_opens_one(installed, tmp_path):
    summary = json.loads(
        run(
            installed,
            "python",
            str(ROOT / "tests" / "installed_app.py"),
            R2P_RISK_DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite3'}",
        ).splitlines()[-1]
    )
    assert summary["situations"] == 3 and summary["title"] == ["Assess"]
    assert "site-packages" in summary["app"] and "site-packages" in summary["examples"]


def test_r2p_risk_app_serves_the_health_endpoint_on_loopback(installed):
    work, venv, env = installed
    port = free_port()
    log = open(work / "app.log", "w")
    server = subprocess.Popen(
        [str(venv / "bin" / "r2p-risk"), "app", f"--server.port={port}"],
        cwd=work,
        env={**env, "R2P_RISK_DATABASE_URL": f"sqlite:///{work / 'served.sqlite3'}"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (work / "app.log").read_text()
                time.sleep(0.2)
        assert health == b"ok"
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).status == 200
        logged = (work / "app.log").read_text()
        assert f"URL: http://127.0.0.1:{port}" in logged  # the shipped config.toml: loopback only
        assert "r2p_risk.ui.serve: warmed in" in logged  # started through the launcher, which warmed the server
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
