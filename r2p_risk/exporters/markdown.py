"""The briefing as Markdown: headings, lists and tables, with every text from people escaped.

Analysts' text (names, evidence, sources) may hold HTML, links or formula syntax; escaped here,
it shows as the characters typed in any Markdown viewer and never as markup.
"""

from __future__ import annotations

import re

from r2p_risk.report import Briefing

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|~$&!])")
_LIST_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def escape(text: str) -> str:
    """Backslash-escape Markdown and HTML characters, and a list or heading marker opening the text."""
    def marker(match: re.Match) -> str:
        token = match.group(2)
        return match.group(1) + (token[:-1] + "\\" + token[-1] if token[0].isdigit() else "\\" + token)

    return _LIST_START.sub(marker, _SPECIAL.sub(r"\\\1", str(text)))


def _cell(text: str) -> str:
    return escape(" ".join(str(text).split()))


def _score(value: float | None) -> str:
    return "not determined" if value is None else f"{value:.1f}"


def _header(b: Briefing) -> list[str]:
    return [
        f"**{escape(b.marking.upper())}**", "",
        f"# {escape(b.title)}", "",
        f"- Situation: {escape(b.situation)} ({escape(b.place)})",
        f"- Assessed on {b.assessed_on.isoformat()} by {escape(b.analyst)} ({b.assessment_status})",
        f"- Framework and model: {escape(b.versions)}",
        f"- Generated {b.generated_at:%Y-%m-%d %H:%M} UTC", "",
    ]


def _bottom_line(b: Briefing) -> list[str]:
    lines = ["## Key judgements", "", *[escape(p) for p in b.key_judgements.splitlines()], "", "## Bottom line", "",
             f"**Status: {escape(b.status)}**", ""]
    lines += [f"- {escape(reason)}" for reason in b.status_reasons]
    lines += ["", "| | risk | score (0-10) and range | reliability (0-10) |", "|---|---|---|---|"]
    for figure in [b.overall, *b.crimes]:
        lines.append(f"| {figure.label} | {figure.level} | {figure.score_text} | {figure.reliability:.1f} |")
    lines += ["", f"*{escape(b.model_note)}*", "", escape(b.coverage_line), "", f"*{escape(b.status_note)}*", ""]
    lines += ["### The 14 risk factors", "", "| risk factor | score | range | coverage |", "|---|---|---|---|"]
    lines += [f"| {f.number}. {escape(f.title)} | {_score(f.score)} | {f.low:.1f}-{f.high:.1f} | {f.coverage:.0%} |" for f in b.factor_bars]
    if b.trend:
        lines += ["", "### Trend", "", "| assessed on | overall | range | status |", "|---|---|---|---|"]
        lines += [f"| {p.assessed_on.isoformat()} | {_score(p.overall)} | {p.low:.1f}-{p.high:.1f} | {escape(p.status)} |" for p in b.trend]
    return lines + [""]


def _changes_and_drivers(b: Briefing) -> list[str]:
    lines = ["## What changed", "", *[f"- {escape(line)}" for line in b.change_summary], ""]
    if b.assess_next:
        lines += ["## What to assess next", "", *[f"- {escape(line)}" for line in b.assess_next], ""]
    lines += ["## What drives the result", ""]
    for section in b.drivers:
        lines += [f"### Risk factor {section.risk_factor}: {escape(section.title)}", "",
                  f"Score {_score(section.score)} ({section.level}), coverage {section.coverage:.0%}, reliability {section.reliability:.1f}.", ""]
        for item in section.indicators:
            detail = ", ".join(x for x in (f"confidence {item.confidence}" if item.confidence else "",
                                           f"trend {item.trend}" if item.trend else "") if x)
            lines.append(f"- **{item.indicator}** {escape(item.text)} Level {item.level} ({item.level_label})"
                         + (f"; {detail}" if detail else "") + ".")
            if item.evidence:
                lines.append(f"  Evidence: {_cell(item.evidence)}")
            for source in item.sources:
                parts = [escape(source.title), escape(source.url) if source.url else "", source.date.isoformat() if source.date else ""]
                lines.append("  Source: " + ", ".join(p for p in parts if p))
        lines.append("")
    return lines


def _actions(b: Briefing) -> list[str]:
    chosen = "selected by the analyst" if b.actions_selected_by_analyst else "the top recommendations for this risk profile"
    lines = ["## Recommended actions", "", f"Tools {chosen}, grouped by where they are used.", ""]
    for group in b.action_groups:
        lines += [f"### {escape(group.title)}", ""]
        for action in group.actions:
            lines += [f"**{escape(action.name)}** ({escape(action.venue)})", "", escape(action.description), "",
                      "Why: " + escape("; ".join(action.reasons)) + "."]
            for citation in action.citations:
                lines += [f"> “{escape(citation.quote)}” ({escape(citation.meeting)}, {escape(citation.section)})", ""]
            lines += [f"- Caution: {escape(c)}" for c in action.cautions]
            lines.append("")
    return lines


def _methodology_and_annex(b: Briefing) -> list[str]:
    lines = ["## Methodology", "", *[escape(p) + "\n" for p in b.methodology], "## Annex: rated indicators", "",
             "| indicator | level | confidence | trend | evidence | sources |", "|---|---|---|---|---|---|"]
    lines += [f"| {r.indicator} {_cell(r.text)} | {r.level} | {r.confidence} | {r.trend} | {_cell(r.evidence)} | {_cell(r.sources)} |"
              for r in b.annex]
    return lines + ["", f"**{escape(b.marking.upper())}**", ""]


def _dossier(b: Briefing) -> list[str]:
    """The situation's dossier, its review and the analysts' disagreement (issue 18), a section of its own."""
    if b.dossier is None:
        return []
    d = b.dossier
    lines = [f"## {escape(d.title)}", "", f"- Review: {escape(d.review)}"]
    lines += [f"- Independent ratings: {escape(d.consensus)}"] if d.consensus else []
    for block in d.blocks:
        lines += ["", f"### {escape(block.title)}", "", *[f"- {escape(line)}" for line in block.lines]]
    return lines + [""]


def briefing_to_markdown(briefing: Briefing) -> bytes:
    lines = [*_header(briefing), *_bottom_line(briefing), *_changes_and_drivers(briefing), *_actions(briefing),
             *_dossier(briefing), *_methodology_and_annex(briefing)]
    return "\n".join(lines).encode("utf-8")
