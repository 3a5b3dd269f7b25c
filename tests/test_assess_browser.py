"""The Assess screen in Chromium as an analyst uses it, by keyboard: every edit lands on the row it was typed in;
nothing typed is lost by a reload (150 edits at a person's pace: test_assess_pace_browser.py, a module of its own so
that it runs beside these). Fictional places only."""

import pytest
from helpers.grid import (
    LEVELS,
    after_edit,
    edit_snapshot,
    open_factor,
    put,
    ratings_by_indicator,
    select_cell,
    show_table,
    start_assessment,
    type_into_selected,
    wait_idle,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_evidence_typed_down_the_rows_by_keyboard_lands_on_each_indicator(app_url, tall_page):
    page = tall_page
    start_assessment(page, app_url, "Ana Grubačić", "Upper Keldar (fictional)")
    select_cell(page, 1, "evidence")  # 1.1; Enter commits and moves down: keyboard only, no mouse
    for number in range(1, 12):
        type_into_selected(page, f"Seen for 1.{number}: convoy stopped near Varn (fictional)")
        after_edit(page, number)
    for row in range(1, 12):  # then the levels, row by row
        put(page, row, "level", LEVELS[row % 4])
        after_edit(page, 11 + row)
    ratings = ratings_by_indicator(edit_snapshot(page))
    assert {i: r["evidence"] for i, r in ratings.items()} == {
        f"1.{n}": f"Seen for 1.{n}: convoy stopped near Varn (fictional)" for n in range(1, 12)
    }
    assert {i: r["level"] for i, r in ratings.items()} == {f"1.{n}": n % 4 for n in range(1, 12)}

    open_factor(page, 4)  # the risk factor just chosen: typing starts as soon as its table shows
    for row in (1, 2, 3):
        put(page, row, "evidence", f"Hate speech on radio, week {row}")
        after_edit(page, 22 + row)
    ratings = ratings_by_indicator(edit_snapshot(page))
    assert [ratings[f"4.{n}"]["evidence"] for n in (1, 2, 3)] == [f"Hate speech on radio, week {n}" for n in (1, 2, 3)]
    assert ratings["1.1"]["evidence"].startswith("Seen for 1.1") and "4.4" not in ratings
    assert page.outside_requests == []


def test_a_reload_loses_nothing_typed_and_keeps_the_name(app_url, tall_page):
    page = tall_page
    start_assessment(page, app_url, "Ana Grubačić", "Keldar Hills (fictional)")
    put(page, 1, "level", LEVELS[2])
    after_edit(page, 1)  # as a person does; a Save clicked as the Enter is still on its way: see test_app.py
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved revision 1").wait_for()
    wait_idle(page)
    show_table(page)
    put(page, 2, "evidence", "Typed after the save")
    after_edit(page, 2)
    put(page, 3, "level", LEVELS[3])
    after_edit(page, 3)
    page.reload()
    page.get_by_text("Unsaved draft from").wait_for()
    expect(page.get_by_label("Your name (recorded with every save)")).to_have_value("Ana Grubačić")
    page.get_by_role("button", name="Restore the draft").click()
    wait_idle(page)
    ratings = ratings_by_indicator(edit_snapshot(page))
    assert (ratings["1.1"]["level"], ratings["1.2"]["evidence"], ratings["1.3"]["level"]) == (
        2,
        "Typed after the save",
        3,
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved revision 2").wait_for()
