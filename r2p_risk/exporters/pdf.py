"""The briefing as a PDF: A4, the handling marking on every page, the charts, and the annex of ratings.

Pure: a `Briefing` in, the PDF's bytes out. Fonts come from matplotlib's wheel (DejaVu Sans), and
the document's metadata dates come from the briefing, so the same briefing gives the same bytes.
"""

from __future__ import annotations

from r2p_risk.exporters.figures import factor_chart_png, trend_chart_png
from r2p_risk.exporters.pdf_layout import FAMILY, MUTED, BriefingPage, png_height
from r2p_risk.report import Briefing

ANNEX_WIDTHS = (62, 21, 18, 17, 34, 26)


def _score(value: float | None) -> str:
    return "not determined" if value is None else f"{value:.1f}"


def _title_block(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading(b.title, level=0)
    pdf.table_of([
        ["Situation", b.situation], ["Place", b.place], ["Date of assessment", b.assessed_on.isoformat()],
        ["Analyst", b.analyst], ["Assessment", b.assessment_status], ["Versions", b.versions],
        ["Generated at", f"{b.generated_at:%Y-%m-%d %H:%M} UTC"],
    ], widths=(40, 134), heading=False)


def _bottom_line(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("Key judgements")
    for line in b.key_judgements.splitlines() or [""]:
        pdf.paragraph(line) if line.strip() else pdf.gap()
    pdf.heading("Bottom line")
    pdf.paragraph(f"Status: {b.status}", bold=True)
    for reason in b.status_reasons:
        pdf.bullet(reason)
    pdf.gap()
    rows = [["", "risk", "score (0-10) and range", "reliability (0-10)"]]
    rows += [[f.label, f.level, f.score_text, f"{f.reliability:.1f}"] for f in [b.overall, *b.crimes]]
    pdf.table_of(rows, widths=(50, 34, 60, 30))
    pdf.paragraph(b.model_note, colour=MUTED)
    pdf.paragraph(b.coverage_line)
    pdf.paragraph(b.status_note, colour=MUTED)


def _charts(pdf: BriefingPage, b: Briefing) -> None:
    factors = factor_chart_png(b)
    pdf.heading("The 14 risk factors", level=2, keep=png_height(factors, 170))
    pdf.png(factors, width=170)
    trend = trend_chart_png(b)
    if trend is not None:
        pdf.heading("Trend of the overall score", level=2, keep=png_height(trend, 160))
        pdf.png(trend, width=160)


def _changes_and_drivers(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("What changed")
    for line in b.change_summary:
        pdf.bullet(line)
    if b.assess_next:
        pdf.heading("What to assess next")
        for line in b.assess_next:
            pdf.bullet(line)
    pdf.heading("What drives the result")
    for section in b.drivers:
        pdf.heading(f"Risk factor {section.risk_factor}: {section.title}", level=2)
        pdf.paragraph(f"Score {_score(section.score)} ({section.level}), coverage {section.coverage:.0%}, "
                      f"reliability {section.reliability:.1f}.", colour=MUTED)
        for item in section.indicators:
            detail = "; ".join(x for x in (f"confidence {item.confidence}" if item.confidence else "",
                                           f"trend {item.trend}" if item.trend else "") if x)
            pdf.paragraph(f"{item.indicator} {item.text}", bold=True, indent=2)
            pdf.paragraph(f"Level {item.level} ({item.level_label})" + (f"; {detail}" if detail else "") + ".", indent=6)
            if item.evidence:
                pdf.paragraph(f"Evidence: {item.evidence}", indent=6)
            for source in item.sources:
                parts = [source.title, source.url or "", source.date.isoformat() if source.date else ""]
                pdf.paragraph("Source: " + ", ".join(p for p in parts if p), indent=6, colour=MUTED)
            pdf.gap(1)


def _actions(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("Recommended actions")
    chosen = "selected by the analyst" if b.actions_selected_by_analyst else "the top recommendations for this risk profile"
    pdf.paragraph(f"These are the tools {chosen}, grouped by policy space.")
    for group in b.action_groups:
        pdf.heading(group.title, level=2)
        for action in group.actions:
            pdf.heading(f"{action.name} ({action.venue})", level=3)
            pdf.paragraph(action.description)
            pdf.paragraph("Why: " + "; ".join(action.reasons) + ".", indent=2)
            for cited in action.citations:
                pdf.paragraph(f"“{cited.quote}” — {cited.meeting}, {cited.section}", indent=2, colour=MUTED)
            for caution in action.cautions:
                pdf.paragraph(f"Caution: {caution}", indent=2)
            pdf.gap(1)


def _methodology_and_annex(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("Methodology")
    for text in b.methodology:
        pdf.paragraph(text)
        pdf.gap(1)
    pdf.add_page()
    pdf.heading("Annex: rated indicators")
    rows = [["indicator", "level", "confidence", "trend", "evidence", "sources"]]
    rows += [[f"{r.indicator} {r.text}", r.level, r.confidence, r.trend, r.evidence, r.sources] for r in b.annex]
    pdf.table_of(rows, widths=ANNEX_WIDTHS, size=7)


def _dossier(pdf: BriefingPage, b: Briefing) -> None:
    """The situation's dossier, its review and the analysts' disagreement (issue 18), a section of its own."""
    if b.dossier is None:
        return
    pdf.heading(b.dossier.title)
    pdf.paragraph(f"Review: {b.dossier.review}")
    if b.dossier.consensus:
        pdf.paragraph(f"Independent ratings: {b.dossier.consensus}")
    for block in b.dossier.blocks:
        pdf.heading(block.title, level=2)
        for line in block.lines:
            pdf.paragraph(line, indent=2)


def briefing_to_pdf(briefing: Briefing) -> bytes:
    """The whole briefing as PDF bytes."""
    pdf = BriefingPage(briefing.marking, briefing.situation)
    pdf.set_title(briefing.title)
    pdf.set_subject(f"{briefing.situation}, assessed {briefing.assessed_on.isoformat()}")
    pdf.set_author(briefing.analyst)
    pdf.set_creator("r2p-risk")
    pdf.set_creation_date(briefing.generated_at)
    pdf.add_page()
    pdf.set_font(FAMILY, size=9)
    for section in (_title_block, _bottom_line, _charts, _changes_and_drivers, _actions, _dossier, _methodology_and_annex):
        section(pdf, briefing)
    return bytes(pdf.output())
