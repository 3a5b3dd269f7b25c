"""Run by tests/test_wheel.py with the Python of a virtual environment holding only the built wheel
and its runtime dependencies, outside the checkout: the installed app.py, through the real Streamlit
runtime, loads the fictional examples shipped in the wheel and opens one on the Assess page.
Prints a JSON summary; any failure is an exception, so a non-zero exit."""

import json
import os

from streamlit.testing.v1 import AppTest

from r2p_risk.resources import app_script, examples_dir
from r2p_risk.storage.database import open_database
from r2p_risk.ui import state


def check(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


at = check(AppTest.from_file(str(app_script()), default_timeout=60).run())
at.button(key=state.LOAD_EXAMPLES).click().run()
situations = open_database(os.environ["R2P_RISK_DATABASE_URL"]).list_situations()
check(at.selectbox(key=state.OPEN_SITUATION).select(situations[0].id).run())
check(at.sidebar.text_input(key=state.ANALYST).input("Ana Analyst").run())
check(at.button(key=state.OPEN_ASSESSMENT).click().run())
print(
    json.dumps(
        {
            "app": str(app_script()),
            "examples": str(examples_dir()),
            "situations": len(situations),
            "title": [t.value for t in at.title],
        }
    )
)
