"""End to end in Debian's Chromium: create, rate, save, reload, find the ratings; nothing leaves the machine."""

from pathlib import Path

import pytest

from conftest import wait_idle

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def by_key(page, suffix: str):
    """The element whose widget key ends with `suffix` (Streamlit adds the class st-key-<key>, ':' and '.' as '-')."""
    return page.locator(f'[class*="-{suffix}"]').first


def test_score_save_reload_and_nothing_leaves_localhost(app_url, page):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_label("Your name (recorded with every save)").fill("Ana Grubačić")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_label("Name", exact=True).fill("Northern Darfur")
    page.get_by_role("combobox", name="Country (ISO 3166-1)").click()
    page.keyboard.type("Sudan (SDN)")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Create situation").click()
    wait_idle(page)
    page.get_by_text("Created Northern Darfur.").wait_for()

    page.get_by_role("button", name="New assessment").click()
    page.get_by_role("heading", name="Assess").wait_for()
    wait_idle(page)
    by_key(page, "indicator-1-1-level").get_by_text("3", exact=True).click()
    wait_idle(page)
    by_key(page, "indicator-1-2-level").get_by_text("2", exact=True).click()
    wait_idle(page)
    by_key(page, "indicator-1-2-confidence").get_by_text("high", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved revision 1").wait_for()
    assert "assessment=" in page.url

    page.reload()  # a new session: only what was saved comes back
    page.get_by_role("heading", name="Assess").wait_for()
    wait_idle(page)
    level = by_key(page, "indicator-1-1-level")
    assert level.get_by_role("radio", name="3", exact=True).is_checked()
    assert by_key(page, "indicator-1-2-level").get_by_role("radio", name="2", exact=True).is_checked()
    assert by_key(page, "indicator-1-2-confidence").get_by_role("radio", name="high").is_checked()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "assess.png")

    page.get_by_role("link", name="Risk profile").click()
    page.get_by_role("heading", name="Risk profile").wait_for()
    wait_idle(page)
    page.locator(".js-plotly-plot").first.wait_for()
    page.screenshot(path=SCREENSHOTS / "risk-profile.png", full_page=True)
    for label, magic in (("Briefing (PDF)", b"%PDF"), ("Briefing (Word)", b"PK"), ("Snapshot (JSON)", b"{")):
        with page.expect_download() as download:
            page.get_by_role("button", name=label).click()
        content = Path(download.value.path()).read_bytes()
        assert content.startswith(magic), label
    assert b"Northern Darfur" in content and b'"level": 3' in content

    page.get_by_role("link", name="Audit").click()  # local mode: the built-in user is admin
    page.get_by_role("heading", name="Audit trail").wait_for()
    wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the audit trail (CSV)").click()
    audit = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "assessment.save" in audit and "situation.create" in audit and "Ana Grubačić" in audit
    assert page.outside_requests == []


def test_every_screen_opens_with_examples_and_fetches_nothing_from_outside(app_url, page):
    page.goto(app_url)
    wait_idle(page)
    load = page.get_by_role("button", name="Load fictional examples")
    if load.count():
        load.click()
        wait_idle(page)
    for name in ("Assess", "Risk profile", "Recommendations", "Compare", "Export and import", "Framework", "Audit", "Situations"):
        page.get_by_role("link", name=name).click()
        page.get_by_role("heading").first.wait_for()
        wait_idle(page)
        assert page.get_by_test_id("stException").count() == 0, name
    assert page.outside_requests == []
