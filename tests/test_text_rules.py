"""Issue 17, point 11: text that deceives. Every text field removes bidirectional overrides, C1 controls, noncharacters
and lone surrogates, and keeps line breaks only where it is multi-line; the Markdown briefing escapes the start of
every line; on screen, text from people never becomes a link (checked in Chromium on every screen)."""

import datetime as dt
import os
import re

import pytest
from helpers import FRAMEWORKS, start_streamlit, wait_idle
from helpers.browser import app_idle
from helpers.servers import stop
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from r2p_risk.access import AccessRule, User
from r2p_risk.assessment import Assessment, AtrocityFinding, IndicatorRating, Situation, Source
from r2p_risk.exporters.markdown import briefing_to_markdown, escape
from r2p_risk.models import clean_text
from r2p_risk.report import Marking, briefing_for
from r2p_risk.storage.database import open_database
from r2p_risk.storage.files import load_catalogue
from r2p_risk.ui.feedback import WORD_JOINER, plain

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
MARKING = TypeAdapter(Marking)

# (build the model with one text, read the text back, is the field multi-line)
FIELDS = {
    "situation.name": (lambda t: Situation(name=t), lambda m: m.name, False),
    "situation.area": (lambda t: Situation(name="n", area=t), lambda m: m.area, False),
    "situation.tags": (lambda t: Situation(name="n", tags=[t]), lambda m: m.tags[0], False),
    "situation.id": (lambda t: Situation(id=t, name="n"), lambda m: m.id, False),
    "assessment.analyst": (lambda t: Assessment(assessed_on="2026-01-01", analyst=t), lambda m: m.analyst, False),
    "assessment.key_judgements": (
        lambda t: Assessment(assessed_on="2026-01-01", analyst="a", key_judgements=t),
        lambda m: m.key_judgements,
        True,
    ),
    "assessment.selected_tools": (
        lambda t: Assessment(assessed_on="2026-01-01", analyst="a", selected_tools=[t]),
        lambda m: m.selected_tools[0],
        False,
    ),
    "rating.evidence": (lambda t: IndicatorRating(indicator="1.1", evidence=t), lambda m: m.evidence, True),
    "finding.evidence": (
        lambda t: AtrocityFinding(crime="genocide", state="ongoing", evidence=t),
        lambda m: m.evidence,
        True,
    ),
    "source.title": (lambda t: Source(title=t), lambda m: m.title, False),
    "source.url": (
        lambda t: Source(title="t", url="https://example.org/" + t),
        lambda m: m.url.removeprefix("https://example.org/"),
        False,
    ),
    "user.name": (lambda t: User(identity="u", name=t), lambda m: m.name, False),
    "user.groups": (lambda t: User(identity="u", groups=(t,)), lambda m: m.groups[0], False),
    "access.principal": (lambda t: AccessRule(kind="group", principal=t), lambda m: m.principal, False),
    "marking": (lambda t: MARKING.validate_python(t), lambda m: m, False),
}
REMOVED = {
    "bidi override": "\u202e",
    "bidi embedding": "\u202a",
    "bidi isolate": "\u2066",
    "pop isolate": "\u2069",
    "C1 control": "\x9b",
    "noncharacter FFFE": "\ufffe",
    "noncharacter FFFF": "\uffff",
    "noncharacter FDD0": "\ufdd0",
    "noncharacter of plane 16": "\U0010ffff",
    "lone surrogate": "\ud800",
}
LINE_BREAKS = {
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "next line": "\x85",
    "carriage return": "\r",
    "newline": "\n",
    "CR LF": "\r\n",
}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("what", REMOVED)
def test_characters_that_deceive_are_removed_from_every_text_field(field, what):
    build, read, _ = FIELDS[field]
    assert read(build(f"abc{REMOVED[what]}gnp.exe")) == "abcgnp.exe"


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("what", LINE_BREAKS)
def test_line_breaks_are_newlines_in_multi_line_fields_and_spaces_in_every_other(field, what):
    build, read, multiline = FIELDS[field]
    assert read(build(f"first{LINE_BREAKS[what]}second")) == ("first\nsecond" if multiline else "first second")


@pytest.mark.parametrize("field", FIELDS)
def test_control_characters_are_refused_with_a_message(field):
    build, _, _ = FIELDS[field]
    with pytest.raises(ValidationError, match="control characters"):
        build("abc\x1bdef")


@pytest.mark.parametrize("field", ["situation.name", "source.title", "marking"])
def test_a_text_of_invisible_characters_only_counts_as_empty(field):
    with pytest.raises(ValidationError, match="at least 1 character"):
        FIELDS[field][0]("\u202e\u2066\ufffe")


def removed_by_the_rules(character: str) -> bool:
    """The rules of r2p_risk/models.py, one character at a time, written apart from the fast code they check."""
    code = ord(character)
    return (
        0x80 <= code <= 0x9F
        and code != 0x85
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or 0xD800 <= code <= 0xDFFF
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def kept_by_the_rules(text: str, multiline: bool) -> str:
    kept = "".join(c for c in text if not removed_by_the_rules(c)).replace("\r\n", "\n")
    breaks = "\r\x85\u2028\u2029" if multiline else "\r\n\t\x85\u2028\u2029"
    return "".join(("\n" if multiline else " ") if c in breaks else c for c in kept)


SAMPLED = st.sampled_from(
    ["\r\n", "\r", "\n", "\t", "\x85", "\u2028", "x", "é", "\U0001f6e1", "\U0001fffe", "\U0010ffff", "\U0001fffd"]
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.characters(exclude_characters="\x00\x01\x1b\x7f"), SAMPLED)).map("".join), st.booleans())
def test_cleaning_keeps_what_the_rules_keep_character_by_character(text, multiline):
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        with pytest.raises(ValueError, match="control characters"):
            clean_text(text, multiline)
    else:
        assert clean_text(text, multiline) == kept_by_the_rules(text, multiline)


