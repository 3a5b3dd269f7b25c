"""The briefing as a Word document: real headings, tables and pictures, the marking on every page.

Pure: a `Briefing` in, the .docx bytes out. All text goes in as plain runs (python-docx escapes
it), so nothing an analyst typed becomes a field, a link or markup. Word shapes Arabic itself;
paragraphs that start right to left are marked as such.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.document import Document as Doc
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table

from r2p_risk.annex import evidence_line
from r2p_risk.exporters.figures import factor_chart_png, trend_chart_png
from r2p_risk.exporters.text_direction import right_to_left
from r2p_risk.parameters import score_figure
from r2p_risk.report import Briefing, citation_line

MARKING_COLOUR = RGBColor(0xA0, 0x14, 0x28)
DRAFT_COLOUR = RGBColor(0xC8, 0xB4, 0xB8)
ANNEX_SIZE = Pt(8)
HEADINGS = {0: "Title", 1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}


def _score(value: float | None) -> str:
    return score_figure(value)


def _utc(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC without a zone, as python-docx writes it; a moment without a zone is taken as UTC."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


class _Writer:
    """Adds paragraphs, headings and tables to one document, with its styles looked up once (python-docx
    looks a style name up among all styles on every use)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.styles = {name: doc.styles[name] for name in (*HEADINGS.values(), "List Bullet", "Quote", "Table Grid")}

    def heading(self, text: str, level: int) -> None:
        self.doc.add_paragraph(text, style=self.styles[HEADINGS[level]])

    def paragraph(self, text: str, style: str | None = None, bold: bool = False, size: Pt | None = None) -> None:
        paragraph = self.doc.add_paragraph(style=self.styles[style] if style else None)
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = size
        if right_to_left(text):  # a right-to-left paragraph, which Word lays out from the right margin
            paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
            run.font.rtl = True

    def table(
        self, rows: list[list[str]], heading: bool = True, size: float | None = None, widths: tuple[Cm, ...] = ()
    ) -> Table:
        """A "Table Grid" table; the first row is a bold heading row repeated on every page when `heading` is set."""
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]), style=self.styles["Table Grid"])
        table.autofit = not widths
        for index, (row, cells) in enumerate(zip(rows, table.rows, strict=True)):
            for column, (text, cell) in enumerate(zip(row, cells.cells, strict=True)):
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
    """A4, the marking in every page's header and footer, and DRAFT in large grey letters in a draft's header."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    marking = b.marking.upper()
    head = section.header.paragraphs[0]
    run = head.add_run(marking)
    run.bold, run.font.color.rgb, run.font.size = True, MARKING_COLOUR, Pt(12)
    head.add_run(f"    {b.situation}").font.size = Pt(8)
    if b.draft:
        draft = section.header.add_paragraph().add_run("DRAFT")
        draft.bold, draft.font.size, draft.font.color.rgb = True, Pt(40), DRAFT_COLOUR
    foot = section.footer.paragraphs[0]
    run = foot.add_run(marking)
    run.bold, run.font.color.rgb = True, MARKING_COLOUR
    foot.add_run("    Page ")
    _page_number_field(foot)
    doc.styles["Normal"].font.size = Pt(10)


def _title_and_bottom_line(w: _Writer, b: Briefing) -> None:
    w.heading(b.title, 0)
    w.paragraph(b.model_line)
    rows = [
        ["Situation", f"{b.situation} ({b.place})"],
        ["Date of assessment", f"{b.assessed_on.isoformat()} ({b.assessment_status})"],
    ]
    rows += [["Analyst", b.analyst]] if b.analyst else []
    w.table(rows + [["Versions", b.versions], ["Generated at", f"{b.generated_at:%Y-%m-%d %H:%M} UTC"]], heading=False)
    w.heading("Key judgements", 1)
    for line in b.key_judgements.splitlines():
        w.paragraph(line)
    w.heading("Bottom line", 1)
    w.paragraph(f"Status: {b.status}", bold=True)
    for reason in b.status_reasons:
        w.paragraph(reason, style="List Bullet")
    w.paragraph(b.status_note)
    w.table(
        [
            ["", "risk", "score (0-10) and range", "reliability (0-10)"],
            *[[f.label, f.level, f.score_text, f"{f.reliability:.1f}"] for f in [b.overall, *b.crimes]],
        ]
    )
    w.paragraph(b.model_note)
    w.paragraph(b.coverage_line)


def _dossier(w: _Writer, b: Briefing) -> None:
    """Who is at risk, from whom and when to watch; the review and the analysts' disagreement."""
    if b.dossier is None:
        return
    w.heading(b.dossier.title, 1)
    w.paragraph(f"Review: {b.dossier.review}")
    if b.dossier.consensus:
        w.paragraph(f"Independent ratings: {b.dossier.consensus}")
    for block in b.dossier.blocks:
        w.heading(block.title, 3)
        for line in block.lines:
            w.paragraph(line, style="List Bullet")


