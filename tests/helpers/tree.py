"""What `git status` says of the checkout, so a test run can prove it left the working tree as it found it."""

import hashlib
import subprocess

import pytest

from helpers.paths import ROOT

TREE_BEFORE = pytest.StashKey[list[str]]()
OWN_DATABASE = "R2P_RISK_TESTS_OWN_DATABASE"  # the folder of the database tests/conftest.py gave this process
# ignored, and written by any run (.venv-3.12 too; the checkers' caches by tests/test_checks.py)
CACHES = (".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache")


def tree_state() -> list[str]:
    """Every changed or untracked file with a hash of its content (so a file changed before the run and again during
    it is seen too), and every ignored file but caches, such as a database under data/ (there, only whether it is
    there: a new one is seen, not one the app running beside the tests writes); [] outside a git checkout."""
    try:
        listed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--ignored", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return []
    state = []
    for entry in filter(None, listed.split("\0")):
        path = ROOT / entry[3:]
        if entry.startswith("!! "):
            if not any(part.startswith(CACHES) or part.endswith(".egg-info") for part in path.relative_to(ROOT).parts):
                state.append(entry)
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "-"
        state.append(f"{entry} ({digest})")
    return state
