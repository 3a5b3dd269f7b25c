"""End to end in Debian's Chromium: two analysts rate one assessment independently, see where they diverge, the lead
reconciles, a reviewer comments and returns it, the comment is resolved, and the reviewer signs it off. Single-user
mode, two browser sessions, each analyst's name typed in the sidebar; nothing leaves the machine."""

from pathlib import Path

import pytest
from helpers import wait_idle
from helpers.browser import app_idle, new_page
from helpers.grid import LEVELS, put, show_table
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def session(browser, app_url: str, name: str, outside: list[tuple[str, str]]):
    page = new_page(browser, outside)
    context = page.context
    page.goto(app_url)
    wait_idle(page)
    page.get_by_label("Your name (recorded with every save)").fill(name)
    page.keyboard.press("Enter")  # sent before any later click, so every save that follows has the name
    expect(page.get_by_label("Your name (recorded with every save)")).to_have_value(name)
    app_idle(page)
    return context, page


def go(page, screen: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=screen, exact=True).click()
    page.get_by_role("heading", name=screen).first.wait_for()
    wait_idle(page)  # the run the click began has ended (the heading may be the screen's already on show)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_idle(page)


def rate_independently(page, level: str) -> None:
    go(page, "Consensus")
    click(page, "Rate independently")
    page.get_by_role("heading", name="Assess").wait_for()
    page.get_by_text("0 of 11 indicators rated").wait_for()
    app_idle(page)  # the run that drew it has ended
    for _attempt in range(3):  # the grid is drawn again while the page settles after the switch: try again if it was
        try:
            show_table(page)
            put(page, 1, "level", level)  # indicator 1.1, by keyboard (tests/helpers/grid.py)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            app_idle(page)
    page.get_by_text("1 of 11 indicators rated").wait_for()
    click(page, "Save")
    page.get_by_text("Saved revision 2").wait_for()
    go(page, "Consensus")


def test_two_analysts_drafts_consensus_review_comments_and_sign_off(app_url, browser):
    outside: list[tuple[str, str]] = []
    lead_context, lead = session(browser, app_url, "Ana Lead", outside)
    lead.get_by_label("Name", exact=True).fill("Upper Keldar (fictional)")
    click(lead, "Create situation")
    lead.get_by_text("Created Upper Keldar (fictional).").wait_for()
    go(lead, "Consensus")
    click(lead, "Open a round")
    lead.get_by_text("Opened a round").wait_for()
    rate_independently(lead, LEVELS[3])
    click(lead, "Submit my rating")
    lead.get_by_text("The consensus view appears once two analysts have submitted").wait_for()

    other_context, other = session(browser, app_url, "Ben Second", outside)
    rate_independently(other, LEVELS[1])
    other.get_by_text("You see their ratings once you submit yours").wait_for()  # blind until then
    assert "3 · strongly" not in other.content()
    click(other, "Submit my rating")
    other.get_by_text("2 analysts; disagreement on 1.1").wait_for()

    go(lead, "Consensus")
    lead.get_by_text("2 analysts; disagreement on 1.1").wait_for()
    click(lead, "Reconcile into one assessment")
    lead.get_by_role("heading", name="Assess").wait_for()
    go(lead, "Review")
    lead.get_by_text("Reconciled from independent ratings: 2 analysts; disagreement on 1.1").wait_for()
    click(lead, "Submit for review")
    lead.get_by_text("Submitted for review.", exact=True).wait_for()  # not "not yet submitted for review."

    go(other, "Review")  # the local user may review; in a team, a reviewer other than the last editor
    other.get_by_label("Comment", exact=True).fill("Two sources for level 3 on 1.1, please.")
    click(other, "Add the comment")
    other.get_by_text("Comment added.").wait_for()
    expect(other.get_by_role("button", name="Sign off as final")).to_be_disabled()  # an open comment blocks final
    click(other, "Return with comments")
    other.get_by_text("Returned to its editors").wait_for()

    go(lead, "Review")
    lead.get_by_text("Two sources for level 3 on 1.1, please.").wait_for()
    click(lead, "Resolve")
    lead.get_by_text("Comment resolved.").wait_for()
    click(lead, "Submit for review")

    go(other, "Review")
    click(other, "Sign off as final")
    other.get_by_text("Signed off: the assessment is final.").wait_for()
    other.get_by_text("last signed off on").wait_for()

    go(other, "Audit")
    other.get_by_role("button", name="Download the audit trail (CSV)").click()  # made, the access checked, recorded
    with other.expect_download() as download:
        other.get_by_role("button", name="Save the CSV").click()
    audit = Path(download.value.path()).read_text(encoding="utf-8-sig")
    for action in (
        "round.open",
        "round.submit",
        "round.reconcile",
        "review.submit",
        "review.comment",
        "review.return",
        "review.resolve",
        "review.sign_off",
    ):
        assert action in audit, action
    for context in (lead_context, other_context):
        context.close()
    assert outside == []
