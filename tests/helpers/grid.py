"""Driving the Assess screen's ratings table (a glide-data-grid canvas) in Chromium, by keyboard as an analyst would:
select a cell, Enter opens its editor, type, Enter commits. Shared by the browser tests and bench/entry.py. Pages come
from `helpers.browser.new_page`, whose script runs `wait_idle` counts."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from helpers.browser import animation_frames, app_idle, wait_idle
from helpers.browser import select_cell as select_grid_cell

COLUMNS = {"item": 0, "level": 2, "confidence": 3, "trend": 4, "evidence": 5, "sources": 6}
# typed into the level editor, as a person picks from a list: the first letters that leave only the option wanted
# ("0 · not present" ... "3 · strongly present / pervasive"); each further key redraws the list for nothing
LEVELS = {0: "not", 1: "weak", 2: "clear", 3: "strong"}


def canvas(page):
    grid = page.get_by_test_id("stDataFrame").first.get_by_test_id("data-grid-canvas")
    grid.wait_for()
    return grid


def select_cell(page, row: int, column: str) -> None:
    """Select a cell of the open risk factor's table (row 0 rates the risk factor as a whole) through the grid's
    accessible table, as a screen reader's user moves to it; the keyboard then goes to the grid."""
    canvas(page)
    select_grid_cell(page.get_by_test_id("stDataFrame").first, COLUMNS[column], row)


REOPENED = []  # each time an Enter did not open the editor and was pressed again (see type_into_selected)
RETYPED = []  # (text, what the box held) each time a text box did not hold all that was typed


TEXT_COLUMNS = ("evidence",)
TYPING_DELAY_MS = 15  # between two keys: about 65 words a minute


def editor(page, column: str, timeout: float = 30_000) -> None:
    """Wait until the cell's editor is open and has the keyboard: a text box for evidence, a searchable list
    otherwise."""
    selector = "#portal textarea.gdg-input" if column in TEXT_COLUMNS else "#portal input"
    page.wait_for_function(
        f"() => document.activeElement && document.activeElement.matches('{selector}')", timeout=timeout
    )


def type_into_selected(page, text: str, column: str = "evidence", row: int | None = None) -> None:
    """Open the selected cell's editor, type `text` in it, commit with Enter (a select cell takes the first option
    matching the text; a text cell moves the selection one row down).

    When no editor takes the keyboard (an Enter pressed just as the grid hands its focus back, or the focus taken by
    the page while the figures are redrawn), a person clicks the cell again and presses Enter: so does this, counted
    in REOPENED. Nothing is typed until an editor has the keyboard."""
    for attempt in range(3):
        if attempt and row is not None:
            select_cell(page, row, column)
        page.keyboard.press("Enter")
        try:
            editor(page, column, timeout=1_500 if attempt < 2 else 30_000)
            break
        except PlaywrightTimeout:
            REOPENED.append(text)
    page.keyboard.type(text, delay=TYPING_DELAY_MS)  # key by key, as a (very fast) typist does
    if column in TEXT_COLUMNS:  # what the box holds before Enter: keys typed as it opens may not reach it
        box = page.locator("#portal textarea.gdg-input").first
        if box.input_value() != text:
            RETYPED.append((text, box.input_value()))
            box.fill(text)
    keys_handled(page)
    page.keyboard.press("Enter")


def keys_handled(page) -> None:
    """Until the cell editor has finished with the keys typed. The grid's editor (glide-data-grid) finishes each key in
    a timer of its own; on a busy machine Chromium handles a key pressed next before timers still waiting, and a
    waiting one that runs after an Enter closes the editor as if nothing was typed (the text is lost; seen once in
    several hundred edits typed at 15 ms a key with both cores busy). A person's Enter follows the last key by far
    more than that; a timer set now runs after those already waiting."""
    page.evaluate("() => new Promise(done => setTimeout(done, 0))")


def put(page, row: int, column: str, text: str) -> None:
    select_cell(page, row, column)
    type_into_selected(page, text, column, row)


def open_factor(page, number: int) -> None:
    """Step to a risk factor with Next / Previous and wait until its table is the one shown."""
    heading = page.get_by_role("heading", name=re.compile(r"^Risk factor \d+:"))
    current = int(re.match(r"Risk factor (\d+):", heading.first.text_content()).group(1))
    while current != number:
        step = 1 if number > current else -1
        page.get_by_role("button", name="Next ▶" if step > 0 else "◀ Previous").click()
        current += step
        page.get_by_role("heading", name=f"Risk factor {current}:").wait_for()
        wait_idle(page)
    show_table(page)


def edit_snapshot(page) -> dict:
    """The edit as it is now, downloaded as a snapshot from the save bar."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download this edit as a snapshot (JSON)").click()
    return json.loads(Path(download.value.path()).read_text(encoding="utf-8"))


def ratings_by_indicator(snapshot: dict) -> dict[str, dict]:
    found = {r["indicator"]: r for r in snapshot["assessment"]["ratings"]}
    found.update({f"RF {r['risk_factor']}": r for r in snapshot["assessment"]["risk_factor_ratings"]})
    return found


def start_assessment(page, app_url: str, analyst: str, situation: str) -> None:
    """Type the analyst's name, create a (fictional) situation and start a new assessment of it."""
    page.goto(app_url)
    wait_idle(page)
    page.get_by_label("Your name (recorded with every save)").fill(analyst)
    page.keyboard.press("Enter")  # no run follows when the name is the one this machine remembered from last time
    expect(page.get_by_label("Your name (recorded with every save)")).to_have_value(analyst)
    app_idle(page)
    name = page.get_by_label("Name", exact=True)
    if not name.is_visible():  # situations exist: the form is folded away
        page.get_by_text("New situation", exact=True).click()
        app_idle(page)  # until it has opened: the button below it moves as it does
    name.fill(situation)
    page.get_by_role("button", name="Create situation").click()
    wait_idle(page)
    page.get_by_role("button", name="New assessment").click()
    page.get_by_role("heading", name="Assess").wait_for()  # the screen it opens, drawing: no run to count
    app_idle(page)
    show_table(page)


def show_table(page) -> None:
    """Scroll the page so the whole table is in view (the tests use a viewport tall enough for the longest)."""
    canvas(page).evaluate("element => element.scrollIntoView({block: 'center'})")
    animation_frames(page, 2)  # the scroll is instant; the next frame draws the grid where it now is


WAITS: list[float] = []  # seconds from each commit until the app said it had the edit (see after_edit)

# Checked at every frame the browser draws, in the page: Playwright's own waits (locator.wait_for, expect) look again
# after 0, 20, 70, 170, 270, 770 ms and every 500 ms after that, so an answer shown after 300 ms is seen after 770 ms,
# which both slows the tests and makes a wait measured that way read twice what the analyst waited.
SHOWN = "text => document.body.textContent.includes(text)"


def wait_shown(page, text: str, timeout: float = 30_000) -> None:
    """Until `text` is on the page, looked for at every frame."""
    page.wait_for_function(SHOWN, arg=text, polling="raf", timeout=timeout)


def after_edit(page, changes: int) -> None:
    """As a person does: the next cell once the app says it has the edit ("... 25 changes since opened"); it says so
    well under a second after the Enter. The time waited is kept in WAITS.

    Text typed into another cell while the app is still taking the previous edit can be dropped by Streamlit's grid,
    which closes an open cell editor when the page is redrawn: that is why a person waits for this (README, Assess)."""
    start = time.monotonic()
    wait_shown(page, f", {changes} change{'s' * (changes != 1)} since opened")  # after the time it was kept
    WAITS.append(time.monotonic() - start)
