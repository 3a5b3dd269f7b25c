"""Code rules from the security review that ruff cannot express, read from the syntax tree of every module, the app
and the benchmarks.

Nothing from users or files is ever run as code: no eval/exec/compile, no pickle and its kin, YAML only through
safe loaders, no shell. No HTML is written from text: `unsafe_allow_html` and `st.html` only with constant text.
Ruff's bandit rules (pyproject.toml, checked in tests/test_checks.py) find eval, exec, pickle.loads and its kin,
yaml.load with an unsafe loader, shell=True, os.system and SQL built from text; this test finds the rest: the
Streamlit HTML rule, imports of the unpicklers (ruff's rule for them is only a preview), numpy's allow_pickle,
yaml.full_load and yaml.unsafe_load, compile and __import__.
"""

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.static

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([ROOT / "app.py", *(ROOT / "r2p_risk").rglob("*.py"), *(ROOT / "bench").rglob("*.py")])
UNPICKLERS = {"pickle", "_pickle", "cPickle", "dill", "cloudpickle", "joblib", "shelve", "marshal", "jsonpickle"}
EVALUATORS = {"compile", "__import__"}
UNSAFE_CALLS = {"yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all", "torch.load"}
HTML_CALLS = {"streamlit.html", "streamlit.components.v1.html"}


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> what it stands for: `import streamlit as st` gives st -> streamlit."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {
                (a.asname or a.name.split(".")[0]): (a.name if a.asname else a.name.split(".")[0]) for a in node.names
            }
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {(a.asname or a.name): f"{node.module}.{a.name}" for a in node.names}
    return names


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([aliases.get(node.id, node.id), *reversed(parts)])


def _constant_text(node: ast.Call) -> bool:
    """Every argument that could carry text is a literal (an f-string or a name is not)."""
    texts = [*node.args, *(k.value for k in node.keywords if k.arg in ("body", "html"))]
    return all(isinstance(arg, ast.Constant) for arg in texts)


def _is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def rule_breaks(source: str) -> list[str]:
    """Each use of code that could run, unpickle or render user data, as 'line N: what'."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: imports {m}" for m in modules if m.split(".")[0] in UNPICKLERS]
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func, aliases)
        keywords = {k.arg: k.value for k in node.keywords}
        if name in EVALUATORS or name in UNSAFE_CALLS:
            found.append(f"line {node.lineno}: calls {name}")
        elif name in HTML_CALLS and not _constant_text(node):
            found.append(f"line {node.lineno}: {name} with text that is not a constant")
        if (
            "unsafe_allow_html" in keywords
            and not _is_false(keywords["unsafe_allow_html"])
            and not _constant_text(node)
        ):
            found.append(f"line {node.lineno}: unsafe_allow_html with text that is not a constant")
        if "allow_pickle" in keywords and not _is_false(keywords["allow_pickle"]):
            found.append(f"line {node.lineno}: allow_pickle")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_runs_unpickles_or_renders_user_data(path):
    assert rule_breaks(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import yaml\nyaml.safe_load(text)", []),
        ("import yaml\nyaml.full_load(text)", ["line 2: calls yaml.full_load"]),
        ("from yaml import unsafe_load\nunsafe_load(text)", ["line 2: calls yaml.unsafe_load"]),
        ("import pickle", ["line 1: imports pickle"]),
        ("from dill import loads", ["line 1: imports dill"]),
        ("import numpy as np\nnp.load(path, allow_pickle=True)", ["line 2: allow_pickle"]),
        ("import numpy as np\nnp.load(path, allow_pickle=False)", []),
        ("compile(text, 'x', 'exec')", ["line 1: calls compile"]),
        ("__import__(name)", ["line 1: calls __import__"]),
        (
            "import streamlit as st\nst.markdown(name, unsafe_allow_html=True)",
            ["line 2: unsafe_allow_html with text that is not a constant"],
        ),
        (
            "import streamlit as st\nst.markdown(f'<b>{name}</b>', unsafe_allow_html=True)",
            ["line 2: unsafe_allow_html with text that is not a constant"],
        ),
        ("import streamlit as st\nst.markdown('<br>', unsafe_allow_html=True)", []),
        ("import streamlit as st\nst.markdown(name, unsafe_allow_html=False)", []),
        ("import streamlit as st\nst.html(page)", ["line 2: streamlit.html with text that is not a constant"]),
        (
            "import streamlit.components.v1 as components\ncomponents.html(page)",
            ["line 2: streamlit.components.v1.html with text that is not a constant"],
        ),
        ("from streamlit import html as h\nh(page)", ["line 2: streamlit.html with text that is not a constant"]),
        ("import streamlit as st\nst.html('<hr>')", []),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_the_rules_catch_what_they_are_meant_to(source, expected):
    assert rule_breaks(source) == expected


def test_the_server_settings_keep_data_on_this_machine_and_write_nothing_by_accident():
    """.streamlit/config.toml: loopback only, no usage statistics, no tracebacks for users, and no "magic":
    a bare expression in a page script (a name, an assessment) is never written to the screen."""
    import tomllib

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["address"] == "127.0.0.1" and settings["browser"]["gatherUsageStats"] is False
    assert settings["client"]["showErrorDetails"] == "type" and settings["runner"]["magicEnabled"] is False
