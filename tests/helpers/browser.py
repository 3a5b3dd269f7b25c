"""The browser rig: Debian's Chromium kept on this machine, pages that record every request that tried to leave it,
and waits for what Streamlit is doing, never for a fixed time.

Streamlit marks its root element with the state of the script (`data-test-script-state`: running, notRunning ...).
Every page made by `new_page` counts the script runs that ended (the server's message that ends each run), so
`wait_idle` can wait for the run an action started even when the action returned before the run began."""

from __future__ import annotations

import itertools

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing leaves this machine: a name other than localhost does not resolve, and every request not to this
    # machine (an address as much as a name) goes to a proxy that is not there (Chromium never sends loopback
    # through a proxy). What tried is recorded by `record_outside`. (Refusing with Playwright's routes instead would
    # turn the browser's cache off: every page of every test would fetch and compile Streamlit's scripts anew.)
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    "--proxy-server=http://127.0.0.1:9",
]
# every page's context: a desktop screen, downloads kept, and motion reduced (as the system setting asks; Streamlit's
# transitions then draw far fewer frames: a tour of every screen took about a tenth less of Chromium's CPU)
CONTEXT = {"viewport": {"width": 1400, "height": 1000}, "accept_downloads": True, "reduced_motion": "reduce"}
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
TIMEOUT = 60_000  # ms: the longest a script run may take, and a page take to show something, on a busy machine
# (two cores shared by the suite's workers, each with its own server and browser: a first visit took over 30 s at a
# load average of 13). A passing test waits no longer for it; a failing one takes this long to say so.
expect.set_options(timeout=TIMEOUT)

# Every message the server sends is a ForwardMsg (protobuf); a run's last one carries `script_finished` (field 6, an
# enum: 0 finished, 1 compile error, 2 stopped early for another run, 3 fragment run finished). A run is counted two
# frames after that message arrives, once the page has drawn what came before it. (The root element's
# `data-test-script-state` is no count: a run short enough ends before the page draws it as running.)
COUNT_RUNS = """
window.__r2pScriptRuns = 0;
window.__r2pScriptRunsSeen = 0;
const finishedRun = data => {
  if (!(data instanceof ArrayBuffer)) return false;
  const bytes = new Uint8Array(data);
  let at = 0;
  const varint = () => {
    let value = 0, shift = 0, byte;
    do {
      byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7;
    } while (byte & 0x80 && at < bytes.length);
    return value;
  };
  while (at < bytes.length) {
    const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
    if (wire === 0) { const value = varint(); if (field === 6) return value !== 2; }
    else if (wire === 2) at += varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else return false;
  }
  return false;
};
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", event => {
      if (finishedRun(event.data))
        requestAnimationFrame(() => requestAnimationFrame(() => { window.__r2pScriptRuns += 1; }));
    });
  }
};
"""
# Idle: connected, no script running, nothing stale, and the page still: nothing loading, nothing moving. Streamlit
# loads the code of most elements (a table, a select box) only when a page first shows one, and draws a placeholder
# (`stSkeleton`) of another height until it has it; an expander grows open over a few hundred milliseconds (reduced
# motion or not). Either moves what is below it: a click given meanwhile can press a button that has moved away by the
# time the mouse is released, and is lost (seen on a busy machine: "Create situation" pressed as "New situation"
# was still opening above it).
IDLE = """() => {
  const app = document.querySelector("[data-testid=stApp]");
  return app !== null && app.dataset.testConnectionState === "CONNECTED" && app.dataset.testScriptState === "notRunning"
         && document.querySelector("[data-stale=true], [data-testid=stSkeleton]") === null
         && !document.getAnimations().some(animation => animation.playState === "running");
}"""
# true once a run ended since the last time it was true and the app is IDLE; or, should the end of the run not have
# been counted, once the app has stayed IDLE for QUIET_MS since this wait began (a run shows as running or stale
# until it ends, so a run still to come breaks the quiet). `wait` names the wait, so each starts its own quiet.
QUIET_MS = 2_000
IDLE_AFTER_A_RUN = f"""wait => {{
  if (window.__r2pScriptRuns === undefined)
    throw new Error("this page does not count script runs: make it with new_page");
  if (window.__r2pWait !== wait) {{ window.__r2pWait = wait; window.__r2pQuietSince = null; }}
  if (!({IDLE})()) {{ window.__r2pQuietSince = null; return false; }}
  window.__r2pQuietSince ??= performance.now();
  if (window.__r2pScriptRuns > window.__r2pScriptRunsSeen || performance.now() - window.__r2pQuietSince > {QUIET_MS}) {{
    window.__r2pScriptRunsSeen = window.__r2pScriptRuns;
    return true;
  }}
  return false;
}}"""
WAITS = itertools.count()


# address -> heading: every screen of single-user mode (Situations by two addresses), for the tests that visit each
SCREENS = {
    "": "Situations",
    "situations": "Situations",
    "assess": "Assess",
    "profile": "Risk profile",
    "recommendations": "Recommended response tools",
    "dossier": "Dossier",
    "review": "Review",
    "consensus": "Consensus",
    "compare": "Compare situations",
    "transfer": "Export and import",
    "framework": "Framework of Analysis and scoring model",
    "audit": "Audit trail",
}


