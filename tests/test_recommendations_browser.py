"""In Debian's Chromium: ticking tools on the Recommendations screen reruns only the selection bar, saving says so,
and the one-page brief downloaded from the Risk profile screen is one page with the selected tools."""

import io
import re
from pathlib import Path

import pytest
from helpers import wait_idle
from helpers.browser import app_idle
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def test_tick_save_and_take_the_one_page_brief(app_url, page):
    page.goto(app_url)
    page.get_by_role("heading", name="Situations").wait_for()
    page.get_by_label("Your name (recorded with every save)").fill("Ana Analyst")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Load fictional examples").click()
    page.get_by_role("combobox", name="Open a situation").wait_for()
    page.get_by_role("link", name="Recommendations").click()
    page.get_by_role("heading", name="Recommended response tools").wait_for()
    wait_idle(page)
    page.get_by_role("combobox", name="Situation").first.click()
    page.get_by_role("option", name="Northern Tamaris (fictional)").click()
    page.get_by_role("heading", name="Stage: Ongoing atrocities").wait_for()
    wait_idle(page)

    boxes = page.locator("[data-testid=stCheckbox]").filter(has_text=re.compile(r"^\d+\. "))  # the tools' tick boxes
    names = []
    for n in range(2):
        box = boxes.nth(n)
        names.append(box.inner_text().split(". ", 1)[1].split(" · ")[0])
        box.locator("label").click()
        page.get_by_text(f"{n + 1} tools selected for the briefing").wait_for()
        app_idle(page)  # the fragment's run drew the count: it has begun
    assert boxes.nth(0).locator("input").is_checked() and boxes.nth(1).locator("input").is_checked()
    page.get_by_role("button", name="Save the selection with the assessment").click()
    page.get_by_text("Saved the selection of 2 tools as revision 2").wait_for()
    wait_idle(page)
    assert boxes.nth(0).locator("input").is_checked()

    page.get_by_role("link", name="Risk profile").click()
    page.get_by_role("heading", name="Risk profile").wait_for()
    wait_idle(page)
    page.get_by_role("combobox", name="Situation").first.click()
    page.get_by_role("option", name="Northern Tamaris (fictional)").click()
    wait_idle(page)
    page.get_by_role("button", name="One-page brief (PDF)").click()  # made on click, rights checked again, then offered
    with page.expect_download() as download:
        page.get_by_role("button", name="Download ").filter(has_text="brief.pdf").click()
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1 and "The tools the analyst selected" in text
    assert all(name[:30] in text for name in names), (names, text[:500])
    assert "Ana Analyst" not in text and "Example Analyst" not in text  # no name unless asked for
    assert page.outside_requests == []
