"""The locks agree with pyproject.toml and with each other: requirements.txt (runtime, what the
container installs), requirements-dev.txt (runtime plus the test and build tools, what
scripts/setup installs) and requirements-build.txt (the build backend the container's wheel is
built with) pin every package with ==, carry hashes, and share their versions."""

import re
import tomllib

import pytest
from helpers import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.static

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)")


def read_lock(name: str) -> dict[str, tuple[str, int]]:
    """package -> (version, number of hashes) of a lock written by scripts/lock."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = (match[2], 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"{name}: not a pinned requirement: {line!r}")
    return pins


RUNTIME, DEV, BUILD = (
    read_lock("requirements.txt"),
    read_lock("requirements-dev.txt"),
    read_lock("requirements-build.txt"),
)


def group(name: str) -> list[str]:
    requirements = []
    for entry in PYPROJECT["dependency-groups"][name]:
        requirements += group(entry["include-group"]) if isinstance(entry, dict) else [entry]
    return requirements


@pytest.mark.parametrize(
    "lock, requirements",
    [
        ("requirements.txt", PYPROJECT["project"]["dependencies"]),
        ("requirements-dev.txt", PYPROJECT["project"]["dependencies"] + group("dev")),
        ("requirements-build.txt", group("build")),
    ],
)
def test_every_declared_dependency_is_locked_inside_its_range(lock, requirements):
    pins = read_lock(lock)
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock} lacks {name}: run scripts/lock"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"{lock}: {name}=={pins[name][0]} is outside {requirement}"
        )


def test_every_locked_file_is_checked_against_a_hash():
    for pins in (RUNTIME, DEV, BUILD):
        assert all(hashes > 0 for _, hashes in pins.values())


def test_the_runtime_lock_runs_what_the_tests_ran_and_holds_no_test_tool():
    for pins in (RUNTIME, BUILD):
        assert {name: version for name, (version, _) in pins.items()} == {name: DEV[name][0] for name in pins}
    tools = {canonicalize_name(Requirement(text).name) for text in group("dev")}
    assert tools & RUNTIME.keys() == {"fonttools"}  # a test tool, and a dependency of matplotlib
    assert {"pytest", "playwright", "hypothesis", "oidc-provider-mock", "hatchling", "uv"} <= tools
