"""Where the files r2p-risk reads live, in a checkout and in an installed copy.

The repository keeps app.py, frameworks/, data/examples/, schemas/ and .streamlit/config.toml at
its top level. A built wheel carries the same files under `r2p_risk/_project/`, with the same
relative paths (pyproject.toml maps them at build time), so one root serves both: the packaged
copy when it exists, found with importlib.resources, otherwise the checkout around the package.

The default database follows the same split: a checkout keeps its SQLite file under data/ (git-
ignored), an installed copy in the user's data folder. `R2P_RISK_DATABASE_URL` overrides both.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import platformdirs

PACKAGE = "r2p_risk"
PACKAGED_ROOT = "_project"  # the folder inside the package that the wheel's force-include fills
CHECKOUT_ROOT = Path(__file__).resolve().parent.parent
DATABASE_FILE = "r2p-risk.sqlite3"


def packaged_root() -> Path | None:
    """The packaged copy of the top-level files, or None when running from a checkout."""
    root = files(PACKAGE) / PACKAGED_ROOT
    if not root.is_dir():
        return None
    if not isinstance(root, Path):  # pip always unpacks wheels; a zipped package cannot serve files to Streamlit
        raise RuntimeError(f"r2p-risk must be installed as files, not zipped: {root}")
    return root


def is_installed() -> bool:
    """True for an installed wheel, False for a checkout (an editable install reads the checkout)."""
    return packaged_root() is not None


def project_root() -> Path:
    """The folder holding app.py, frameworks/, data/examples/ and schemas/."""
    return packaged_root() or CHECKOUT_ROOT


def frameworks_dir() -> Path:
    """The framework, scoring model, tool catalogue, meeting summaries and regions."""
    return project_root() / "frameworks"


def examples_dir() -> Path:
    """The fictional example snapshots."""
    return project_root() / "data" / "examples"


def app_script() -> Path:
    """The Streamlit entry script; its .streamlit/config.toml sits beside it and Streamlit reads it."""
    return project_root() / "app.py"


def pages_dir() -> Path:
    """The page scripts, always inside the package, whichever copy of app.py runs."""
    return Path(__file__).resolve().parent / "ui" / "pages"


def data_dir() -> Path:
    """Where the default database lives: data/ in a checkout, the user's data folder when installed."""
    if is_installed():
        return Path(platformdirs.user_data_dir("r2p-risk", appauthor=False))
    return CHECKOUT_ROOT / "data"


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / DATABASE_FILE}"
