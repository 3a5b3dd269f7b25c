"""The Assess screen's risk factor tables, as AppTest edits them (AppTest cannot type into st.data_editor)."""

from helpers.paths import FRAMEWORKS
from r2p_risk.storage.files import load_model
from r2p_risk.ui import state


def edit_ratings(at, target: str | int, **cells):
    """Edit one row of a risk factor's table (an indicator id, or a risk factor number for its whole-factor row)
    as the browser does: AppTest cannot type into st.data_editor, so its edit state is written before the run.
    Levels are given as numbers (None: unknown); the risk factor is opened first."""
    from r2p_risk.rating_table import LEVEL_CELLS, UNKNOWN

    number = target if isinstance(target, int) else int(target.split(".")[0])
    if at.session_state[state.FACTOR] != number:
        at.selectbox(key=state.FACTOR).select(number).run()
    key = state.ratings_key(number, session=at.session_state)
    items = list(at.data_editor(key=key).value["item"])
    row = items.index(f"RF {number}" if isinstance(target, int) else target)
    if "level" in cells:
        cells["level"] = UNKNOWN if cells["level"] is None else LEVEL_CELLS[cells["level"]]
    at.session_state[key] = {"edited_rows": {row: cells}, "added_rows": [], "deleted_rows": []}
    return at.run()


def table_row(at, target: str | int) -> dict:
    """The row of a risk factor's table as the screen shows it (the risk factor must be open)."""
    number = target if isinstance(target, int) else int(target.split(".")[0])
    key = state.ratings_key(number, session=at.session_state)
    frame = at.data_editor(key=key).value
    return frame[frame["item"] == (f"RF {number}" if isinstance(target, int) else target)].iloc[0].to_dict()


def evidence_of(at, target: str | int):
    """Choose the row whose evidence and sources are edited below the table (the risk factor must be open)."""
    number = target if isinstance(target, int) else int(target.split(".")[0])
    key = state.evidence_of_key(number, session=at.session_state)
    items = [f"RF {number}"] + [i.id for i in load_model(FRAMEWORKS).framework.risk_factor(number).indicators]
    return at.selectbox(key=key).select(items.index(f"RF {number}" if isinstance(target, int) else target)).run()
