"""The one-page brief as PDF, Word and Markdown: one A4 page, the marking on it, DRAFT across a draft.

Pure: a `Brief` in, bytes out. The PDF is laid out at the body size that keeps it to one page: it
starts at 9 pt and steps down to 7 pt; a brief that still does not fit drops its longest lists'
last items (it never runs onto a second page).
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Mm, Pt

from r2p_risk.brief import Brief
from r2p_risk.exporters.markdown import escape
from r2p_risk.exporters.pdf_layout import MUTED, BriefingPage
from r2p_risk.exporters.word import DRAFT_COLOUR, MARKING_COLOUR

SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)


def _sections(b: Brief) -> list[tuple[str, list[str]]]:
    """The brief's parts in reading order: a heading (or "") and its lines; a line starting "* " is a bullet."""
    status = [f"Status: {b.status}", f"({b.status_source})", *[f"* {r}" for r in b.status_reasons]]
    status += [b.evidence_warning] if b.evidence_warning else []
    crimes = [f"* {c.crime}: {c.level} ({c.figure})" for c in b.crimes] + [b.coverage_line]
    asks = [b.asks_note] + [f"* {a.name} ({a.venue}). Why: {a.why}. {a.citation}" for a in b.asks]
    crimes += [f"Independent ratings: {b.disagreement}"] if b.disagreement else []
    at_risk = [("Who is at risk, and when to watch", [f"* {line}" for line in b.at_risk])] if b.at_risk else []
    return [
        ("", status),
        ("Risk of each crime (r2p-risk's model, 0-10, with the range it could still take)", crimes),
        *at_risk,
        ("What changed", [f"* {c}" for c in b.changes]),
        ("What to ask for", asks),
        ("What to watch and assess next", [f"* {w}" for w in b.watch_next] or ["Every indicator is assessed."]),
    ]


def _draw(b: Brief, size: float, sections: list[tuple[str, list[str]]]) -> BriefingPage:
    pdf = BriefingPage(b.marking, b.situation, draft=b.draft)
    pdf.set_title(b.title)
    pdf.set_creator("r2p-risk")
    pdf.add_page()
    pdf.heading(b.title, level=0, keep=0)
    pdf.paragraph(b.model_line, colour=MUTED, size=size)
    pdf.paragraph(b.meta, colour=MUTED, size=size)
    for heading, lines in sections:
        if heading:
            pdf.gap(1)
            pdf.paragraph(heading, bold=True, size=size + 1)
        for line in lines:
            if line.startswith("* "):
                pdf.bullet(line[2:], size=size)
            else:
                pdf.paragraph(line, bold=line.startswith("Status:"), size=size)
    pdf.gap(1)
    pdf.paragraph(b.versions, colour=MUTED, size=min(size, 7))
    return pdf


def _shorter(sections: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]] | None:
    """The sections with the last bullet of the longest list dropped, keeping at least three asks; None when
    nothing can go."""
    longest = max(range(len(sections)), key=lambda i: sum(x.startswith("* ") for x in sections[i][1]))
    heading, lines = sections[longest]
    bullets = sum(x.startswith("* ") for x in lines)
    if bullets <= (3 if heading == "What to ask for" else 1):
        return None
    last = max(i for i, x in enumerate(lines) if x.startswith("* "))
    return [*sections[:longest], (heading, lines[:last] + lines[last + 1 :]), *sections[longest + 1 :]]


def brief_to_pdf(brief: Brief) -> bytes:
    """The brief on one A4 page."""
    sections = _sections(brief)
    while True:
        for size in SIZES:
            pdf = _draw(brief, size, sections)
            if pdf.page_no() == 1:
                return bytes(pdf.output())
        shorter = _shorter(sections)
        if shorter is None:
            return bytes(pdf.output())  # cannot happen with the model's limits; the tests check every example
        sections = shorter


def brief_to_markdown(brief: Brief) -> bytes:
    lines = [
        f"**{escape(brief.marking.upper())}**" + (" · **DRAFT**" if brief.draft else ""),
        "",
        f"# {escape(brief.title)}",
        "",
        f"*{escape(brief.model_line)}*  ",
        escape(brief.meta),
        "",
    ]
    for heading, items in _sections(brief):
        lines += [f"## {escape(heading)}", ""] if heading else []
        lines += [f"- {escape(x[2:])}" if x.startswith("* ") else escape(x) + "  " for x in items]
        lines.append("")
    return "\n".join([*lines, f"*{escape(brief.versions)}*", ""]).encode("utf-8")


def brief_to_docx(brief: Brief) -> bytes:
    doc = Document()
    doc.core_properties.title, doc.core_properties.author = brief.title, "r2p-risk"
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(15)
    head = section.header.paragraphs[0].add_run(brief.marking.upper() + ("    DRAFT" if brief.draft else ""))
    head.bold, head.font.color.rgb = True, DRAFT_COLOUR if brief.draft else MARKING_COLOUR
    doc.styles["Normal"].font.size = Pt(9)
    doc.add_paragraph(brief.title, style="Title")
    for text in (brief.model_line, brief.meta):
        doc.add_paragraph(text).runs[0].italic = True
    for heading, items in _sections(brief):
        if heading:
            doc.add_paragraph(heading, style="Heading 2")
        for item in items:
            paragraph = (
                doc.add_paragraph(item[2:], style="List Bullet") if item.startswith("* ") else doc.add_paragraph(item)
            )
            paragraph.paragraph_format.space_after = Pt(1)
    doc.add_paragraph(brief.versions).runs[0].font.size = Pt(7)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