@pytest.mark.parametrize("plane", range(17))
def test_the_two_noncharacters_of_every_plane_are_removed(plane):
    ends = chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
    assert clean_text(f"a{ends}b{chr(plane * 0x10000 + 0xFFFD)}") == f"ab{chr(plane * 0x10000 + 0xFFFD)}"


# --- the Markdown briefing: no line of text from people starts a heading, a list, a quote or a rule ------------
INJECTED = [
    "# Injected heading",
    "- injected bullet",
    "1. injected item",
    "> injected quote",
    "=== injected rule",
    "+ x",
]


def test_the_markdown_briefing_escapes_the_start_of_every_line_from_people(model):
    situation = Situation(id="s", name="Varesia\n# Injected heading")
    assessment = Assessment.model_validate(
        {
            "id": "a",
            "revision": 1,
            "assessed_on": "2026-01-15",
            "analyst": "Ana\n- injected bullet",
            "key_judgements": "\n".join(INJECTED),
            "ratings": [
                {
                    "indicator": "1.1",
                    "level": 3,
                    "evidence": "\n".join(INJECTED),
                    "sources": [
                        {"title": "Report\n# Injected heading\n- injected bullet", "url": "https://example.org/\n# x"}
                    ],
                }
            ],
        }
    )
    text = briefing_to_markdown(
        briefing_for(
            situation,
            assessment,
            [],
            model.framework,
            model.params,
            load_catalogue(FRAMEWORKS, model.framework),
            "Restricted\n# x",
            NOW,
        )
    ).decode()
    lines = text.splitlines()
    assert not [line for line in lines if line.lstrip().removeprefix("- ").startswith(tuple(INJECTED))]
    assert "\\# Injected heading" in text and "\\- injected bullet" in text and "1\\. injected item" in text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("line\n# heading", "line\n\\# heading"),
        ("a\n- b\n  + c", "a\n\\- b\n  \\+ c"),
        ("x\n12) y", "x\n12\\) y"),
        ("x\n=== y", "x\n\\=== y"),
        ("x\n> y", "x\n\\> y"),
    ],
)
def test_escape_reaches_every_line_start(text, expected):
    assert escape(text) == expected


# --- on screen: text from people never becomes a link -----------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example/a",
        "HTTP://evil.example",
        "www.evil.example",
        "WWW.Evil.Example",
        "mallory@evil.example",
        "mailto:mallory@evil.example",
        "xmpp:a@b.example",
        "ftp://x.example",
    ],
)
def test_plain_breaks_every_autolink_with_a_word_joiner(text):
    shown = plain(text)
    assert WORD_JOINER in shown and shown.replace(WORD_JOINER, "") == text.replace(".", ".")
    assert not re.search(r"(?i)https?://|www\.|[\w.+-]@[\w-]+\.|mailto:|xmpp:|ftp://", shown)


LINKS = ["https://evil.example/a", "www.evil.example", "mallory@evil.example"]
SCREENS = {
    "Situations": "Situations",
    "Assess": "Assess",
    "Risk profile": "Risk profile",  # link -> the screen's title
    "Recommendations": "Recommended response tools",
    "Compare": "Compare situations",
    "Export and import": "Export and import",
    "Audit": "Audit trail",
}


@pytest.fixture(scope="module")
def linked_app(tmp_path_factory):
    """The app (real `streamlit run`) on a database whose every text holds addresses Markdown would link."""
    folder = tmp_path_factory.mktemp("links")
    url = f"sqlite:///{folder / 'links.sqlite3'}"
    database = open_database(url)
    words = " ".join(LINKS)
    situation = database.create_situation(Situation(name=f"Situation {words}", area=words, tags=LINKS), words)
    saved = database.save_assessment(
        situation.id,
        Assessment.model_validate(
            {
                "assessed_on": "2026-01-15",
                "analyst": f"Analyst {words}",
                "key_judgements": words,
                "ratings": [{"indicator": "1.1", "level": 3, "evidence": words, "sources": [{"title": words}]}],
            }
        ),
        words,
        None,
    )
    database.close()
    server, app_url = start_streamlit({**os.environ, "R2P_RISK_DATABASE_URL": url}, folder / "app.log")
    yield app_url, saved.id
    stop(server)


@pytest.mark.browser
def test_no_text_from_people_becomes_a_link_on_any_screen(linked_app, page):
    app_url, assessment_id = linked_app
    page.goto(f"{app_url}/?assessment={assessment_id}")  # a link to the assessment: it and its situation are opened
    wait_idle(page)
    seen = set()
    for name, title in SCREENS.items():
        page.get_by_role("link", name=name).click()
        page.get_by_role("heading", name=title, exact=True).wait_for()  # the screen's run has begun (or it was open)
        app_idle(page)
        text = page.get_by_test_id("stMain").inner_text().replace(WORD_JOINER, "")
        seen |= {link for link in LINKS if link in text}
        hrefs = page.eval_on_selector_all("a", "links => links.map(link => link.getAttribute('href') || '')")  # at once
        outside = [h for h in hrefs if re.match(r"(?i)(https?:|mailto:|www\.)", h) and not h.startswith(app_url)]
        assert outside == [], f"{name}: {outside}"
    assert seen == set(LINKS)  # the addresses were on screen, as text
