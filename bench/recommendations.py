"""Issue 14, part 4: the Recommendations screen for a current crisis, measured server side with AppTest.

Two figures on the fictional Northern Tamaris example (a current crisis, 110 indicators rated):
- `page_recommendations_current_crisis`: the whole screen, from a page switch (scoring, ranking
  all 115 tools, the 12 best as cards, the held-back list), budget under 1 s;
- `page_recommendations_tick`: ticking a tool, as the browser asks for it: the tick box's callback
  puts the tool into the selection and only the selection bar fragment reruns
  (`ui.tool_cards.SELECTION_BAR`); AppTest's own `run()` would rerun the whole page, so the rerun
  request names the fragment, as in `pages.fragment_reruns`. Budget 300 ms; also with all tools shown.
Each is also given as the script's own time inside Streamlit's script thread (the rest is AppTest).
"""

from __future__ import annotations

import functools
import tempfile

from bench.common import Figure, median_ms, timings
from bench.pages import _app_test, _check, quiet_streamlit, script_times

PAGE = "r2p_risk/ui/pages/recommendations.py"


class selection_bar_reruns:
    """Within it, AppTest's reruns are the one a tick asks for: the tick box's callback puts the tool into the
    selection and asks (`st.rerun(SELECTION_BAR)`) for the selection bar fragment only."""

    def __init__(self, at):
        from r2p_risk.ui.tool_cards import SELECTION_BAR

        self.fragment_ids = list(at._fragment_storage._ids_by_target_key[SELECTION_BAR])

    def __enter__(self) -> None:
        from streamlit.testing.v1 import local_script_runner

        self.module, self.original = local_script_runner, local_script_runner.RerunData
        self.module.RerunData = functools.partial(self.original, fragment_id_queue=self.fragment_ids)

    def __exit__(self, *exc) -> None:
        self.module.RerunData = self.original


def _screen(database_url: str):
    from r2p_risk.storage.database import open_database

    at = _app_test(database_url)
    at.run()
    at.button(key="load_examples").click().run()
    situation = next(s for s in open_database(database_url).list_situations() if "Tamaris" in s.name)
    at.switch_page(PAGE).run()
    at.selectbox(key="recommendations_situation").select(situation.id).run()
    _check(at)
    return at


def _ticks(at, box: str, values, repeat: int) -> tuple[list[float], list[float]]:
    """Seconds per tick and per script run: each tick is a fragment rerun after a full run (not timed) that draws the
    box again, since AppTest keeps only what the last run drew."""
    took, scripts = [], []
    for n in range(repeat + 2):  # two to warm up
        at.run()
        with selection_bar_reruns(at), script_times() as script:
            seconds = timings(lambda: at.checkbox(key=box).set_value(next(values)).run(), repeat=1, warmup=0)
        took += seconds if n >= 2 else []
        scripts += script if n >= 2 else []
    return took, scripts


def run(quick: bool) -> list[Figure]:
    quiet_streamlit()
    repeat = 5 if quick else 20
    with tempfile.TemporaryDirectory(prefix="r2p-risk-bench-recommend-") as folder:
        at = _screen(f"sqlite:///{folder}/recommend.sqlite3")
        boxes = [box.key for box in at.checkbox if box.key.startswith("select_tool:")]
        with script_times() as page_script:
            page = timings(at.run, repeat=repeat, warmup=1)
        ticked = iter([True, False] * 1000)
        tick, tick_script = _ticks(at, boxes[0], ticked, repeat)
        _check(at)
        at.run()
        selected = any(boxes[0].split(":", 1)[1] in ticks for ticks in at.session_state["tool_selection"].values())
        if selected != at.checkbox(key=boxes[0]).value or not any("tools selected" in m.value for m in at.markdown):
            raise RuntimeError("the ticks did not reach the selection")
        cards = len([box for box in at.checkbox if box.key.startswith("select_tool:")])
        at.toggle(key="show_all_tools").set_value(True).run()
        every = len([box for box in at.checkbox if box.key.startswith("select_tool:")])
        tick_all, _ = _ticks(at, boxes[0], ticked, repeat)
        _check(at)
    return [
        Figure(
            "page_recommendations_current_crisis",
            median_ms(page),
            "ms",
            "<= 1000",
            f"the whole screen for a current crisis (110 ratings, 115 tools ranked, {len(boxes)} cards); script alone "
            f"{median_ms(page_script[-repeat:]):.0f} ms; median of {repeat}",
        ),
        Figure(
            "page_recommendations_tick",
            median_ms(tick),
            "ms",
            "<= 300",
            f"ticking a tool reruns the selection bar fragment only ({cards} cards shown); script alone "
            f"{median_ms(tick_script):.0f} ms; median of {repeat}",
        ),
        Figure(
            "page_recommendations_tick_all_shown",
            median_ms(tick_all),
            "ms",
            note=f"the same tick with all {every} fitting tools shown (one click away); median of {repeat}",
        ),
    ]


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for figure in run("--quick" in sys.argv):
        print(figure.line())
