"""The parts of the Audit screen: the filters, and the events as a read-only table."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from r2p_risk.storage.audit import AUDIT_ACTIONS, AuditEvent
from r2p_risk.storage.user_database import UserDatabase
from r2p_risk.ui import state

COMPACT = 160  # characters of before/after shown in the table; the CSV has them whole
COLUMNS = {
    "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "actor": st.column_config.TextColumn("Who"),
    "action": st.column_config.TextColumn("What"),
    "situation": st.column_config.TextColumn("Situation"),
    "assessment": st.column_config.TextColumn("Assessment, revision"),
    "target": st.column_config.TextColumn("User changed"),
    "before": st.column_config.TextColumn("Before", width="large"),
    "after": st.column_config.TextColumn("After", width="large"),
}


def filters(database: UserDatabase, names: dict[str, str]) -> dict:
    """The filter widgets; their values as keyword arguments of `list_audit` and `audit_csv`."""
    actors = sorted({e.actor for e in database.list_audit(limit=2000)} | {u.identity for u in database.list_users()})
    top, bottom = st.columns(3), st.columns(3)
    actor = top[0].selectbox(
        "Who", actors, index=None, key=state.AUDIT_ACTOR, placeholder="anybody", accept_new_options=True
    )
    action = top[1].selectbox("What", AUDIT_ACTIONS, index=None, key=state.AUDIT_ACTION, placeholder="any change")
    situation = top[2].selectbox(
        "Situation",
        list(names),
        index=None,
        format_func=lambda i: names.get(i, i),
        key="audit_situation",
        placeholder="any situation",
        accept_new_options=True,
    )
    dates = bottom[0].date_input("Between (dates included)", value=[], key=state.AUDIT_DATES)
    since, until = date_range(dates)
    return {"actor": actor, "action": action, "situation_id": situation, "since": since, "until": until}


def date_range(dates) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A picked date range (none, the first day only, or both) as [since, until) in UTC."""
    days = list(dates) if isinstance(dates, (list, tuple)) else [dates] if dates else []

    def start(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)

    return (start(days[0]) if days else None, start(days[1] + dt.timedelta(days=1)) if len(days) > 1 else None)


def compact(value: dict | None) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= COMPACT else text[: COMPACT - 1] + "…"


def frame(events: list[AuditEvent], names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "situation": names.get(e.situation_id, e.situation_id) if e.situation_id else "",
                "assessment": f"{e.assessment_id} r{e.revision}" if e.assessment_id else "",
                "target": e.target or "",
                "before": compact(e.before),
                "after": compact(e.after),
            }
            for e in events
        ],
        columns=list(COLUMNS),
    )
