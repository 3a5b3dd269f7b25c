"""Reading r2p-risk in Debian's Chromium, the fictional examples loaded: every screen by its address, with no serious
accessibility violation (axe-core, the copy inside axe-playwright-python: nothing is fetched) and labels never ids;
every screen by its sidebar link; nothing fetched from outside; a focus everybody sees, legible placeholders; a 390 px
phone that reads the watch list, the profile and gets the brief; and the README's screenshots (written only when asked:
scripts/screenshots). Fictional places only."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from helpers import wait_idle
from helpers.browser import CONTEXT, SCREENS, animation_frames, app_idle, record_outside

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

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# Rule exclusions, each narrow (one rule, one element of Streamlit's own that our code cannot change) and explained:
STREAMLIT_OWN: dict[str, str] = {}
IDS = re.compile(
    r"\b(very_high|very_low|current_crisis|imminent_risk|serious_concern|insufficient_evidence|risk_class|"
    r"last_assessed|overall_range|status_label|crimes_against_humanity|war_crimes|None|nan)\b"
)


def settle(page) -> None:
    """Until the script has finished and every element is drawn in full: none left over from the run before (faded),
    none still fading in (Streamlit eases an element's opacity back to 1 after a run)."""
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=stApp]');"
        " return app && app.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-stale=true]')"
        " && !document.querySelector('[data-testid=stStatusWidget]')"
        " && [...document.querySelectorAll('[data-testid=stElementContainer]')]"
        "      .every(e => getComputedStyle(e).opacity === '1'); }",
        timeout=60_000,
    )


def open_screen(page, url: str, path: str, query: str = "") -> None:
    page.goto(f"{url}/{path}{query}")
    page.get_by_role("heading", name=SCREENS[path], exact=True).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")  # the parts Streamlit loads when first needed (the tables' code) are in
    settle(page)


# JavaScript: the colour an element is drawn on, its backgrounds and its ancestors' composited down to the first
# opaque one
BACKGROUND = """element => { const layers = [];
    for (let e = element; e; e = e.parentElement) {
        const [r, g, b, a = 1] = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g).map(Number);
        if (a > 0) layers.push([r, g, b, a]);
        if (a === 1) break; }
    let [r, g, b] = [255, 255, 255];
    for (const [lr, lg, lb, la] of layers.reverse()) {
        r = lr * la + r * (1 - la); g = lg * la + g * (1 - la); b = lb * la + b * (1 - la); }
    return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`; }"""


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two CSS rgb()/rgba() colours (alpha ignored: both are opaque here)."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+(?:\.\d+)?", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def grids_text(page) -> str:
    """The text of every table on the screen, as the grid's own accessible table holds it (headers and the rows drawn;
    a grid fills it once it is in view)."""
    texts = []
    for frame in page.get_by_test_id("stDataFrame").all():
        if not frame.is_visible():  # folded away in an expander
            continue
        frame.scroll_into_view_if_needed()
        frame.locator("table[role=grid] th").first.wait_for(state="attached")  # its headers (a table may have no rows)
        texts.append(frame.locator("table[role=grid]").text_content())
    return " | ".join(texts)


@pytest.fixture(scope="module")
def with_examples(app_url, browser):
    """This module's app with the fictional examples loaded, and the address of one assessment opened on Assess."""
    page = browser.new_page(**CONTEXT)
    page.goto(app_url)
    page.get_by_role("button", name="Load fictional examples").click()
    page.get_by_role("combobox", name="Open a situation").click()
    page.keyboard.type("Kessan Highlands")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Open the chosen assessment").click()
    page.get_by_role("heading", name="Assess").wait_for()
    page.wait_for_url(re.compile(r"assessment="))
    query = "?" + urlsplit(page.url).query
    page.close()
    return app_url, query


