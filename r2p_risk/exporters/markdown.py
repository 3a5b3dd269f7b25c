"""The briefing as Markdown: headings, lists and tables, with every text from people escaped.

Analysts' text (names, evidence, sources) may hold HTML, links or formula syntax; escaped here,
it shows as the characters typed in any Markdown viewer and never as markup.
"""

from __future__ import annotations

import re

from r2p_risk.annex import evidence_line
from r2p_risk.parameters import score_figure
from r2p_risk.report import Briefing, citation_line

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|~$&!])")
_LIST_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)


def escape(text: str) -> str:
    """Backslash-escape Markdown and HTML characters, and a list, heading or rule marker opening any line."""

    def marker(match: re.Match) -> str:
        token = match.group(2)
        return match.group(1) + (token[:-1] + "\\" + token[-1] if token[0].isdigit() else "\\" + token)

    return _LIST_START.sub(marker, _SPECIAL.sub(r"\\\1", str(text)))


def _cell(text: str) -> str:
    return escape(" ".join(str(text).split()))


def _score(value: float | None) -> str:
    return score_figure(value)


def _header(b: Briefing) -> list[str]:
    lines = [
        f"**{escape(b.marking.upper())}**" + (" · **DRAFT**" if b.draft else ""),
        "",
        f"# {escape(b.title)}",
        "",
        f"*{escape(b.model_line)}*",
        "",
        f"- Situation: {escape(b.situation)} ({escape(b.place)})",
        f"- Assessed on {b.assessed_on.isoformat()} ({b.assessment_status})",
    ]
    lines += [f"- Analyst: {escape(b.analyst)}"] if b.analyst else []
    return lines + [
        f"- Framework and model: {escape(b.versions)}",
        f"- Generated {b.generated_at:%Y-%m-%d %H:%M} UTC",
        "",
    ]


def _bottom_line(b: Briefing) -> list[str]:
    lines = [
        "## Key judgements",
        "",
        *[escape(p) for p in b.key_judgements.splitlines()],
        "",
        "## Bottom line",
        "",
        f"**Status: {escape(b.status)}**",
        "",
    ]
    lines += [f"- {escape(reason)}" for reason in b.status_reasons]
    lines += [
        "",
        f"*{escape(b.status_note)}*",
        "",
        "| | risk | score (0-10) and range | reliability (0-10) |",
        "|---|---|---|---|",
    ]
    for figure in [b.overall, *b.crimes]:
        lines.append(f"| {figure.label} | {figure.level} | {figure.score_text} | {figure.reliability:.1f} |")
    lines += ["", f"*{escape(b.model_note)}*", "", escape(b.coverage_line), ""]
    return lines


def _changes(b: Briefing) -> list[str]:
    lines = ["## What changed", "", *[f"- {escape(line)}" for line in b.change_summary], ""]
    if b.assess_next:
        lines += ["## What to assess next", "", *[f"- {escape(line)}" for line in b.assess_next], ""]
    return lines


def _figures(b: Briefing) -> list[str]:
    lines = ["### The 14 risk factors", "", "| risk factor | score | range | coverage |", "|---|---|---|---|"]
    lines += [
        f"| {f.number}. {escape(f.title)} | {_score(f.score)} | {_score(f.low)}-{_score(f.high)} | {f.coverage:.0%} |"
        for f in b.factor_bars
    ]
    lines += ["", f"*{escape(b.incomplete_note)}*", ""] if b.incomplete_note else [""]
    if b.trend:
        lines += ["### Trend", "", "| assessed on | overall | range | status |", "|---|---|---|---|"]
        lines += [
            f"| {p.assessed_on.isoformat()} | {_score(p.overall)} | {_score(p.low)}-{_score(p.high)} "
            f"| {escape(p.status)} |"
            for p in b.trend
        ]
        lines.append("")
    return lines


def _drivers(b: Briefing) -> list[str]:
    lines = [
        "## What drives the result",
        "",
        f"*{escape(b.paraphrase_note)} The evidence behind each rating is in the annex.*",
        "",
    ]
    for section in b.drivers:
        lines += [f"### Risk factor {section.risk_factor}: {escape(section.title)}", "", escape(section.summary), ""]
        for item in section.indicators:
            detail = f"; {item.detail}" if item.detail else ""
            level_label = escape(item.level_label.capitalize())
            lines.append(f"- **{item.indicator}** {escape(item.text)} {level_label} (level {item.level}{detail}).")
        lines.append("")
    return lines


def _actions(b: Briefing) -> list[str]:
    lines = [
        "## Recommended actions",
        "",
        *[f"*{escape(line)}*  " for line in b.stage_lines],
        "",
        escape(b.actions_note),
        "",
    ]
    for group in b.action_groups:
        lines += [f"### {escape(group.title)}", ""]
        for action in group.actions:
            lines += [
                f"**{escape(action.name)}** ({escape(action.venue)})",
                "",
                escape(action.description),
                "",
                "Why: " + escape("; ".join(action.reasons)) + ".",
                "",
                f"> {escape(citation_line(action))}",
                "",
            ]
            lines += [f"- Caution: {escape(c)}" for c in action.cautions]
            lines.append("")
    if b.held_back:
        lines += [
            "### Held back until the situation warrants them",
            "",
            *[f"- {escape(line)}" for line in b.held_back],
            "",
        ]
    return lines


def _methodology_and_annex(b: Briefing) -> list[str]:
    lines = [
        "## Methodology",
        "",
        *[escape(p) + "\n" for p in b.methodology],
        "## Annex: the ratings and their evidence",
        "",
        f"*{escape(b.annex_note)}*",
        "",
    ]
    for factor in b.annex:
        lines += [f"#### Risk factor {factor.risk_factor}: {escape(factor.title)}", "", escape(factor.ratings), ""]
        lines += [f"- {escape(evidence_line(item))}" for item in factor.evidence]
        lines += [""] if factor.evidence else []
    if b.annex_sources:
        lines += ["#### Sources", "", *[escape(line) + "  " for line in b.annex_sources], ""]
    return lines + [f"**{escape(b.marking.upper())}**" + (" · **DRAFT**" if b.draft else ""), ""]


def _dossier(b: Briefing) -> list[str]:
    """Who is at risk, from whom and when to watch; the review and the analysts' disagreement."""
    if b.dossier is None:
        return []
    d = b.dossier
    lines = [f"## {escape(d.title)}", "", f"- Review: {escape(d.review)}"]
    lines += [f"- Independent ratings: {escape(d.consensus)}"] if d.consensus else []
    for block in d.blocks:
        lines += ["", f"### {escape(block.title)}", "", *[f"- {escape(line)}" for line in block.lines]]
    return lines + [""]


def briefing_to_markdown(briefing: Briefing) -> bytes:
    lines = [
        *_header(briefing),
        *_bottom_line(briefing),
        *_dossier(briefing),
        *_changes(briefing),
        *_figures(briefing),
        *_drivers(briefing),
        *_actions(briefing),
        *_methodology_and_annex(briefing),
    ]
    return "\n".join(lines).encode("utf-8")
