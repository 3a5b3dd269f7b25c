"""End to end in Debian's Chromium: create, rate, save, reload, find the ratings; nothing leaves the machine."""

import json
import re
from pathlib import Path

import pytest
from helpers import wait_idle
from helpers.browser import animation_frames, app_idle, new_page, what_the_pages_show
from helpers.grid import LEVELS, after_edit, put, show_table

pytestmark = pytest.mark.browser


def table_row(page, item: str) -> str:
    """A row of the open risk factor's table as text, from the grid's accessible table (the cells are drawn on a canvas,
    and only once the grid is in view)."""
    page.get_by_test_id("stDataFrame").first.get_by_test_id("data-grid-canvas").scroll_into_view_if_needed()
    grid = page.locator("table[role=grid]")  # kept out of sight for screen readers, so get_by_role does not see it
    grid.locator("tr").nth(1).wait_for(state="attached")
    rows = [row.text_content() for row in grid.locator("tr").all()]
    return next(r for r in rows if r.startswith(item) and not r[len(item)].isdigit())


def test_score_save_reload_and_nothing_leaves_localhost(app_url, page):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_label("Your name (recorded with every save)").fill("Ana Grubačić")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_label("Name", exact=True).fill("Upper Keldar (fictional)")
    page.get_by_role("button", name="Create situation").click()
    wait_idle(page)
    page.get_by_text("Created Upper Keldar (fictional).").wait_for()

    page.get_by_role("button", name="New assessment").click()
    page.get_by_role("heading", name="Assess").wait_for()
    wait_idle(page)
    show_table(page)
    put(page, 1, "level", LEVELS[3])  # 1.1: level 3
    after_edit(page, 1)
    put(page, 2, "level", LEVELS[2])  # 1.2: level 2
    after_edit(page, 2)
    put(page, 2, "confidence", "high")  # 1.2: confidence high
    after_edit(page, 3)
    page.get_by_text("2 of 11 indicators rated").wait_for()  # the live score followed the table
    with page.expect_download() as download:  # the save bar was drawn before the edits: its download has them all
        page.get_by_role("button", name="Download this edit as a snapshot (JSON)").click()
    ratings = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))["assessment"]["ratings"]
    assert [(r["indicator"], r["level"], r["confidence"]) for r in ratings] == [("1.1", 3, None), ("1.2", 2, "high")]
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved revision 1").wait_for()
    assert "assessment=" in page.url

    page.reload()  # a new session: only what was saved comes back
    page.get_by_role("heading", name="Assess").wait_for()
    wait_idle(page)
    assert "3 · strongly present" in table_row(page, "1.1")
    assert "2 · clearly present" in table_row(page, "1.2") and "high" in table_row(page, "1.2")

    page.get_by_role("link", name="Risk profile").click()
    page.get_by_role("heading", name="Risk profile").wait_for()
    wait_idle(page)
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_text("Not enough assessed for a verdict").first.wait_for()  # two indicators are no verdict
    for label, magic in (("Briefing (PDF)", b"%PDF"), ("Briefing (Word)", b"PK"), ("Snapshot (JSON)", b"{")):
        page.get_by_role("button", name=label).click()  # the file is made, the access checked again and recorded
        ready = page.get_by_role("button", name=re.compile(f"^Download .*{magic_suffix(label)}$"))
        ready.wait_for()
        with page.expect_download() as download:
            ready.click()
        content = Path(download.value.path()).read_bytes()
        assert content.startswith(magic), label
    assert b"Upper Keldar (fictional)" in content and b'"level": 3' in content

    page.get_by_role("link", name="Audit").click()  # local mode: the built-in user is admin
    page.get_by_role("heading", name="Audit trail").wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Download the audit trail (CSV)").click()
    page.get_by_role("button", name="Save the CSV").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Save the CSV").click()
    audit = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "assessment.save" in audit and "situation.create" in audit and "Ana Grubačić" in audit
    assert audit.count(",export,") == 4  # the edit downloaded while editing, and the three files above
    assert page.outside_requests == []


def magic_suffix(label: str) -> str:
    return {"Briefing (PDF)": r"briefing\.pdf", "Briefing (Word)": r"briefing\.docx", "Snapshot (JSON)": r"\.json"}[
        label
    ]


def test_the_app_is_idle_only_once_an_opening_expander_has_grown_to_its_height(app_url, page):
    """Streamlit grows an expander open over a few hundred milliseconds, moving what is below it; a click given
    meanwhile can miss its button (helpers.browser.IDLE), so the tests' idle waits until it has stopped."""
    page.goto(app_url)
    wait_idle(page)
    name = page.get_by_label("Name", exact=True)
    if name.is_visible():  # no situation yet: make one, and the form is folded away in "New situation"
        name.fill("Lower Keldar (fictional)")
        page.get_by_role("button", name="Create situation").click()
        wait_idle(page)
        page.goto(app_url)
        wait_idle(page)
    expander = page.get_by_test_id("stExpander").filter(has_text="New situation")
    folded = expander.bounding_box()["height"]
    page.get_by_text("New situation", exact=True).click()
    app_idle(page)
    opened = expander.bounding_box()["height"]
    animation_frames(page, 10)
    assert expander.bounding_box()["height"] == opened > folded + 200  # the fields are in it, and it grows no more


def test_the_browser_refuses_and_records_every_request_that_would_leave_the_machine(browser):
    """The rig the browser tests rely on: a request for a name, one for an address and a web socket, none to this
    machine, are each recorded and fail before anything is sent."""
    outside: list[tuple[str, str]] = []
    page = new_page(browser, outside)
    failed: list[tuple[str, str]] = []
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))
    try:
        page.set_content(
            '<img src="https://fonts.example.org/a.png"><img src="http://192.0.2.7/b.png">'
            "<script>window.socketEnded = new Promise(done => {"
            " const ws = new WebSocket('ws://192.0.2.7/live'); ws.onclose = () => done(true); });</script>",
            wait_until="load",
        )
        assert page.evaluate("window.socketEnded") is True  # the web socket never opened
        assert sorted(url for url, _ in outside) == [
            "http://192.0.2.7/b.png",
            "https://fonts.example.org/a.png",
            "ws://192.0.2.7/live",
        ]
        assert sorted(failed) == [  # refused by the browser: sent to no proxy, so to no network
            ("http://192.0.2.7/b.png", "net::ERR_PROXY_CONNECTION_FAILED"),
            ("https://fonts.example.org/a.png", "net::ERR_PROXY_CONNECTION_FAILED"),
        ]
    finally:
        page.context.close()


def test_a_failed_browser_test_reports_what_its_open_pages_showed(browser):
    """The rig's report of a failure (tests/conftest.py adds it to a failed browser test's report): each open page's
    address and text, and nothing of a page already closed."""
    page = new_page(browser, [])
    page.set_content("<main><h1>Lower Keldar (fictional)</h1><p>Nothing assessed yet.</p></main>")
    try:
        shown = what_the_pages_show(browser)
        assert "Lower Keldar (fictional)" in shown and "Nothing assessed yet." in shown
        assert "'connection': None" in shown  # Streamlit's state, here of a page that is no Streamlit app
    finally:
        page.context.close()
    assert "Lower Keldar" not in what_the_pages_show(browser)
