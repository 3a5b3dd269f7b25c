"""Snapshots: the portable JSON form of one assessment, with upgrades of older versions on read.

`read_snapshot` reports every problem at once; `build_snapshot` always writes the current version.
The profile in a snapshot is informational: it is recomputed on every read, never trusted.
A file is hostile until validated: nesting, numbers, duplicate keys and the size of every message
about it are bounded before anything walks it recursively or shows it to people.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Annotated, Any, Literal

from pydantic import ValidationError

from r2p_risk import __version__
from r2p_risk.assessment import Assessment, Situation, check_assessment
from r2p_risk.errors import Problem, SnapshotError, problems_from_validation_error, validate_model
from r2p_risk.models import ShortText, StrictModel, TextRules
from r2p_risk.scoring import score_assessment
from r2p_risk.sizes import SNAPSHOT_BYTES, megabytes
from r2p_risk.upgrades import SNAPSHOT_SCHEMA_VERSION, upgrade_snapshot

SNAPSHOT_FORMAT = "r2p-risk-snapshot"
MAX_SNAPSHOT_BYTES = SNAPSHOT_BYTES  # the size policy's (r2p_risk/sizes.py)
MAX_DEPTH = 20  # a snapshot nests 7 levels; deeper data is refused before anything walks it recursively
MAX_INTEGER = 2**63 - 1  # what a database column holds
MAX_PROBLEMS = 100  # listed; more are counted


class FrameworkRef(StrictModel):
    id: str
    edition: str


class ScoringRef(StrictModel):
    id: str
    version: str


class Provenance(StrictModel):
    """Who saved this revision and when, and who created its situation: kept when it moves to another database."""

    saved_by: ShortText
    saved_at: dt.datetime
    note: Annotated[str, TextRules(2_000)] = ""
    situation_created_by: ShortText | None = None
    situation_created_at: dt.datetime | None = None


class Snapshot(StrictModel):
    format: Literal["r2p-risk-snapshot"]
    schema_version: Literal[4]
    framework: FrameworkRef
    scoring: ScoringRef
    situation: Situation
    assessment: Assessment
    profile: dict[str, Any] | None = None
    exported_at: dt.datetime | None = None
    app_version: str = __version__
    provenance: Provenance | None = None  # a saved revision's; None for an edit not saved


def build_snapshot(
    situation: Situation,
    assessment: Assessment,
    framework,
    params,
    exported_at: dt.datetime | None,
    provenance: Provenance | None = None,
) -> Snapshot:
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
        provenance=provenance,
    )


def dump_snapshot(snapshot: Snapshot) -> str:
    return json.dumps(snapshot.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def blank_snapshot(
    framework, params, name: str, country: str | None, assessed_on: dt.date, analyst: str = "(your name)"
) -> Snapshot:
    """A snapshot to fill in: every indicator and risk factor present with level null."""
    assessment = Assessment(
        assessed_on=assessed_on,
        analyst=analyst,
        ratings=[{"indicator": i} for i in framework.indicator_ids],
        risk_factor_ratings=[{"risk_factor": rf.number} for rf in framework.risk_factors],
    )
    situation = validate_model(Situation, {"name": name, "country": country}, "situation", SnapshotError)
    return build_snapshot(situation, assessment, framework, params, exported_at=None)


class _RefusedConstant(ValueError):
    pass


def _reject_constant(name: str):
    raise _RefusedConstant(f"{name} is not allowed in a snapshot")


def parse_json(text: str | bytes, what: str = "snapshot") -> Any:
    """JSON text -> Python data, or SnapshotError naming the line and column of the fault."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SNAPSHOT_BYTES:
        raise SnapshotError([Problem("too_large", "", f"the {what} is larger than {megabytes(MAX_SNAPSHOT_BYTES)}")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SnapshotError(
                [Problem("invalid_utf8", f"byte {exc.start}", "the file is not valid UTF-8 text")]
            ) from None
    repeated: list[str] = []

    def object_without_repeats(pairs: list[tuple[str, Any]]) -> dict:
        found = {}
        for key, value in pairs:
            if key in found:
                repeated.append(key)
            found[key] = value
        return found

    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=object_without_repeats)
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            [Problem("invalid_json", f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")]
        ) from None
    except _RefusedConstant as exc:
        raise SnapshotError([Problem("invalid_json", "", str(exc))]) from None
    except ValueError:  # the only other one: an integer longer than Python converts (4,300 digits)
        raise SnapshotError([Problem("number_too_large", "", "a number in the JSON has thousands of digits")]) from None
    except RecursionError:
        raise SnapshotError([Problem("too_deep", "", "the JSON is nested too deeply")]) from None
    if repeated:
        raise SnapshotError(
            readable_problems(
                [
                    Problem(
                        "duplicate_key",
                        "",
                        f"the key {shown(key)} appears twice in one object, so which value is meant is unclear",
                    )
                    for key in dict.fromkeys(repeated)
                ]
            )
        )
    return data


def shown(value: Any, limit: int = 80) -> str:
    """A value from a file, for a message: JSON for a scalar, cut short; never the whole of a huge or nested value."""
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "a list"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        return "a number too large to store"
    text = json.dumps(value) if value is None or isinstance(value, str | int | float) else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def readable_problems(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """At most `limit` problems, each place and message cut to a readable length, and a count of the rest."""

    def clip(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    listed = [Problem(p.code, clip(p.where, 200), clip(p.message, 500)) for p in problems[:limit]]
    if len(problems) > limit:
        listed.append(Problem("more_problems", "", f"and {len(problems) - limit:,} more problems not listed here"))
    return listed


def check_shape(data: Any) -> list[Problem]:
    """What no snapshot holds: nesting deeper than MAX_DEPTH, NaN or Infinity, integers beyond 64 bits.

    Walks the data without recursion, so it is safe on any parsed JSON, and stops after MAX_PROBLEMS.
    """
    problems: list[Problem] = []
    stack = [(data, "", 0)]
    while stack and len(problems) <= MAX_PROBLEMS:
        value, where, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                problems.append(
                    Problem("too_deep", where, f"nested more than {MAX_DEPTH} levels deep; a snapshot never is")
                )
                continue
            items = list(value.items() if isinstance(value, dict) else enumerate(value))
            stack.extend((item, _place(where, key), depth + 1) for key, item in reversed(items))
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(Problem("not_finite", where, "NaN and Infinity are not allowed in a snapshot"))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            problems.append(Problem("number_too_large", where, f"a number larger than {MAX_INTEGER:,}"))
    return problems


def _place(where: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    key = str(key) if len(str(key)) <= 40 else str(key)[:39] + "…"
    return f"{where}.{key}" if where else key


def read_snapshot(data: Any, framework, params) -> Snapshot:
    """Validate parsed snapshot data (upgrading older versions); raise SnapshotError with every problem."""
    if not isinstance(data, dict):
        raise SnapshotError([Problem("not_an_object", "", "a snapshot must be a JSON object")])
    if data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(
            [Problem("wrong_format", "format", f'expected "{SNAPSHOT_FORMAT}", found {shown(data.get("format"))}')]
        )
    shape = check_shape(data)
    if shape:
        raise SnapshotError(readable_problems(shape), "the snapshot is not valid")
    data = upgrade_snapshot(data)
    problems = check_assessment(data.get("assessment"), framework) + _review_problems(data.get("assessment"))
    framework_ref = data.get("framework")
    if isinstance(framework_ref, dict) and framework_ref.get("id") not in (None, framework.id):
        problems.append(
            Problem(
                "framework_mismatch",
                "framework.id",
                f'made with framework {shown(framework_ref.get("id"))}, this app uses "{framework.id}"',
            )
        )
    try:
        snapshot = Snapshot.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc) + problems
    if problems:
        raise SnapshotError(readable_problems(problems), "the snapshot is not valid")
    return snapshot.model_copy(
        update={"profile": score_assessment(snapshot.assessment, framework, params).model_dump(mode="json")}
    )


def _review_problems(assessment: Any) -> list[Problem]:
    """A final status is a signed-off review, and only that: the two must agree."""
    review = assessment.get("review") if isinstance(assessment, dict) else None
    if not isinstance(review, dict) or assessment.get("status") not in ("draft", "final"):
        return []
    state = review.get("state")
    if (assessment["status"] == "final") == (state == "final") or state not in (
        "draft",
        "in_review",
        "returned",
        "final",
    ):
        return []
    return [
        Problem(
            "status_not_reviewed",
            "assessment.status",
            f'"{assessment["status"]}" does not agree with the review state '
            f'"{state}": an assessment is final when, and only when, its review was signed off',
        )
    ]


def load_snapshot_text(text: str | bytes, framework, params) -> Snapshot:
    return read_snapshot(parse_json(text), framework, params)
