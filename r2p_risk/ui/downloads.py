"""Downloads of one assessment: snapshot, CSV, the full briefing and the one-page brief as PDF, Word and Markdown.

The documents are generated when a button is clicked (deferred), not on every rerun.
"""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st

from r2p_risk.brief import Brief, brief_for
from r2p_risk.exporters.markdown import briefing_to_markdown
from r2p_risk.exporters.one_page import brief_to_docx, brief_to_markdown, brief_to_pdf
from r2p_risk.exporters.pdf import briefing_to_pdf
from r2p_risk.exporters.spreadsheet import assessment_to_csv
from r2p_risk.exporters.word import briefing_to_docx
from r2p_risk.report import HANDLING_MARKINGS, Briefing, briefing_for
from r2p_risk.snapshot import build_snapshot, dump_snapshot
from r2p_risk.storage.user_database import UserDatabase
from r2p_risk.ui import services
from r2p_risk.ui.choose import Chosen

FORMATS = (
    ("Briefing (PDF)", briefing_to_pdf, "pdf", "application/pdf"),
    ("Briefing (Word)", briefing_to_docx, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("Briefing (Markdown)", briefing_to_markdown, "md", "text/markdown"),
)
BRIEF_FORMATS = (
    ("One-page brief (PDF)", brief_to_pdf, "pdf", "application/pdf"),
    ("One-page brief (Word)", brief_to_docx, "docx", FORMATS[1][3]),
    ("One-page brief (Markdown)", brief_to_markdown, "md", "text/markdown"),
)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "situation"


def _briefing(chosen: Chosen, marking: str, database: UserDatabase, author: bool = False, build=briefing_for) -> Briefing | Brief:
    """Built when a download is clicked, outside the script run: so the signed-in user's database is passed in."""
    model = services.model()
    others = database.list_assessments(chosen.situation.id)
    return build(chosen.situation, chosen.assessment, [a for a in others if a.id != chosen.assessment.id],
                 model.framework, model.params, services.catalogue(), marking, dt.datetime.now(dt.timezone.utc), author=author,
                 vocabulary=services.vocabulary())


def downloads(chosen: Chosen) -> None:
    st.subheader("Export this assessment")
    model = services.model()
    name = f"{_slug(chosen.situation.name)}-{chosen.assessment.assessed_on}"
    marking = st.selectbox("Handling marking, printed on every page of the briefing", HANDLING_MARKINGS, index=2,
                           key="briefing_marking", accept_new_options=True)
    author = st.checkbox("Print the analyst's name in the brief and the briefing", key="briefing_author")
    database = services.database()
    for column, (label, render, suffix, mime) in zip(st.columns(3), BRIEF_FORMATS):
        column.download_button(label, data=lambda render=render: render(_briefing(chosen, marking, database, author, brief_for)),
                               file_name=f"{name}-brief.{suffix}", mime=mime, key=f"download_brief_{suffix}", on_click="ignore")
    columns = st.columns(5)
    for column, (label, render, suffix, mime) in zip(columns, FORMATS):
        column.download_button(label, data=lambda render=render: render(_briefing(chosen, marking, database, author)),
                               file_name=f"{name}-briefing.{suffix}", mime=mime, key=f"download_{suffix}", on_click="ignore")
    snapshot = lambda: dump_snapshot(build_snapshot(chosen.situation, chosen.assessment, model.framework, model.params,  # noqa: E731
                                                    dt.datetime.now(dt.timezone.utc)))
    columns[3].download_button("Snapshot (JSON)", data=snapshot, file_name=f"{name}.json", mime="application/json",
                               key="download_json", on_click="ignore")
    columns[4].download_button("Ratings (CSV)", data=lambda: assessment_to_csv(chosen.assessment, model.framework),
                               file_name=f"{name}.csv", mime="text/csv", key="download_csv", on_click="ignore")
    st.caption("The one-page brief and the briefing list the tools ticked on the Recommendations screen, or the ones that "
               "fit best when none are.")
