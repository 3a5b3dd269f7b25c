"""Settings from environment variables. Each field is described; the README lists them all."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field

from r2p_risk import resources
from r2p_risk.errors import Problem, R2PError
from r2p_risk.models import StrictModel


class Settings(StrictModel):
    database_url: str = Field(
        default_factory=resources.default_database_url,
        description="R2P_RISK_DATABASE_URL: SQLAlchemy URL of the database; default an SQLite file under data/ "
                    "in a checkout, in the user's data folder when installed.",
    )
    frameworks_dir: Path = Field(
        default_factory=resources.frameworks_dir,
        description="R2P_RISK_FRAMEWORKS_DIR: folder holding the framework, scoring model and tool catalogue files; "
                    "default the files shipped with r2p-risk (frameworks/ in a checkout).",
    )
    auth: Literal["none", "oidc", "header"] = Field(
        default="none",
        description="R2P_RISK_AUTH: how people sign in: none (single user, no sign-in), oidc (st.login with the "
                    "provider in secrets.toml) or header (a reverse proxy signs people in and sets a header).",
    )
    auth_header: str = Field(
        default="X-Forwarded-Email",
        description="R2P_RISK_AUTH_HEADER: in header mode, the request header holding the signed-in identity; "
                    "the proxy must remove it from every client request.",
    )
    auth_groups_header: str = Field(
        default="X-Forwarded-Groups",
        description="R2P_RISK_AUTH_GROUPS_HEADER: in header mode, the header holding the user's groups, comma-separated.",
    )
    auth_groups_claim: str = Field(
        default="groups",
        description="R2P_RISK_AUTH_GROUPS_CLAIM: in oidc mode, the claim of the identity token listing the user's groups.",
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


WEAK_WORDS = ("changeme", "change_me", "secret", "password", "streamlit", "example", "default", "cookie", "123456", "qwerty")
MIN_SECRET_BYTES = 32


def check_cookie_secret(secret: str | None) -> None:
    """Refuse a cookie secret that is missing, shorter than 32 bytes or obviously guessable.

    Make one with `python -c "import secrets; print(secrets.token_urlsafe(48))"`.
    """
    where, problems = "[auth] cookie_secret", []
    secret = secret or ""
    if not secret:
        problems.append(Problem("missing_cookie_secret", where, "is not set: put it in .streamlit/secrets.toml (never in the repository)"))
    elif len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        problems.append(Problem("weak_cookie_secret", where, f"is {len(secret.encode('utf-8'))} bytes long; use at least {MIN_SECRET_BYTES} random bytes"))
    if secret and len(set(secret)) < 10:
        problems.append(Problem("weak_cookie_secret", where, f"uses only {len(set(secret))} different characters; use random bytes"))
    if any(word in secret.lower() for word in WEAK_WORDS):
        problems.append(Problem("weak_cookie_secret", where, "contains a common word such as \"secret\" or \"changeme\"; use random bytes"))
    steps = [ord(b) - ord(a) for a, b in zip(secret, secret[1:])]
    if steps and sum(step in (-1, 0, 1) for step in steps) > len(steps) / 2:
        problems.append(Problem("weak_cookie_secret", where, "is mostly a run of neighbouring characters; use random bytes"))
    if problems:
        raise R2PError(problems, "the cookie secret is too weak: sign-in cookies could be forged")
