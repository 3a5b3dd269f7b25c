"""The operator's log: standard error, one line per event, at the level of R2P_RISK_LOG_LEVEL.

Every module that logs has its own logger (`logging.getLogger(__name__)`, under "r2p_risk"). What is
logged is what an operator needs to see that something went wrong or was refused: the action, the
problem codes and places, a role, and never evidence text, names, identities or secrets. A user is
named by `user_ref`, a short hash of the identity that an operator who knows the identity can recompute
(`printf %s alice@example.org | sha256sum | cut -c1-10`) and nobody else can read back.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterable

from r2p_risk.errors import Problem

ROOT = "r2p_risk"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _OperatorHandler(logging.StreamHandler):
    """Our handler, told apart from any other so configuring twice adds it once; it writes to whatever standard
    error is when it writes (a process may replace it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure_logging(level: str) -> logging.Logger:
    """Send the package's log to standard error at `level`; safe to call at every run of the app."""
    logger = logging.getLogger(ROOT)
    logger.setLevel(level)
    if not any(isinstance(handler, _OperatorHandler) for handler in logger.handlers):
        handler = _OperatorHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    return logger


def user_ref(identity: str) -> str:
    """A user as the log names them: the first 10 hex digits of SHA-256 of the (normalised) identity."""
    return "user:" + hashlib.sha256(identity.strip().lower().encode("utf-8")).hexdigest()[:10]


def problem_codes(problems: Iterable[Problem]) -> str:
    """Problems as the log records them: their codes only; places and messages may quote names, files or text."""
    codes = [problem.code for problem in problems]
    return (
        ", ".join(dict.fromkeys(codes)) + (f" ({len(codes)} problems)" if len(codes) > 1 else "")
        if codes
        else "no problem listed"
    )
