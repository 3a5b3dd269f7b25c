"""Layer rules from HOUSE_STYLE.md, read from every module's imports."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "r2p_risk"
PURE = {"errors", "models", "framework", "parameters", "assessment", "profile", "scoring", "status", "compare", "snapshot", "upgrades", "tools", "tool_vocabulary", "recommend", "report", "batch", "access", "editing", "watchlist",
        "rating_arrays", "risk_model", "explain", "reasons", "assess_next", "overview", "merge", "briefing_dossier",
        "dossier", "dossier_vocabulary", "dossier_editing", "review", "review_rules", "rounds", "consensus", "reconcile", "schedule"}
IO_MODULES = {"os", "pathlib", "sqlite3", "sqlalchemy", "shutil", "subprocess", "socket", "requests", "urllib", "httpx", "open"}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layer_rules(path):
    relative = path.relative_to(PACKAGE)
    imports = imports_of(path)
    top = {name.split(".")[0] for name in imports}
    ours = {name.split(".")[1] for name in imports if name.startswith("r2p_risk.")}
    if relative.parts[0] != "ui":
        assert "streamlit" not in top, "only r2p_risk/ui may import streamlit"
    if relative.stem in PURE and len(relative.parts) == 1:
        assert not top & IO_MODULES, f"pure module {relative} does I/O: {top & IO_MODULES}"
        assert not ours & {"storage", "ui", "cli", "exporters"}, f"pure module {relative} imports an upper layer"
    if relative.parts[0] == "exporters":
        assert not ours & {"storage", "ui", "cli"}, "exporters return bytes; they do not store"
        assert not top & {"sqlalchemy", "streamlit"}
    if "sqlalchemy" in top:
        assert relative.parts[0] == "storage", "only storage talks to the database"


def test_errors_and_models_import_nothing_of_ours_but_errors():
    for name in ("errors.py", "models.py"):
        assert not {i for i in imports_of(PACKAGE / name) if i.startswith("r2p_risk")}
