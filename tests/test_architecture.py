"""Layer rules from HOUSE_STYLE.md, read from the imports of every module found by walking r2p_risk/.

Every module belongs to one declared layer (a new module fails here until it is placed), and imports only
from its own layer and the layers it may use. Only r2p_risk/ui/ and app.py import streamlit; only storage
talks to the database; the model does no I/O and imports neither storage, exporters nor ui.
"""

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.static

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "r2p_risk"

# Layer -> its modules (dotted, under r2p_risk; "storage" means the package and everything in it).
LAYERS = {
    "base": {"__init__", "errors", "models", "sizes", "settings", "logs", "resources"},
    "model": {
        "framework",
        "parameters",
        "assessment",
        "profile",
        "scoring",
        "status",
        "compare",
        "snapshot",
        "upgrades",
        "tools",
        "tool_vocabulary",
        "recommend",
        "report",
        "batch",
        "access",
        "editing",
        "watchlist",
        "rating_arrays",
        "model_inputs",
        "risk_model",
        "explain",
        "reasons",
        "assess_next",
        "overview",
        "briefing_dossier",
        "dossier",
        "dossier_vocabulary",
        "dossier_editing",
        "review",
        "review_rules",
        "rounds",
        "consensus",
        "reconcile",
        "schedule",
        "annex",
        "brief",
        "judgement",
        "rating_table",
        "regions",
        "signs",
        "wording",
        "charts",
        "signin",
        "vocabulary",
        "merge",
    },
    "exporters": {"exporters"},
    "storage": {"storage"},
    "application": {"exports", "cli", "cli_dossier", "__main__"},
    "ui": {"ui"},
}
# Layer -> the layers it may import from (besides itself).
USES = {
    "base": set(),
    "model": {"base"},
    "exporters": {"base", "model"},
    "storage": {"base", "model", "exporters"},
    "application": {"base", "model", "exporters", "storage"},
    "ui": {"base", "model", "exporters", "storage", "application"},
}
IO_MODULES = {
    "os",
    "pathlib",
    "sqlite3",
    "sqlalchemy",
    "shutil",
    "subprocess",
    "socket",
    "requests",
    "urllib.request",
    "httpx",
    "psycopg",
    "alembic",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def layer_of(module: str) -> str | None:
    found = [
        layer for layer, members in LAYERS.items() if any(module == m or module.startswith(m + ".") for m in members)
    ]
    return found[0] if len(found) == 1 else None


def imports_of(path: Path) -> set[str]:
    """Dotted names of everything the file imports; `from r2p_risk import review` gives r2p_risk.review."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import; write r2p_risk.… in full"
            names.add(node.module)
            if node.module == "r2p_risk":
                names |= {
                    f"r2p_risk.{alias.name}"
                    for alias in node.names
                    if (PACKAGE / alias.name).exists() or (PACKAGE / f"{alias.name}.py").exists()
                }
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_walk_finds_the_package():
    assert len(MODULES) > 100 and PACKAGE / "storage" / "database.py" in MODULES


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_keeps_to_its_layer(path):
    module = module_name(path)
    layer = layer_of(module)
    assert layer, f"r2p_risk.{module} belongs to no layer (or to two): add it to LAYERS in this test"
    imports = imports_of(path)
    ours = {name.removeprefix("r2p_risk.") for name in imports if name.startswith("r2p_risk.")}
    wrong = {name for name in ours if layer_of(name) not in USES[layer] | {layer}}
    assert not wrong, f"{layer} module r2p_risk.{module} imports from a layer above it: {sorted(wrong)}"
    top = {name.split(".")[0] for name in imports}
    if layer != "ui":
        assert "streamlit" not in top, "only r2p_risk/ui and app.py import streamlit"
    if layer != "storage":
        assert not top & {"sqlalchemy", "alembic", "psycopg", "sqlite3"}, "only storage talks to the database"
    if layer == "model":
        io = {name for name in imports if name in IO_MODULES or name.split(".")[0] in IO_MODULES - {"urllib.request"}}
        assert not io, f"the model does no I/O, but r2p_risk.{module} imports {sorted(io)}"


def test_app_py_is_a_frame_over_the_ui():
    ours = {
        name.removeprefix("r2p_risk.").split(".")[0]
        for name in imports_of(ROOT / "app.py")
        if name.startswith("r2p_risk")
    }
    assert ours <= {"ui", "settings", "logs", "resources", "errors"}, ours


def test_errors_and_models_import_nothing_of_ours_but_errors():
    for name in ("errors.py", "models.py"):
        assert {i for i in imports_of(PACKAGE / name) if i.startswith("r2p_risk")} <= {"r2p_risk.errors"}


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("storage.migrations.versions.0001_initial", "storage"),
        ("ui.pages.assess", "ui"),
        ("scoring", "model"),
        ("a_new_module", None),
        ("exporters", "exporters"),
    ],
)
def test_layers_are_found_by_module_name(module, layer):
    assert layer_of(module) == layer
