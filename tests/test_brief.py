"""The one-page brief: one A4 page for every vignette and example, in plain words, with the asks cited."""

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from helpers import EXAMPLES, FRAMEWORKS
from pypdf import PdfReader

from r2p_risk.brief import brief_for
from r2p_risk.exporters.one_page import brief_to_docx, brief_to_markdown, brief_to_pdf
from r2p_risk.storage.files import load_catalogue, read_snapshot_file

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
VIGNETTES = Path(__file__).resolve().parent / "fixtures" / "vignettes"
FILES = sorted(p for p in VIGNETTES.glob("*.json") if p.name != "golden.json") + sorted(EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def catalogue(framework):
    return load_catalogue(FRAMEWORKS, framework)


def brief_of(path, model, catalogue, author=False, earlier=(), **changes):
    snapshot = read_snapshot_file(path, model)
    assessment = snapshot.assessment.model_copy(update=changes)
    others = [read_snapshot_file(p, model).assessment for p in earlier]
    return brief_for(
        snapshot.situation,
        assessment,
        others,
        model.framework,
        model.params,
        catalogue,
        "Restricted",
        NOW,
        author=author,
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_brief_is_one_a4_page_with_every_part(path, model, catalogue):
    brief = brief_of(path, model, catalogue)
    reader = PdfReader(io.BytesIO(brief_to_pdf(brief)))
    assert len(reader.pages) == 1
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = " ".join(reader.pages[0].extract_text().split())
    assert "r2p-risk's own model applied to the UN Framework of Analysis" in text and "not the UN's" in text
    assert f"Status: {brief.status}" in text and "RESTRICTED" in text
    assert len(brief.status_reasons) <= 3 and all(r in text for r in brief.status_reasons if r.isascii())
    assert all(c.crime in text and c.level in text for c in brief.crimes)
    assert 3 <= len(brief.asks) <= 5 and all(a.name in text for a in brief.asks)
    assert all(a.citation.startswith("“") and "meeting" in a.citation for a in brief.asks)
    assert "What changed" in text and "What to watch and assess next" in text


def test_a_provisional_alarm_and_a_thin_assessment_are_said_plainly(model, catalogue):
    provisional = brief_of(VIGNETTES / "one-manifesto.json", model, catalogue)
    assert provisional.status == "Serious concern (provisional)"
    assert provisional.evidence_warning.startswith("Provisional: only 1 of 143 indicators assessed")
    thin = brief_of(VIGNETTES / "sparse-reassuring.json", model, catalogue)
    assert thin.status == "Not enough assessed" and "no all-clear" in thin.evidence_warning
    firm = brief_of(VIGNETTES / "pre-genocide-before-killing.json", model, catalogue)
    assert firm.evidence_warning == ""


def test_the_status_reasons_are_in_plain_words_and_the_label_is_attributed(model, catalogue):
    brief = brief_of(VIGNETTES / "pre-genocide-before-killing.json", model, catalogue)
    assert brief.status_reasons == [
        "Enabling circumstances and triggering factors are high on top of elevated structural risk.",
        "Enabling circumstances or preparatory action: very high.",
        "Triggering factors: very high.",
    ]
    assert "R2P Monitor" in brief.status_source and "r2p-risk's own rules" in brief.status_source
    assert not [r for r in brief.status_reasons if "risk factor" in r.lower() or any(ch.isdigit() for ch in r)]


def test_the_asks_are_the_selected_tools_when_there_are_any(model, catalogue):
    path = EXAMPLES / "tamaris-north-current-crisis.json"
    brief = brief_of(
        path,
        model,
        catalogue,
        selected_tools=["arms_embargo", "humanitarian_assistance_affected_populations", "focal_points_manual"],
    )
    assert [a.name for a in brief.asks] == [
        catalogue.tool(t).name
        for t in ("humanitarian_assistance_affected_populations", "arms_embargo", "focal_points_manual")
    ]
    assert brief.asks_note.startswith("The tools the analyst selected")


def test_a_selected_tool_the_situation_does_not_warrant_keeps_its_condition(model, catalogue):
    brief = brief_of(
        VIGNETTES / "one-manifesto.json",
        model,
        catalogue,
        selected_tools=["un_targeted_sanctions", "counter_incitement_media", "public_condemnation_hate_speech"],
    )
    sanctions = next(a for a in brief.asks if a.name == catalogue.tool("un_targeted_sanctions").name)
    assert sanctions.why.startswith(
        "Selected by the analyst; r2p-risk would recommend it if the status reaches Imminent risk"
    )


def test_what_changed_and_what_to_watch_next(model, catalogue):
    brief = brief_of(
        EXAMPLES / "tamaris-north-current-crisis.json",
        model,
        catalogue,
        earlier=[EXAMPLES / "tamaris-north-current-crisis-2026-08.json"],
    )
    assert brief.changes[0].startswith("Since the assessment of 2026-08-25")
    assert 1 <= len(brief.watch_next) <= 3 and all("≈" in w for w in brief.watch_next)
    first = brief_of(VIGNETTES / "one-manifesto.json", model, catalogue)
    assert first.changes == ["This is the first assessment of this situation."]
    assert first.watch_next[0].startswith("11.1") and "crimes against humanity" in first.watch_next[0]


def test_the_analysts_name_only_when_asked_and_a_draft_marked_in_every_format(model, catalogue):
    path = EXAMPLES / "tamaris-north-current-crisis.json"
    name = read_snapshot_file(path, model).assessment.analyst
    quiet, signed = brief_of(path, model, catalogue), brief_of(path, model, catalogue, author=True)
    assert name not in brief_to_markdown(quiet).decode() and name in brief_to_markdown(signed).decode()
    assert name not in PdfReader(io.BytesIO(brief_to_pdf(quiet))).pages[0].extract_text()
    assert quiet.draft and "DRAFT" in PdfReader(io.BytesIO(brief_to_pdf(quiet))).pages[0].extract_text()
    word = docx.Document(io.BytesIO(brief_to_docx(quiet)))
    assert "DRAFT" in word.sections[0].header.paragraphs[0].text and word.core_properties.author == "r2p-risk"
    assert "**DRAFT**" in brief_to_markdown(quiet).decode()
    final = brief_of(path, model, catalogue, status="final")
    assert "DRAFT" not in PdfReader(io.BytesIO(brief_to_pdf(final))).pages[0].extract_text()


def test_an_overlong_brief_still_fits_one_page(model, catalogue):
    path = EXAMPLES / "tamaris-north-current-crisis.json"
    brief = brief_of(path, model, catalogue)
    longer = brief.model_copy(
        update={
            "status_reasons": [r * 3 for r in brief.status_reasons],
            "watch_next": [w * 2 for w in brief.watch_next],
        }
    )
    assert len(PdfReader(io.BytesIO(brief_to_pdf(longer))).pages) == 1
