"""The full briefing as a PDF: A4, the handling marking on every page (and DRAFT across a draft's),
the charts, and the annex of ratings with their evidence.

Pure: a `Briefing` in, the PDF's bytes out. Fonts come from matplotlib's wheel (DejaVu Sans), and
the document's metadata dates come from the briefing, so the same briefing gives the same bytes.
"""

from __future__ import annotations

from r2p_risk.annex import evidence_line
from r2p_risk.exporters.figures import factor_chart_png, trend_chart_png
from r2p_risk.exporters.pdf_layout import FAMILY, MUTED, BriefingPage, png_height
from r2p_risk.report import Briefing, citation_line

ANNEX_SIZE = 6.5


def _title_block(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading(b.title, level=0)
    pdf.paragraph(b.model_line, colour=MUTED)
    pdf.gap(1)
    rows = [
        ["Situation", f"{b.situation} ({b.place})"],
        ["Date of assessment", f"{b.assessed_on.isoformat()} ({b.assessment_status})"],
    ]
    rows += [["Analyst", b.analyst]] if b.analyst else []
    rows += [["Versions", b.versions], ["Generated at", f"{b.generated_at:%Y-%m-%d %H:%M} UTC"]]
    pdf.table_of(rows, widths=(40, 134), heading=False)


def _bottom_line(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("Key judgements")
    for line in b.key_judgements.splitlines() or [""]:
        pdf.paragraph(line) if line.strip() else pdf.gap()
    pdf.heading("Bottom line")
    pdf.paragraph(f"Status: {b.status}", bold=True)
    for reason in b.status_reasons:
        pdf.bullet(reason)
    pdf.paragraph(b.status_note, colour=MUTED)
    pdf.gap()
    rows = [["", "risk", "score (0-10) and range", "reliability (0-10)"]]
    rows += [[f.label, f.level, f.score_text, f"{f.reliability:.1f}"] for f in [b.overall, *b.crimes]]
    pdf.table_of(rows, widths=(50, 34, 60, 30))
    pdf.paragraph(b.model_note, colour=MUTED)
    pdf.paragraph(b.coverage_line)


def _charts(pdf: BriefingPage, b: Briefing) -> None:
    factors = factor_chart_png(b)
    pdf.heading("The 14 risk factors", level=2, keep=png_height(factors, 135))
    pdf.png(factors, width=135)
    pdf.paragraph(b.incomplete_note, colour=MUTED)
    trend = trend_chart_png(b)
    if trend is not None:
        pdf.heading("Trend of the overall score", level=2, keep=png_height(trend, 120))
        pdf.png(trend, width=120)


def _changes(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("What changed", keep=15)
    for line in b.change_summary:
        pdf.bullet(line)
    if b.assess_next:
        pdf.heading("What to assess next", keep=15)
        for line in b.assess_next:
            pdf.bullet(line)


def _drivers(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("What drives the result")
    pdf.paragraph(b.paraphrase_note + " The evidence behind each rating is in the annex.", colour=MUTED)
    for section in b.drivers:
        pdf.heading(f"Risk factor {section.risk_factor}: {section.title}", level=3, keep=12)
        pdf.paragraph(section.summary, colour=MUTED)
        for item in section.indicators:
            detail = f"; {item.detail}" if item.detail else ""
            pdf.bullet(f"{item.indicator} {item.text} {item.level_label.capitalize()} (level {item.level}{detail}).")


def _actions(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("Recommended actions")
    for line in b.stage_lines:
        pdf.paragraph(line, colour=MUTED)
    pdf.paragraph(b.actions_note)
    for group in b.action_groups:
        pdf.heading(group.title, level=2, keep=20)
        for action in group.actions:
            pdf.heading(f"{action.name} ({action.venue})", level=3, keep=14)
            pdf.paragraph(action.description)
            pdf.paragraph("Why: " + "; ".join(action.reasons) + ".", indent=2)
            pdf.paragraph(citation_line(action), indent=2, colour=MUTED)
            for caution in action.cautions:
                pdf.paragraph(f"Caution: {caution}", indent=2)
    if b.held_back:
        pdf.heading("Held back until the situation warrants them", level=2, keep=14)
        for line in b.held_back:
            pdf.bullet(line)


def _methodology_and_annex(pdf: BriefingPage, b: Briefing) -> None:
    pdf.heading("Methodology")
    for text in b.methodology:
        pdf.paragraph(text)
        pdf.gap(1)
    pdf.heading("Annex: the ratings and their evidence", keep=40)
    pdf.paragraph(b.annex_note, colour=MUTED)
    for factor in b.annex:
        pdf.gap(0.5)
        pdf.paragraph(f"Risk factor {factor.risk_factor}: {factor.title}", bold=True, size=ANNEX_SIZE)
        pdf.paragraph(factor.ratings, size=ANNEX_SIZE)
        for item in factor.evidence:
            pdf.paragraph(evidence_line(item), indent=3, size=ANNEX_SIZE)
    if b.annex_sources:
        pdf.gap(1)
        pdf.paragraph("Sources", bold=True, size=ANNEX_SIZE)
        for line in b.annex_sources:
            pdf.paragraph(line, indent=3, size=ANNEX_SIZE)


def _dossier(pdf: BriefingPage, b: Briefing) -> None:
    """Who is at risk, from whom and when to watch; the review and the analysts' disagreement."""
    if b.dossier is None:
        return
    pdf.heading(b.dossier.title, keep=20)
    pdf.paragraph(f"Review: {b.dossier.review}")
    if b.dossier.consensus:
        pdf.paragraph(f"Independent ratings: {b.dossier.consensus}")
    for block in b.dossier.blocks:
        pdf.heading(block.title, level=3, keep=12)
        for line in block.lines:
            pdf.bullet(line)


def briefing_to_pdf(briefing: Briefing) -> bytes:
    """The whole briefing as PDF bytes."""
    pdf = BriefingPage(briefing.marking, briefing.situation, draft=briefing.draft)
    pdf.set_title(briefing.title)
    pdf.set_subject(f"{briefing.situation}, assessed {briefing.assessed_on.isoformat()}")
    pdf.set_author(briefing.analyst or "r2p-risk")
    pdf.set_creator("r2p-risk")
    pdf.set_creation_date(briefing.generated_at)
    pdf.add_page()
    pdf.set_font(FAMILY, size=9)
    for section in (
        _title_block,
        _bottom_line,
        _dossier,
        _changes,
        _charts,
        _drivers,
        _actions,
        _methodology_and_annex,
    ):
        section(pdf, briefing)
    return bytes(pdf.output())
