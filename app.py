"""r2p-risk: the frame of the app.

Started by scripts/run or `r2p-risk app` (the launcher r2p_risk/ui/serve.py: it warms the server first, then
runs this file as `streamlit run app.py` does); `streamlit run app.py` works too, without the warming.
"""

import streamlit as st

from r2p_risk.logs import configure_logging
from r2p_risk.resources import pages_dir
from r2p_risk.ui import identity, look, services, sidebar
from r2p_risk.ui.feedback import reporting

st.set_page_config(page_title="r2p-risk", page_icon="🛡️", layout="wide")
look.apply_style()  # contrast, focus and the phone layout (r2p_risk/ui/style.css)

PAGES = pages_dir()  # inside the package, also when this file is the copy an installed wheel carries
with reporting():  # an expected failure anywhere (e.g. the database unreachable) becomes a message
    settings = services.settings()
    configure_logging(settings.log_level)
    identity.sign_in(settings, services.engine_database())  # stops here until somebody is signed in
    pages = [
        st.Page(f"{PAGES}/situations.py", title="Situations", url_path="start", default=True),
        # a default page is served at / only; the same script again, unlisted, so that /situations opens too
        st.Page(f"{PAGES}/situations.py", title="Situations", url_path="situations", visibility="hidden"),
        st.Page(f"{PAGES}/assess.py", title="Assess", url_path="assess"),
        st.Page(f"{PAGES}/profile.py", title="Risk profile", url_path="profile"),
        st.Page(f"{PAGES}/recommendations.py", title="Recommendations", url_path="recommendations"),
        st.Page(f"{PAGES}/dossier.py", title="Dossier", url_path="dossier"),
        st.Page(f"{PAGES}/review.py", title="Review", url_path="review"),
        st.Page(f"{PAGES}/consensus.py", title="Consensus", url_path="consensus"),
        st.Page(f"{PAGES}/compare.py", title="Compare", url_path="compare"),
        st.Page(f"{PAGES}/transfer.py", title="Export and import", url_path="transfer"),
        st.Page(f"{PAGES}/framework.py", title="Framework", url_path="framework"),
    ]
    if settings.auth != "none" and identity.allowed("user.manage"):
        pages.append(st.Page(f"{PAGES}/users.py", title="Users and access", url_path="users"))
    if identity.allowed("audit.read"):
        pages.append(st.Page(f"{PAGES}/audit.py", title="Audit", url_path="audit"))
    navigation = st.navigation(pages)
    sidebar.show()
    navigation.run()
