"""Run the benchmarks of issue 7 and print their figures, the budgets, and the machine.

    python bench/run.py            # everything (several minutes)
    python bench/run.py --quick    # a reduced run, under a minute: one line per budget

Figures that are ratios are measured in the same run, because these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import briefing, memory, pages, recommendations, scoring, storage  # noqa: E402
from bench.common import ROOT, Figure, format_value, machine_lines  # noqa: E402
from bench.data import fill_database  # noqa: E402
from r2p_risk.storage.database import open_database  # noqa: E402
from r2p_risk.storage.files import load_model  # noqa: E402

FRAMEWORKS = ROOT / "frameworks"
SITUATIONS, REVISIONS = 193, 10_000


def run(quick: bool) -> list[Figure]:
    model = load_model(FRAMEWORKS)
    figures = scoring.run(model, quick)
    with tempfile.TemporaryDirectory(prefix="r2p-risk-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        database = open_database(url)
        start = time.perf_counter()
        info = fill_database(database, model.framework, SITUATIONS, REVISIONS)
        gc.collect()
        figures.append(
            Figure(
                "database_generated",
                time.perf_counter() - start,
                "s",
                note=f"{info['revisions']:,} revisions across {SITUATIONS} situations, one temporary SQLite file",
            )
        )
        figures += storage.run_sqlite(database, info, model, FRAMEWORKS, quick)
        figures += storage.run_postgres(model, FRAMEWORKS, quick)
        figures += pages.assess_ratio(url, info["assessment_id"], quick)
        if not quick:
            figures += pages.big_pages(url, SITUATIONS, quick)
        figures += recommendations.run(quick)
        figures += pages.cold_start(quick)
        figures += briefing.run(model, FRAMEWORKS, quick)
        if not quick:
            figures += memory.run(url, SITUATIONS)
        database.close()
    return figures


def table(figures: list[Figure]) -> list[str]:
    lines = ["| figure | value | budget | result | notes |", "|---|---|---|---|---|"]
    for f in figures:
        value = "—" if f.value is None else f"{format_value(f.value)} {f.unit}"
        result = "" if f.passed is None else ("PASS" if f.passed else "MISS")
        lines.append(f"| {f.name} | {value} | {f.budget or ''} | {result} | {f.note} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a reduced run, under a minute")
    args = parser.parse_args()
    pages.quiet_streamlit()
    started = time.perf_counter()
    print(f"r2p-risk benchmarks ({'quick' if args.quick else 'full'} run)")
    for line in machine_lines():
        print("  " + line)
    figures = run(args.quick)
    print()
    print("\n".join(table(figures)))
    print()
    print("Budgets:")
    for figure in figures:
        if figure.budget is not None or figure.value is None:
            print(figure.line())
    print(f"\n({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
