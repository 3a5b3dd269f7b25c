"""The tests' own rules, read from the syntax tree of every test file: browser tests wait for conditions, never for a
fixed time, and find things by role, label or test id, never by pixel; tests import what they share from
tests/helpers, never from conftest, which holds fixtures and hooks only; Streamlit widgets are found by the keys
r2p_risk/ui/state.py defines, never by a key spelled out again in a test."""

import ast

import pytest
from helpers import ROOT
from helpers.schedule import LONGEST_FIRST

pytestmark = pytest.mark.static

TESTS = ROOT / "tests"
TEST_FILES = sorted(p for p in TESTS.rglob("*.py") if "fixtures" not in p.parts)
FIXED_WAITS = {"wait_for_timeout", "sleep"}  # page.wait_for_timeout(…), time.sleep(…) in a browser test
PIXEL_CALLS = {"mouse"}  # page.mouse.click(x, y), .move, .down …: positions, not elements
SLEEPS_ALLOWED = {  # a poll of a server until it answers, or a random moment that is itself the test
    "helpers/servers.py",
    "test_crash.py",
    "test_deployment.py",
    "test_wheel.py",
}


def breaks(source: str, name: str) -> list[str]:
    """Each break of the rules in the test file `name` (relative to tests/), as 'line N: what'."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "conftest"
            or (isinstance(node, ast.Import) and any(a.name == "conftest" for a in node.names))
        ):
            found.append(f"line {node.lineno}: imports from conftest (shared code lives in tests/helpers)")
        if isinstance(node, ast.Attribute) and node.attr == "wait_for_timeout":
            found.append(f"line {node.lineno}: wait_for_timeout (wait for a condition: a locator, expect, wait_idle)")
        if isinstance(node, ast.Attribute) and node.attr == "sleep" and name not in SLEEPS_ALLOWED:
            found.append(f"line {node.lineno}: sleep (wait for a condition instead)")
        if isinstance(node, ast.Attribute) and node.attr in PIXEL_CALLS:
            found.append(f"line {node.lineno}: page.{node.attr} (act on a locator, not on coordinates)")
        if isinstance(node, ast.Call) and _widget_lookup(node):
            key = next(k.value for k in node.keywords if k.arg == "key")
            if isinstance(key, ast.Constant | ast.JoinedStr):
                found.append(f"line {node.lineno}: widget key spelled out (use a constant or key function of state)")
    return found


def _widget_lookup(node: ast.Call) -> bool:
    """`at.button(key=…)`, `at.sidebar.text_input(key=…)`: an AppTest element found by its key."""
    return (
        isinstance(node.func, ast.Attribute)
        and any(k.arg == "key" for k in node.keywords)
        and not any(isinstance(k.value, ast.Lambda) for k in node.keywords if k.arg == "key")
    )


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.relative_to(TESTS).as_posix())
def test_tests_wait_for_conditions_share_helpers_and_use_the_states_keys(path):
    assert breaks(path.read_text(encoding="utf-8"), path.relative_to(TESTS).as_posix()) == []


def test_conftest_holds_fixtures_and_hooks_only():
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            fixture = any("fixture" in ast.unparse(d) for d in node.decorator_list)
            assert fixture or node.name.startswith("pytest_"), (
                f"conftest.py: {node.name} is neither a fixture nor a hook"
            )
        else:
            assert isinstance(node, ast.Import | ast.ImportFrom | ast.Expr), (
                f"conftest.py line {node.lineno}: not a fixture"
            )


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from conftest import ROOT", ["imports from conftest"]),
        ("page.wait_for_timeout(300)", ["wait_for_timeout"]),
        ("page.mouse.click(10, 20)", ["page.mouse"]),
        ("time.sleep(1)", ["sleep"]),
        ('at.button(key="save").click()', ["widget key spelled out"]),
        ('at.button(key=f"restore:{x}").click()', ["widget key spelled out"]),
        ("at.button(key=state.SAVE).click()\nmax(xs, key=lambda x: x)\nexpect(page).to_have_title('x')", []),
    ],
)
def test_the_rules_catch_what_they_name(source, expected):
    found = breaks(source, "test_example.py")
    assert len(found) == len(expected) and all(e in f for e, f in zip(expected, found, strict=True)), found


def test_every_module_the_start_order_names_exists():
    """tests/helpers/schedule.py names the longest modules, to start them first: a renamed one would silently start
    last again."""
    assert [name for name in LONGEST_FIRST if not (TESTS / name).is_file()] == []
