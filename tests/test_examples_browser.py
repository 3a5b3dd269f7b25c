"""The fictional examples in Debian's Chromium: every screen opens, nothing is fetched from outside, and the README's
screenshots show an example (written only when asked: scripts/screenshots)."""

import os
from pathlib import Path

import pytest
from helpers import wait_idle
from helpers.browser import SCREENS, animation_frames, app_idle

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
TAKE_SCREENSHOTS = bool(os.environ.get("R2P_RISK_SCREENSHOTS"))  # a plain test run leaves the working tree clean
LINKS = {  # the sidebar's links, in the order visited, and the address each opens
    "Assess": "assess",
    "Risk profile": "profile",
    "Recommendations": "recommendations",
    "Compare": "compare",
    "Export and import": "transfer",
    "Framework": "framework",
    "Audit": "audit",
    "Situations": "situations",
}


@pytest.fixture(scope="module")
def with_examples(app_url, browser):
    """This module's app, with the fictional examples loaded once through the Situations screen."""
    page = browser.new_page()
    page.goto(app_url)
    page.get_by_role("heading", name="Situations").wait_for()
    page.get_by_role("button", name="Load fictional examples").click()
    page.get_by_role("combobox", name="Open a situation").wait_for()
    page.close()
    return app_url


def test_every_screen_opens_with_examples_and_fetches_nothing_from_outside(with_examples, page):
    page.goto(with_examples)
    page.get_by_role("heading", name="Situations").wait_for()
    for link, path in LINKS.items():
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=SCREENS[path], exact=True).wait_for()  # the screen's own, not the last one's
        app_idle(page)
        assert page.get_by_test_id("stException").count() == 0, link
    assert page.outside_requests == []


def test_the_readme_screenshots_show_a_fictional_example(with_examples, page):
    page.goto(with_examples)
    page.get_by_role("combobox", name="Open a situation").click()
    page.keyboard.type("Kessan Highlands")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Open the chosen assessment").click()
    page.get_by_role("heading", name="Assess").wait_for()
    page.get_by_text("status **Imminent risk").or_(page.get_by_text("status Imminent risk")).first.wait_for()
    if TAKE_SCREENSHOTS:
        wait_idle(page)
        table = page.get_by_test_id("stDataFrame").first
        table.get_by_test_id("data-grid-canvas").scroll_into_view_if_needed()
        table.get_by_test_id("glide-cell-0-0").wait_for(state="attached")  # the grid has laid out its rows in view
        animation_frames(page, 2)  # ... and painted them on its canvas
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "assess.png")
    page.get_by_role("link", name="Risk profile").click()
    page.get_by_role("heading", name="Risk profile").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.get_by_text("Kessan Highlands, Federation of Orlavia (fictional)").count()
    if TAKE_SCREENSHOTS:
        wait_idle(page)
        page.screenshot(path=SCREENSHOTS / "risk-profile.png", full_page=True)
    assert page.outside_requests == []
