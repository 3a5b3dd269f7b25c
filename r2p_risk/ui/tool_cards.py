"""The parts of the Recommendations screen: filters, the briefing selection, and one card per tool."""

from __future__ import annotations

import streamlit as st

from r2p_risk import editing
from r2p_risk.errors import R2PError
from r2p_risk.recommend import Recommendation, by_policy_space
from r2p_risk.tools import (
    ACTORS,
    POLICY_SPACES,
    VENUES,
    Catalogue,
    passage_around,
)
from r2p_risk.ui import identity, services, state
from r2p_risk.ui.choose import Chosen
from r2p_risk.ui.feedback import show_error

SELECTION = "tool_selection"  # assessment id -> the tools ticked on this screen, not yet saved


def filters(recommendations: list[Recommendation], catalogue: Catalogue) -> list[Recommendation]:
    columns = st.columns(3)
    venues = columns[0].multiselect("Venue", list(VENUES), format_func=VENUES.get, key="filter_venue")
    actors = columns[1].multiselect("Who acts", list(ACTORS), format_func=ACTORS.get, key="filter_actor")
    stages = columns[2].multiselect("Stage", [s.id for s in catalogue.stages], format_func=catalogue.stage_label, key="filter_stage")
    shown = []
    for rec in recommendations:
        tool = catalogue.tool(rec.tool_id)
        if venues and tool.venue not in venues:
            continue
        if actors and not set(actors) & set(tool.actors):
            continue
        if stages and not set(stages) & set(tool.stages):
            continue
        shown.append(rec)
    st.caption(f"{len(shown)} of {len(recommendations)} fitting tools, most relevant first within each policy space")
    return shown


def _selection(chosen: Chosen) -> set[str]:
    key = chosen.assessment.id or "draft"
    pending = st.session_state.setdefault(SELECTION, {})
    return pending.setdefault(key, set(chosen.assessment.selected_tools))


def _toggle(chosen: Chosen, tool_id: str, key: str) -> None:
    selection = _selection(chosen)
    selection.add(tool_id) if st.session_state[key] else selection.discard(tool_id)


def _is_edited(chosen: Chosen) -> bool:
    session = state.editing()
    return session is not None and (chosen.unsaved or session.assessment.id == chosen.assessment.id)


def selection_bar(chosen: Chosen) -> None:
    selection = sorted(_selection(chosen))
    changed = selection != sorted(chosen.assessment.selected_tools)
    st.write(f"**{len(selection)} tools selected for the briefing**" + (" (not saved yet)" if changed else ""))
    if not changed:
        return
    if not identity.allowed("assessment.save"):
        st.caption(f"Saving the selection with the assessment needs the analyst role; yours is {identity.current_user().role}.")
        return
    if st.button("Save the selection with the assessment", key="save_tool_selection", type="primary"):
        try:
            if _is_edited(chosen):
                state.replace_draft(editing.set_assessment_field(state.editing().assessment, "selected_tools", selection))
                state.flash("The selection is in the assessment being edited; save it on the Assess screen.")
            else:
                updated = editing.set_assessment_field(chosen.assessment, "selected_tools", selection)
                saved = services.database().save_assessment(chosen.situation.id, updated, state.analyst() or "unnamed analyst",
                                                            based_on_revision=chosen.assessment.revision, note="tool selection")
                state.flash(f"Saved the selection as revision {saved.revision}.")
            st.session_state[SELECTION].pop(chosen.assessment.id or "draft", None)
            st.rerun()
        except R2PError as error:
            show_error(error)


def cards(recommendations: list[Recommendation], catalogue: Catalogue, chosen: Chosen) -> None:
    sources = services.sources()
    selection = _selection(chosen)
    for space, items in by_policy_space(recommendations).items():
        st.header(POLICY_SPACES[space])
        for rec in items:
            tool = catalogue.tool(rec.tool_id)
            with st.container(border=True):
                key = f"select_tool:{rec.tool_id}"
                st.checkbox(f"**{rec.rank}. {tool.name}** · {VENUES[tool.venue]}", value=rec.tool_id in selection,
                            key=key, on_change=_toggle, args=(chosen, rec.tool_id, key), help="include in the briefing")
                st.write(tool.description)
                st.markdown("**Why:** " + "; ".join(rec.reasons) + f" (relevance {rec.relevance:g})")
                st.caption("Stages: " + ", ".join(catalogue.stage_label(s) for s in tool.stages) + " · who acts: "
                           + ", ".join(ACTORS[a] for a in tool.actors))
                for citation in tool.citations:
                    meeting = catalogue.meeting(citation.meeting)
                    st.markdown(f"> “{citation.quote}”  \n— {meeting.label}, *{citation.section}*")
                with st.expander("Source passages, cases and cautions"):
                    for citation in tool.citations:
                        st.text(passage_around(sources[citation.meeting], citation.quote, 300))
                    for case in tool.cases:
                        st.markdown(f"**Case: {case.situation}.** {case.effect}" + (f" *Caveat: {case.caveat}*" if case.caveat else ""))
                    for caution in tool.cautions:
                        st.markdown(f"**Caution:** {caution.text}")
