"""The Assess screen's risk factor tables, as AppTest edits them (AppTest cannot type into st.data_editor)."""

from r2p_risk.ui import state


def _row_of(target: str | int) -> tuple[int, str]:
    """The risk factor of `target` (an indicator id, or a risk factor number for its whole-factor row), and the
    item its row shows."""
    if isinstance(target, int):
        return target, f"RF {target}"
    return int(target.split(".")[0]), target


def edit_ratings(at, target: str | int, **cells):
    """Edit one row of a risk factor's table as the browser does: AppTest cannot type into st.data_editor, so its
    edit state is written before the run, adding to the edits already made in that table, as the browser's grid does.
    Levels are given as numbers (None: unknown); the risk factor is opened first."""
    from r2p_risk.rating_table import LEVEL_CELLS, UNKNOWN

    number, item = _row_of(target)
    if at.session_state[state.FACTOR] != number:
        at.selectbox(key=state.FACTOR).select(number).run()
    key = state.ratings_key(number, session=at.session_state)
    row = list(at.data_editor(key=key).value["item"]).index(item)
    if "level" in cells:
        cells["level"] = UNKNOWN if cells["level"] is None else LEVEL_CELLS[cells["level"]]
    before = at.session_state[key]["edited_rows"] if key in at.session_state else {}
    edited = {int(r): dict(c) for r, c in before.items()}
    edited.setdefault(row, {}).update(cells)
    at.session_state[key] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}
    return at.run()


def table_row(at, target: str | int) -> dict:
    """The row of a risk factor's table as the screen shows it (the risk factor must be open): the table it was drawn
    from with the edits made in it since on top, as the browser's grid shows them."""
    number, item = _row_of(target)
    key = state.ratings_key(number, session=at.session_state)
    frame = at.data_editor(key=key).value
    position = list(frame["item"]).index(item)
    row = frame.iloc[position].to_dict()
    edits = at.session_state[key]["edited_rows"] if key in at.session_state else {}
    return {
        **row,
        **{column: value for r, cells in edits.items() if int(r) == position for column, value in cells.items()},
    }
