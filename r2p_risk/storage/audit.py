"""The audit trail: who changed what, when, with the changed fields before and after.

Events are only ever inserted, in the same transaction as the change they record; nothing here
updates or deletes them, and purging a situation keeps its events.
For an assessment save or restore, `before` and `after` hold only what changed between the
previous revision and the new one: top-level fields by name, ratings as `ratings[1.1]` and
whole-factor ratings as `risk_factor_ratings[4]`, the dossier by section (`dossier.triggers`) and the
review record by field and comment (`review.state`, `review.comments[<id>]`). A first revision has
no `before` and the whole assessment as `after`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Row

from r2p_risk.exporters.spreadsheet import write_csv
from r2p_risk.storage.parts import DatabasePart
from r2p_risk.storage.tables import audit_events

AUDIT_ACTIONS = (
    "situation.create",
    "situation.update",
    "situation.delete",
    "situation.restore",
    "situation.purge",
    "assessment.save",
    "assessment.restore",
    "import",
    "access.change",
    "user.create",
    "user.bind",
    "user.set_role",
    "user.disable",
    "user.enable",
    "database.restore",
    "database.backup",
    "export",
    "source.add",
    "source.update",
    "review.submit",
    "review.return",
    "review.sign_off",
    "review.comment",
    "review.resolve",
    "round.open",
    "round.join",
    "round.submit",
    "round.reconcile",
)
CSV_COLUMNS = ["id", "at", "actor", "action", "situation_id", "assessment_id", "revision", "target", "before", "after"]


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    action: str
    situation_id: str | None
    assessment_id: str | None
    revision: int | None
    target: str | None
    before: dict | None
    after: dict | None


@dataclass(frozen=True)
class AuditFilter:
    """Which events to list; every field narrows. `action` ending in "." matches a family, e.g. "user."."""

    actor: str | None = None
    action: str | None = None
    situation_id: str | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive


class AuditTrail(DatabasePart):
    """Mixed into `Database` (which provides `_transaction` and `_now`): reading the trail, and adding to it."""

    def list_audit(
        self,
        actor: str | None = None,
        action: str | None = None,
        situation_id: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEvent]:
        """Events newest first, narrowed by every filter given (see `AuditFilter`)."""
        query = audit_query(AuditFilter(actor, action, situation_id, since, until), limit)
        with self._transaction("read the audit trail") as conn:
            return [audit_event(row) for row in conn.execute(query)]

    def record_event(
        self, actor: str, action: str, *, before: dict | None = None, after: dict | None = None, **targets
    ) -> None:
        """One event in a transaction of its own, for what changes nothing else: a backup, an export, a download."""
        with self._transaction("record the event in the audit trail", write=True) as conn:
            record_event(conn, self._now(), actor, action, before=before, after=after, **targets)

    def record_export(self, actor: str, what: dict, **targets) -> None:
        """An export or download (`what`: its format and what it held) as an audit event."""
        self.record_event(actor or "unnamed", "export", after=what, **targets)

    def audit_csv(self, **filters) -> bytes:
        """`list_audit(**filters)` as CSV bytes."""
        return audit_to_csv(self.list_audit(**filters))


def record_event(
    conn: Connection,
    at: dt.datetime,
    actor: str,
    action: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    **targets,
) -> None:
    """Insert one event; `targets` are situation_id, assessment_id, revision and target."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        insert(audit_events).values(
            at=at, actor=actor, action=action, before_json=_json(before), after_json=_json(after), **targets
        )
    )


def changes(old: dict | None, new: dict | None) -> tuple[dict | None, dict | None]:
    """The fields that differ, as (before, after); a side that did not exist is None."""
    if old is None or new is None:
        return old, new
    changed = [key for key in {**old, **new} if old.get(key) != new.get(key)]
    return {key: old.get(key) for key in changed}, {key: new.get(key) for key in changed}


def assessment_fields(data_json: str | None) -> dict | None:
    """An assessment's JSON flattened for comparing: one entry per field and per rating."""
    if data_json is None:
        return None
    data = json.loads(data_json)
    for key in ("id", "revision"):
        data.pop(key, None)
    for key, id_field in (("ratings", "indicator"), ("risk_factor_ratings", "risk_factor")):
        for rating in data.pop(key, []):
            data[f"{key}[{rating.pop(id_field)}]"] = rating
    for section, value in (data.pop("dossier", None) or {}).items():
        data[f"dossier.{section}"] = value
    review = data.pop("review", None) or {}
    for comment in review.pop("comments", []):
        data[f"review.comments[{comment['id']}]"] = comment
    for field, value in review.items():
        data[f"review.{field}"] = value
    return data


def audit_query(which: AuditFilter, limit: int | None = None):
    query = select(audit_events).order_by(audit_events.c.id.desc()).limit(limit)
    c = audit_events.c
    if which.actor:
        query = query.where(c.actor == which.actor)
    if which.action:
        query = query.where(
            c.action.startswith(which.action, autoescape=True)
            if which.action.endswith(".")
            else c.action == which.action
        )
    if which.situation_id:
        query = query.where(c.situation_id == which.situation_id)
    if which.since:
        query = query.where(c.at >= which.since)
    if which.until:
        query = query.where(c.at < which.until)
    return query


def audit_event(row: Row) -> AuditEvent:
    values = dict(row._mapping)
    before, after = values.pop("before_json"), values.pop("after_json")
    return AuditEvent(**values, before=_parsed(before), after=_parsed(after))


def audit_to_csv(events: list[AuditEvent]) -> bytes:
    """The events as CSV for spreadsheets (UTF-8 with BOM, formulas neutralised), newest first."""
    rows = [
        [
            e.id,
            e.at.isoformat(),
            e.actor,
            e.action,
            e.situation_id,
            e.assessment_id,
            e.revision,
            e.target,
            _json(e.before),
            _json(e.after),
        ]
        for e in events
    ]
    return write_csv(CSV_COLUMNS, rows)


def _json(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _parsed(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)