@pytest.fixture
def phone(browser):
    """A 390 x 844 px phone screen (touch), refusing any request that would leave the machine."""
    context = browser.new_context(
        **{**CONTEXT, "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    )
    outside: list[tuple[str, str]] = []
    record_outside(context, outside)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()


def test_every_screen_by_its_address_has_no_serious_accessibility_violation_and_shows_labels_never_ids(
    with_examples, page
):
    url, query = with_examples
    axe, found, ids = Axe(), {}, {}
    for path in SCREENS:
        open_screen(page, url, path, query)
        assert page.get_by_text("Page not found").count() == 0, path
        assert page.get_by_test_id("stException").count() == 0, path
        violations = axe.run(page, options=WCAG_AA).response["violations"]
        serious = [
            f"{v['id']}: {[n['target'] for n in v['nodes']][:3]} {v['nodes'][0]['failureSummary'][:160]}"
            for v in violations
            if v["impact"] in ("serious", "critical") and v["id"] not in STREAMLIT_OWN
        ]
        if serious:
            found[path or "/"] = serious
        shown = IDS.findall(page.get_by_test_id("stMain").inner_text()) + IDS.findall(grids_text(page))
        if shown:
            ids[path or "/"] = sorted(set(shown))
        if path == "compare":
            ranking = grids_text(page)
            assert "Risk class" in ranking and "Last assessed" in ranking  # the ranking's headers, in words
    assert found == {}
    assert ids == {}
    assert page.outside_requests == []


def test_every_screen_opens_by_its_sidebar_link_and_fetches_nothing_from_outside(with_examples, page):
    url, _ = with_examples
    page.goto(url)
    page.get_by_role("heading", name="Situations").wait_for()
    for link, path in LINKS.items():
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=SCREENS[path], exact=True).wait_for()  # the screen's own, not the last one's
        app_idle(page)
        assert page.get_by_test_id("stException").count() == 0, link
    assert page.outside_requests == []


def test_the_readme_screenshots_show_a_fictional_example(with_examples, page):
    """The README's screenshots, of the examples: written only when asked (scripts/screenshots), so that a plain test
    run leaves the working tree clean."""
    url, query = with_examples
    page.goto(f"{url}/assess{query}")
    page.get_by_role("heading", name="Assess").wait_for()
    page.get_by_text("status **Imminent risk").or_(page.get_by_text("status Imminent risk")).first.wait_for()
    if TAKE_SCREENSHOTS:
        app_idle(page)
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


def test_sidebar_links_show_a_visible_focus_and_placeholders_are_legible(with_examples, page):
    url, _ = with_examples
    open_screen(page, url, "")
    for _ in range(12):  # keyboard only: Tab until a screen's link in the sidebar has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('[data-testid=stSidebarNav]')"):
            break
    ring = page.evaluate(
        """() => { const link = document.activeElement, style = getComputedStyle(link);
        return {inSidebar: !!link.closest('[data-testid=stSidebarNav]'), style: style.outlineStyle,
                width: parseFloat(style.outlineWidth), colour: style.outlineColor, background: ("""
        + BACKGROUND
        + """)(link)}; }"""
    )
    assert ring["inSidebar"] and ring["style"] == "solid" and ring["width"] >= 2
    assert contrast(ring["colour"], ring["background"]) >= 3, (
        ring
    )  # WCAG 1.4.11: a focus ring is 3:1 against its background
    page.get_by_text("New situation", exact=True).click()
    app_idle(page)  # until it has opened
    boxes = page.locator(
        "input[placeholder]:not([placeholder='']):visible, textarea[placeholder]:not([placeholder='']):visible"
    )
    boxes.first.wait_for()
    for box in boxes.all():
        colours = box.evaluate(
            """element => [getComputedStyle(element, '::placeholder').color, (""" + BACKGROUND + """)(element)]"""
        )
        assert contrast(*colours) >= 4.5, (box.get_attribute("placeholder"), colours)


def test_a_phone_reads_the_watch_list_and_the_profile_and_downloads_the_brief(with_examples, phone):
    url, query = with_examples
    page = phone
    open_screen(page, url, "")
    compact, table = page.locator(".st-key-watch_compact"), page.locator(".st-key-watch_table")
    compact.get_by_text("Kessan Highlands", exact=False).wait_for()
    assert not table.is_visible(), "the wide table gives way to the list on a phone"
    for item in compact.locator("li").all():
        box, text = item.bounding_box(), item.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, text
        assert re.search(
            r"(Current crisis|Imminent risk|Serious concern|Monitoring|Not enough assessed|No assessment yet)", text
        ), text
        item_words = page.evaluate("(e) => e.scrollWidth <= e.clientWidth", item.element_handle())
        assert item_words, f"{text}: cut off at the right"

    open_screen(page, url, "profile", query)
    chart = page.locator(".js-plotly-plot").first
    chart.locator("g.legend").wait_for()
    boxes = chart.evaluate("""chart => { const box = e => { const r = e.getBoundingClientRect();
            return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
        return {chart: box(chart), legend: box(chart.querySelector('g.legend')),
                labels: [...chart.querySelectorAll('.ytick text, .xtitle, .bartext')].map(box)}; }""")
    overlapping = [
        b
        for b in boxes["labels"]
        if not (
            b["right"] <= boxes["legend"]["left"]
            or b["left"] >= boxes["legend"]["right"]
            or b["bottom"] <= boxes["legend"]["top"]
            or b["top"] >= boxes["legend"]["bottom"]
        )
    ]
    assert overlapping == [], "the legend covers labels"
    assert all(
        b["left"] >= boxes["chart"]["left"] - 1 and b["right"] <= boxes["chart"]["right"] + 1 for b in boxes["labels"]
    ), "every label is inside the chart, none cut off"

    page.get_by_role("button", name="One-page brief (PDF)").click()
    ready = page.get_by_role("button", name=re.compile(r"^Download .*brief\.pdf$"))
    ready.wait_for()
    ready.scroll_into_view_if_needed()
    box = ready.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    with page.expect_download() as download:
        ready.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert page.outside_requests == []
