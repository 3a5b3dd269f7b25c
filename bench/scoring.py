"""Issue 7, item 1: one full assessment through `score_assessment`, and 9,650 through `score_many`."""

from __future__ import annotations

import datetime as dt
import gc
import random
import time

from bench.common import Figure, median_ms, timings
from bench.data import fully_rated, many_assessments
from r2p_risk.batch import score_many
from r2p_risk.scoring import score_assessment

SITUATIONS, REVISIONS = 193, 50  # 9,650 assessments


def run(model, quick: bool) -> list[Figure]:
    framework, params = model.framework, model.params
    full = fully_rated(framework, random.Random(1), dt.date(2026, 1, 15))
    gc.disable()  # making 1.1 million rating objects is three times slower with the collector running
    try:
        assessments = many_assessments(framework, SITUATIONS, REVISIONS)
    finally:
        gc.enable()
        gc.collect()
    # Both paths run on one thread (numpy's element-wise operations use one core). The batch rate is
    # per second of CPU time of that thread, so other processes on a shared machine do not lower it;
    # the wall-clock rate of the same runs is in the note.
    single = timings(lambda: score_assessment(full, framework, params), repeat=300 if quick else 2000, warmup=20)
    wall: list[float] = []

    def batch_run() -> None:
        start = time.perf_counter()
        score_many(assessments, framework, params)
        wall.append(time.perf_counter() - start)

    cpu = timings(batch_run, repeat=5 if quick else 15, clock=time.thread_time)
    sample = assessments[:: 20 if quick else 5]
    start = time.thread_time()
    for assessment in sample:
        score_assessment(assessment, framework, params)
    loop_rate = len(sample) / (time.thread_time() - start)
    batch_rate = len(assessments) / (median_ms(cpu) / 1000)
    wall_rate = len(assessments) / (median_ms(wall[-len(cpu) :]) / 1000)
    return [
        Figure(
            "scoring_single_full_assessment",
            median_ms(single),
            "ms",
            "<= 2",
            f"median of {len(single)} (wall clock); {len(full.ratings)} indicators + {len(full.risk_factor_ratings)} "
            "whole-factor ratings",
        ),
        Figure(
            "scoring_batch",
            batch_rate,
            "assessments/s",
            ">= 20000",
            f"{len(assessments):,} fully rated ({SITUATIONS} x {REVISIONS}), one thread, median of {len(cpu)} runs in "
            f"CPU time (best {len(assessments) / min(cpu):,.0f}/s); wall clock {wall_rate:,.0f}/s",
        ),
        Figure(
            "scoring_batch_vs_loop",
            batch_rate / loop_rate,
            "x",
            note=f"batch speed-up over a loop of score_assessment ({loop_rate:,.0f} assessments/s in CPU time, "
            f"on {len(sample):,})",
        ),
    ]
