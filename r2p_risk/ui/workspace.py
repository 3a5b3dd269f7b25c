"""The Assess workspace: details, the risk factor chooser, the ratings of one risk factor, the source library.

Each risk factor's ratings are one table (one widget, however many indicators): level, confidence,
trend, evidence and sources are cells of the indicator's own row, so an edit lands on the row it was
typed in whatever the timing. An edit in the table puts its value into the draft in the table's
callback (each cell taken once: `rating_table.new_edits`), which then reruns only the fragment above
the table that shows the figures. Nothing else reruns: the table already shows the edit, and the
save bar (a fragment of its own) reads the latest edit when clicked. A full run (another page, a
reload, AppTest) takes the table's edits too. A change made outside the table (marking the rest of
a risk factor, a merge) draws the table afresh under a new key.
"""

from __future__ import annotations

import copy

import streamlit as st

from r2p_risk import editing, rating_table
from r2p_risk.assessment import Situation
from r2p_risk.errors import R2PError
from r2p_risk.framework import Framework
from r2p_risk.parameters import score_figure
from r2p_risk.profile import RiskProfile
from r2p_risk.report import score_text
from r2p_risk.scoring import score_assessment
from r2p_risk.storage.files import Model
from r2p_risk.ui import drafts, saving, services, source_library, state
from r2p_risk.ui.feedback import plain
from r2p_risk.ui.findings_panel import findings_panel
from r2p_risk.vocabulary import group_style


def _fmt(score: float | None) -> str:
    return score_figure(score, "—")


def factor_table(profile: RiskProfile) -> str:
    """Every risk factor's coverage and scores as a Markdown table (one element: cheap to redraw on every edit)."""
    lines = ["| RF | rated | score | could be | reliability | risk factor |", "|---:|---|---:|---|---:|---|"]
    for f in profile.risk_factors.values():
        rated = f"{f.assessed_indicators}/{f.counted_indicators:g}" + (
            " + whole" if f.whole_factor_level is not None else ""
        )
        lines.append(
            f"| {f.number} | {rated} | {_fmt(f.score)} | {_fmt(f.range[0])}-{_fmt(f.range[1])} "
            f"| {_fmt(f.reliability)} | {plain(f.title)} |"
        )
    return "\n".join(lines)


def _step(framework: Framework, delta: int) -> None:
    numbers = [rf.number for rf in framework.risk_factors]
    current = st.session_state.get(state.FACTOR, numbers[0])
    st.session_state[state.FACTOR] = numbers[(numbers.index(current) + delta) % len(numbers)]


def _set_detail(field: str, key: str) -> None:
    session = state.current_edit()
    try:
        state.replace_draft(editing.set_assessment_field(session.assessment, field, st.session_state[key]))
        state.set_field_problems(key, [])
    except R2PError as error:
        state.set_field_problems(key, error.problems)


def details(session: state.EditSession) -> None:
    assessment = session.assessment
    with st.expander("Assessment details and key judgements", expanded=not assessment.key_judgements):
        left, middle, right = st.columns(3)
        for column, field, widget, kwargs in (
            (left, "assessed_on", st.date_input, {"value": assessment.assessed_on}),
            (middle, "analyst", st.text_input, {"value": assessment.analyst, "max_chars": 200}),
            (
                right,
                "status",
                st.radio,
                {
                    "options": ["draft", "final"],
                    "index": ["draft", "final"].index(assessment.status),
                    "horizontal": True,
                },
            ),
        ):
            key = state.detail_key(field)
            with column:
                widget(
                    field.replace("_", " ").capitalize(), key=key, on_change=_set_detail, args=(field, key), **kwargs
                )
        key = state.detail_key("key_judgements")
        st.text_area(
            "Key judgements (the bottom line, in your words)",
            value=assessment.key_judgements,
            key=key,
            on_change=_set_detail,
            args=("key_judgements", key),
            height=120,
        )
        for field in ("assessed_on", "analyst", "status", "key_judgements"):
            for problem in state.field_problems(state.detail_key(field)):
                st.error(f"{plain(problem.where)}: {plain(problem.message)} (this change was not kept)")


