"""The `r2p-risk` command line run inside the test process: `r2p_risk.cli.main` with the arguments, environment
and standard streams a process would have, its exit status and output read back as `subprocess.run` gives them.

A process of its own costs about 0.45 s of CPU, nearly all of it importing the package, pandas and pydantic; the
same command in the test process takes a few hundredths. The tests of what only a process shows (the
`python -m r2p_risk` entry, a closed pipe, settings read at start) run a real one."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from unittest import mock

from r2p_risk.cli import main


@dataclass(frozen=True)
class Ran:
    """What a run left: as `subprocess.CompletedProcess` with text=True (universal newlines) has it."""

    returncode: int
    stdout: str
    stderr: str


def _text(raw: io.BytesIO) -> str:
    return raw.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def run(*args: str, env: dict[str, str] | None = None) -> Ran:
    """`r2p-risk ARGS` with `env` added to the environment and an empty standard input. An exception that escapes
    `main` is not caught: the test fails with it, as the traceback a process would print."""
    out, err = io.BytesIO(), io.BytesIO()  # text streams over bytes: the CSV commands write to sys.stdout.buffer
    # kept until read: a text stream closes its bytes when it is collected
    stdout, stderr = (io.TextIOWrapper(raw, encoding="utf-8", write_through=True) for raw in (out, err))
    with (
        mock.patch.dict(os.environ, env or {}),
        mock.patch.object(sys, "stdin", io.StringIO()),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            code = main(list(args))
        except SystemExit as leaving:  # argparse leaves this way: a bad option (2), --help (0)
            code = leaving.code if isinstance(leaving.code, int) else 1
    return Ran(code, _text(out), _text(err))
