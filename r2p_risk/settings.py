"""Settings from environment variables. Each field is described; the README lists them all."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field

from r2p_risk.models import StrictModel

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(StrictModel):
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_DIR / 'data' / 'r2p-risk.sqlite3'}",
        description="R2P_RISK_DATABASE_URL: SQLAlchemy URL of the database; default an SQLite file under data/.",
    )
    frameworks_dir: Path = Field(
        default=PROJECT_DIR / "frameworks",
        description="R2P_RISK_FRAMEWORKS_DIR: folder holding the framework, scoring model and tool catalogue files.",
    )

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for name in cls.model_fields:
            variable = f"R2P_RISK_{name.upper()}"
            if environ.get(variable):
                values[name] = environ[variable]
        return cls(**values)