def _changes_and_charts(w: _Writer, b: Briefing) -> None:
    w.heading("What changed", 1)
    for line in b.change_summary:
        w.paragraph(line, style="List Bullet")
    if b.assess_next:
        w.heading("What to assess next", 1)
        for line in b.assess_next:
            w.paragraph(line, style="List Bullet")
    w.heading("The 14 risk factors", 2)
    w.doc.add_picture(io.BytesIO(factor_chart_png(b)), width=Cm(15))
    w.paragraph(b.incomplete_note)
    trend = trend_chart_png(b)
    if trend is not None:
        w.heading("Trend of the overall score", 2)
        w.doc.add_picture(io.BytesIO(trend), width=Cm(13))


def _drivers(w: _Writer, b: Briefing) -> None:
    w.heading("What drives the result", 1)
    w.paragraph(b.paraphrase_note + " The evidence behind each rating is in the annex.")
    for section in b.drivers:
        w.heading(f"Risk factor {section.risk_factor}: {section.title}", 3)
        w.paragraph(section.summary)
        for item in section.indicators:
            detail = f"; {item.detail}" if item.detail else ""
            w.paragraph(
                f"{item.indicator} {item.text} {item.level_label.capitalize()} (level {item.level}{detail}).",
                style="List Bullet",
            )


def _actions(w: _Writer, b: Briefing) -> None:
    w.heading("Recommended actions", 1)
    for line in b.stage_lines:
        w.paragraph(line)
    w.paragraph(b.actions_note)
    for group in b.action_groups:
        w.heading(group.title, 2)
        for action in group.actions:
            w.heading(f"{action.name} ({action.venue})", 3)
            w.paragraph(action.description)
            w.paragraph("Why: " + "; ".join(action.reasons) + ".")
            w.paragraph(citation_line(action), style="Quote")
            for caution in action.cautions:
                w.paragraph(f"Caution: {caution}", style="List Bullet")
    if b.held_back:
        w.heading("Held back until the situation warrants them", 2)
        for line in b.held_back:
            w.paragraph(line, style="List Bullet")


def _methodology_and_annex(w: _Writer, b: Briefing) -> None:
    w.heading("Methodology", 1)
    for text in b.methodology:
        w.paragraph(text)
    w.heading("Annex: the ratings and their evidence", 1)
    w.paragraph(b.annex_note)
    for factor in b.annex:
        w.heading(f"Risk factor {factor.risk_factor}: {factor.title}", 3)
        w.paragraph(factor.ratings, size=ANNEX_SIZE)
        for item in factor.evidence:
            w.paragraph(evidence_line(item), style="List Bullet", size=ANNEX_SIZE)
    if b.annex_sources:
        w.heading("Sources", 3)
        for line in b.annex_sources:
            w.paragraph(line, size=ANNEX_SIZE)


def briefing_to_docx(briefing: Briefing) -> bytes:
    """The whole briefing as .docx bytes."""
    doc = Document()
    properties = doc.core_properties
    properties.title = briefing.title
    properties.subject = f"{briefing.situation}, assessed {briefing.assessed_on.isoformat()}"
    properties.author = properties.last_modified_by = briefing.analyst or "r2p-risk"
    properties.created = properties.modified = _utc(briefing.generated_at)
    properties.revision = 1
    _page_setup(doc, briefing)
    writer = _Writer(doc)
    for section in (_title_and_bottom_line, _dossier, _changes_and_charts, _drivers, _actions, _methodology_and_annex):
        section(writer, briefing)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
