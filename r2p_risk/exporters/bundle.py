"""A bundle: every saved revision of many assessments in one ZIP, for backup or moving to another database.

`write_bundle` is pure: models in, bytes out, the same bytes for the same input and `exported_at`.
The ZIP holds `manifest.json` (what is inside, with a SHA-256 per snapshot), one snapshot per
revision at `snapshots/<situation-id>/<assessment-id>/revision-<n>.json`, and `assessments.csv`:
the latest revision of each assessment, one row per risk factor, for spreadsheets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from io import BytesIO

from r2p_risk import __version__
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.exporters.spreadsheet import write_csv
from r2p_risk.snapshot import Provenance, Snapshot, build_snapshot, dump_snapshot

BUNDLE_FORMAT = "r2p-risk-bundle"
BUNDLE_VERSION = 1
MANIFEST = "manifest.json"
TABLE = "assessments.csv"
SNAPSHOTS_DIR = "snapshots/"
TABLE_COLUMNS = [
    "situation_id",
    "situation",
    "country",
    "area",
    "assessment_id",
    "revision",
    "assessed_on",
    "analyst",
    "assessment_status",
    "risk_factor",
    "risk_factor_title",
    "score",
    "risk_class",
    "coverage",
    "reliability",
    "overall_score",
    "overall_class",
    "status",
]
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")  # ids are free text: anything else is %-encoded, so a path never escapes

Entry = tuple[Situation, Assessment]
Progress = Callable[[int, int], None]


def member_path(situation_id: str, assessment_id: str, revision: int) -> str:
    """`snapshots/<situation-id>/<assessment-id>/revision-<n>.json`, ids %-encoded outside [A-Za-z0-9_-]."""

    def safe(text: str) -> str:
        return _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), text)

    return f"{SNAPSHOTS_DIR}{safe(situation_id)}/{safe(assessment_id)}/revision-{revision}.json"


def write_bundle(
    entries: Iterable[Entry],
    model,
    exported_at: dt.datetime,
    progress: Progress | None = None,
    provenance: Mapping[tuple[str, int], Provenance] | None = None,
) -> bytes:
    """The ZIP bundle of the given (situation, assessment revision) pairs, in any order; `model` has framework and
    params.

    `progress(done, total)` is called after each revision is written; `provenance` gives, by (assessment id,
    revision), who saved each revision and when, written into its snapshot so an import keeps it.
    """
    entries = list(entries)
    _check_entries(entries)
    newest = {a.id: a for _, a in sorted(entries, key=lambda e: _ids(e)[2])}  # an edit may change assessed_on
    entries.sort(key=lambda e: (e[0].name, e[0].id, newest[e[1].id].assessed_on, e[1].id, e[1].revision))
    stamp = exported_at.astimezone(dt.UTC).timetuple()[:6]
    members: list[dict] = []
    latest: dict[str, Snapshot] = {}
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, (situation, assessment) in enumerate(entries, start=1):
            snapshot = build_snapshot(
                situation,
                assessment,
                model.framework,
                model.params,
                exported_at,
                (provenance or {}).get(_ids((situation, assessment))[1:]),
            )
            data = dump_snapshot(snapshot).encode("utf-8")
            situation_id, assessment_id, revision = _ids((situation, assessment))
            path = member_path(situation_id, assessment_id, revision)
            _write_member(archive, path, data, stamp)
            members.append(_member_record(path, snapshot, data))
            latest[assessment_id] = snapshot  # in revision order, so the last one stays
            if progress is not None:
                progress(done, len(entries))
        table = bundle_table(list(latest.values()), model.framework)
        _write_member(archive, TABLE, table, stamp)
        manifest = _manifest(members, latest, model, exported_at)
        _write_member(
            archive, MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), stamp
        )
    return buffer.getvalue()


def _ids(entry: Entry) -> tuple[str, str, int]:
    """(situation id, assessment id, revision): a bundle holds saved assessments only."""
    situation, assessment = entry
    if situation.id is None or assessment.id is None or assessment.revision is None:
        raise ValueError(
            "a bundle holds saved assessments only: every situation and assessment needs an id and a revision"
        )
    return situation.id, assessment.id, assessment.revision


def _check_entries(entries: list[Entry]) -> None:
    seen = set()
    for entry in entries:
        _, assessment = entry
        _ids(entry)
        if (assessment.id, assessment.revision) in seen:
            raise ValueError(f"assessment {assessment.id} revision {assessment.revision} is given twice")
        seen.add((assessment.id, assessment.revision))


def _write_member(archive: zipfile.ZipFile, path: str, data: bytes, stamp: tuple) -> None:
    info = zipfile.ZipInfo(path, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    archive.writestr(info, data)


def _member_record(path: str, snapshot: Snapshot, data: bytes) -> dict:
    return {
        "path": path,
        "situation_id": snapshot.situation.id,
        "situation": snapshot.situation.name,
        "assessment_id": snapshot.assessment.id,
        "revision": snapshot.assessment.revision,
        "assessed_on": snapshot.assessment.assessed_on.isoformat(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _manifest(members: list[dict], latest: dict[str, Snapshot], model, exported_at: dt.datetime) -> dict:
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "exported_at": exported_at.isoformat(),
        "app_version": __version__,
        "framework": {"id": model.framework.id, "edition": model.framework.edition},
        "scoring": {"id": model.params.id, "version": model.params.version},
        "counts": {
            "situations": len({m["situation_id"] for m in members}),
            "assessments": len(latest),
            "revisions": len(members),
        },
        "table": {
            "path": TABLE,
            "contains": "the latest revision of each assessment, one row per risk factor; "
            "the snapshots hold every revision",
        },
        "members": members,
    }


def bundle_table(snapshots: list[Snapshot], framework) -> bytes:
    """CSV (UTF-8 with BOM, formulas neutralised): one row per snapshot and risk factor, from each snapshot's
    profile."""
    rows = []
    for snapshot in snapshots:
        situation, assessment, profile = snapshot.situation, snapshot.assessment, snapshot.profile
        if profile is None:
            raise ValueError(f"the snapshot of {assessment.id} revision {assessment.revision} has no profile")
        first = [
            situation.id,
            situation.name,
            situation.country,
            situation.area,
            assessment.id,
            assessment.revision,
            assessment.assessed_on.isoformat(),
            assessment.analyst,
            assessment.status,
        ]
        overall = [profile["overall"]["score"], profile["overall"]["level"], profile["status"]["label"]]
        for factor in framework.risk_factors:
            result = profile["risk_factors"][str(factor.number)]
            rows.append(
                [
                    *first,
                    factor.number,
                    factor.title,
                    result["score"],
                    result["level"],
                    result["coverage"],
                    result["reliability"],
                    *overall,
                ]
            )
    return write_csv(TABLE_COLUMNS, rows)


def read_manifest(bundle: bytes) -> dict:
    """The manifest of a bundle this module wrote (for counts and listings; imports never trust it)."""
    with zipfile.ZipFile(BytesIO(bundle)) as archive:
        return json.loads(archive.read(MANIFEST))
