"""Static charts for the PDF and Word briefings, drawn with matplotlib: briefing in, PNG bytes out.

The Agg canvas is used directly (no pyplot, no global backend switch), with matplotlib's own
DejaVu Sans, so the charts look the same on every machine and need no system font. The PNG is
opaque RGB (fpdf2 embeds it twice as fast as RGBA) and carries no date or software tag, so the
same briefing gives the same bytes.
"""

from __future__ import annotations

import io

import matplotlib
import numpy
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.typing import RcKeyType
from PIL import Image

from r2p_risk.parameters import score_figure
from r2p_risk.report import Briefing
from r2p_risk.vocabulary import GROUPS, group_style

STYLE: dict[RcKeyType, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
DPI = 150


def _short(title: str, width: int = 52) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def _png(figure: Figure) -> bytes:
    """The figure drawn on an Agg canvas, saved as an opaque RGB PNG with no metadata but its DPI."""
    canvas = FigureCanvasAgg(figure)  # the Agg backend, set explicitly for this figure only
    canvas.draw()
    buffer = io.BytesIO()
    Image.fromarray(numpy.asarray(canvas.buffer_rgba())[..., :3]).save(
        buffer, format="png", compress_level=3, dpi=(DPI, DPI)
    )
    return buffer.getvalue()


def factor_chart_png(briefing: Briefing) -> bytes:
    """Horizontal bars of the 14 risk-factor scores, coloured by group, with the risk-class bounds dotted."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7.0, 4.6), dpi=DPI, layout="constrained")
        axes = figure.add_subplot()
        bars = briefing.factor_bars[::-1]
        rows = range(len(bars))
        axes.barh(
            rows,
            [b.score or 0 for b in bars],
            color=[group_style(b.group).colour for b in bars],
            height=0.7,
            hatch=[group_style(b.group).hatch for b in bars],
            edgecolor="white",
            linewidth=0,
        )
        axes.hlines(
            list(rows), [b.low for b in bars], [b.high for b in bars], color="#222222", linewidth=1.0
        )  # the range
        for row, bar in zip(rows, bars, strict=True):
            label = score_figure(bar.score, "not assessed")
            axes.text(
                max(bar.score or 0, bar.high) + 0.12,
                row,
                label,
                va="center",
                fontsize=7,
                color="#666666" if bar.score is None else "#222222",
                style="italic" if bar.score is None else "normal",
            )
        for bound in briefing.class_thresholds:
            axes.axvline(bound, linestyle=":", color="#999999", linewidth=0.9)
        axes.set_yticks(list(rows), [f"{b.number}. {_short(b.title)}" for b in bars])
        axes.set_xlim(0, 11)
        axes.set_xlabel("score (0-10, r2p-risk model); line: the range it could still take")
        handles = [
            Patch(facecolor=style.colour, hatch=style.hatch, edgecolor="white", label=style.label)
            for style in GROUPS.values()
        ]
        figure.legend(handles=handles, loc="outside upper center", ncols=4, frameon=False, fontsize=7)
        return _png(figure)


def trend_chart_png(briefing: Briefing) -> bytes | None:
    """The overall score over the assessment dates, or None when there is no earlier assessment."""
    if not briefing.trend:
        return None
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7.0, 2.4), dpi=DPI, layout="constrained")
        axes = figure.add_subplot()
        # dates: matplotlib plots them with its date converter, but its stubs take numbers only (hence the ignores)
        dates = [p.assessed_on for p in briefing.trend]
        axes.vlines(
            dates,  # type: ignore[arg-type]  # dates, drawn by matplotlib's date converter
            [p.low for p in briefing.trend],
            [p.high for p in briefing.trend],
            color="#999999",
            linewidth=3,
            alpha=0.6,
        )  # the range at each date
        points = [p for p in briefing.trend if p.overall is not None]
        overall = [p.overall for p in briefing.trend if p.overall is not None]
        axes.plot([p.assessed_on for p in points], overall, marker="o", color="#8e2c48", linewidth=1.5)  # type: ignore[arg-type]  # dates
        for point in points:
            axes.annotate(
                score_figure(point.overall),
                (point.assessed_on, point.overall),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
            )
        for bound in briefing.class_thresholds:
            axes.axhline(bound, linestyle=":", color="#999999", linewidth=0.9)
        axes.set_xticks(dates, [d.isoformat() for d in dates])  # type: ignore[arg-type]  # dates
        axes.set_ylim(0, 10.5)
        axes.set_ylabel("overall score (0-10); bars: range")
        return _png(figure)
