"""The one place where expected failures become messages on screen, and lines in the operator's log.

Text from people and files shown inside Markdown goes through `plain`: every Markdown and HTML character
is escaped, and what Streamlit's Markdown would turn into a link by itself (`https://`, `www.`, an e-mail
address) is broken with an invisible word joiner (U+2060), which backslash escapes cannot do: the autolink
is found in the text after escapes are resolved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from contextlib import contextmanager

import streamlit as st

from r2p_risk.errors import Problem, R2PError
from r2p_risk.logs import problem_codes

log = logging.getLogger(__name__)
WORD_JOINER = "\u2060"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#|~$&])")
_AUTOLINK = re.compile(r"(?i)(?=://)|(?<=\bwww)(?=\.)|(?<=\bmailto)(?=:)|(?<=\bxmpp)(?=:)|(?=@)")


def show_problems(problems: Iterable[Problem], summary: str) -> None:
    problems = list(problems)
    log.warning("shown to the user: %s (%s)", summary, problem_codes(problems))
    lines = "\n".join(
        f"- **{_plain(p.where)}**: {_plain(p.message)}" if p.where else f"- {_plain(p.message)}" for p in problems
    )
    st.error(f"{_plain(summary)}\n\n{lines}", icon="⚠️")


def show_error(error: R2PError) -> None:
    show_problems(error.problems, error.summary)


def _plain(text: str) -> str:
    """User or file text shown inside Markdown: Markdown and HTML characters escaped, autolinks broken."""
    return _AUTOLINK.sub(WORD_JOINER, _MARKDOWN.sub(r"\\\1", str(text)))


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
