"""Text that looks like code stays text: in the app, the Markdown, PDF and Word briefings, and every CSV.

Names, evidence, sources and judgements carry HTML (`<img src=x onerror=...>`, `<script>`), Markdown link
tricks (`[x](javascript:...)`) and spreadsheet formulas. The app shows them escaped (Streamlit renders
Markdown, so every element that renders Markdown is read back and checked); the Markdown briefing escapes
them; the PDF and Word briefings hold them as plain text with no link, field or script; every CSV cell that a
spreadsheet would run as a formula is neutralised; and a source URL is http(s) or refused.
"""

import csv
import datetime as dt
import io
import re
import zipfile

import docx
import pytest
import streamlit as st
from helpers import FRAMEWORKS
from hypothesis import given, settings
from hypothesis import strategies as st_
from pydantic import ValidationError
from test_app import new_session, open_page, sign

from r2p_risk.assessment import Assessment, Situation, Source
from r2p_risk.exporters.bundle import TABLE, write_bundle
from r2p_risk.exporters.markdown import briefing_to_markdown
from r2p_risk.exporters.pdf import briefing_to_pdf
from r2p_risk.exporters.spreadsheet import FORMULA_STARTS, assessment_to_csv, write_csv
from r2p_risk.exporters.word import briefing_to_docx
from r2p_risk.report import briefing_for
from r2p_risk.storage.database import open_database
from r2p_risk.storage.files import load_catalogue
from r2p_risk.ui import state

NAME = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
SCRIPT = "<script>alert(document.cookie)</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'
NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
# an HTML tag, comment or autolink opening, or a link's "](" that no backslash escapes
LIVE_MARKUP = re.compile(r"(?<!\\)<[A-Za-z/!?]|(?<!\\)\]\s*\(|(?<!\\)\[[^\]]*(?<!\\)\]\s*\[")


def hostile_situation(**fields) -> Situation:
    return Situation(name=NAME, area=f"{LINK} {SCRIPT}", tags=[FORMULA, "<b>tag</b>"], **fields)


def hostile_assessment(**fields) -> Assessment:
    return Assessment.model_validate(
        {
            "assessed_on": "2026-05-01",
            "analyst": f"{SCRIPT} Eve",
            "key_judgements": f"{NAME}\n{LINK}\n{FORMULA}",
            "ratings": [
                {
                    "indicator": "1.1",
                    "level": 3,
                    "confidence": "high",
                    "evidence": f"{LINK} {NAME} {SCRIPT}",
                    "sources": [
                        {"title": f"{LINK} {NAME}", "url": "https://example.org/a?b=<c>&d=[e](f)", "date": "2026-04-01"}
                    ],
                },
                {"indicator": "2.1", "level": 2, "evidence": FORMULA},
            ],
            "risk_factor_ratings": [{"risk_factor": 11, "level": 2, "evidence": f"-{FORMULA}"}],
            **fields,
        }
    )


# --- the app -----------------------------------------------------------------------------------------------
MARKDOWN_FIELDS = {"Markdown": ("body",), "Alert": ("body",), "Heading": ("body",), "Radio": ("options",)}


def markdown_shown(at) -> list[str]:
    """Every text on screen that Streamlit renders as Markdown: bodies, headings, alerts, labels, help, radio
    options."""
    found = []

    def visit(node) -> None:
        for child in getattr(node, "children", {}).values():
            visit(child)
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            return
        fields = proto.DESCRIPTOR.fields_by_name
        for name in (*MARKDOWN_FIELDS.get(proto.DESCRIPTOR.name, ()), "label", "help"):
            value = getattr(proto, name) if name in fields else None
            found.extend([value] if isinstance(value, str) else list(value or []))
        if proto.DESCRIPTOR.name == "Block" and proto.HasField("expandable"):
            found.append(proto.expandable.label)

    visit(at._tree)
    return found


def plain_text_shown(at) -> str:
    """Everything on screen as text: plain text elements and Markdown sources."""
    return "\n".join([t.value for t in at.text] + markdown_shown(at))


