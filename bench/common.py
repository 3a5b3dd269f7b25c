"""What every benchmark shares: figures with their budgets, timing, and the machine it ran on."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "streamlit",
    "pandas",
    "numpy",
    "pydantic",
    "pydantic-core",
    "SQLAlchemy",
    "plotly",
    "fpdf2",
    "python-docx",
    "matplotlib",
    "psycopg",
    "playwright",
)


@dataclass(frozen=True)
class Figure:
    """One measured figure; `budget` like "<= 2" or ">= 20000", None when the issue sets none."""

    name: str
    value: float | None
    unit: str
    budget: str | None = None
    note: str = ""

    @property
    def passed(self) -> bool | None:
        if self.budget is None or self.value is None:
            return None
        op, limit = self.budget.split()
        return self.value <= float(limit) if op == "<=" else self.value >= float(limit)

    def line(self) -> str:
        """`name: value unit (budget B) PASS|MISS`, or the figure with its note when there is no budget."""
        if self.value is None:
            return f"{self.name}: {self.note}"
        text = f"{self.name}: {format_value(self.value)} {self.unit}"
        if self.budget is not None:
            text += f" (budget {self.budget}) {'PASS' if self.passed else 'MISS'}"
        return text + (f"  [{self.note}]" if self.note else "")


def skipped(name: str, why: str) -> Figure:
    return Figure(name, None, "", note=f"skipped: {why}")


def format_value(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def timings(
    action: Callable[[], object], repeat: int, warmup: int = 1, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    """Seconds taken by each of `repeat` calls, after `warmup` calls that are not counted.

    `clock` is wall-clock time by default; `time.thread_time` gives the CPU time of this thread,
    which other processes on a shared machine do not inflate.
    """
    for _ in range(warmup):
        action()
    result = []
    for _ in range(repeat):
        start = clock()
        action()
        result.append(clock() - start)
    return result


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_lines() -> list[str]:
    """The machine the figures were measured on: CPU, cores, memory, OS, Python and package versions."""
    import sqlite3

    versions = []
    for name in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{name} {metadata.version(name)}")
    memory = ""
    try:
        total = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f", {int(total.split()[1]) / 1024 / 1024:.1f} GB memory"
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        f"CPU: {cpu_model()}, {os.cpu_count()} logical cores ({usable} usable){memory}",
        f"OS: {platform.platform()}; load average at start (1/5/15 min): {load}",
        f"Python {platform.python_version()} ({sys.executable}); SQLite {sqlite3.sqlite_version}",
        "Packages: " + ", ".join(versions),
    ]
