"""Expected failures: every one carries the full list of problems found, each with a place.

A `Problem` is written for people: a stable `code`, a `where` such as
``ratings[12].level`` or ``un-framework-2014.yaml > risk_factors[3].indicators[2].id``,
and a `message`. Pydantic errors are turned into problems at the boundary, all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class R2PError(Exception):
    """Base of every expected failure; `problems` lists all that was found, never just the first."""

    def __init__(self, problems: list[Problem], summary: str = ""):
        self.problems = list(problems)
        self.summary = summary or f"{len(self.problems)} problem(s) found"
        super().__init__(self.summary + "\n" + "\n".join(f"- {p}" for p in self.problems))


class FrameworkError(R2PError):
    """A data file under frameworks/ is broken."""


class SnapshotError(R2PError):
    """A snapshot (or an assessment in it) is not valid."""


class StorageError(R2PError):
    """The database could not do what was asked; nothing saved was harmed."""


class ConflictError(StorageError):
    """Somebody saved a newer revision since this edit started."""


class PermissionDenied(R2PError):
    """The signed-in user's role does not allow this action."""


class ReviewError(R2PError):
    """A review step the rules do not allow: the wrong state, open comments, or the same person editing and
    reviewing."""


class SignInRefused(R2PError):
    """Nobody may be signed in from this request, or the sign-in settings are unsafe."""


def format_location(loc: tuple | list, prefix: str = "") -> str:
    """('risk_factors', 3, 'indicators', 2, 'id') -> 'risk_factors[3].indicators[2].id'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return prefix + out


def problems_from_validation_error(exc, prefix: str = "") -> list[Problem]:
    """Every error of a pydantic ValidationError as a Problem with a readable location."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        problems.append(Problem(code=err["type"], where=format_location(loc, prefix), message=message))
    return problems


def validate_model(model_cls, data, where: str = "", error_cls: type[R2PError] = R2PError):
    """`model_cls.model_validate(data)`, with every validation error turned into problems."""
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        prefix = f"{where}." if where else ""
        raise error_cls(problems_from_validation_error(exc, prefix)) from None