@pytest.fixture
def hostile_app(tmp_path, monkeypatch):
    """A database holding the hostile situation and a saved assessment of it; the app pointed at it."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    database = open_database(url)
    situation = database.create_situation(hostile_situation(), f"{SCRIPT} Eve")
    saved = database.save_assessment(situation.id, hostile_assessment(), f"{SCRIPT} Eve", None)
    database.close()
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield situation, saved
    st.cache_resource.clear()


def test_html_and_markdown_links_in_names_and_evidence_are_inert_on_every_screen(hostile_app):
    situation, saved = hostile_app
    at = sign(new_session({"assessment": saved.id}), NAME)
    at.selectbox(key=state.OPEN_SITUATION).select(situation.id).run()
    shown = {}
    for page in ("situations", "assess", "profile", "recommendations", "compare", "transfer", "audit"):
        if page != "situations":
            open_page(at, page)
        if page == "assess":  # a refused library source: its problem is shown too
            at.text_input(key=state.SOURCE_FIELDS["title"]).input(LINK)
            at.text_input(key=state.SOURCE_FIELDS["url"]).input("javascript:alert(1)")
            at.button(key=state.ADD_SOURCE).click().run()
        assert not at.exception, (page, [e.message for e in at.exception])
        live = [
            text
            for text in markdown_shown(at)
            if re.search("onerror|javascript|<script", text) and LIVE_MARKUP.search(text)
        ]
        assert live == [], f"{page}: Markdown that would render as HTML or a link: {live}"
        shown[page] = plain_text_shown(at)
    assert all("onerror" in shown[page] for page in ("situations", "assess", "profile")), (
        "the hostile name was not on screen"
    )


# --- the briefings ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def briefing(model):
    catalogue = load_catalogue(FRAMEWORKS, model.framework)
    situation = hostile_situation(id="s1")
    return briefing_for(
        situation,
        hostile_assessment(id="a1", revision=1),
        [],
        model.framework,
        model.params,
        catalogue,
        f"{SCRIPT}",
        NOW,
    )


def test_the_markdown_briefing_escapes_every_tag_and_link_from_people(briefing):
    text = briefing_to_markdown(briefing).decode("utf-8")
    assert "onerror" in text and "javascript" in text and "HYPERLINK" in text  # everything is there, as text
    assert [line for line in text.splitlines() if LIVE_MARKUP.search(line)] == []
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in text and "\\[x\\]\\(javascript:alert\\(1\\)\\)" in text


def test_the_pdf_briefing_prints_the_text_with_no_link_or_script(briefing):
    data = briefing_to_pdf(briefing)
    for marker in (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/URI", b"/AA ", b"/SubmitForm", b"/Annots"):
        assert marker not in data, marker
    from pypdf import PdfReader  # imported here: only this test reads PDFs

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert NAME in text and LINK in text and "onerror" in text


def test_the_word_briefing_holds_the_text_as_plain_runs_with_no_link_or_field(briefing):
    data = briefing_to_docx(briefing)
    document = docx.Document(io.BytesIO(data))
    texts = "\n".join(
        [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert NAME in texts and LINK in texts and SCRIPT in texts
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            xml = archive.read(member).decode("utf-8", "replace")
            fields = re.findall(r'w:instr="([^"]*)"|<w:instrText[^>]*>([^<]*)<', xml)
            assert {(a or b).strip() for a, b in fields} <= {"PAGE", "NUMPAGES"}, member  # page numbers only
            assert "<w:hyperlink" not in xml, member
            assert 'TargetMode="External"' not in xml, member  # no relationship points outside the document


# --- every CSV ----------------------------------------------------------------------------------------------
FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", FORMULA, "=cmd|' /C calc'!A0"]


def assert_no_live_formula(data: bytes) -> int:
    """Every cell that a spreadsheet would run is neutralised or a number; returns how many cells were neutralised."""
    assert data.startswith(b"\xef\xbb\xbf")
    neutralised = 0
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), f"a live formula: {cell!r}"
            neutralised += cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS)
    return neutralised


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def test_the_assessment_csv_neutralises_formulas_in_every_text(framework):
    assessment = Assessment.model_validate(
        {
            **hostile_assessment().model_dump(),
            "ratings": [
                {"indicator": f"{n}.1", "level": 1, "evidence": formula, "sources": [{"title": formula}]}
                for n, formula in enumerate(FORMULAS, start=1)
            ],
        }
    )
    assert assert_no_live_formula(assessment_to_csv(assessment, framework)) >= len(FORMULAS) + 1


def test_the_bundle_csv_neutralises_formulas_in_names_areas_and_analysts(model):
    entries = [
        (Situation(id=f"s{n}", name=formula, area=formula), hostile_assessment(id=f"a{n}", revision=1, analyst=formula))
        for n, formula in enumerate(FORMULAS)
    ]
    with zipfile.ZipFile(io.BytesIO(write_bundle(entries, model, NOW))) as archive:
        table = archive.read(TABLE)
    assert assert_no_live_formula(table) >= 3 * len(FORMULAS)


def test_the_audit_csv_neutralises_formulas_in_actors_and_changed_fields(tmp_path):
    database = open_database(f"sqlite:///{tmp_path}/audit.db")
    for formula in FORMULAS:
        situation = database.create_situation(Situation(name=formula), formula)
        database.save_assessment(situation.id, hostile_assessment(analyst=formula), formula, None)
    data = database.audit_csv()
    database.close()
    assert assert_no_live_formula(data) >= 2 * len(FORMULAS)


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(
    st_.lists(
        st_.text(st_.characters(exclude_categories=("Cs",)), max_size=12) | st_.sampled_from(FORMULAS), max_size=5
    )
)
def test_no_text_cell_of_any_csv_starts_a_formula(cells):
    data = write_csv([f"c{n}" for n in range(len(cells))], [cells])
    [_, row] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))) if cells else [[], []]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
    assert [
        cell.removeprefix("'") if original.startswith(FORMULA_STARTS) else cell
        for cell, original in zip(row, cells, strict=True)
    ] == cells


# --- source URLs --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["https://example.org/report", "http://example.org", "HTTPS://EXAMPLE.ORG/A"])
def test_a_source_url_may_be_http_or_https(url):
    assert Source(title="t", url=url).url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org",
        "//evil.example/x",
        "https:/evil.example",
        "example.org",
        "https\u0000://x",
        "\u200bhttps://x",
        "",
    ],
)
def test_any_other_source_url_is_refused(url):
    with pytest.raises(ValidationError, match="http|control characters"):
        Source(title="t", url=url)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(
    st_.one_of(
        st_.text(max_size=30), st_.text(max_size=20).map(lambda t: "https://" + t), st_.sampled_from(["java\nscript:x"])
    )
)
def test_every_accepted_source_url_starts_with_http_or_https(url):
    try:
        source = Source(title="t", url=url)
    except ValidationError:
        return
    assert source.url.lower().startswith(("http://", "https://"))
