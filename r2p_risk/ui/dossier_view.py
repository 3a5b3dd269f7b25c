"""The dossier as text on screen: each item in one line or paragraph, labels from frameworks/dossier.yaml."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from r2p_risk.dossier import Development, Dossier, Perpetrator, PopulationAtRisk, Trigger
from r2p_risk.schedule import in_days
from r2p_risk.ui.feedback import plain


def indicators_text(ids: list[str]) -> str:
    return f" · indicators {', '.join(ids)}" if ids else ""


def population_text(item: PopulationAtRisk, vocabulary) -> str:
    facts = [
        vocabulary.label("identities", item.identity).lower(),
        item.where and f"in {item.where}",
        item.size and f"size {item.size}",
    ]
    line = (
        f"**{plain(item.name)}** ({plain(', '.join(f for f in facts if f))}){plain(indicators_text(item.indicators))}"
    )
    return line + (f"  \n{plain(item.notes)}" if item.notes else "")


def perpetrator_text(item: Perpetrator, vocabulary) -> str:
    role = vocabulary.label("actor_roles", item.role)
    line = f"**{plain(item.name)}** ({plain(vocabulary.label('perpetrator_kinds', item.kind))}; {plain(role.lower())})"
    details = [
        f"Capacity: {item.capacity}" if item.capacity else "",
        f"Known intent: {item.intent}" if item.intent else "",
        item.notes,
        f"Sources: {'; '.join(item.sources)}" if item.sources else "",
    ]
    return line + plain(indicators_text(item.indicators)) + "".join(f"  \n{plain(d)}" for d in details if d)


def trigger_text(item: Trigger, today: dt.date) -> str:
    when = in_days(item.date, today)
    line = f"**{item.date.isoformat()}** ({when}): {plain(item.title)}{plain(indicators_text(item.indicators))}"
    if item.notes:
        line += f"  \n{plain(item.notes)}"
    if item.date < today:
        line += (
            f"  \nWhat happened: {plain(item.outcome)}"
            if item.outcome
            else "  \n**Past its date: what happened? Update it.**"
        )
    return line


def development_text(item: Development) -> str:
    return plain(item.text) + plain(indicators_text(item.indicators))


def show_dossier(dossier: Dossier, vocabulary, today: dt.date) -> None:
    """The whole dossier, read-only; empty sections say so (an empty section is unwritten, not a finding of nothing)."""
    if dossier.is_empty():
        st.info("No dossier written for this assessment yet.")
        return
    sections = vocabulary.labels("dossier_sections")
    lists = (
        ("populations_at_risk", lambda i: population_text(i, vocabulary)),
        ("perpetrators", lambda i: perpetrator_text(i, vocabulary)),
        ("triggers", lambda i: trigger_text(i, today)),
        ("developments_to_monitor", development_text),
    )
    for section, render in lists:
        items = getattr(dossier, section)
        if section == "triggers":
            items = sorted(items, key=lambda t: t.date)
        st.markdown(f"**{sections[section]}**")
        st.markdown("\n".join(f"- {render(item)}" for item in items) if items else "_not written yet_")
    st.markdown(f"**{sections['scenarios']}**")
    for kind, label in vocabulary.labels("scenario_kinds").items():
        st.markdown(f"*{label}*: {plain(dossier.scenario(kind)) or '_not written yet_'}")
    for section, label in vocabulary.labels("narrative_sections").items():
        text = getattr(dossier.narrative, section)
        if text:
            st.markdown(f"**{label}**")
            st.text(text)
