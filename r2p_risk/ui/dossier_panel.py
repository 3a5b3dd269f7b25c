"""Editing the dossier of the assessment being edited: lists with an add form each, scenarios and narrative.

Every change goes into the edit in progress through `state.replace_draft` and is saved with the
assessment (the Save button here, or on the Assess screen). Widget keys carry the edit's id and a
generation raised when an item is removed, so no widget keeps the state of an item that moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import streamlit as st

from r2p_risk import dossier_editing
from r2p_risk.assessment import Assessment
from r2p_risk.errors import R2PError
from r2p_risk.ui import state
from r2p_risk.ui.dossier_view import development_text, perpetrator_text, population_text, trigger_text
from r2p_risk.ui.feedback import plain, show_error

GENERATION = state.DOSSIER_GENERATION


def key(*parts: object) -> str:
    return state.dossier_key(*parts)


def change(build: Callable[[Assessment], Assessment]) -> bool:
    """Put a change into the edit in progress; show its problems (and keep nothing) when it is not valid."""
    try:
        state.replace_draft(build(state.current_edit().assessment))
    except R2PError as error:
        show_error(error)
        return False
    return True


def _text_changed(widget: str, build: Callable[[Assessment, str], Assessment]) -> None:
    """Callback of a text area: the text into the draft, or its problems kept beside the widget."""
    try:
        state.replace_draft(build(state.current_edit().assessment, st.session_state[widget]))
        state.set_field_problems(widget, [])
    except R2PError as error:
        state.set_field_problems(widget, error.problems)


def _problems_of(widget: str) -> None:
    for problem in state.field_problems(widget):
        st.error(f"{plain(problem.where)}: {plain(problem.message)} (this change was not kept)")


def item_list(section: str, items: list, render: Callable, writable: bool) -> None:
    """The items of a list section, each with a Remove button."""
    if not items:
        st.caption("None recorded yet.")
    for index, item in enumerate(items):
        left, right = st.columns([9, 1], vertical_alignment="center")
        left.markdown(render(item))
        removed = writable and right.button("Remove", key=key(section, index, "remove"))
        if removed and change(partial(dossier_editing.remove_item, section=section, index=index)):
            st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
            st.rerun()


def indicator_picker(framework, label: str, widget: str, first: int | None = None) -> list[str]:
    ids = framework.indicator_ids
    if first is not None:
        ids = sorted(ids, key=lambda i: not i.startswith(f"{first}."))
    return st.multiselect(
        label,
        ids,
        key=widget,
        format_func=lambda i: f"{i} {framework.indicator(i).text[:70]}",
        placeholder="Choose indicators (optional)",
    )


def populations(dossier, vocabulary, framework, writable: bool) -> None:
    item_list("populations_at_risk", dossier.populations_at_risk, lambda i: population_text(i, vocabulary), writable)
    if not writable:
        return
    with st.form(key("add_population"), clear_on_submit=True):
        name = st.text_input(
            "Group", key=key("population", "name"), max_chars=200, placeholder="e.g. the Seltani of the river valleys"
        )
        identity = st.selectbox(
            "Identified as",
            list(vocabulary.labels("identities")),
            key=key("population", "identity"),
            format_func=vocabulary.labels("identities").get,
        )
        where = st.text_input("Where (optional)", key=key("population", "where"), max_chars=200)
        size = st.text_input(
            "Size, where known (optional)", key=key("population", "size"), max_chars=100, placeholder="about 40,000"
        )
        indicators = indicator_picker(
            framework, "Indicators that concern the group", key("population", "indicators"), 9
        )
        notes = st.text_area("Notes (optional)", key=key("population", "notes"), max_chars=2_000, height=68)
        if st.form_submit_button("Add the population", key=key("population", "add")) and change(
            lambda a: dossier_editing.add_item(
                a,
                "populations_at_risk",
                {
                    "name": name,
                    "identity": identity,
                    "where": where,
                    "size": size,
                    "indicators": indicators,
                    "notes": notes,
                },
            )
        ):
            st.rerun()


def perpetrators(dossier, vocabulary, framework, writable: bool) -> None:
    item_list("perpetrators", dossier.perpetrators, lambda i: perpetrator_text(i, vocabulary), writable)
    if not writable:
        return
    with st.form(key("add_perpetrator"), clear_on_submit=True):
        name = st.text_input("Name", key=key("perpetrator", "name"), max_chars=200)
        left, right = st.columns(2)
        kind = left.selectbox(
            "Kind",
            list(vocabulary.labels("perpetrator_kinds")),
            key=key("perpetrator", "kind"),
            format_func=vocabulary.labels("perpetrator_kinds").get,
        )
        role = right.selectbox(
            "Role",
            list(vocabulary.labels("actor_roles")),
            key=key("perpetrator", "role"),
            format_func=vocabulary.labels("actor_roles").get,
        )
        capacity = st.text_area("Capacity (optional)", key=key("perpetrator", "capacity"), max_chars=2_000, height=68)
        intent = st.text_area("Known intent (optional)", key=key("perpetrator", "intent"), max_chars=2_000, height=68)
        sources = st.text_area("Sources, one per line (optional)", key=key("perpetrator", "sources"), height=68)
        indicators = indicator_picker(framework, "Indicators that concern them", key("perpetrator", "indicators"), 7)
        if st.form_submit_button("Add the actor", key=key("perpetrator", "add")) and change(
            lambda a: dossier_editing.add_item(
                a,
                "perpetrators",
                {
                    "name": name,
                    "kind": kind,
                    "role": role,
                    "capacity": capacity,
                    "intent": intent,
                    "indicators": indicators,
                    "sources": [line.strip() for line in sources.splitlines() if line.strip()],
                },
            )
        ):
            st.rerun()


def triggers(dossier, framework, today: dt.date, writable: bool) -> None:
    ordered = sorted(enumerate(dossier.triggers), key=lambda pair: pair[1].date)
    if not ordered:
        st.caption("None recorded yet.")
    for index, trigger in ordered:
        left, right = st.columns([9, 1], vertical_alignment="center")
        left.markdown(trigger_text(trigger, today))
        if writable and trigger.date < today:
            widget = key("trigger", index, "outcome")
            left.text_input(
                "What happened (the update)",
                value=trigger.outcome,
                key=widget,
                max_chars=2_000,
                on_change=_text_changed,
                args=(widget, lambda a, text, i=index: dossier_editing.set_trigger_outcome(a, i, text)),
            )
            _problems_of(widget)
        removed = writable and right.button("Remove", key=key("triggers", index, "remove"))
        if removed and change(partial(dossier_editing.remove_item, section="triggers", index=index)):
            st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
            st.rerun()
    if not writable:
        return
    with st.form(key("add_trigger"), clear_on_submit=True):
        left, right = st.columns([1, 3])
        date = left.date_input("Date", value=today, key=key("trigger", "date"))
        title = right.text_input(
            "Event", key=key("trigger", "title"), max_chars=200, placeholder="e.g. presidential election, first round"
        )
        indicators = indicator_picker(
            framework, "Triggering factors it relates to (risk factor 8)", key("trigger", "indicators"), 8
        )
        notes = st.text_area("Why it matters (optional)", key=key("trigger", "notes"), max_chars=2_000, height=68)
        if st.form_submit_button("Add the trigger", key=key("trigger", "add")) and change(
            lambda a: dossier_editing.add_item(
                a, "triggers", {"date": date, "title": title, "indicators": indicators, "notes": notes}
            )
        ):
            st.rerun()


def developments(dossier, framework, writable: bool, seed: Callable[[], None]) -> None:
    item_list("developments_to_monitor", dossier.developments_to_monitor, development_text, writable)
    if not writable:
        return
    st.button(
        "Add signposts from what to assess next (model 2.0)",
        key=key("developments", "seed"),
        on_click=seed,
        help="the unassessed indicators that would change the picture most; edit or remove them as you see fit",
    )
    with st.form(key("add_development"), clear_on_submit=True):
        text = st.text_input(
            "Signpost",
            key=key("development", "text"),
            max_chars=1_000,
            placeholder="e.g. security forces deployed to the valleys before the vote",
        )
        indicators = indicator_picker(framework, "Indicators it would show in", key("development", "indicators"))
        if st.form_submit_button("Add the signpost", key=key("development", "add")) and change(
            lambda a: dossier_editing.add_item(a, "developments_to_monitor", {"text": text, "indicators": indicators})
        ):
            st.rerun()


def texts(dossier, vocabulary, writable: bool, seed_action: Callable[[], None] | None) -> None:
    """Scenarios and narrative: one text area each, kept in the draft as typed."""
    for kind, label in vocabulary.labels("scenario_kinds").items():
        widget = key("scenario", kind)
        st.text_area(
            f"Scenario: {label}",
            value=dossier.scenario(kind),
            key=widget,
            max_chars=5_000,
            disabled=not writable,
            help=vocabulary.term("scenario_kinds", kind).description,
            on_change=_text_changed,
            args=(widget, lambda a, text, k=kind: dossier_editing.set_scenario(a, k, text)),
        )
        _problems_of(widget)
    for section, label in vocabulary.labels("narrative_sections").items():
        term = vocabulary.term("narrative_sections", section)
        widget = key("narrative", section)
        borrowed = f" (a heading of the {term.borrowed_from}, borrowed)" if term.borrowed_from else ""
        st.text_area(
            label,
            value=getattr(dossier.narrative, section),
            key=widget,
            max_chars=20_000,
            disabled=not writable,
            help=term.description + borrowed,
            on_change=_text_changed,
            args=(widget, lambda a, text, s=section: dossier_editing.set_narrative(a, s, text)),
        )
        _problems_of(widget)
        if section == "necessary_action" and writable and seed_action is not None:
            st.button(
                "Start from the tools chosen for the briefing", key=key("narrative", "seed"), on_click=seed_action
            )