LEVEL_HELP = (
    "0 not present · 1 weak or isolated signs · 2 clearly present · 3 strongly present or pervasive. "
    "Blank or unknown: not known, left out of the scores, never counted as 0."
)


FIGURES = "assess_figures"  # the key of the fragment an edit in the table reruns
FIGURES_HEIGHT = 250  # px: a glide grid closes the cell being typed in when the page moves it
SEEN = "table_edits_seen"  # table key -> the edited_rows already put into the draft
SOURCE = "table_source"  # table key -> the frame the table is drawn from (see table_source)
ROW_HEIGHT = 72  # past 64 px the grid wraps text: the indicator's full wording and the evidence show in the row


def table_source(session: state.EditSession, framework: Framework, number: int):
    """What the table is drawn from: the draft as it was when this table (key) was first drawn, so that every rerun
    sends the very same table and the cell being typed in is never redrawn under the analyst; the edits since are the
    table's own state. When that state is gone (the table was not on screen), it is drawn afresh from the draft."""
    key = state.ratings_key(number)
    sources = st.session_state.setdefault(SOURCE, {})
    if key not in sources or key not in st.session_state:
        sources[key] = rating_table.table(session.assessment, framework.risk_factor(number))
        st.session_state.get(SEEN, {}).pop(key, None)
    return sources[key]


def take_table_edits(framework: Framework) -> state.EditSession | None:
    """Put the cells edited since last time in any table of the open edit into the draft, each in its own row
    (a table whose last edit came with another run, e.g. a page switch, is taken too)."""
    session = state.editing()
    if session is None:
        return None
    prefix = f"{session.edit_id}:factor:"
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix) and ":ratings:" in k]:
        _take_table_edits(framework, int(key.split(":")[2]), key)
    return state.editing()


def _table_edited(number: int) -> None:
    """Callback of the table: the edit into the draft, then only the figures rerun.

    The table shows the edit already.
    """
    _take_table_edits(services.model().framework, number)
    st.rerun(FIGURES)


def _take_table_edits(framework: Framework, number: int, key: str | None = None) -> state.EditSession:
    """Put the cells edited since last time in risk factor `number`'s table into the draft, each in its own row."""
    key = key or state.ratings_key(number)
    edits = st.session_state.get(key)
    if edits and edits.get("edited_rows"):
        seen = st.session_state.setdefault(SEEN, {})
        fresh = rating_table.new_edits(edits["edited_rows"], seen.get(key))
        if fresh:
            session = state.current_edit()
            known = source_library.library(session.situation_id)
            changed, problems = rating_table.apply_edits(
                session.assessment, framework.risk_factor(number), fresh, known
            )
            seen[key] = copy.deepcopy(edits["edited_rows"])
            if changed is not session.assessment:
                state.replace_draft(changed, changes=sum(map(len, fresh.values())))
                source_library.add_sources(session.situation_id, rating_table.new_source_titles(changed, known))
            state.set_field_problems(key, problems)
    return state.current_edit()


def open_factor(framework: Framework) -> int:
    """The risk factor chooser; returns the number of the open risk factor."""
    numbers = [rf.number for rf in framework.risk_factors]
    chooser, previous, following = st.columns([6, 1, 1], vertical_alignment="bottom")
    chooser.selectbox(
        "Risk factor",
        numbers,
        key=state.FACTOR,
        format_func=lambda n: (
            f"{n}. {framework.risk_factor(n).title} — {group_style(framework.risk_factor(n).group).label.lower()}"
        ),
    )
    previous.button("◀ Previous", key="factor_previous", on_click=_step, args=(framework, -1), width="stretch")
    following.button("Next ▶", key="factor_next", on_click=_step, args=(framework, 1), width="stretch")
    return st.session_state.get(state.FACTOR) or numbers[0]


