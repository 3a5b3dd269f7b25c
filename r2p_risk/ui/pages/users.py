"""Users and access (admins): the users and their roles, disabling, and who may see each situation."""

import streamlit as st

from r2p_risk.ui import access_panel, services, state

st.title("Users and access")
state.show_flash()
st.caption(
    "People appear here when they first sign in: the first became admin, later ones are viewers until "
    "given a role. The role is checked again at each of their clicks. The last enabled admin cannot be "
    "demoted or disabled."
)
database = services.database()
users = database.list_users()
access_panel.users_table(users)
access_panel.role_form(database, users)
st.divider()
access_panel.access_form(database, users)
