"""The code passes its checkers, as configured in pyproject.toml: ruff's linter (pyflakes, pycodestyle with
lines of at most 120 characters, import order, the bandit security rules, bugbear, pyupgrade, simplify),
ruff's formatter, and mypy over r2p_risk/ and app.py. Each runs from the .venv, as a developer runs it."""

import subprocess
import sys
import textwrap
import tomllib

import pytest
from helpers import ROOT

from r2p_risk.ui.serve import script_imports

pytestmark = pytest.mark.static


def run(*command: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_to_fix():
    result = run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_laid_out_as_ruff_format_lays_it_out():
    result = run("ruff", "format", "--no-cache", "--check", ".")
    assert result.returncode == 0, "run scripts/format:\n" + result.stdout + result.stderr


def test_mypy_finds_no_type_error():
    result = run("mypy")  # the files and settings: [tool.mypy] in pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_mypy_skips_only_libraries_our_code_never_imports():
    """The libraries mypy does not follow into (follow_imports = "skip", pyproject.toml) are typed Any: none of the
    files it checks may import one, or calls into it would go unchecked without a word."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    skipped = [
        pattern.removesuffix(".*")
        for override in settings["overrides"]
        if override.get("follow_imports") == "skip"
        for pattern in override["module"]
    ]
    assert "sqlalchemy.dialects.oracle" in skipped and "starlette" in skipped  # the settings were found
    checked = [path for entry in settings["files"] for path in sorted((ROOT / entry).glob("**/*.py")) or [ROOT / entry]]
    assert len(checked) > 100
    offending = {
        (str(path.relative_to(ROOT)), name)
        for path in checked
        for name in script_imports(path)  # `from a.b import c` gives a.b and a.b.c
        if any(name == prefix or name.startswith(prefix + ".") for prefix in skipped)
    }
    assert offending == set()


# The security review's rules that ruff's bandit rules (S) check: each case must be found with our settings.
FORBIDDEN = {
    "yaml_load_without_loader": ("import yaml\nyaml.load(text)\n", "S506"),
    "yaml_load_with_full_loader": ("import yaml\nyaml.load(text, Loader=yaml.FullLoader)\n", "S506"),
    "pickle_loads": ("import pickle\npickle.loads(data)\n", "S301"),
    "dill_loads": ("import dill\ndill.loads(data)\n", "S301"),
    "pandas_read_pickle": ("import pandas as pd\npd.read_pickle(path)\n", "S301"),
    "shelve_open": ("import shelve\nshelve.open(path)\n", "S301"),
    "marshal_loads": ("import marshal\nmarshal.loads(data)\n", "S302"),
    "eval": ("eval(text)\n", "S307"),
    "exec": ("exec(code, {})\n", "S102"),
    "shell_true": ("import subprocess\nsubprocess.run(command, shell=True)\n", "S602"),
    "os_system": ("import os\nos.system(command)\n", "S605"),
    "os_popen": ("import os\nos.popen(command)\n", "S605"),
    "subprocess_getoutput": ("import subprocess\nsubprocess.getoutput(command)\n", "S605"),
    "sql_from_text": ("def count(conn, name):\n    return conn.execute(f'SELECT count(*) FROM {name}')\n", "S608"),
    "breakpoint": ("breakpoint()\n", "T100"),
}


def test_ruff_finds_what_the_security_review_forbids(tmp_path):
    """One run over one file per case, with the project's settings (pyproject.toml) as for r2p_risk/."""
    folder = tmp_path / "r2p_risk"
    folder.mkdir()
    for name, (source, _) in FORBIDDEN.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    result = run(
        "ruff",
        "check",
        "--no-cache",
        f"--config={ROOT / 'pyproject.toml'}",
        "--output-format",
        "concise",
        ".",
        cwd=tmp_path,
    )
    found = set()
    for line in result.stdout.splitlines():  # r2p_risk/eval.py:1:1: S307 Use of possibly insecure function ...
        if line.startswith("r2p_risk/"):
            path, _, _, message = line.split(":", 3)
            found.add((path.removeprefix("r2p_risk/").removesuffix(".py"), message.split()[0]))
    assert {(name, code) for name, (_, code) in FORBIDDEN.items()} <= found, result.stdout + result.stderr
