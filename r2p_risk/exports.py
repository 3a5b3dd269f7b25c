"""The files people download of one assessment: the one-page brief and the briefing (PDF, Word, Markdown), the
snapshot and the ratings.

A file is made only when asked for, and then the user's rights are checked again from the database: a user
disabled, demoted below reading or shut out of the situation since the page was drawn gets nothing. A saved
assessment is read again as stored; the edit in progress is the user's own. Every file made is an audit event
(`export`) naming the format, the situation, the assessment and its revision. A handling marking is checked
before anything is made, so that whatever is accepted prints in every format. Every failure is an R2PError,
for the screen to show.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import TypeAdapter, ValidationError

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.brief import brief_for
from r2p_risk.errors import Problem, R2PError, problems_from_validation_error
from r2p_risk.exporters.spreadsheet import assessment_to_csv
from r2p_risk.report import Marking, briefing_for
from r2p_risk.snapshot import build_snapshot, dump_snapshot
from r2p_risk.storage.engine import not_found
from r2p_risk.storage.files import Model
from r2p_risk.tools import Catalogue

if TYPE_CHECKING:
    from r2p_risk.storage.user_database import UserDatabase


@dataclass(frozen=True)
class FileKind:
    label: str
    suffix: str
    mime: str
    exporter: tuple[str, str] | None = (
        None  # a document: (module under r2p_risk.exporters, function); imported when used
    )
    one_page: bool = False  # the one-page brief rather than the full briefing


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = {
    "brief_pdf": FileKind(
        "One-page brief (PDF)", "brief.pdf", "application/pdf", ("one_page", "brief_to_pdf"), one_page=True
    ),
    "brief_docx": FileKind("One-page brief (Word)", "brief.docx", DOCX, ("one_page", "brief_to_docx"), one_page=True),
    "brief_md": FileKind(
        "One-page brief (Markdown)", "brief.md", "text/markdown", ("one_page", "brief_to_markdown"), one_page=True
    ),
    "pdf": FileKind("Briefing (PDF)", "briefing.pdf", "application/pdf", ("pdf", "briefing_to_pdf")),
    "docx": FileKind("Briefing (Word)", "briefing.docx", DOCX, ("word", "briefing_to_docx")),
    "md": FileKind("Briefing (Markdown)", "briefing.md", "text/markdown", ("markdown", "briefing_to_markdown")),
    "json": FileKind("Snapshot (JSON)", "json", "application/json"),
    "csv": FileKind("Ratings (CSV)", "csv", "text/csv"),
}
_MARKING = TypeAdapter(Marking)


@dataclass(frozen=True)
class Download:
    file_name: str
    mime: str
    data: bytes


def check_marking(marking: str) -> str:
    """The handling marking as every briefing format prints it; R2PError, naming the field, when it cannot be."""
    try:
        return _MARKING.validate_python(marking)
    except ValidationError as error:
        problems = [Problem(p.code, "handling marking", p.message) for p in problems_from_validation_error(error)]
        raise R2PError(problems, "this handling marking cannot be printed on the briefing") from None


def file_stem(situation: Situation, assessment: Assessment) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "-", situation.name).strip("-").lower()[:60] or "situation"
    return f"{name}-{assessment.assessed_on}"


def make_download(
    database: UserDatabase,
    kind: str,
    situation: Situation,
    assessment: Assessment,
    unsaved: bool,
    marking: str,
    model: Model,
    catalogue: Catalogue,
    now: dt.datetime,
    actor: str = "",
    author: bool = False,
    vocabulary=None,
) -> Download:
    """The file of `kind` (see KINDS), made now for the signed-in user of `database`, and recorded as an export.

    The analyst's name is printed in a brief or briefing only when `author` asks for it; with the dossier vocabulary
    (frameworks/dossier.yaml), they carry the dossier too."""
    file = KINDS[kind]
    if file.exporter is not None:
        marking = check_marking(marking)
    situation_id = situation.id
    if situation_id is None:
        raise not_found("situation", "no such situation: it is not saved")
    situation = database.get_situation(situation_id, include_deleted=True)  # may the user still see it?
    if not unsaved:  # the saved revision as it is stored now, read with the user's rights
        if assessment.id is None:
            raise not_found("assessment", "no such assessment: it is not saved")
        assessment = database.load_assessment(assessment.id, assessment.revision)
    if file.exporter is not None:
        others = [a for a in database.list_assessments(situation_id) if a.id != assessment.id]
        build = brief_for if file.one_page else briefing_for
        briefing = build(
            situation,
            assessment,
            others,
            model.framework,
            model.params,
            catalogue,
            marking,
            now,
            author=author,
            vocabulary=vocabulary,
        )
        module, function = file.exporter
        data = getattr(importlib.import_module(f"r2p_risk.exporters.{module}"), function)(briefing)
    elif kind == "json":
        data = dump_snapshot(build_snapshot(situation, assessment, model.framework, model.params, now)).encode("utf-8")
    else:
        data = assessment_to_csv(assessment, model.framework)
    database.record_export(
        actor,
        {
            "format": kind,
            **({"marking": marking, "author": author} if file.exporter else {}),
            **({"unsaved_edit": True} if unsaved else {}),
        },
        situation_id=situation.id,
        assessment_id=assessment.id,
        revision=None if unsaved else assessment.revision,
    )
    return Download(f"{file_stem(situation, assessment)}{'-' if file.exporter else '.'}{file.suffix}", file.mime, data)
