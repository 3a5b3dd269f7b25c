"""In what order pytest-xdist hands out the test modules (scripts/test: --dist loadfile --no-loadscope-reorder, each
module whole to one worker, in the order of the collected tests).

The longest modules start first, so that none of them starts near the end and finishes alone while the other workers
stand idle. By default pytest-xdist would hand out the modules with the most tests first, and the browser modules
(a few tests of one to three minutes each) would start last. Most of the browser modules' time is waiting for a page
to draw and a server to answer: the workers outnumber the cores (scripts/test) so that another module's work fills
that time."""

from collections import Counter

# The modules that took longest in a run of the whole suite (three workers on two cores, 2026-12-07), longest first:
# the 150 edits at a person's pace (185 s), the other Assess browser tests (108 s), the reading tests (71 s), the
# tampered backups (42 s; 31 s since their good backup is built once), the checkers (mypy, without its cache as in
# CI: 30 s), the command line (30 s) ... A module missing here, or one that has become faster, only starts later: the
# order is a hint, never a condition of a test.
LONGEST_FIRST = (
    "test_assess_pace_browser.py",
    "test_assess_browser.py",
    "test_reading_browser.py",
    "test_restore_attacks.py",
    "test_checks.py",
    "test_cli.py",
    "test_review_browser.py",
    "test_browser.py",
    "test_wheel.py",
    "test_transfer.py",
    "test_database.py",
    "test_fuzz.py",
    "test_exports.py",
    "test_app.py",
    "test_text_rules.py",
    "test_signin_browser.py",
    "test_recommendations_browser.py",
    "test_serve.py",
    "test_scoring_properties.py",
)


def start_order(items: list) -> None:
    """Sort the collected tests (in place, stably): the modules of LONGEST_FIRST in its order, then the others with
    the most tests first."""
    tests_in = Counter(item.path.name for item in items)
    rank = {name: at for at, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), -tests_in[item.path.name], item.path.name))
