"""Issue 7, item 4: the briefing as PDF and as DOCX for a fully rated assessment, with its charts.

The first document of a process warms up the chart renderer (matplotlib) and the fonts, so the
first run of each is reported apart from the median of the runs after it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time

from bench.common import Figure, median_ms, skipped, timings
from bench.data import fully_rated, quarter
from r2p_risk.assessment import Situation
from r2p_risk.storage.files import load_catalogue


def run(model, frameworks_dir, quick: bool) -> list[Figure]:
    try:
        from r2p_risk.report import briefing_for

        exporters = {
            "pdf": importlib.import_module("r2p_risk.exporters.pdf").briefing_to_pdf,
            "docx": importlib.import_module("r2p_risk.exporters.word").briefing_to_docx,
        }
    except (ImportError, AttributeError) as error:
        return [skipped("briefing", f"the briefing exporters are not there yet ({error})")]
    framework, params = model.framework, model.params
    rng = random.Random(3)
    history = [fully_rated(framework, rng, quarter(dt.date(2024, 1, 1), k), 0.3 + 0.05 * k) for k in range(8)]
    situation = Situation(name="Benchmark situation (fictional)", area="Kessan Highlands", tags=["bench"])
    briefing = briefing_for(
        situation,
        history[-1],
        history[:-1],
        framework,
        params,
        load_catalogue(frameworks_dir, framework),
        "Restricted",
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    figures = []
    for name, export in exporters.items():
        start = time.perf_counter()
        size = len(export(briefing))
        first = time.perf_counter() - start
        later = timings(lambda export=export: export(briefing), repeat=3 if quick else 10, warmup=0)
        figures.append(
            Figure(
                f"briefing_{name}",
                median_ms(later) / 1000,
                "s",
                "<= 1",
                f"first {first:.2f} s (warm-up), then median of {len(later)}; {size / 1024:.0f} KB, "
                f"{len(history[-1].ratings)} ratings in the annex, {len(briefing.trend)} trend points",
            )
        )
    from r2p_risk.brief import brief_for
    from r2p_risk.exporters.one_page import brief_to_pdf

    brief = brief_for(
        situation,
        history[-1],
        history[:-1],
        framework,
        params,
        load_catalogue(frameworks_dir, framework),
        "Restricted",
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    later = timings(lambda: brief_to_pdf(brief), repeat=3 if quick else 10, warmup=1)
    figures.append(
        Figure(
            "brief_pdf",
            median_ms(later) / 1000,
            "s",
            note=f"the one-page brief of the same assessment; median of {len(later)}",
        )
    )
    return figures