def record_outside(context, outside: list) -> None:
    """Append to `outside` every request and web socket of the context's pages that is not to this machine (the
    browser refuses them: see ARGS), each as (its address, the address of the page that asked)."""

    def asked(request):
        if not request.url.startswith(LOCAL):
            try:
                asker = request.frame.url
            except PlaywrightError:  # a request of no frame (a service worker's)
                asker = ""
            outside.append((request.url, asker))

    def watch(page):
        page.on("websocket", lambda ws: None if ws.url.startswith(LOCAL) else outside.append((ws.url, page.url)))

    context.on("request", asked)
    context.on("page", watch)


def new_page(browser, outside: list, **options):
    """A page in a new context whose requests outside this machine are refused and appended to `outside` (see
    `record_outside`), counting Streamlit's script runs for `wait_idle`. Close it with `page.context.close()`."""
    context = browser.new_context(**{**CONTEXT, **options})
    context.set_default_timeout(TIMEOUT)  # every wait for a locator, an expect and a download too
    record_outside(context, outside)
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    page.outside_requests = outside
    return page


def what_the_pages_show(browser, limit: int = 3_000) -> str:
    """For the report of a failed test: each page open in the browser, its address, Streamlit's state and the start
    of its text (a run in CI leaves nothing else to look at)."""
    shown = []
    for page in [page for context in browser.contexts for page in context.pages]:
        try:
            state = page.evaluate(STATE)
            text = page.locator("body").inner_text(timeout=5_000)
        except PlaywrightError as error:
            shown.append(f"{page.url}: could not be read ({str(error).splitlines()[0]})")
            continue
        shown.append(f"{page.url} {state}\n{text[:limit]}")
    return "\n\n".join(shown)


def wait_idle(page) -> None:
    """After an action (loading the page, a click, a key): until Streamlit has finished the script run it started,
    that is until a run has ended since the last wait and the app is connected, not running, shows nothing stale and
    the page is still (see IDLE). Without an action since the last wait no run ends: use `app_idle` then."""
    _until(page, IDLE_AFTER_A_RUN, next(WAITS))


def app_idle(page) -> None:
    """Until the app is idle (see IDLE: connected, not running, nothing stale, the page still), for when the run was
    seen to begin already (something it draws was waited for), no action was taken since the last wait, or the action
    starts no run (an expander opened)."""
    _until(page, IDLE)
    page.evaluate("() => { window.__r2pScriptRunsSeen = window.__r2pScriptRuns; }")


# what the page shows of Streamlit's state, for a wait that ran out
STATE = """() => {
  const app = document.querySelector("[data-testid=stApp]");
  const stale = [...document.querySelectorAll("[data-stale=true]")];
  return {url: location.href, connection: app && app.dataset.testConnectionState,
          script: app && app.dataset.testScriptState, runs_ended: window.__r2pScriptRuns,
          runs_seen: window.__r2pScriptRunsSeen, stale: stale.length,
          first_stale: stale.length ? stale[0].innerText.slice(0, 120) : null,
          loading: document.querySelectorAll("[data-testid=stSkeleton]").length,
          moving: document.getAnimations().filter(animation => animation.playState === "running").length};
}"""


def _until(page, condition: str, arg=None) -> None:
    try:
        page.wait_for_function(condition, arg=arg, timeout=TIMEOUT)
    except PlaywrightTimeout as timeout:
        raise AssertionError(f"the app was not idle after {TIMEOUT / 1000:g} s: {page.evaluate(STATE)}") from timeout


def select_cell(table, column: int, row: int):
    """Select a cell of a table (st.dataframe, st.data_editor) through the grid's accessible table, whose cells take
    the focus (the cells on screen are drawn on a canvas): focus it until the grid has made it the selected cell (the
    first focus can go to the cell the grid selected before). Returns the cell's locator.

    Waits for the selected cell with a selector, not `expect`: each look of an `expect` that does not match yet builds
    an accessibility snapshot of the whole page for its message, a tenth of a second of the browser's time on the
    Assess screen, at almost every cell an edit test selects."""
    cell = table.get_by_test_id(f"glide-cell-{column}-{row}")
    selected = table.locator(f'[data-testid="glide-cell-{column}-{row}"][aria-selected="true"]')
    for attempt in range(5):
        cell.focus()
        try:
            selected.wait_for(state="attached", timeout=2_000)
            return cell
        except PlaywrightTimeout:
            if attempt == 4:
                raise
    return cell


def edit_cell(page, row: int, column: int, text: str) -> None:
    """Edit a cell of the first table on screen (on Assess, the open risk factor's: row 0 is the whole-factor row;
    columns: item, indicator, level, confidence, trend): select it, open its editor (a click on the selected cell in
    the accessible table), choose the option by its text, commit with Enter, and wait for the run that follows."""
    table = page.get_by_test_id("stDataFrame").first
    table.get_by_test_id("data-grid-canvas").scroll_into_view_if_needed()
    select_cell(table, column, row).dispatch_event("click")
    editor = page.locator("#portal input").first
    editor.fill(text)
    editor.press("Enter")
    wait_idle(page)


def animation_frames(page, count: int) -> None:
    """Until the browser has drawn `count` more frames (what a canvas drawn on the next frame needs)."""
    page.evaluate(
        "count => new Promise(done => {"
        " const next = n => n ? requestAnimationFrame(() => next(n - 1)) : done(); next(count);"
        " })",
        count,
    )
