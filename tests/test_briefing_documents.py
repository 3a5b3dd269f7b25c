"""The briefing as PDF and Word documents, read back with pypdf and python-docx: what a reader gets."""

import datetime as dt
import io

import docx
import pytest
from fontTools.ttLib import TTFont
from helpers import EXAMPLES, FRAMEWORKS, make_assessment
from pypdf import PdfReader

from r2p_risk.assessment import Situation
from r2p_risk.exporters.figures import factor_chart_png, trend_chart_png
from r2p_risk.exporters.pdf import briefing_to_pdf
from r2p_risk.exporters.word import briefing_to_docx
from r2p_risk.report import briefing_for
from r2p_risk.storage.files import load_catalogue, read_snapshot_file

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
SELECTED = ["peacekeeping_protection_mandate", "arms_embargo"]
HOSTILE = '<script>alert(1)</script> **bold** [x](javascript:alert(1)) =HYPERLINK("http://evil")'
ARABIC = "محمد عبد الله"
JUDGEMENTS = f"Sources include Grubačić and Acción Solidaria.\n{ARABIC}\n{HOSTILE}\nAtrocity crimes are under way."
SECTIONS = [
    "Key judgements",
    "Bottom line",
    "What changed",
    "What to assess next",
    "What drives the result",
    "Recommended actions",
    "Methodology",
    "Annex: the ratings and their evidence",
]


@pytest.fixture(scope="module")
def catalogue(framework):
    return load_catalogue(FRAMEWORKS, framework)


def tamaris_briefing(model, catalogue, author=False, **changes):
    snapshots = [read_snapshot_file(p, model) for p in sorted(EXAMPLES.glob("tamaris-*.json"))]
    latest = max(snapshots, key=lambda s: s.assessment.assessed_on)
    assessment = latest.assessment.model_copy(
        update={"selected_tools": SELECTED, "key_judgements": JUDGEMENTS, **changes}
    )
    others = [s.assessment for s in snapshots if s is not latest]
    return briefing_for(
        latest.situation, assessment, others, model.framework, model.params, catalogue, "Restricted", NOW, author=author
    )


@pytest.fixture(scope="module")
def briefing(model, catalogue):
    return tamaris_briefing(model, catalogue)


@pytest.fixture(scope="module")
def first_briefing(model, catalogue):
    """A first assessment with few ratings: no trend, and most risk factors not assessed."""
    assessment = make_assessment({"1.1": 3, "8.1": 2}, key_judgements="Short.")
    return briefing_for(
        Situation(name="Test situation"), assessment, [], model.framework, model.params, catalogue, "Confidential", NOW
    )


@pytest.fixture(scope="module")
def pdf_bytes(briefing):
    return briefing_to_pdf(briefing)


@pytest.fixture(scope="module")
def pages(pdf_bytes):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages]


@pytest.fixture(scope="module")
def pdf_text(pages):
    return " ".join(" ".join(pages).split())


@pytest.fixture(scope="module")
def word(briefing):
    return docx.Document(io.BytesIO(briefing_to_docx(briefing)))


# --- charts -------------------------------------------------------------------------------------


def test_charts_are_png_images(briefing):
    assert factor_chart_png(briefing).startswith(b"\x89PNG")
    assert trend_chart_png(briefing).startswith(b"\x89PNG")


def test_a_first_assessment_has_no_trend_chart_and_draws_unassessed_factors(first_briefing):
    assert any(bar.score is None for bar in first_briefing.factor_bars)
    assert trend_chart_png(first_briefing) is None
    assert factor_chart_png(first_briefing).startswith(b"\x89PNG")


# --- PDF ----------------------------------------------------------------------------------------


def test_the_pdf_states_the_situation_status_and_selected_tools(pdf_text, briefing, catalogue):
    assert briefing.situation in pdf_text and f"Status: {briefing.status}" in pdf_text
    for tool_id in SELECTED:
        assert catalogue.tool(tool_id).name in pdf_text
        quote = catalogue.tool(tool_id).citations[0].quote
        assert " ".join(quote.split()[:8]) in pdf_text
    assert "tools the analyst selected" in pdf_text
    assert "r2p-risk's own model applied to the UN Framework of Analysis" in " ".join(pdf_text.split()[:60])


def test_the_pdf_prints_names_and_hostile_text_as_typed(pdf_text):
    assert "Grubačić" in pdf_text and "Acción Solidaria" in pdf_text
    assert HOSTILE in pdf_text


def test_the_pdf_shapes_arabic_into_joined_letters(pdf_bytes, pages):
    assert ARABIC in pages[0]
    font = PdfReader(io.BytesIO(pdf_bytes)).pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    glyphs = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data())).getGlyphOrder()
    assert "uniFEE3" in glyphs  # the initial form of meem, which only shaping picks for the first letter of محمد


def test_every_pdf_page_carries_the_marking_in_header_and_footer_and_its_number(pages):
    for number, text in enumerate(pages, start=1):
        assert text.count("RESTRICTED") >= 2 and f"Page {number}" in text


def test_the_pdf_has_the_sections_charts_and_annex(pdf_bytes, pdf_text, briefing):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert 3 <= len(reader.pages) <= 6
    assert sum(len(page.images) for page in reader.pages) == 2
    for title in SECTIONS:
        assert title in pdf_text
    assert all(f"Risk factor {factor.risk_factor}: {factor.title}" in pdf_text for factor in briefing.annex)
    evidence = [item.evidence for factor in briefing.annex for item in factor.evidence if item.evidence.isascii()]
    assert evidence and all(" ".join(e.split()) in pdf_text for e in evidence)