def factor_heading(framework: Framework, number: int) -> None:
    factor = framework.risk_factor(number)
    st.subheader(f"Risk factor {number}: {factor.title}")
    st.caption(f"{framework.group_title(factor.group)} · {factor.description}")
    if not factor.indicators_complete:
        st.warning(
            f"The indicator list of this risk factor is incomplete: the official text could not be obtained. "
            f"Coverage counts against an estimated {framework.counted_indicators(number):g} official indicators "
            f"({len(factor.indicators)} listed), so it never reaches 100% from this list. Rate what is listed and "
            "rate the risk factor as a whole (first row)."
        )


@st.fragment
def rating_editor(framework: Framework, number: int) -> None:
    """The open risk factor's table: a row for the risk factor as a whole, then one row per indicator.

    A fragment, so that an edit starts as a fragment rerun, which keeps what the rest of the page
    registered (the save bar's download); the table's callback then swaps it for the figures' rerun.
    """
    session = state.current_edit()
    frame = table_source(session, framework, number)
    titles = rating_table.source_titles(session.assessment, source_library.library(session.situation_id))
    grades = {s.title: s.reliability for s in source_library.library(session.situation_id) if s.reliability}
    st.data_editor(
        frame,
        key=state.ratings_key(number),
        num_rows="fixed",
        hide_index=True,
        width="stretch",
        row_height=ROW_HEIGHT,
        height=ROW_HEIGHT * len(frame) + 38,
        disabled=["item", "text"],
        placeholder="—",
        on_change=_table_edited,
        args=(number,),
        alt=f"Ratings of risk factor {number}, one row per indicator",
        column_config={
            "item": st.column_config.TextColumn("Item", width=45, pinned=True),
            "text": st.column_config.TextColumn(
                "Indicator", width=290, help="The Framework's indicator, in our paraphrase"
            ),
            "level": st.column_config.SelectboxColumn(
                "Level", options=list(rating_table.LEVEL_OPTIONS), help=LEVEL_HELP, width=130
            ),
            "confidence": st.column_config.SelectboxColumn("Confidence", options=rating_table.CONFIDENCES, width=85),
            "trend": st.column_config.SelectboxColumn("Trend", options=rating_table.TRENDS, width=85),
            "evidence": st.column_config.TextColumn(
                "Evidence",
                width=240,
                max_chars=20_000,
                help="What you found, in a line or more (Shift+Enter for a new line)",
            ),
            "sources": st.column_config.MultiselectColumn(
                "Sources",
                options=titles,
                accept_new_options=True,
                width=160,
                format_func=lambda title: f"{title} [{grades[title]}]" if title in grades else title,
                help="Pick from this situation's source library, or type a new title: it is added to the library",
            ),
        },
    )


def _mark_rest(number: int, level: int | None) -> None:
    framework = services.model().framework
    _take_table_edits(framework, number)
    session = state.current_edit()
    changed = rating_table.mark_rest(session.assessment, framework.risk_factor(number), level)
    if changed != session.assessment:
        state.replace_draft(changed)
        state.refresh_table(number)


def mark_rest_buttons(number: int) -> None:
    left, right, _ = st.columns([2, 2, 3])
    left.button(
        "Mark the unrated rest not present (0)",
        key=f"mark_rest_absent:{number}",
        on_click=_mark_rest,
        args=(number, 0),
        help="every indicator of this risk factor without a level gets level 0, not present",
    )
    right.button(
        "Mark the unrated rest unknown",
        key=f"mark_rest_unknown:{number}",
        on_click=_mark_rest,
        args=(number, None),
        help=f'looked at, nothing found: the evidence says "{rating_table.NO_INFORMATION}"; '
        "unknown is never counted as absent",
    )


