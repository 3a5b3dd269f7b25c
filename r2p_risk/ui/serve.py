"""Start the app with the first visit's work done before the server takes its first session (issue 15).

    python -m r2p_risk.ui.serve [streamlit options]      # what scripts/run and `r2p-risk app` start

`streamlit run` starts the server at once and leaves everything else to the first script run: importing
pandas, plotly, SQLAlchemy and the package, reading the framework, the scoring parameters and the tool
catalogue, opening the database and checking its schema. Here the server process does all of that first,
then hands over to Streamlit's own `run` command (so every option, config file and environment variable
works as with `streamlit run`). The caches it fills are the ones the sessions read: the data files' cache
in `storage.files` and the database engine of `services` (`st.cache_resource`, one per process), filled by
calling the very functions the pages call.

A failure while warming (the database unreachable, a bad setting) is logged and the server starts anyway:
the first session meets the same failure and shows it as the app always does.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.util
import inspect
import logging
import pkgutil
import sys
import time
from pathlib import Path

from r2p_risk.errors import R2PError
from r2p_risk.logs import configure_logging, problem_codes
from r2p_risk.resources import app_script, pages_dir

log = logging.getLogger("r2p_risk.ui.serve")  # also when run as __main__

# Imported only when a script first draws what needs them (found with `python -X importtime`; tests/test_serve.py
# names any the first visit of a screen still imports). A name a later version no longer has is passed over.
DRAWN_LATER = (
    "streamlit.emojis",  # the page icon
    "pyarrow.pandas_compat",  # tables: pandas to Arrow
    "pyarrow.vendored.version",
    "streamlit.dataframe.lazy_df_adapters",
    "plotly.io._utils",  # charts: plotly figures to JSON, colour scales, animation settings
    "plotly.offline",
    "plotly.animation",
    "_plotly_utils.colors",
    "narwhals.stable.v1._namespace",  # charts of pandas data: plotly reads columns through narwhals
    "narwhals._pandas_like.namespace",
    "narwhals._interchange.dataframe",
)


def script_imports(path: Path) -> set[str]:
    """The modules a script imports, at any depth: `import a.b` gives a.b, `from a import b` gives a and a.b (which
    `import_screen_modules` imports only when it is a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def screen_modules() -> list[str]:
    """What the screens import: the modules app.py and every page script name, every module of the user
    interface (the pages' own imports reach into the package from there), and what Streamlit draws later."""
    scripts = [app_script(), *sorted(pages_dir().glob("*.py"))]
    named = set().union(*(script_imports(script) for script in scripts))
    ui = importlib.import_module("r2p_risk.ui")
    named |= {
        module.name
        for module in pkgutil.walk_packages(ui.__path__, "r2p_risk.ui.")
        if not module.name.startswith(("r2p_risk.ui.pages", "r2p_risk.ui.serve"))
    }
    return sorted(named | set(DRAWN_LATER))


def is_module(name: str) -> bool:
    """Whether `name` is a module (for `from a import b`: b may be a function of a); imports its parents."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent is a module, not a package: `name` is something it defines
        return False


def import_screen_modules() -> int:
    """Import what the screens import; the number of modules newly imported."""
    before = len(sys.modules)
    for name in screen_modules():
        if is_module(name):
            importlib.import_module(name)
    return len(sys.modules) - before


def fill_caches() -> None:
    """Read the settings, framework, scoring parameters, catalogue, its sources, the dossier vocabulary and the
    regions, and open the database (checking its schema), through the functions the pages call."""
    from r2p_risk.ui import services

    configure_logging(services.settings().log_level)  # as app.py does at every run
    services.model()
    services.sources()  # reads the catalogue too
    services.vocabulary()
    services.regions()
    services.engine_database()


def draw_charts() -> None:
    """Each kind of chart the screens draw, built once and turned into JSON as `st.plotly_chart` does, from an
    assessment with nothing rated: plotly makes the checker of each part of a figure the first time one is used (0.2 s
    for the risk factors' chart on the Risk profile screen) and keeps it for the life of the process."""
    import datetime as dt

    import pandas as pd
    import plotly.io

    from r2p_risk import charts
    from r2p_risk.assessment import Assessment
    from r2p_risk.compare import compare_assessments
    from r2p_risk.scoring import score_assessment
    from r2p_risk.ui import services

    model = services.model()
    framework, params = model.framework, model.params
    blank = Assessment(assessed_on=dt.date(2000, 1, 1), analyst="r2p-risk launcher")
    profile = score_assessment(blank, framework, params)
    scores = pd.DataFrame(
        [[1.0] * len(framework.risk_factors)], index=["-"], columns=[str(rf.number) for rf in framework.risk_factors]
    )
    trend = pd.DataFrame(
        [{"situation": "-", "assessed_on": blank.assessed_on, "overall": 1.0, "overall_low": 0.0, "overall_high": 2.0}]
    )
    for figure in (
        charts.factor_scores_figure(profile, [c.below for c in params.risk_classes if c.below is not None]),
        charts.factor_change_figure(compare_assessments(blank, profile, blank, profile, framework)),
        charts.heatmap_figure(scores),
        charts.trend_figure(trend),
    ):
        plotly.io.to_json(figure)


def settle() -> None:
    """What the first script run of a process pays beyond imports and caches, paid here instead.

    Streamlit's first element in a process asks `inspect.stack()` whether it runs in a REPL, and inspect maps
    every imported module to its file the first time (0.1-0.2 s with all the screens import). And Streamlit
    collects garbage after every script run: what warming loaded lives as long as the process, so it is frozen
    out of those collections (`gc.freeze`) once the garbage of warming is gone."""
    inspect.stack()
    gc.collect()
    gc.freeze()


def warm() -> None:
    """Import what the screens import, fill the caches and settle; logs what it did, or why it stopped."""
    configure_logging("INFO")
    start = time.perf_counter()
    imported = import_screen_modules()
    try:
        fill_caches()
        draw_charts()
    except R2PError as error:
        log.warning(
            "warming stopped after %.1f s (%s); the first session meets it again",
            time.perf_counter() - start,
            problem_codes(error.problems),
        )
        return
    finally:
        settle()
    log.info(
        "warmed in %.1f s: %d modules imported, data files read, database opened",
        time.perf_counter() - start,
        imported,
    )


def main(argv: list[str] | None = None) -> None:
    """Warm, then Streamlit's `run` command on the app script in this process; `argv`: Streamlit's options."""
    options = sys.argv[1:] if argv is None else argv
    warm()
    from streamlit.web import cli

    cli.main(["run", str(app_script()), *options], prog_name="streamlit")


if __name__ == "__main__":
    main()
