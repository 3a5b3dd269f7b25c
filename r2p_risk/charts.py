"""Plotly figures, shared by the app and the briefings. Pure: data in, figure out; no map charts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from r2p_risk.compare import ProfileChange
from r2p_risk.parameters import score_figure
from r2p_risk.profile import RiskProfile
from r2p_risk.vocabulary import GROUPS

FONT = dict(family="DejaVu Sans, Arial, sans-serif", size=12)
THRESHOLD_LINE = dict(dash="dot", color="#999999", width=1)


def _short(title: str, width: int = 48) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def _two_lines(title: str, width: int = 28) -> str:
    """A risk factor's title on at most two lines of `width` characters, so the labels leave the bars room on a
    phone."""
    words, lines = title.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            if len(lines) == 2:
                return "<br>".join(lines[:1] + [_short(lines[1] + " " + word, width)])
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return "<br>".join(lines)


def factor_scores_figure(profile: RiskProfile, thresholds: list[float]) -> go.Figure:
    """Horizontal bars of the 14 risk-factor scores, coloured by group, unassessed ones marked."""
    factors = list(profile.risk_factors.values())[::-1]
    figure = go.Figure()
    for group, style in GROUPS.items():
        members = [f for f in factors if f.group == group]
        figure.add_bar(
            name=style.label,
            orientation="h",
            marker_color=style.colour,
            marker_pattern_shape=style.pattern,
            y=[_factor_label(f) for f in members],
            x=[f.score or 0 for f in members],
            error_x=dict(
                type="data",
                symmetric=False,
                color="#333333",
                thickness=1.2,
                width=4,
                array=[f.range[1] - (f.score or 0) for f in members],
                arrayminus=[(f.score or 0) - f.range[0] if f.score is not None else 0 for f in members],
            ),
            text=[_bar_text(f) for f in members],
            textposition="outside",
            customdata=[
                [
                    f"{f.coverage:.0%}",
                    score_figure(f.reliability),
                    f"{score_figure(f.range[0])}-{score_figure(f.range[1])}",
                    score_figure(f.score, "not assessed"),
                ]
                for f in members
            ],
            hovertemplate=(
                "%{y}<br>score %{customdata[3]}, could be %{customdata[2]}<br>coverage %{customdata[0]}, "
                "reliability %{customdata[1]}<extra></extra>"
            ),
        )
    # the class thresholds: shapes given with the layout (add_vline builds each through plotly's validators, 60 ms a
    # line, most of the time the Risk profile screen took to draw)
    thresholds_drawn = [
        dict(type="line", xref="x", x0=bound, x1=bound, yref="y domain", y0=0, y1=1, line=THRESHOLD_LINE)
        for bound in thresholds
    ]
    order = [_factor_label(f) for f in factors]
    # the legend above the bars, pushing them down: never over the labels, however narrow the screen
    figure.update_layout(
        barmode="overlay",
        height=640,
        margin=dict(l=10, r=30, t=10, b=10),
        font=FONT,
        legend=dict(orientation="h", x=0, xanchor="left", y=1.01, yanchor="bottom"),
        xaxis=dict(range=[0, 11], title="score (0-10)<br>r2p-risk model", automargin=True),
        yaxis=dict(categoryorder="array", categoryarray=order, automargin=True),
        shapes=thresholds_drawn,
    )
    return figure


def _factor_label(factor) -> str:
    return f"{factor.number}. {_two_lines(factor.title)}"


def _bar_text(factor) -> str:
    if factor.score is None:
        return "not assessed"
    low, high = factor.range
    return (
        score_figure(factor.score)
        if low == high
        else f"{score_figure(factor.score)} ({score_figure(low)}-{score_figure(high)})"
    )


def factor_change_figure(change: ProfileChange) -> go.Figure:
    """Change of each risk factor's score since the previous assessment: up (worse) in red."""
    moved = [f for f in change.risk_factors if f.delta is not None]
    deltas = [f.delta for f in moved if f.delta is not None]
    figure = go.Figure(
        go.Bar(
            x=[f"RF {f.number}" for f in moved],
            y=deltas,
            marker_color=["#b8322a" if delta > 0 else "#2e7d4f" for delta in deltas],
            hovertext=[f"{f.title}: {score_figure(f.before)} -> {score_figure(f.after)}" for f in moved],
            hoverinfo="text+y",
        )
    )
    figure.update_layout(
        height=300,
        margin=dict(l=10, r=10, t=30, b=30),
        font=FONT,
        yaxis_title=f"change {change.earlier_assessed_on} -> {change.later_assessed_on}",
    )
    return figure


def heatmap_figure(frame: pd.DataFrame) -> go.Figure:
    """Situations x risk factors, 0 (light) to 10 (dark red); blank where not assessed."""
    figure = go.Figure(
        go.Heatmap(
            z=frame.to_numpy(),
            x=[f"RF {c}" for c in frame.columns],
            y=list(frame.index),
            zmin=0,
            zmax=10,
            colorscale="YlOrRd",
            hoverongaps=False,
            colorbar_title="score",
            text=frame.map(lambda v: "" if pd.isna(v) else score_figure(v)).to_numpy(),
            texttemplate="%{text}",
        )
    )
    figure.update_layout(
        height=max(300, 28 * len(frame) + 120),
        margin=dict(l=10, r=10, t=30, b=30),
        font=FONT,
        yaxis=dict(autorange="reversed"),
    )
    return figure


def trend_figure(frame: pd.DataFrame, value: str = "overall") -> go.Figure:
    """One line per situation: a score over assessment dates, with the range it could take as a bar at each date.

    Where the score is not determined there is no point, only the range.
    """
    figure = go.Figure()
    for situation, rows in frame.groupby("situation", sort=True):
        middle = (rows[f"{value}_low"] + rows[f"{value}_high"]) / 2
        figure.add_scatter(
            x=rows["assessed_on"],
            y=middle,
            mode="markers",
            showlegend=False,
            marker=dict(size=1, opacity=0),
            error_y=dict(
                type="data",
                symmetric=True,
                array=(rows[f"{value}_high"] - rows[f"{value}_low"]) / 2,
                thickness=1,
                width=6,
                color="#888888",
            ),
            hoverinfo="skip",
            name=f"{situation} range",
        )
        figure.add_scatter(
            x=rows["assessed_on"],
            y=rows[value],
            mode="lines+markers",
            name=situation,
            text=[score_figure(v, "not determined") if pd.notna(v) else "not determined" for v in rows[value]],
            hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
        )
    figure.update_layout(
        height=360,
        margin=dict(l=10, r=10, t=30, b=30),
        font=FONT,
        legend_orientation="h",
        yaxis=dict(range=[0, 10], title=f"{value.replace('_', ' ')} score (r2p-risk model), bars: range"),
    )
    return figure
