"""The briefing as a Word document: real headings, tables and pictures, the marking on every page.

Pure: a `Briefing` in, the .docx bytes out. All text goes in as plain runs (python-docx escapes
it), so nothing an analyst typed becomes a field, a link or markup. Word shapes Arabic itself;
paragraphs that start right to left are marked as such.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

from docx import Document
from docx.document import Document as Doc
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table

from r2p_risk.exporters.figures import factor_chart_png, trend_chart_png
from r2p_risk.report import Briefing

MARKING_COLOUR = RGBColor(0xA0, 0x14, 0x28)
ANNEX_WIDTHS = (Cm(5.6), Cm(2.2), Cm(1.9), Cm(1.9), Cm(3.4), Cm(2.4))
HEADINGS = {0: "Title", 1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}


def _score(value: float | None) -> str:
    return "not determined" if value is None else f"{value:.1f}"


def _utc(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC without a zone, as python-docx writes it; a moment without a zone is taken as UTC."""
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _right_to_left(text: str) -> bool:
    for c in text:
        direction = unicodedata.bidirectional(c)
        if direction in ("L", "R", "AL"):
            return direction != "L"
    return False


class _Writer:
    """Adds paragraphs, headings and tables to one document, with its styles looked up once (python-docx
    looks a style name up among all styles on every use)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.styles = {name: doc.styles[name] for name in (*HEADINGS.values(), "List Bullet", "Quote", "Table Grid")}

    def heading(self, text: str, level: int) -> None:
        self.doc.add_paragraph(text, style=self.styles[HEADINGS[level]])

    def paragraph(self, text: str, style: str | None = None, bold: bool = False) -> None:
        paragraph = self.doc.add_paragraph(style=self.styles[style] if style else None)
        run = paragraph.add_run(text)
        run.bold = bold or None
        if _right_to_left(text):  # a right-to-left paragraph, which Word lays out from the right margin
            paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
            run.font.rtl = True

    def table(self, rows: list[list[str]], heading: bool = True, size: float | None = None, widths: tuple[Cm, ...] = ()) -> Table:
        """A "Table Grid" table; the first row is a bold heading row repeated on every page when `heading` is set."""
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]), style=self.styles["Table Grid"])
        table.autofit = not widths
        for index, (row, cells) in enumerate(zip(rows, table.rows)):
            for column, (text, cell) in enumerate(zip(row, cells.cells)):
                run = cell.paragraphs[0].add_run(text)
                run.bold = (heading and index == 0) or None
                if size:
                    run.font.size = Pt(size)
                if widths:
                    cell.width = widths[column]
        if heading:
            table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        return table


def _page_number_field(paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_setup(doc: Doc, b: Briefing) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    marking = b.marking.upper()
    head = section.header.paragraphs[0]
    run = head.add_run(marking)
    run.bold, run.font.color.rgb, run.font.size = True, MARKING_COLOUR, Pt(12)
    head.add_run(f"    {b.situation}").font.size = Pt(8)
    foot = section.footer.paragraphs[0]
    run = foot.add_run(marking)
    run.bold, run.font.color.rgb = True, MARKING_COLOUR
    foot.add_run("    Page ")
    _page_number_field(foot)
    doc.styles["Normal"].font.size = Pt(10)


def _title_and_bottom_line(w: _Writer, b: Briefing) -> None:
    w.heading(b.title, 0)
    w.table([["Situation", b.situation], ["Place", b.place], ["Date of assessment", b.assessed_on.isoformat()],
                 ["Analyst", b.analyst], ["Assessment", b.assessment_status], ["Versions", b.versions],
                 ["Generated at", f"{b.generated_at:%Y-%m-%d %H:%M} UTC"]], heading=False)
    w.heading("Key judgements", 1)
    for line in b.key_judgements.splitlines():
        w.paragraph(line)
    w.heading("Bottom line", 1)
    w.paragraph(f"Status: {b.status}", bold=True)
    for reason in b.status_reasons:
        w.paragraph(reason, style="List Bullet")
    w.table([["", "risk", "score (0-10) and range", "reliability (0-10)"],
                 *[[f.label, f.level, f.score_text, f"{f.reliability:.1f}"] for f in [b.overall, *b.crimes]]])
    w.paragraph(b.model_note)
    w.paragraph(b.coverage_line)
    w.paragraph(b.status_note)
    w.heading("The 14 risk factors", 2)
    w.doc.add_picture(io.BytesIO(factor_chart_png(b)), width=Cm(16.5))
    trend = trend_chart_png(b)
    if trend is not None:
        w.heading("Trend of the overall score", 2)
        w.doc.add_picture(io.BytesIO(trend), width=Cm(16))


def _changes_and_drivers(w: _Writer, b: Briefing) -> None:
    w.heading("What changed", 1)
    for line in b.change_summary:
        w.paragraph(line, style="List Bullet")
    if b.assess_next:
        w.heading("What to assess next", 1)
        for line in b.assess_next:
            w.paragraph(line, style="List Bullet")
    w.heading("What drives the result", 1)
    for section in b.drivers:
        w.heading(f"Risk factor {section.risk_factor}: {section.title}", 2)
        w.paragraph(f"Score {_score(section.score)} ({section.level}), coverage {section.coverage:.0%}, "
                        f"reliability {section.reliability:.1f}.")
        for item in section.indicators:
            detail = "".join(f"; {x}" for x in (f"confidence {item.confidence}" if item.confidence else "",
                                                f"trend {item.trend}" if item.trend else "") if x)
            w.paragraph(f"{item.indicator} {item.text}", bold=True)
            w.paragraph(f"Level {item.level} ({item.level_label}){detail}.")
            if item.evidence:
                w.paragraph(f"Evidence: {item.evidence}")
            for source in item.sources:
                parts = [source.title, source.url or "", source.date.isoformat() if source.date else ""]
                w.paragraph("Source: " + ", ".join(p for p in parts if p), style="List Bullet")


def _actions(w: _Writer, b: Briefing) -> None:
    w.heading("Recommended actions", 1)
    chosen = "selected by the analyst" if b.actions_selected_by_analyst else "the top recommendations for this risk profile"
    w.paragraph(f"These are the tools {chosen}, grouped by policy space.")
    for group in b.action_groups:
        w.heading(group.title, 2)
        for action in group.actions:
            w.heading(f"{action.name} ({action.venue})", 3)
            w.paragraph(action.description)
            w.paragraph("Why: " + "; ".join(action.reasons) + ".")
            for cited in action.citations:
                w.paragraph(f"“{cited.quote}” — {cited.meeting}, {cited.section}", style="Quote")
            for caution in action.cautions:
                w.paragraph(f"Caution: {caution}", style="List Bullet")


def _methodology_and_annex(w: _Writer, b: Briefing) -> None:
    w.heading("Methodology", 1)
    for text in b.methodology:
        w.paragraph(text)
    w.doc.add_page_break()
    w.heading("Annex: rated indicators", 1)
    rows = [["indicator", "level", "confidence", "trend", "evidence", "sources"]]
    rows += [[f"{r.indicator} {r.text}", r.level, r.confidence, r.trend, r.evidence, r.sources] for r in b.annex]
    w.table(rows, size=8, widths=ANNEX_WIDTHS)


def _dossier(w: _Writer, b: Briefing) -> None:
    """The situation's dossier, its review and the analysts' disagreement (issue 18), a section of its own."""
    if b.dossier is None:
        return
    w.heading(b.dossier.title, 1)
    w.paragraph(f"Review: {b.dossier.review}")
    if b.dossier.consensus:
        w.paragraph(f"Independent ratings: {b.dossier.consensus}")
    for block in b.dossier.blocks:
        w.heading(block.title, 2)
        for line in block.lines:
            w.paragraph(line, style="List Bullet")


def briefing_to_docx(briefing: Briefing) -> bytes:
    """The whole briefing as .docx bytes."""
    doc = Document()
    properties = doc.core_properties
    properties.title = briefing.title
    properties.subject = f"{briefing.situation}, assessed {briefing.assessed_on.isoformat()}"
    properties.author = properties.last_modified_by = briefing.analyst
    properties.created = properties.modified = _utc(briefing.generated_at)
    properties.revision = 1
    _page_setup(doc, briefing)
    writer = _Writer(doc)
    for section in (_title_and_bottom_line, _changes_and_drivers, _actions, _dossier, _methodology_and_annex):
        section(writer, briefing)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
