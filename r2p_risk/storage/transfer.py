"""Moving assessments between databases: export every revision as a bundle; import snapshots and bundles.

Import takes three steps so people see what will happen before it happens: `read_import_files`
validates every file and refuses unsafe ZIPs whole (`import_files.py`), `plan_import` decides per
snapshot what it would do, reading the database only (`import_plan.py`), and `apply_import` stores
it here, one save per snapshot, reading each snapshot again. Revisions are appended, never
overwritten; situations found here are used as they are, never changed. A new situation is stored
in the same transaction as its first assessment, so a snapshot that fails leaves nothing behind.
Exports are recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from r2p_risk.errors import PermissionDenied, Problem, SnapshotError, StorageError
from r2p_risk.exporters.bundle import Entry, Progress, write_bundle
from r2p_risk.snapshot import Provenance
from r2p_risk.storage.database import utc_now
from r2p_risk.storage.files import Model
from r2p_risk.storage.import_files import ImportFile, load_planned, read_import_files, read_import_paths
from r2p_risk.storage.import_plan import STORED_ACTIONS, ImportPlan, PlannedImport, plan_import
from r2p_risk.storage.store import AssessmentStore

__all__ = [
    "ImportFile",
    "ImportOutcome",
    "ImportPlan",
    "ImportReport",
    "PlannedImport",
    "apply_import",
    "export_all",
    "plan_import",
    "read_import_files",
    "read_import_paths",
    "read_revisions",
]


def export_all(
    database: AssessmentStore,
    model: Model,
    situation_ids: Iterable[str] | None = None,
    progress: Progress | None = None,
    now: Callable[[], dt.datetime] = utc_now,
    actor: str = "",
) -> bytes:
    """A bundle of every revision of every assessment of the given situations (default: all not deleted), each
    snapshot saying who saved its revision and when; recorded in the audit trail as an export by `actor` (for a
    signed-in user's database: that user)."""
    provenance: dict[tuple[str, int], Provenance] = {}
    entries = read_revisions(database, situation_ids, provenance)
    data = write_bundle(entries, model, now(), progress, provenance)
    database.record_export(
        actor,
        {"format": "zip", "situations": sorted({situation.id for situation, _ in entries}), "revisions": len(entries)},
    )
    return data


def read_revisions(
    database: AssessmentStore,
    situation_ids: Iterable[str] | None = None,
    provenance: dict[tuple[str, int], Provenance] | None = None,
) -> list[Entry]:
    """(situation, assessment revision) for every revision: two queries, then per assessment its revisions.
    Who saved each revision and when is put into `provenance` when given."""
    created = database.situation_origins() if provenance is not None else {}
    histories = database.situation_histories()
    if situation_ids is not None:
        by_id = {history.situation.id: history for history in histories}
        for situation_id in situation_ids:
            if situation_id not in by_id:
                database.get_situation(situation_id)  # names the reason: unknown, or in the bin
        histories = [by_id[situation_id] for situation_id in dict.fromkeys(situation_ids) if situation_id in by_id]
    entries = []
    for history in histories:
        for latest in history.assessments:
            if latest.id is None:
                raise ValueError(f"an assessment of situation {history.situation.id} is stored without an id")
            for info in database.list_revisions(latest.id):
                if provenance is not None:
                    made_by, made_at = created.get(history.situation.id or "", (None, None))
                    provenance[latest.id, info.revision] = Provenance(
                        saved_by=info.saved_by,
                        saved_at=info.saved_at,
                        note=info.note,
                        situation_created_by=made_by,
                        situation_created_at=made_at,
                    )
                same = info.revision == latest.revision
                entries.append(
                    (history.situation, latest if same else database.load_assessment(latest.id, info.revision))
                )
    return entries


@dataclass(frozen=True)
class ImportOutcome:
    entry: PlannedImport
    stored: bool
    message: str
    problems: tuple[Problem, ...] = ()
    assessment_id: str | None = None  # as stored
    revision: int | None = None


@dataclass(frozen=True)
class ImportReport:
    outcomes: list[ImportOutcome]  # one per planned snapshot, in plan order

    @property
    def imported(self) -> list[ImportOutcome]:
        return [outcome for outcome in self.outcomes if outcome.stored]

    @property
    def not_imported(self) -> list[ImportOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.stored]

    @property
    def failed(self) -> ImportOutcome | None:
        """The save that failed and stopped the import, if one did."""
        return next(
            (o for o in self.outcomes if not o.stored and o.entry.action in STORED_ACTIONS and o.problems), None
        )


def apply_import(database: AssessmentStore, plan: ImportPlan, actor: str, skip_invalid: bool = False) -> ImportReport:
    """Store the planned new situations, assessments and revisions, one save per snapshot, in plan order.

    Rejected and identical snapshots are never stored; when any was rejected nothing is stored unless
    `skip_invalid`. The first save that fails stops the import, and the report says what was stored.
    """
    rejected = len(plan.rejected)
    held = (
        (
            f"not stored: {rejected} snapshot(s) were rejected, so nothing is imported unless the invalid ones "
            "are skipped"
        )
        if rejected and not skip_invalid
        else ""
    )
    outcomes: list[ImportOutcome] = []
    created: dict[str, str] = {}  # planned situation id -> the id it was stored with
    archives: dict = {}
    stopped = ""
    try:
        for entry in plan.entries:
            if entry.action not in STORED_ACTIONS:
                outcomes.append(ImportOutcome(entry, False, entry.message, entry.problems))
            elif held or stopped:
                outcomes.append(ImportOutcome(entry, False, held or f"not stored: the import stopped at {stopped}"))
            else:
                outcomes.append(_store(database, plan, entry, actor, created, archives))
                stopped = "" if outcomes[-1].stored else entry.source
    finally:
        for archive in archives.values():
            archive.close()
    return ImportReport(outcomes)


def _store(
    database: AssessmentStore,
    plan: ImportPlan,
    entry: PlannedImport,
    actor: str,
    created: dict[str, str],
    archives: dict,
) -> ImportOutcome:
    """One save, of the snapshot read again; a new situation is stored with its first assessment, or not at all."""
    note = f"imported from {entry.source}"
    situation_id, revision, item = entry.situation_id, entry.revision, entry.item
    if situation_id is None or revision is None or item is None or plan.model is None:
        raise ValueError(f"{entry.source}: a save planned without its situation, revision, snapshot or model")
    try:
        snapshot = load_planned(plan.sources, item, plan.model, plan.sizes, archives)
        assessment, origin = snapshot.assessment.model_copy(update={"revision": None}), snapshot.provenance
        if entry.new_situation is not None and situation_id not in created:
            situation, saved = database.create_situation_with_assessment(
                entry.new_situation, assessment, actor, note, origin=origin
            )
            if situation.id is None:
                raise ValueError(f"{entry.source}: the situation was stored without an id")
            created[situation_id] = situation.id
        else:
            based_on = revision - 1 if revision > 1 else None
            saved = database.save_assessment(
                created.get(situation_id, situation_id),
                assessment,
                actor,
                based_on,
                note,
                action="import",
                origin=origin,
            )
    except (StorageError, PermissionDenied, SnapshotError) as error:
        return ImportOutcome(entry, False, f"not stored: {error.summary}", tuple(error.problems))
    return ImportOutcome(
        entry, True, f"stored as revision {saved.revision}", assessment_id=saved.id, revision=saved.revision
    )