def test_the_pdf_metadata_comes_from_the_briefing_so_bytes_are_reproducible(pdf_bytes, briefing):
    metadata = PdfReader(io.BytesIO(pdf_bytes)).metadata
    assert metadata.title == briefing.title and metadata.creation_date == NOW
    assert metadata.author == "r2p-risk"  # the analyst's name only when asked for
    assert briefing_to_pdf(briefing) == pdf_bytes


def test_long_unbroken_text_and_a_row_taller_than_a_page_do_not_break_the_pdf(model, catalogue):
    token = "x" * 600
    snapshots = [read_snapshot_file(p, model) for p in sorted(EXAMPLES.glob("tamaris-*.json"))]
    latest = max(snapshots, key=lambda s: s.assessment.assessed_on)
    ratings = list(latest.assessment.ratings)
    ratings[0] = ratings[0].model_copy(update={"evidence": "word " * 3900 + "https://" + "y" * 300})
    briefing = tamaris_briefing(model, catalogue, key_judgements=f"Start {token} end", ratings=ratings)
    reader = PdfReader(io.BytesIO(briefing_to_pdf(briefing)))
    assert token in reader.pages[0].extract_text().replace("\n", "")
    assert all(page.extract_text().count("RESTRICTED") >= 2 for page in reader.pages)


def test_a_first_assessment_pdf_has_one_chart(first_briefing):
    reader = PdfReader(io.BytesIO(briefing_to_pdf(first_briefing)))
    assert sum(len(page.images) for page in reader.pages) == 1
    assert "CONFIDENTIAL" in reader.pages[0].extract_text()


# --- Word ---------------------------------------------------------------------------------------


def test_the_docx_has_real_headings_for_every_section(word, briefing):
    headings = {p.style.name: [] for p in word.paragraphs}
    for paragraph in word.paragraphs:
        headings[paragraph.style.name].append(paragraph.text)
    assert headings["Title"] == [briefing.title]
    assert headings["Heading 1"] == SECTIONS
    assert [g.title for g in briefing.action_groups] == [
        t for t in headings["Heading 2"] if t in {g.title for g in briefing.action_groups}
    ]
    assert {f"{a.name} ({a.venue})" for g in briefing.action_groups for a in g.actions} <= set(headings["Heading 3"])


def test_the_docx_annex_gives_every_rating_and_its_evidence_once(word, briefing):
    texts = [p.text for p in word.paragraphs]
    annex = texts[texts.index("Annex: the ratings and their evidence") :]
    assert all(factor.ratings in annex for factor in briefing.annex)
    evidence = [item.evidence for factor in briefing.annex for item in factor.evidence if item.evidence]
    assert evidence and all(sum(e in t for t in texts) == 1 for e in evidence)


def test_the_docx_bottom_line_is_a_table(word, briefing):
    bottom = next(t for t in word.tables if t.rows[0].cells[1].text == "risk")
    assert [r.cells[0].text for r in bottom.rows[1:]] == ["Overall", *[c.label for c in briefing.crimes]]


def test_the_docx_has_both_charts_as_pictures(word, first_briefing):
    assert len(word.inline_shapes) == 2
    assert len(docx.Document(io.BytesIO(briefing_to_docx(first_briefing))).inline_shapes) == 1


def test_the_docx_marking_is_in_the_page_header_and_footer(word):
    section = word.sections[0]
    assert "RESTRICTED" in section.header.paragraphs[0].text and "RESTRICTED" in section.footer.paragraphs[0].text


def test_a_draft_is_watermarked_draft_on_every_page_and_a_final_one_is_not(model, catalogue, pages):
    assert all("DRAFT" in text for text in pages)  # the Tamaris example is a draft
    final = tamaris_briefing(model, catalogue, status="final")
    assert not any("DRAFT" in page.extract_text() for page in PdfReader(io.BytesIO(briefing_to_pdf(final))).pages)
    assert "DRAFT" in "".join(
        p.text
        for p in docx.Document(io.BytesIO(briefing_to_docx(tamaris_briefing(model, catalogue))))
        .sections[0]
        .header.paragraphs
    )
    assert "DRAFT" not in "".join(
        p.text for p in docx.Document(io.BytesIO(briefing_to_docx(final))).sections[0].header.paragraphs
    )


def test_the_docx_keeps_hostile_text_as_plain_text(word):
    assert HOSTILE in [p.text for p in word.paragraphs]
    body = word.element.body.xml
    assert "w:hyperlink" not in body and "w:fldSimple" not in body and "w:instrText" not in body


def test_the_docx_marks_the_arabic_line_right_to_left(word):
    paragraph = next(p for p in word.paragraphs if p.text == ARABIC)
    assert paragraph._p.pPr.find(docx.oxml.ns.qn("w:bidi")) is not None and paragraph.runs[0].font.rtl


def test_the_docx_core_properties_come_from_the_briefing(word, briefing):
    assert word.core_properties.title == briefing.title
    assert word.core_properties.created == NOW
    assert word.core_properties.author == "r2p-risk"  # the analyst's name only when asked for
    assert "Grubačić" in "\n".join(p.text for p in word.paragraphs)


def test_the_analysts_name_is_in_pdf_and_docx_only_when_asked_for(model, catalogue, pdf_text, word):
    name = "Example Analyst"
    assert name not in pdf_text and name not in "\n".join(p.text for p in word.paragraphs)
    signed = tamaris_briefing(model, catalogue, author=True)
    assert name in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(briefing_to_pdf(signed))).pages)
    assert PdfReader(io.BytesIO(briefing_to_pdf(signed))).metadata.author == name
    assert docx.Document(io.BytesIO(briefing_to_docx(signed))).core_properties.author == name
