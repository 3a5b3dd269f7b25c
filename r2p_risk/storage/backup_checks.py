"""Checking a staged backup, upgraded to the newest schema, row by row with the models the app itself uses.

A row is restored only if the app could read it: situations as `Situation`, revisions as `Assessment`
(whose id, revision, date, analyst and status must agree with the row's columns, whose JSON must fit
the size policy, and whose model inputs, when given, must be those of its JSON), users as `User` (a
role of the three, a normalised identity), access rules as `AccessRule`, audit events with a known
action and JSON objects before and after; every name of who did something follows the text rules.
Values are read raw, so a SQLite backup whose columns hold the wrong kind of value is caught too.
References between tables must hold (SQLite's foreign key check). Derived tables (`DERIVED`: score
summaries) are not restored at all: the app computes them again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Engine, inspect, text

from r2p_risk.access import AccessRule, User, normalise_identity
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.editing import size_in_a_snapshot
from r2p_risk.errors import Problem, problems_from_validation_error
from r2p_risk.model_inputs import model_inputs
from r2p_risk.models import TextRules
from r2p_risk.rounds import RatingRound
from r2p_risk.sizes import DEFAULT_SIZES, SizePolicy
from r2p_risk.storage.audit import AUDIT_ACTIONS
from r2p_risk.storage.backup_read import MAX_PROBLEMS, column_value
from r2p_risk.storage.tables import metadata

DERIVED = {"assessment_scores"}
ACTOR = TypeAdapter(Annotated[str, TextRules(200, min_length=1)])
NOTE = TypeAdapter(Annotated[str, TextRules(20_000)])


def check_staged(engine: Engine, sizes: SizePolicy = DEFAULT_SIZES) -> list[Problem]:
    """Every problem of the staged backup (at most about MAX_PROBLEMS); none means it may be restored."""
    problems = _check_tables(engine)
    if problems:
        return problems
    checks: dict[str, Callable[[dict, SizePolicy], list[Problem]]] = {
        "situations": _situation,
        "assessment_revisions": _revision,
        "users": _user,
        "situation_access": _access_rule,
        "audit_events": _audit_event,
        "rating_rounds": _rating_round,
        "round_members": _round_member,
    }
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in DERIVED:
                continue
            # raw values, as stored; the table name comes from our own schema (metadata), never from input
            result = conn.execute(text(f'SELECT rowid AS "_rowid", * FROM "{table.name}"'))  # noqa: S608
            for row in result.mappings():
                where = f"{table.name} > row {row['_rowid']}"
                found = [
                    Problem("bad_value", f"{where} > {column.name}", message)
                    for column in table.columns
                    if (message := _column_problem(column, row[column.name]))
                ]
                found = found or checks[table.name](dict(row), sizes)
                problems += [Problem(p.code, f"{where} > {p.where}" if p.where else where, p.message) for p in found]
                if len(problems) > MAX_PROBLEMS:
                    return problems
        for table, rowid, parent, _ in conn.execute(text("PRAGMA foreign_key_check")):
            if table not in DERIVED:
                problems.append(
                    Problem(
                        "broken_reference",
                        f"{table} > row {rowid}",
                        f"refers to a row of {parent} that is not in the backup",
                    )
                )
    return problems


def _check_tables(engine: Engine) -> list[Problem]:
    """Every table of the newest schema, with its columns (a SQLite backup could hold anything)."""
    found = inspect(engine)
    problems = []
    for table in metadata.sorted_tables:
        if not found.has_table(table.name):
            problems.append(Problem("missing_table", table.name, "is not in the backup"))
            continue
        columns = {column["name"] for column in found.get_columns(table.name)}
        missing = [c.name for c in table.columns if c.name not in columns]
        if missing:
            problems.append(Problem("missing_column", table.name, f"lacks the columns {', '.join(missing)}"))
    return problems


def _column_problem(column, value) -> str | None:
    if column.primary_key and column.autoincrement is True and value is None:
        return None
    try:
        column_value(column, value)
    except ValueError as error:
        return str(error)
    return None


def _validated(build: Callable, where: str = "") -> list[Problem]:
    try:
        build()
    except ValidationError as error:
        return problems_from_validation_error(error, where)
    except ValueError as error:  # JSON that is not
        return [Problem("bad_json", where.rstrip(". >"), f"not valid JSON ({str(error)[:200]})")]
    return []


def _actors(row: dict, *columns: str) -> list[Problem]:
    return [
        p
        for column in columns
        if row[column] is not None
        for p in _validated(lambda c=column: ACTOR.validate_python(row[c]), f"{column}.")
    ]


def _situation(row: dict, sizes: SizePolicy) -> list[Problem]:
    problems = _validated(
        lambda: Situation.model_validate(
            {
                "id": row["id"],
                "name": row["name"],
                "country": row["country"],
                "area": row["area"],
                "tags": json.loads(row["tags_json"]),
                "review_every_months": row["review_every_months"],
            }
        )
    )
    return problems + _actors(row, "created_by", "updated_by", "deleted_by")


def _revision(row: dict, sizes: SizePolicy) -> list[Problem]:
    data = row["data_json"]
    if len(data.encode("utf-8", "surrogatepass")) > sizes.assessment_bytes:
        return [
            Problem(
                "too_large",
                "data_json",
                f"the assessment is larger than the {sizes.assessment_bytes:,} bytes an assessment may have",
            )
        ]
    try:
        assessment = Assessment.model_validate_json(data)
    except ValidationError as error:
        return problems_from_validation_error(error, "data_json > ")
    if size_in_a_snapshot(assessment) > sizes.assessment_bytes:
        return [
            Problem(
                "too_large",
                "data_json",
                f"the assessment would take more than the {sizes.assessment_bytes:,} "
                "bytes an assessment may have in a snapshot",
            )
        ]
    stated = {
        "id": row["assessment_id"],
        "revision": row["revision"],
        "assessed_on": str(row["assessed_on"]),
        "analyst": row["analyst"],
        "status": row["status"],
    }
    held = {
        "id": assessment.id,
        "revision": assessment.revision,
        "assessed_on": str(assessment.assessed_on),
        "analyst": assessment.analyst,
        "status": assessment.status,
    }
    problems = [
        Problem("inconsistent_row", "data_json", f"holds {key} {held[key]!r}, the row says {stated[key]!r}")
        for key in stated
        if held[key] != stated[key]
    ]
    if row["inputs_json"] is not None and _json(row["inputs_json"]) != model_inputs(json.loads(data)):
        problems.append(Problem("inconsistent_row", "inputs_json", "is not what the scoring model reads of data_json"))
    return problems + _actors(row, "saved_by") + _validated(lambda: NOTE.validate_python(row["note"]), "note.")


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _user(row: dict, sizes: SizePolicy) -> list[Problem]:
    problems = _validated(
        lambda: User(
            identity=row["identity"],
            name=row["name"],
            role=row["role"],
            groups=tuple(json.loads(row["groups_json"])),
            disabled=bool(row["disabled"]),
        )
    )
    if not problems and row["identity"] != normalise_identity(row["identity"]):
        problems.append(Problem("bad_identity", "identity", "is not in the normalised form (trimmed, lower case)"))
    if (row["oidc_issuer"] is None) != (row["oidc_subject"] is None):
        problems.append(
            Problem("bad_binding", "oidc_subject", "an account is bound by its issuer and subject together")
        )
    return problems


def _access_rule(row: dict, sizes: SizePolicy) -> list[Problem]:
    return _validated(lambda: AccessRule(kind=row["kind"], principal=row["principal"]))


def _rating_round(row: dict, sizes: SizePolicy) -> list[Problem]:
    """A round of independent ratings (issue 18): a known state, and a reconciled one names its assessment."""
    problems = _validated(
        lambda: RatingRound(
            id=row["id"],
            situation_id=row["situation_id"],
            assessed_on=row["assessed_on"],
            lead=row["lead"],
            opened_at=row["opened_at"],
            state=row["state"],
            reconciled_assessment_id=row["reconciled_assessment_id"],
        )
    )
    if (row["state"] == "reconciled") != (row["reconciled_assessment_id"] is not None):
        problems.append(
            Problem(
                "inconsistent_row",
                "reconciled_assessment_id",
                "a round names its assessment when, and only when, it was reconciled",
            )
        )
    return problems + _actors(row, "lead")


def _round_member(row: dict, sizes: SizePolicy) -> list[Problem]:
    return _actors(row, "analyst") + _validated(lambda: ACTOR.validate_python(row["assessment_id"]), "assessment_id.")


def _audit_event(row: dict, sizes: SizePolicy) -> list[Problem]:
    problems = (
        []
        if row["action"] in AUDIT_ACTIONS
        else [Problem("unknown_action", "action", "is not an action r2p-risk records")]
    )
    for column in ("before_json", "after_json"):
        if row[column] is not None:
            try:
                value = json.loads(row[column])
            except ValueError:
                value = None
            if not isinstance(value, dict):
                problems.append(Problem("bad_json", column, "is not a JSON object"))
    return problems + _actors(row, "actor")
