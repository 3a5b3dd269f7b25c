"""The full briefing reads as finished prose in all three formats and fits six pages for a fully rated
assessment with its annex; long URLs break between their parts."""

import datetime as dt
import io
import random
import re

import docx
import pytest
from helpers import EXAMPLES, FRAMEWORKS
from pypdf import PdfReader

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.exporters.markdown import briefing_to_markdown
from r2p_risk.exporters.pdf import briefing_to_pdf
from r2p_risk.exporters.word import briefing_to_docx
from r2p_risk.report import briefing_for
from r2p_risk.storage.files import load_catalogue, read_snapshot_file

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
URL = (
    "https://example.org/reports/2026/northern-provinces/situation-analysis-of-the-attacks-on-villages-and-camps/"
    "annex-b-witness-statements-and-imagery?edition=3&language=en&format=full#villages-north-of-the-river"
)
DOUBLED = re.compile(r"\b([A-Za-z]{2,})\s+\1\b", re.I)
FINISHED = (".", "?", "!", ")", "”", ":")
BROKEN = ["These are the tools the top recommendations", "status current_crisis", " .", ",.", "..", " ;"]


@pytest.fixture(scope="module")
def catalogue(framework):
    return load_catalogue(FRAMEWORKS, framework)


def fully_rated(framework, on: dt.date, seed: int, with_evidence: float = 0.3) -> Assessment:
    """Every listed indicator rated (a few unknown), confidence and trend, a line of evidence on some, and risk
    factors 11-14 rated as a whole: the fullest assessment the Framework file allows."""
    rng = random.Random(seed)
    ratings = []
    for indicator_id in framework.indicator_ids:
        evidence = (
            f"Reports on {indicator_id} from the field office, {on:%B %Y}." if rng.random() < with_evidence else ""
        )
        sources = (
            [{"title": "Field office report (fictional)", "url": URL, "date": on.isoformat()}]
            if evidence and rng.random() < 0.3
            else []
        )
        ratings.append(
            {
                "indicator": indicator_id,
                "level": rng.choice([None, 0, 1, 2, 3, 2, 3, 1]),
                "confidence": rng.choice(["low", "medium", "high"]),
                "trend": rng.choice(["improving", "stable", "worsening"]),
                "evidence": evidence,
                "sources": sources,
            }
        )
    wholes = [{"risk_factor": n, "level": rng.choice([1, 2, 3]), "confidence": "medium"} for n in (11, 12, 13, 14)]
    return Assessment(
        id="full",
        revision=1,
        assessed_on=on,
        analyst="Test Analyst",
        status="final",
        ratings=ratings,
        risk_factor_ratings=wholes,
        key_judgements="FICTIONAL. A fully rated assessment of an invented place.",
    )


def tamaris_briefing(model, catalogue):
    snapshots = [read_snapshot_file(p, model) for p in sorted(EXAMPLES.glob("tamaris-*.json"))]
    latest = max(snapshots, key=lambda s: s.assessment.assessed_on)
    return briefing_for(
        latest.situation,
        latest.assessment,
        [s.assessment for s in snapshots if s is not latest],
        model.framework,
        model.params,
        catalogue,
        "Restricted",
        NOW,
    )


def full_briefing(model, catalogue):
    history = [fully_rated(model.framework, dt.date(2024, 1 + 3 * k, 15), seed=k) for k in range(4)]
    history = [a.model_copy(update={"id": f"full-{k}"}) for k, a in enumerate(history)]
    return briefing_for(
        Situation(name="Fully rated place (fictional)", country="SDN", area="Northern provinces"),
        history[-1],
        history[:-1],
        model.framework,
        model.params,
        catalogue,
        "Restricted",
        NOW,
    )


@pytest.fixture(scope="module", params=["tamaris", "fully-rated"])
def briefing(request, model, catalogue):
    return tamaris_briefing(model, catalogue) if request.param == "tamaris" else full_briefing(model, catalogue)


def user_text(briefing) -> set[str]:
    """Text the analyst typed (key judgements), which the test does not judge."""
    return {line.strip() for line in briefing.key_judgements.splitlines() if line.strip()}


