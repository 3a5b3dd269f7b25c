"""Settings from environment variables (`R2P_RISK_` and the field's name), each one described; the README
lists them all.

`Settings()` reads the environment (pydantic-settings); `load_settings()` does the same and turns a bad value
into a `SettingsError` naming the variable, so the app and the command line report it as a problem, never
as a traceback. An empty variable counts as unset. Secrets are `SecretStr`: never printed, logged or shown.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from r2p_risk import resources
from r2p_risk.errors import Problem, R2PError
from r2p_risk.sizes import RESTORE_MB, UPLOAD_MB, SizePolicy

PREFIX = "R2P_RISK_"


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class SettingsError(R2PError):
    """An environment variable holds a value r2p-risk cannot use."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_ignore_empty=True, frozen=True, extra="ignore", validate_default=True
    )

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
    auth: Annotated[Literal["none", "oidc", "header"], BeforeValidator(_lower)] = Field(
        default="none",
        description="R2P_RISK_AUTH: how people sign in: none (single user, no sign-in; refused on a database that "
        "holds users or access rules), oidc (st.login with the provider in secrets.toml) or header "
        "(a reverse proxy signs people in and sets a header).",
    )
    auth_header: str = Field(
        default="X-Forwarded-Email",
        min_length=1,
        description="R2P_RISK_AUTH_HEADER: in header mode, the request header holding the signed-in identity; "
        "the proxy must remove it from every client request.",
    )
    auth_groups_header: str = Field(
        default="X-Forwarded-Groups",
        min_length=1,
        description=(
            "R2P_RISK_AUTH_GROUPS_HEADER: in header mode, the header holding the user's groups, comma-separated."
        ),
    )
    auth_proxy_secret: SecretStr | None = Field(
        default=None,
        description="R2P_RISK_AUTH_PROXY_SECRET: in header mode, a random secret of at least 32 bytes that the proxy "
        "sends with every request in R2P_RISK_AUTH_PROXY_SECRET_HEADER; required unless the app listens "
        "on a unix socket.",
    )
    auth_proxy_secret_header: str = Field(
        default="X-R2P-Risk-Proxy-Secret",
        min_length=1,
        description="R2P_RISK_AUTH_PROXY_SECRET_HEADER: in header mode, the header carrying the proxy's secret.",
    )
    auth_groups_claim: str = Field(
        default="groups",
        min_length=1,
        description=(
            "R2P_RISK_AUTH_GROUPS_CLAIM: in oidc mode, the claim of the identity token listing the user's groups."
        ),
    )
    log_level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(_upper)] = Field(
        default="INFO",
        description="R2P_RISK_LOG_LEVEL: how much the operator's log (standard error) records: DEBUG, INFO, WARNING "
        "or ERROR. Errors shown to people and refused actions are INFO or above; the log never holds "
        "evidence text, names or identities.",
    )
    max_upload_mb: int = Field(
        default=UPLOAD_MB,
        ge=1,
        le=2048,
        description="R2P_RISK_MAX_UPLOAD_MB: the largest file that can be imported (MB); Streamlit's "
        "server.maxUploadSize and the reverse proxy's body limit must allow it.",
    )
    max_restore_mb: int = Field(
        default=RESTORE_MB,
        ge=1,
        description="R2P_RISK_MAX_RESTORE_MB: the largest backup `r2p-risk restore` reads (MB), the file and what "
        "it unpacks to alike.",
    )

    @field_validator("frameworks_dir")
    @classmethod
    def _is_a_folder(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(
                f"{value} is not a folder; it must hold the framework, scoring model and tool catalogue files"
            )
        return value

    @property
    def sizes(self) -> SizePolicy:
        return SizePolicy(upload_mb=self.max_upload_mb, restore_mb=self.max_restore_mb)

    @classmethod
    def from_environment(cls) -> Settings:
        """The settings from the environment; SettingsError names every variable that holds a bad value."""
        return load_settings()


def load_settings(**values) -> Settings:
    """`Settings(**values)`, the environment filling the rest; bad values become problems naming their variable."""
    try:
        return Settings(**values)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False, include_input=False):
            name = str(item["loc"][0]) if item["loc"] else ""
            message = item["msg"].removeprefix("Value error, ")
            problems.append(Problem(f"bad_setting_{item['type']}", f"{PREFIX}{name.upper()}", message))
        raise SettingsError(problems, "r2p-risk cannot start with these settings") from None


WEAK_WORDS = (
    "changeme",
    "change_me",
    "secret",
    "password",
    "streamlit",
    "example",
    "default",
    "cookie",
    "123456",
    "qwerty",
)
MIN_SECRET_BYTES = 32


def secret_problems(secret: str | None, where: str) -> list[Problem]:
    """What makes a secret guessable: missing, shorter than 32 bytes, few characters, a common word, a run."""
    problems, secret = [], secret or ""
    if not secret:
        return [Problem("missing_secret", where, "is not set")]
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        problems.append(
            Problem(
                "weak_secret",
                where,
                f"is {len(secret.encode('utf-8'))} bytes long; use at least {MIN_SECRET_BYTES} random bytes",
            )
        )
    if len(set(secret)) < 10:
        problems.append(
            Problem("weak_secret", where, f"uses only {len(set(secret))} different characters; use random bytes")
        )
    if any(word in secret.lower() for word in WEAK_WORDS):
        problems.append(
            Problem("weak_secret", where, 'contains a common word such as "secret" or "changeme"; use random bytes')
        )
    steps = [ord(b) - ord(a) for a, b in pairwise(secret)]
    if steps and sum(step in (-1, 0, 1) for step in steps) > len(steps) / 2:
        problems.append(Problem("weak_secret", where, "is mostly a run of neighbouring characters; use random bytes"))
    return problems


def check_cookie_secret(secret: str | None) -> None:
    """Refuse a cookie secret that is missing, shorter than 32 bytes or obviously guessable.

    Make one with `python -c "import secrets; print(secrets.token_urlsafe(48))"`.
    """
    problems = secret_problems(secret, "[auth] cookie_secret")
    if problems and problems[0].code == "missing_secret":
        problems[0] = Problem(
            "missing_cookie_secret",
            problems[0].where,
            "is not set: put it in .streamlit/secrets.toml (never in the repository)",
        )
    problems = [Problem(p.code.replace("weak_secret", "weak_cookie_secret"), p.where, p.message) for p in problems]
    if problems:
        raise R2PError(problems, "the cookie secret is too weak: sign-in cookies could be forged")
