"""The Assess screen in Chromium: 150 edits at a person's pace all stick and survive saving (issue 15). A module of
its own, so that its minutes run beside the other Assess browser tests (each module has its own server and browser,
on one pytest-xdist worker). Fictional places only."""

import pytest
from helpers.grid import (
    LEVELS,
    REOPENED,
    RETYPED,
    after_edit,
    edit_snapshot,
    open_factor,
    put,
    ratings_by_indicator,
    start_assessment,
    wait_idle,
)

pytestmark = pytest.mark.browser


def human_edits():
    """150 edits on distinct cells: level, confidence, trend and evidence of every row of risk factors 1, 3 and 6, and
    level and confidence of five rows of risk factor 2; each with the value it must end with."""
    plan = []
    for number, rows in ((1, 12), (3, 11), (6, 12), (2, 5)):
        fields = ("level", "confidence", "trend", "evidence") if number != 2 else ("level", "confidence")
        for row in range(rows):
            for field in fields:
                plan.append((number, row, field))
    return plan


VALUES = {  # what is typed: for a list, the first letters that pick the option (grid.LEVELS)
    "level": lambda n, r: LEVELS[(n + r) % 4],
    "confidence": lambda n, r: ["low", "med", "high"][(n + r) % 3],
    "trend": lambda n, r: ["impr", "stab", "wors"][(n + r) % 3],
    "evidence": lambda n, r: f"Note {n}/{r}",
}
STORED = {
    "level": lambda n, r: (n + r) % 4,
    "confidence": lambda n, r: ["low", "medium", "high"][(n + r) % 3],
    "trend": lambda n, r: ["improving", "stable", "worsening"][(n + r) % 3],
    "evidence": lambda n, r: f"Note {n}/{r}",
}


def test_150_edits_at_a_persons_pace_all_stick_and_survive_saving(app_url, tall_page):
    """At a person's pace: the next cell once the app shows it has taken the edit (grid.after_edit)."""
    page = tall_page
    start_assessment(page, app_url, "Ana Grubačić", "Lower Keldar (fictional)")
    plan = human_edits()
    assert len(plan) == 150
    current = 1
    for done, (number, row, field) in enumerate(plan, start=1):
        if number != current:
            open_factor(page, number)
            current = number
        put(page, row, field, VALUES[field](number, row))
        after_edit(page, done)
    ratings = ratings_by_indicator(edit_snapshot(page))
    missing = []
    for number, row, field in plan:
        item = f"RF {number}" if row == 0 else f"{number}.{row}"
        got = ratings.get(item, {}).get(field)
        if got != STORED[field](number, row):
            missing.append((item, field, got))
    assert missing == [], (
        f"{len(missing)} of 150 edits did not stick (editors opened again: {REOPENED}; retyped: {RETYPED})"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved revision 1").wait_for()
    page.reload()  # what was saved comes back, with no draft to offer
    page.get_by_role("heading", name="Assess").wait_for()
    wait_idle(page)
    assert page.get_by_text("Unsaved draft from").count() == 0
    assert ratings_by_indicator(edit_snapshot(page)) == ratings