def check_block(block: str, where: str) -> list[str]:
    problems = []
    if DOUBLED.search(block):
        problems.append(f"{where}: doubled word {DOUBLED.search(block).group()!r} in {block[:120]!r}")
    if not block.rstrip().endswith(FINISHED):
        problems.append(f"{where}: unfinished sentence {block[-120:]!r}")
    problems += [f"{where}: {bad!r} in {block[:120]!r}" for bad in BROKEN if bad in block]
    return problems


def markdown_blocks(markdown: str) -> list[str]:
    """Prose blocks: paragraphs and list items; headings, tables and the marking line are not prose."""
    blocks = []
    for chunk in markdown.split("\n\n"):
        for block in re.split(r"\n(?=- )", chunk.strip()):
            if block and not block.startswith(
                (
                    "#",
                    "|",
                    "**RESTRICTED",
                    "- Situation:",
                    "- Assessed on",
                    "- Framework and model",
                    "- Generated",
                    "- Analyst",
                )
            ):
                blocks.append(re.sub(r"\\(.)", r"\1", block.removeprefix("- ").removeprefix("> ").strip("*").strip()))
    return blocks


def test_every_text_block_of_the_markdown_is_a_finished_sentence(briefing):
    skip = user_text(briefing) | {f"Status: {briefing.status}"}
    problems = [
        p
        for block in markdown_blocks(briefing_to_markdown(briefing).decode())
        if block not in skip
        for p in check_block(block, "markdown")
    ]
    assert not problems, "\n".join(problems)


def test_every_paragraph_of_the_word_document_is_a_finished_sentence(briefing):
    document = docx.Document(io.BytesIO(briefing_to_docx(briefing)))
    skip = user_text(briefing) | {f"Status: {briefing.status}", ""}
    paragraphs = [p.text for p in document.paragraphs if not p.style.name.startswith(("Heading", "Title"))]
    problems = [p for text in paragraphs if text.strip() not in skip for p in check_block(text, "docx")]
    assert paragraphs and not problems, "\n".join(problems)


def pdf_body(pdf: bytes, situation: str) -> str:
    """The text of every page without its header and footer (marking, situation, page number) and without the DRAFT
    watermark, which the extraction puts wherever it crosses a line, pages joined."""
    lines = [
        line
        for page in PdfReader(io.BytesIO(pdf)).pages
        for line in page.extract_text().splitlines()
        if "RESTRICTED" not in line and line.strip() != situation and not re.fullmatch(r"Page \d+", line.strip())
    ]
    return " ".join(re.sub(r"\bDRAFT\b", " ", " ".join(lines)).split())


def test_the_pdf_prints_the_same_finished_sentences_without_doubled_words(briefing):
    text = pdf_body(briefing_to_pdf(briefing), briefing.situation)
    assert not DOUBLED.search(text), DOUBLED.search(text).group()
    assert not [bad for bad in BROKEN if bad in text]
    document = docx.Document(io.BytesIO(briefing_to_docx(briefing)))
    prose = [
        " ".join(p.text.split())
        for p in document.paragraphs
        if not p.style.name.startswith(("Heading", "Title"))
        and p.text.isascii()
        and p.text.strip()
        and "Caution" not in p.text
    ]
    squeezed = "".join(text.split())  # a line break inside a long token (a URL) reads as a space in the extracted text
    missing = [p for p in prose if "".join(p.split()) not in squeezed]
    assert not missing, missing[:3]


def test_a_fully_rated_assessment_with_its_annex_fits_six_pages(briefing):
    assert len(PdfReader(io.BytesIO(briefing_to_pdf(briefing))).pages) <= 6


def test_a_long_url_breaks_only_after_one_of_its_separators(model, catalogue):
    reader = PdfReader(io.BytesIO(briefing_to_pdf(full_briefing(model, catalogue))))
    text = "\n".join(page.extract_text() for page in reader.pages)
    start = text.index(URL[:25])
    breaks, position = [], start
    for c in URL:
        while text[position] != c:
            assert text[position] in "\n ", f"the URL is broken up by {text[position]!r}"
            breaks.append(text[position - 1])
            position += 1
        position += 1
    assert breaks, "the test URL should need more than one line"
    assert all(b in "/?&=-_.#" for b in breaks), breaks
