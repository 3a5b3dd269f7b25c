"""In what order pytest-xdist hands out the test modules (scripts/test: --dist loadfile --no-loadscope-reorder, each
module whole to one worker, in the order of the collected tests).

The long modules start first, so that none of them starts near the end and finishes alone while the other workers
stand idle. By default pytest-xdist would hand out the modules with the most tests first, and the browser modules
(a few tests of one to three minutes each) would start last. Most of a browser module's time is waiting for a page
to draw and a server to answer: the workers outnumber the cores (scripts/test) so that another module's work fills
that time, and the browser modules alternate with modules that keep the processor busy, so that the workers are
not all waiting at once."""

from collections import Counter

# Measured in runs of the whole suite (three workers on two cores, 2026-12-08). The 150 edits at a person's pace first
# (156 s: one worker's for most of the run); the other Assess browser tests (62 s) and the fuzzing (18 s, busy) start
# beside them. pytest-xdist queues a worker's next module while its current one has two tests or fewer left to run:
# the fourth module here waits behind the 150 edits (the tampered backups, 30 s, busy, start after them), the fifth
# behind the Assess tests (the reading tests, 66 s). Then browser modules alternate with busy ones. The whole suite in
# this order: 244 s; with the three browser modules first, 249 s; with the reading tests fourth (behind the 150 edits,
# so in the last minute), 256 s; all in one session, each run once (runs of one order differ by some 5 s). A module
# missing here, or one that has become faster, only starts later: the order is a hint, never a condition of a test.
LONGEST_FIRST = (
    "test_assess_pace_browser.py",
    "test_assess_browser.py",
    "test_fuzz.py",
    "test_restore_attacks.py",
    "test_reading_browser.py",
    "test_scoring_properties.py",
    "test_review_browser.py",
    "test_exports.py",
    "test_browser.py",
    "test_app.py",
    "test_signin_browser.py",
    "test_checks.py",
    "test_serve.py",
    "test_database.py",
    "test_recommendations_browser.py",
    "test_wheel.py",
    "test_transfer.py",
    "test_text_rules.py",
)


def start_order(items: list) -> None:
    """Sort the collected tests (in place, stably): the modules of LONGEST_FIRST in its order, then the others with
    the most tests first."""
    tests_in = Counter(item.path.name for item in items)
    rank = {name: at for at, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), -tests_in[item.path.name], item.path.name))
