"""The parts of the Recommendations screen: where the situation stands, the tools that fit best with the
rest one click away, those held back until the situation escalates, and the briefing selection.

The selection bar and the tool list are fragments. Ticking a tool reruns only the selection bar
(`SELECTION_BAR`: the box already shows the tick), however many tools are shown; filtering or
showing all reruns only the list (`TOOL_LIST`); neither reruns the scoring and ranking above them.
Saving the selection reruns the page, so that the revision it made is the one shown, and says so.
"""

from __future__ import annotations

import streamlit as st

from r2p_risk.recommend import Recommendation, Recommendations, by_policy_space
from r2p_risk.tools import ACTORS, POLICY_SPACES, VENUES, Catalogue, passage_around
from r2p_risk.ui import identity, services, state
from r2p_risk.ui.choose import Chosen
from r2p_risk.ui.selection import pending_selection, save_selection, show_outcome, toggle_tool

TOOL_LIST = "tool_list"  # the key of the fragment a filter or "show all" reruns
SELECTION_BAR = "tool_selection_bar"  # the key of the fragment a tick reruns


def situation_panel(recommendations: Recommendations, catalogue: Catalogue) -> None:
    judgement = recommendations.judgement
    stage = catalogue.stage(judgement.current_stage)
    st.subheader(f"Stage: {stage.label}")
    st.caption(stage.description)
    for reason in judgement.reasons:
        (st.warning if reason.code.startswith("stand_thin") else st.write)(reason.text + ".")


def _filters(recommendations: list[Recommendation], catalogue: Catalogue) -> list[Recommendation]:
    columns = st.columns(3)
    venues = columns[0].multiselect("Venue", list(VENUES), format_func=VENUES.__getitem__, key=state.FILTER_VENUE)
    actors = columns[1].multiselect("Who acts", list(ACTORS), format_func=ACTORS.__getitem__, key="filter_actor")
    stages = columns[2].multiselect(
        "Stage", [s.id for s in catalogue.stages], format_func=catalogue.stage_label, key="filter_stage"
    )
    shown = []
    for rec in recommendations:
        tool = catalogue.tool(rec.tool_id)
        if (
            (venues and tool.venue not in venues)
            or (actors and not set(actors) & set(tool.actors))
            or (stages and not set(stages) & set(tool.stages))
        ):
            continue
        shown.append(rec)
    return shown


@st.fragment(key=SELECTION_BAR)
def selection_bar(chosen: Chosen) -> None:
    """How many tools are ticked, whether that is saved, and the one action that saves it."""
    selection = pending_selection(chosen)
    show_outcome(chosen)
    changed = sorted(selection) != sorted(chosen.assessment.selected_tools)
    st.write(f"**{len(selection)} tools selected for the briefing**" + (" (not saved yet)" if changed else ""))
    if not changed:
        return
    if not identity.allowed("assessment.save"):
        st.caption(
            f"Saving the selection with the assessment needs the analyst role; yours is {identity.current_user().role}."
        )
        return
    st.button(
        "Save the selection with the assessment",
        key=state.SAVE_TOOL_SELECTION,
        type="primary",
        on_click=save_selection,
        args=(chosen,),
    )


def _ticked(chosen: Chosen, tool_id: str, key: str) -> None:
    """Callback of a tool's tick box: into the selection, then only the selection bar reruns."""
    toggle_tool(chosen, tool_id, key)
    st.rerun(SELECTION_BAR)


def _card(rec: Recommendation, catalogue: Catalogue, chosen: Chosen, selection: set[str]) -> None:
    tool = catalogue.tool(rec.tool_id)
    with st.container(border=True):
        key = state.select_tool_key(rec.tool_id)
        st.checkbox(
            f"**{rec.rank}. {tool.name}** · {VENUES[tool.venue]}",
            value=rec.tool_id in selection,
            key=key,
            on_change=_ticked,
            args=(chosen, rec.tool_id, key),
            help="include in the briefing",
        )
        st.write(tool.description)
        st.markdown("**Why:** " + "; ".join(r.text for r in rec.reasons) + ".")
        st.caption(
            f"{catalogue.intrusiveness_label(tool.intrusiveness)} · stages: "
            + ", ".join(catalogue.stage_label(s) for s in tool.stages)
            + " · who acts: "
            + ", ".join(ACTORS[a] for a in tool.actors)
        )
        cited = tool.citations[0]
        st.markdown(f"> “{cited.quote}”  \n— {catalogue.meeting(cited.meeting).label}, *{cited.section}*")
        if len(tool.citations) > 1 or tool.cases or tool.cautions:
            with st.expander("Source passages, cases and cautions"):
                sources = services.sources()
                for citation in tool.citations:
                    st.text(passage_around(sources[citation.meeting], citation.quote, 300))
                for case in tool.cases:
                    st.markdown(
                        f"**Case: {case.situation}.** {case.effect}"
                        + (f" *Caveat: {case.caveat}*" if case.caveat else "")
                    )
                for caution in tool.cautions:
                    st.markdown(f"**Caution:** {caution.text}")


def _escalation(recommendations: Recommendations, catalogue: Catalogue) -> None:
    if not recommendations.if_escalates:
        return
    with st.expander(f"If the situation escalates: {len(recommendations.if_escalates)} tools not recommended now"):
        st.caption(
            "More intrusive than the situation's stage and evidence warrant, or fitting only a later stage. "
            "Each is listed with the condition under which it would fit."
        )
        groups: dict[str, list[str]] = {}
        for later in recommendations.if_escalates:
            groups.setdefault(later.condition.text, []).append(
                f"{later.name} ({catalogue.intrusiveness_label(later.intrusiveness).lower()})"
            )
        for condition, names in groups.items():
            st.markdown(f"**{condition}:** " + "; ".join(names))


@st.fragment(key=TOOL_LIST)
def tool_list(chosen: Chosen, recommendations: Recommendations, catalogue: Catalogue) -> None:
    """The best-fitting tools grouped by policy space, the rest one click away, and those held back."""
    selection = pending_selection(chosen)
    shown = _filters(recommendations.tools, catalogue)
    best = catalogue.ranking.shown
    everything = (
        st.toggle(f"Show all {len(shown)} fitting tools", key=state.SHOW_ALL_TOOLS) if len(shown) > best else True
    )
    listed = shown if everything else shown[:best]
    st.caption(
        f"{len(listed)} of the {len(recommendations.tools)} tools that fit this risk profile, best fit first "
        "within each policy space" + ("" if everything else "; the rest are one click away")
    )
    for space, items in by_policy_space(listed).items():
        st.subheader(POLICY_SPACES[space])
        for rec in items:
            _card(rec, catalogue, chosen, selection)
    _escalation(recommendations, catalogue)