def scoreboard(model: Model, profile: RiskProfile, session: state.EditSession, number: int) -> str:
    """The live figures: the open risk factor's, then the assessment's, as two lines of Markdown (one element)."""
    result = profile.factor(number)
    params = model.params
    status = profile.status.title + (" (provisional)" if profile.status.provisional else "")
    return (
        f"**Risk factor {number}: score {score_text(result.score, *result.range)}** of 10 · "
        f"reliability {score_figure(result.reliability)} · "
        f"{result.assessed_indicators} of {result.counted_indicators:g} indicators rated  \n"
        f"Assessment: **{profile.assessed_indicators} of {profile.official_indicators}** indicators assessed · "
        f"status **{status}** · overall **{params.risk_level_label(profile.overall.level)}** "
        f"({score_text(profile.overall.score, *profile.overall.range)}) · "
        f"reliability **{score_figure(profile.reliability)}** · "
        + (
            ("**unsaved changes**" + (f" ({drafts.kept_note()})" if drafts.kept_note() else ""))
            if session.dirty
            else "saved"
        )
    )


def to_do(profile: RiskProfile, model: Model) -> None:
    """What to assess next, each with a button that opens its risk factor. Drawn only while open: every edit in the
    table redraws these figures, and the list is a score of elements the browser would redraw each time, folded away
    or not. (Its label never changes, so that it stays open from one edit to the next.)"""
    box = st.expander("What to assess next", key=state.ASSESS_NEXT, on_change="rerun")
    if not box.open:
        return
    with box:
        if not profile.assess_next:
            st.caption("Every listed indicator is assessed.")
        else:
            st.caption(
                f"The {len(profile.assess_next)} unassessed indicators whose rating would change the figures most, "
                "first the one that would change them most."
            )
        for item in profile.assess_next:
            left, right = st.columns([7, 2], vertical_alignment="center")
            left.markdown(f"**{item.indicator}** {plain(item.text)}  \n{plain(item.why.text)}")
            if right.button(
                f"Open risk factor {item.risk_factor}",
                key=state.assess_next_key(item.indicator),
                width="stretch",
                on_click=_choose_factor,  # before the chooser above is drawn: it cannot be set once it is
                args=(item.risk_factor,),
            ):
                st.rerun()  # the whole screen: the chooser, the heading and the table are outside these figures


def _choose_factor(number: int) -> None:
    st.session_state[state.FACTOR] = number


@st.fragment(key=FIGURES)
def live_figures(number: int, model: Model) -> None:
    """Above the table: the open risk factor's and the assessment's scores, why, and edits that were not kept."""
    take_table_edits(model.framework)
    session = state.current_edit()
    profile = score_assessment(session.assessment, model.framework, model.params)
    with st.container(height=FIGURES_HEIGHT, border=False):  # never taller or shorter: the table below never moves
        st.markdown(scoreboard(model, profile, session, number))
        with st.expander(f"Why risk factor {number} scores {_fmt(profile.factor(number).score)}"):
            st.text("\n".join(reason.text for reason in profile.factor(number).reasons))
        with st.expander("Every risk factor: coverage and scores"):
            st.markdown(factor_table(profile))
        to_do(profile, model)
        for problem in state.field_problems(state.ratings_key(number)):
            st.error(f"{plain(problem.where)}: {plain(problem.message)} (this change was not kept)")


@st.fragment
def save_bar(situation: Situation, model: Model) -> None:
    """Save and download: a click reruns this bar only; the save and the download take the edit as it is then
    (the click brings the tables' latest edits with it)."""
    take_table_edits(model.framework)
    saving.save_panel(state.current_edit(), situation, model)


def workspace(situation: Situation) -> None:
    model = services.model()
    take_table_edits(model.framework)
    details(state.current_edit())
    findings_panel(state.current_edit(), model.params)
    number = open_factor(model.framework)
    factor_heading(model.framework, number)
    save_bar(situation, model)
    live_figures(number, model)
    source_library.library_panel(state.current_edit().situation_id)
    rating_editor(model.framework, number)
    mark_rest_buttons(number)
