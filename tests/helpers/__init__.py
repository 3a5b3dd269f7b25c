"""What the tests share apart from fixtures (conftest.py holds the fixtures only): paths of the checkout,
assessments built in one line, free ports and servers started and waited for, the browser rig, and the
Assess screen's tables as AppTest edits them. Tests import from here, never from conftest."""

from helpers.assess_table import edit_ratings, table_row
from helpers.assessments import Clock, make_assessment
from helpers.browser import ARGS, CHROMIUM, LOCAL, wait_idle
from helpers.paths import EXAMPLES, FRAMEWORKS, ROOT
from helpers.servers import free_port, start_streamlit, wait_until_serving

__all__ = [
    "ARGS",
    "CHROMIUM",
    "EXAMPLES",
    "FRAMEWORKS",
    "LOCAL",
    "ROOT",
    "Clock",
    "edit_ratings",
    "free_port",
    "make_assessment",
    "start_streamlit",
    "table_row",
    "wait_idle",
    "wait_until_serving",
]
