"""Who may do what: users, roles and restricted situations. Pure policy: no I/O, no clock.

A viewer reads; an analyst also creates and edits situations and assessments, comments on them
and submits them for review; a reviewer also signs assessments off as final or returns them; an
admin also manages users, access to situations, the response-tool catalogue and reads the audit
trail (and reviews).
A disabled user may do nothing. A situation with no access rules is open to every signed-in
user; one with rules is seen only by the users named and the members of the groups named,
and by admins (who manage access, so they must see it).
Local single-user mode is `LOCAL_USER`: a built-in admin (so a reviewer too), no sign-in.
"""

from __future__ import annotations

from typing import Annotated, Literal

from r2p_risk.errors import PermissionDenied, Problem
from r2p_risk.models import StrictModel, TextRules

Role = Literal["viewer", "analyst", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "reviewer", "admin")
PrincipalKind = Literal["user", "group"]

READ = "read"
# action -> (the lowest role allowed, what it is in words)
ACTIONS: dict[str, tuple[Role, str]] = {
    READ: ("viewer", "read situations and assessments"),
    "situation.create": ("analyst", "create a situation"),
    "situation.update": ("analyst", "change a situation"),
    "situation.delete": ("analyst", "delete a situation"),
    "situation.restore": ("analyst", "restore a deleted situation"),
    "assessment.save": ("analyst", "save an assessment"),
    "assessment.restore": ("analyst", "restore an earlier revision"),
    "import": ("analyst", "import a snapshot"),
    "review.submit": ("analyst", "submit an assessment for review"),
    "review.comment": ("analyst", "comment on an assessment or resolve a comment"),
    "round.open": ("analyst", "open a round of independent ratings"),
    "round.rate": ("analyst", "rate independently in a round"),
    "assessment.review": ("reviewer", "sign off an assessment as final or return it with comments"),
    "situation.purge": ("admin", "purge a situation for good"),
    "user.manage": ("admin", "manage users and their roles"),
    "access.change": ("admin", "restrict a situation to named users or groups"),
    "catalogue.manage": ("admin", "manage the response-tool catalogue"),
    "audit.read": ("admin", "read the audit trail"),
}


class User(StrictModel):
    identity: Annotated[str, TextRules(200, min_length=1)]  # e-mail or user name from the identity provider, normalised
    name: Annotated[str, TextRules(200)] = ""
    role: Role = "viewer"
    groups: tuple[Annotated[str, TextRules(200, min_length=1)], ...] = ()
    disabled: bool = False
    local: bool = False  # the built-in user of single-user mode; never stored


class AccessRule(StrictModel):
    """One row of a situation's access list: a named user or a group."""

    kind: PrincipalKind
    principal: Annotated[str, TextRules(200, min_length=1)]


LOCAL_USER = User(identity="local", name="Local user", role="admin", local=True)


def normalise_identity(identity: str) -> str:
    """Identities are compared without surrounding spaces and case (`Ana@Example.org` is `ana@example.org`)."""
    return identity.strip().lower()


def can(user: User, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return not user.disabled and ROLES.index(user.role) >= ROLES.index(ACTIONS[action][0])


def can_see(user: User, rules: list[AccessRule] | tuple[AccessRule, ...]) -> bool:
    """Whether `user` may know a situation with these access rules exists."""
    if user.disabled:
        return False
    if not rules or user.role == "admin":
        return True
    return any(
        (rule.kind == "user" and rule.principal == user.identity)
        or (rule.kind == "group" and rule.principal in user.groups)
        for rule in rules
    )


def require(user: User, action: str) -> None:
    """Raise PermissionDenied, in words, unless `user` may do `action`."""
    if can(user, action):
        return
    needed, words = ACTIONS[action]
    who = user.name or user.identity
    reason = "the account is disabled" if user.disabled else f"{who} has the {user.role} role; this needs {needed}"
    raise PermissionDenied(
        [Problem("permission_denied", action, f"you may not {words}: {reason}")], f"not allowed to {words}"
    )
