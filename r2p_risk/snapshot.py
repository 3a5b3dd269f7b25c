"""Snapshots: the portable JSON form of one assessment, with upgrades of older versions on read.

`read_snapshot` reports every problem at once; `build_snapshot` always writes the current version.
The profile in a snapshot is informational: it is recomputed on every read, never trusted.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import ValidationError

from r2p_risk import __version__
from r2p_risk.assessment import Assessment, Situation, check_assessment
from r2p_risk.errors import Problem, SnapshotError, problems_from_validation_error, validate_model
from r2p_risk.models import StrictModel
from r2p_risk.scoring import score_assessment
from r2p_risk.upgrades import SNAPSHOT_SCHEMA_VERSION, upgrade_snapshot

SNAPSHOT_FORMAT = "r2p-risk-snapshot"
MAX_SNAPSHOT_BYTES = 5_000_000


class FrameworkRef(StrictModel):
    id: str
    edition: str


class ScoringRef(StrictModel):
    id: str
    version: str


class Snapshot(StrictModel):
    format: Literal["r2p-risk-snapshot"]
    schema_version: Literal[1]
    framework: FrameworkRef
    scoring: ScoringRef
    situation: Situation
    assessment: Assessment
    profile: dict[str, Any] | None = None
    exported_at: dt.datetime | None = None
    app_version: str = __version__


def build_snapshot(situation: Situation, assessment: Assessment, framework, params, exported_at: dt.datetime | None) -> Snapshot:
    """The current-version snapshot of an assessment, with its freshly computed profile."""
    profile = score_assessment(assessment, framework, params)
    return Snapshot(
        format=SNAPSHOT_FORMAT,
        schema_version=SNAPSHOT_SCHEMA_VERSION,
        framework=FrameworkRef(id=framework.id, edition=framework.edition),
        scoring=ScoringRef(id=params.id, version=params.version),
        situation=situation,
        assessment=assessment,
        profile=profile.model_dump(mode="json"),
        exported_at=exported_at,
        app_version=__version__,
    )


def dump_snapshot(snapshot: Snapshot) -> str:
    return json.dumps(snapshot.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def blank_snapshot(framework, params, name: str, country: str | None, assessed_on: dt.date, analyst: str = "(your name)") -> Snapshot:
    """A snapshot to fill in: every indicator and risk factor present with level null."""
    assessment = Assessment(
        assessed_on=assessed_on,
        analyst=analyst,
        ratings=[{"indicator": i} for i in framework.indicator_ids],
        risk_factor_ratings=[{"risk_factor": rf.number} for rf in framework.risk_factors],
    )
    situation = validate_model(Situation, {"name": name, "country": country}, "situation", SnapshotError)
    return build_snapshot(situation, assessment, framework, params, exported_at=None)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed in a snapshot")


def parse_json(text: str | bytes, what: str = "snapshot") -> Any:
    """JSON text -> Python data, or SnapshotError naming the line and column of the fault."""
    if len(text) > MAX_SNAPSHOT_BYTES:
        raise SnapshotError([Problem("too_large", "", f"the {what} is larger than {MAX_SNAPSHOT_BYTES // 1_000_000} MB")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SnapshotError([Problem("invalid_utf8", f"byte {exc.start}", "the file is not valid UTF-8 text")]) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise SnapshotError([Problem("invalid_json", f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")]) from None
    except ValueError as exc:
        raise SnapshotError([Problem("invalid_json", "", str(exc))]) from None
    except RecursionError:
        raise SnapshotError([Problem("too_deep", "", "the JSON is nested too deeply")]) from None


def read_snapshot(data: Any, framework, params) -> Snapshot:
    """Validate parsed snapshot data (upgrading older versions); raise SnapshotError with every problem."""
    if not isinstance(data, dict):
        raise SnapshotError([Problem("not_an_object", "", "a snapshot must be a JSON object")])
    if data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError([Problem("wrong_format", "format", f'expected "{SNAPSHOT_FORMAT}", found {json.dumps(data.get("format"))}')])
    data = upgrade_snapshot(data)
    problems = check_assessment(data.get("assessment"), framework)
    framework_ref = data.get("framework")
    if isinstance(framework_ref, dict) and framework_ref.get("id") not in (None, framework.id):
        problems.append(Problem("framework_mismatch", "framework.id", f'made with framework {json.dumps(framework_ref.get("id"))}, this app uses "{framework.id}"'))
    try:
        snapshot = Snapshot.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc) + problems
    if problems:
        raise SnapshotError(problems, "the snapshot is not valid")
    return snapshot.model_copy(update={"profile": score_assessment(snapshot.assessment, framework, params).model_dump(mode="json")})


def load_snapshot_text(text: str | bytes, framework, params) -> Snapshot:
    return read_snapshot(parse_json(text), framework, params)
