"""Upgrades of older file versions, one small step per version; writing is always current.

A step takes the data of version N and returns it as version N + 1. Snapshot history is in
CHANGELOG.md; each step has an old-version fixture in tests/fixtures/ and a test.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from r2p_risk.errors import Problem, SnapshotError

Step = Callable[[dict], dict]
SNAPSHOT_SCHEMA_VERSION = 4


def _add_atrocity_findings(data: dict) -> dict:
    """1 -> 2 (scoring model 2.0): assessments record findings of atrocity crimes; older ones have none."""
    assessment = data.get("assessment")
    if isinstance(assessment, dict) and "atrocity_findings" not in assessment:
        assessment["atrocity_findings"] = []
    return data


def _add_dossier_and_review(data: dict) -> dict:
    """2 -> 3 (issue 18): assessments carry a dossier and a review record; older ones get empty ones.

    The review state follows the old status: a final assessment was final, anything else a draft.
    """
    assessment = data.get("assessment")
    if isinstance(assessment, dict):
        assessment.setdefault("dossier", {})
        assessment.setdefault(
            "review", {"state": "final" if assessment.get("status") == "final" else "draft", "comments": []}
        )
    return data


def _nothing_to_add(data: dict) -> dict:
    """3 -> 4 (issue 15): sources may carry a reliability grade and snapshots who saved the revision; both optional,
    so absent."""
    return data


SNAPSHOT_STEPS: dict[int, Step] = {1: _add_atrocity_findings, 2: _add_dossier_and_review, 3: _nothing_to_add}


def upgrade(data: dict[str, Any], current: int, steps: dict[int, Step], what: str = "file") -> dict[str, Any]:
    """Bring data of any version from 1 to `current` up to `current` (a copy; the input is untouched)."""
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SnapshotError([Problem("missing_schema_version", "schema_version", "must be a whole number")])
    if version > current:
        raise SnapshotError(
            [
                Problem(
                    "future_schema_version",
                    "schema_version",
                    f"this {what} is version {version}, newer than this app reads ({current}); update r2p-risk",
                )
            ]
        )
    if version < 1:
        raise SnapshotError(
            [Problem("unknown_schema_version", "schema_version", f"version {version} was never issued; the first is 1")]
        )
    data = copy.deepcopy(data)
    while version < current:
        data = steps[version](data)
        version += 1
        data["schema_version"] = version
    return data


def upgrade_snapshot(data: dict[str, Any]) -> dict[str, Any]:
    return upgrade(data, SNAPSHOT_SCHEMA_VERSION, SNAPSHOT_STEPS, "snapshot")
