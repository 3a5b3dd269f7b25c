"""Scores do not depend on the Python version: floats are added left to right on every interpreter."""

import pytest

from r2p_risk.sums import add_up


@pytest.mark.parametrize("values, total", [
    ([], 0.0),
    ([2.5], 2.5),
    ([1e16, 1.0, -1e16], 0.0),        # Python 3.12+'s compensated sum() gives 1.0
    ([0.1] * 10, 0.9999999999999999),  # and 1.0 here
])
def test_add_up_adds_left_to_right_whatever_the_python(values, total):
    assert add_up(values) == total
