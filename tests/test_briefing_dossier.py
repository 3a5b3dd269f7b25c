"""The dossier in the full briefing (a section right after the bottom line): populations at risk, perpetrators,
triggers counted from the day the briefing is made, scenarios, signposts, the narrative, the review and the
analysts' disagreement; in Markdown (golden file), PDF and Word, people's text inert. And on the one-page brief:
who is at risk and the next triggers."""

import datetime as dt
import io
import os
from pathlib import Path

import docx
import pytest
from helpers import EXAMPLES, FRAMEWORKS
from pypdf import PdfReader

from r2p_risk.briefing_dossier import dossier_section
from r2p_risk.exporters.markdown import briefing_to_markdown
from r2p_risk.exporters.pdf import briefing_to_pdf
from r2p_risk.exporters.word import briefing_to_docx
from r2p_risk.report import briefing_for
from r2p_risk.review import ConsensusRecord
from r2p_risk.storage.files import load_catalogue, load_dossier_vocabulary, read_snapshot_file

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "briefing-dossier-golden.md"
NOW = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def vocabulary():
    return load_dossier_vocabulary(FRAMEWORKS)


def orlavia(model, **changes):
    snapshot = read_snapshot_file(EXAMPLES / "orlavia-kessan-imminent-risk.json", model)
    return snapshot.situation, snapshot.assessment.model_copy(update=changes)


def briefing(model, vocabulary, **changes):
    situation, assessment = orlavia(model, **changes)
    catalogue = load_catalogue(FRAMEWORKS, model.framework)
    return briefing_for(
        situation, assessment, [], model.framework, model.params, catalogue, "Restricted", NOW, vocabulary=vocabulary
    )


def test_the_section_names_who_is_at_risk_from_whom_and_when_counted_from_the_briefings_day(model, vocabulary):
    _, assessment = orlavia(model)
    section = dossier_section(assessment, vocabulary, NOW.date())
    blocks = {b.title: b.lines for b in section.blocks}
    assert (
        section.review == "Final: signed off by Example Reviewer (fictional) on 2026-11-04"
        and section.consensus is None
    )
    assert blocks["Populations at risk"][0].startswith("Kessani minority: ethnic, in the Kessan Highlands")
    assert blocks["Triggers and windows of vulnerability"][0].startswith(
        "2026-12-12 (in 5 days): Constitutional referendum (indicators 8.8, 8.4)"
    )
    later = {b.title: b.lines for b in dossier_section(assessment, vocabulary, dt.date(2026, 12, 20)).blocks}
    assert later["Triggers and windows of vulnerability"][0] == (
        "2026-12-12 (8 days ago): Constitutional referendum. Passed; what happened is not recorded yet."
    )
    assert list(blocks)[-4:] == ["Background", "Analysis", "International response", "Necessary action"]


def test_an_empty_dossier_says_it_is_not_written_not_that_nobody_is_at_risk(model, vocabulary):
    from r2p_risk.dossier import Dossier

    _, assessment = orlavia(model)
    section = dossier_section(assessment.model_copy(update={"dossier": Dossier()}), vocabulary, NOW.date())
    assert [b.lines for b in section.blocks] == [["Not written yet."]] * 5


def test_the_disagreement_of_a_reconciled_assessment_is_in_the_briefing(model, vocabulary):
    record = ConsensusRecord(
        analysts=["Ana", "Ben", "Cai"], indicators={"1.1": [1, 1, 2], "7.14": [3, 0, 3], "8.2": [2, 0, 2]}
    )
    made = briefing(model, vocabulary, consensus=record)
    assert made.dossier.consensus == "3 analysts; disagreement on 7.14 and 8.2"
    assert "Independent ratings: 3 analysts; disagreement on 7.14 and 8.2" in briefing_to_markdown(made).decode()


def test_the_markdown_section_matches_the_golden_file(model, vocabulary):
    """After a deliberate change, rewrite with `R2P_RISK_WRITE_GOLDEN=1 scripts/test tests/test_briefing_dossier.py`."""
    markdown = briefing_to_markdown(briefing(model, vocabulary)).decode()
    section = markdown[markdown.index("## The situation's dossier") : markdown.index("## What changed")]
    if os.environ.get("R2P_RISK_WRITE_GOLDEN"):
        GOLDEN.write_text(section, encoding="utf-8")
    assert section == GOLDEN.read_text(encoding="utf-8")


def test_people_s_text_in_the_dossier_is_inert_in_markdown(model, vocabulary):
    _, assessment = orlavia(model)
    hostile = assessment.dossier.model_copy(
        update={
            "narrative": assessment.dossier.narrative.model_copy(
                update={"background": "<script>alert(1)</script> [x](javascript:alert(1))\n# not a heading"}
            )
        }
    )
    markdown = briefing_to_markdown(briefing(model, vocabulary, dossier=hostile)).decode()
    assert r"\<script\>" in markdown and "](javascript" not in markdown and r"- \# not a heading" in markdown


def test_pdf_and_word_carry_the_section(model, vocabulary):
    made = briefing(model, vocabulary)
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(briefing_to_pdf(made))).pages)
    word = "\n".join(p.text for p in docx.Document(io.BytesIO(briefing_to_docx(made))).paragraphs)
    for text in (pdf, word):
        assert "The situation's dossier" in text and "Review: Final: signed off by Example Reviewer" in text
        assert "Kessani minority" in text and "Constitutional referendum" in text
        assert text.index("Bottom line") < text.index("The situation's dossier") < text.index("What changed")


def test_without_the_vocabulary_the_briefing_is_as_before(model):
    situation, assessment = orlavia(model)
    catalogue = load_catalogue(FRAMEWORKS, model.framework)
    plain = briefing_for(situation, assessment, [], model.framework, model.params, catalogue, "Restricted", NOW)
    assert plain.dossier is None and "situation's dossier" not in briefing_to_markdown(plain).decode()


def test_the_one_page_brief_names_who_is_at_risk_and_the_next_triggers_and_stays_on_one_page(model, vocabulary):
    from r2p_risk.brief import brief_for
    from r2p_risk.exporters.one_page import brief_to_markdown, brief_to_pdf

    situation, assessment = orlavia(
        model, consensus=ConsensusRecord(analysts=["Ana", "Ben"], indicators={"7.14": [3, 0]})
    )
    catalogue = load_catalogue(FRAMEWORKS, model.framework)
    brief = brief_for(
        situation, assessment, [], model.framework, model.params, catalogue, "Restricted", NOW, vocabulary=vocabulary
    )
    assert brief.at_risk == [
        (
            "At risk: Kessani minority"
            " (ethnic, in the Kessan Highlands and the capital's eastern districts, about 350,000)"
        ),
        (
            "At risk: Journalists and human rights defenders in the Highlands"
            " (political, in Kessan Highlands, a few hundred)"
        ),
        "Next: Constitutional referendum, 2026-12-12 (in 5 days)",
        "Next: Anniversary of the 1994 Highland uprising, 2027-02-03 (in 58 days)",
    ]
    assert brief.disagreement == "2 analysts; disagreement on 7.14"
    markdown = brief_to_markdown(brief).decode()
    assert (
        "## Who is at risk, and when to watch" in markdown
        and "Independent ratings: 2 analysts; disagreement on 7.14" in markdown
    )
    assert len(PdfReader(io.BytesIO(brief_to_pdf(brief))).pages) == 1
    plain = brief_for(situation, assessment, [], model.framework, model.params, catalogue, "Restricted", NOW)
    assert plain.at_risk == [] and "Who is at risk" not in brief_to_markdown(plain).decode()
