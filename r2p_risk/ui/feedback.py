"""The one place where expected failures become messages on screen."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

import streamlit as st

from r2p_risk.errors import Problem, R2PError


def show_problems(problems: Iterable[Problem], summary: str) -> None:
    lines = "\n".join(f"- **{_plain(p.where)}**: {_plain(p.message)}" if p.where else f"- {_plain(p.message)}" for p in problems)
    st.error(f"{_plain(summary)}\n\n{lines}", icon="⚠️")


def show_error(error: R2PError) -> None:
    show_problems(error.problems, error.summary)


def _plain(text: str) -> str:
    """User or file text shown inside Markdown: every Markdown and HTML character escaped."""
    return "".join("\\" + c if c in "\\`*_{}[]()<>#|~$&" else c for c in str(text))


plain = _plain


def unreachable(error: R2PError) -> bool:
    """The database could not be reached or written (as opposed to: what was asked for is not there)."""
    return any(p.code == "database_unavailable" for p in error.problems)


@contextmanager
def reporting():
    """Show an expected failure (an R2PError) as a message instead of stopping the page."""
    try:
        yield
    except R2PError as error:
        show_error(error)
