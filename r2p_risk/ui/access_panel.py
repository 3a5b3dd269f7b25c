"""The parts of the Users and access screen: the users table, a user's role and sign-in, and who may see a situation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from r2p_risk.access import ROLES, User, normalise_identity
from r2p_risk.storage.user_database import UserDatabase
from r2p_risk.ui import identity, state
from r2p_risk.ui.feedback import plain, reporting

ROLE_WORDS = {
    "viewer": "viewer: reads",
    "analyst": "analyst: also creates and edits, comments, submits for review",
    "reviewer": "reviewer: also signs assessments off as final or returns them (four eyes)",
    "admin": "admin: also manages users, access and the audit trail, and reviews",
}


def users_table(users: list[User]) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "identity": u.identity,
                    "name": u.name,
                    "role": u.role,
                    "groups": ", ".join(u.groups),
                    "signed in": "disabled" if u.disabled else "may sign in",
                }
                for u in users
            ],
            columns=["identity", "name", "role", "groups", "signed in"],
        ),
        hide_index=True,
        width="stretch",
    )


def role_form(database: UserDatabase, users: list[User]) -> None:
    st.subheader("A user's role")
    known = {u.identity: u for u in users}
    chosen = st.selectbox(
        "User",
        list(known),
        key=state.USER_PICK,
        accept_new_options=True,
        help="type an e-mail address that has not signed in yet to add that user with the role chosen",
    )
    if not chosen:
        return
    user = known.get(normalise_identity(chosen))
    role = st.radio(
        "Role",
        ROLES,
        index=ROLES.index(user.role if user else "viewer"),
        format_func=ROLE_WORDS.get,
        key=state.user_role_key(chosen),
    )
    left, right = st.columns(2)
    with reporting():
        if left.button("Set the role", key=state.SET_ROLE, type="primary"):
            changed = database.set_role(chosen, role, state.analyst())
            _done(f"{changed.identity} is now {changed.role}.")
        yourself = user is not None and user.identity == identity.current_user().identity
        if user is not None and right.button(
            "Enable" if user.disabled else "Disable",
            key=state.TOGGLE_USER,
            disabled=yourself,
            help="you cannot disable yourself" if yourself else "a disabled user can do nothing, from their next click",
        ):
            changed = database.disable_user(chosen, state.analyst(), disabled=not user.disabled)
            _done(f"{changed.identity} is {'disabled' if changed.disabled else 'enabled again'}.")


def access_form(database: UserDatabase, users: list[User]) -> None:
    st.subheader("Who may see a situation")
    situations = {s.id: s.name for s in database.list_situations() if s.id is not None}
    if not situations:
        st.caption("No situations yet.")
        return
    situation_id = st.selectbox(
        "Situation", list(situations), format_func=situations.__getitem__, key=state.ACCESS_SITUATION
    )
    rules = database.situation_access(situation_id)
    named = [r.principal for r in rules if r.kind == "user"]
    groups = [r.principal for r in rules if r.kind == "group"]
    st.caption(
        plain("Restricted to " + ", ".join(named + [f"group {g}" for g in groups]) + " (and admins)")
        if rules
        else "Open to every signed-in user."
    )
    chosen_users = st.multiselect(
        "Named users",
        sorted({u.identity for u in users} | set(named)),
        default=named,
        key=state.access_users_key(situation_id),
        accept_new_options=True,
    )
    chosen_groups = st.multiselect(
        "Groups (from the identity provider or proxy)",
        sorted({g for u in users for g in u.groups} | set(groups)),
        default=groups,
        key=state.access_groups_key(situation_id),
        accept_new_options=True,
    )
    left, right = st.columns(2)
    with reporting():
        if left.button(
            "Restrict to these", key=state.SAVE_ACCESS, type="primary", disabled=not (chosen_users or chosen_groups)
        ):
            database.set_situation_access(situation_id, state.analyst(), chosen_users, chosen_groups)
            _done(f"{plain(situations[situation_id])} is now seen only by those named, the groups' members and admins.")
        if rules and right.button("Open to every signed-in user", key=state.OPEN_ACCESS):
            database.set_situation_access(situation_id, state.analyst())
            _done(f"{plain(situations[situation_id])} is open to every signed-in user.")


def _done(message: str) -> None:
    state.flash(message)
    st.rerun()
