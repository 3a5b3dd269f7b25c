"""When to look again: the next trigger of a situation, triggers past their date, and when its review is due.

Pure: today is always an argument. A trigger whose date has passed asks for an update until its
outcome is written. A situation's review is due its cadence (default every 4 months, as the R2P
Monitor is updated) after the last sign-off of any of its assessments; one never signed off is due.
"""

from __future__ import annotations

import calendar
import datetime as dt

from r2p_risk.models import StrictModel


class TriggerMark(StrictModel):
    """What the watch list needs of a trigger: its date and title, and whether its outcome was written."""

    date: dt.date
    title: str
    updated: bool = False


class ReviewDue(StrictModel):
    due_on: dt.date | None  # None: never signed off
    due: bool
    text: str  # "due since 2026-09-01", "due in 23 days", "not signed off yet"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day (31 January + 1 = 28/29
    February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def upcoming(marks: list[TriggerMark], today: dt.date, days: int | None = None) -> list[TriggerMark]:
    """Triggers from today on (within `days` when given), soonest first."""
    last = None if days is None else today + dt.timedelta(days=days)
    return sorted(
        (m for m in marks if m.date >= today and (last is None or m.date <= last)), key=lambda m: (m.date, m.title)
    )


def to_update(marks: list[TriggerMark], today: dt.date) -> list[TriggerMark]:
    """Triggers past their date whose outcome nobody wrote yet, oldest first."""
    return sorted((m for m in marks if m.date < today and not m.updated), key=lambda m: (m.date, m.title))


def in_days(day: dt.date, today: dt.date) -> str:
    days = (day - today).days
    return (
        "today"
        if days == 0
        else "tomorrow"
        if days == 1
        else f"in {days} days"
        if days > 0
        else "yesterday"
        if days == -1
        else f"{-days} days ago"
    )


def next_trigger_text(marks: list[TriggerMark], today: dt.date) -> str:
    """ "in 12 days: Presidential run-off", with "; 1 past trigger to update" when some passed unanswered; ""
    without any."""
    soon = upcoming(marks, today)
    parts = [f"{in_days(soon[0].date, today)}: {soon[0].title}"] if soon else []
    late = len(to_update(marks, today))
    if late:
        parts.append(f"{late} past trigger{'s' if late > 1 else ''} to update")
    return "; ".join(parts)


def review_due(last_signed_off: dt.date | None, every_months: int, today: dt.date) -> ReviewDue:
    if last_signed_off is None:
        return ReviewDue(due_on=None, due=True, text="not signed off yet")
    due_on = add_months(last_signed_off, every_months)
    if due_on <= today:
        return ReviewDue(due_on=due_on, due=True, text=f"due since {due_on.isoformat()}")
    return ReviewDue(due_on=due_on, due=False, text=f"due {in_days(due_on, today)} ({due_on.isoformat()})")


class TriggerRow(StrictModel):
    """A trigger of one situation, for lists across situations (`r2p-risk triggers`)."""

    situation_id: str | None
    situation: str
    date: dt.date
    when: str  # "in 12 days", "3 days ago"
    title: str
    indicators: list[str]
    to_update: bool  # past its date, outcome not written


def triggers_across(histories, today: dt.date, days: int) -> list[TriggerRow]:
    """The triggers of every situation's latest assessment: those within `days` from today, then those past and not
    updated.

    `histories` are (situation, assessments) pairs such as `Database.situation_histories()` gives.
    """
    rows = []
    for history in histories:
        if not history.assessments:
            continue
        latest = max(history.assessments, key=lambda a: (a.assessed_on, a.revision or 0))
        for trigger in latest.dossier.triggers:
            mark = TriggerMark(date=trigger.date, title=trigger.title, updated=bool(trigger.outcome))
            late = bool(to_update([mark], today))
            if late or upcoming([mark], today, days):
                rows.append(
                    TriggerRow(
                        situation_id=history.situation.id,
                        situation=history.situation.name,
                        date=trigger.date,
                        when=in_days(trigger.date, today),
                        title=trigger.title,
                        indicators=trigger.indicators,
                        to_update=late,
                    )
                )
    return sorted(rows, key=lambda r: (r.to_update, r.date, r.situation, r.title))
