"""Adding floats the same way on every Python, so a score never depends on the interpreter.

Python 3.12 made the built-in `sum()` of floats compensated (Neumaier), so the same numbers can
add up to a different last bit on 3.11 and on 3.12+, and a figure rounded to two decimals can
then differ by 0.01 (7.38 on one, 7.37 on the other). The scoring model adds left to right, one
plain float addition after another, on every version; `r2p_risk.batch` does the same on arrays.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import add


def add_up(values: Iterable[float]) -> float:
    """0.0 + v1 + v2 + ... left to right, as Python 3.11's `sum()` adds floats."""
    return reduce(add, values, 0.0)
