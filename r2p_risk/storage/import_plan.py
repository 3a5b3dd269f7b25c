"""Planning an import: per snapshot, what storing it would do, decided by reading the database only.

A situation is matched by id, else by exact name among those not deleted, else it is new; an
assessment by id. A snapshot whose content equals a stored revision of its assessment is skipped
("identical"); one that differs becomes a new revision on top of the latest. Nothing is stored here.

Planning keeps a summary of each snapshot (`SnapshotSummary`), never the snapshot, so a plan of
thousands of snapshots stays small; the plan keeps its sources, to read each snapshot again when
it is stored. With the database as one user sees it (`Database.as_user`), a situation or assessment
hidden from them is not there: a snapshot naming one is planned exactly as one naming nothing stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from typing import Literal

from r2p_risk.assessment import Situation
from r2p_risk.errors import Problem, StorageError
from r2p_risk.sizes import DEFAULT_SIZES, SizePolicy
from r2p_risk.storage.database import RevisionInfo
from r2p_risk.storage.files import Model
from r2p_risk.storage.import_files import ImportFile, ImportFiles, ImportSource, SnapshotSummary, content_digest
from r2p_risk.storage.store import AssessmentStore

Action = Literal["new_situation", "new_assessment", "new_revision", "identical", "rejected"]
STORED_ACTIONS = ("new_situation", "new_assessment", "new_revision")


@dataclass(frozen=True)
class PlannedImport:
    """What importing one snapshot would do, in words, and what it would store."""

    action: Action
    file: str
    member: str | None  # a bundle's snapshot, or None for a .json file
    situation: str
    assessed_on: dt.date | None
    message: str
    problems: tuple[Problem, ...] = ()
    situation_id: str | None = None
    new_situation: Situation | None = None  # created with the first save into it
    item: ImportFile | None = None  # the snapshot, to be read again when it is stored
    revision: int | None = None  # the revision it will be stored as; for "identical" the stored one it equals

    @property
    def source(self) -> str:
        return f"{self.file} > {self.member}" if self.member else self.file


@dataclass(frozen=True)
class ImportPlan:
    entries: list[PlannedImport]  # in the order they would be stored
    sources: list[ImportSource] = field(default_factory=list)  # where the snapshots are read again from
    model: Model | None = None
    sizes: SizePolicy = DEFAULT_SIZES

    def count(self, action: Action) -> int:
        return sum(entry.action == action for entry in self.entries)

    @property
    def rejected(self) -> list[PlannedImport]:
        return [entry for entry in self.entries if entry.action == "rejected"]


def plan_import(database: AssessmentStore, import_files: ImportFiles) -> ImportPlan:
    """Per snapshot: a new situation, assessment or revision, identical to one stored (skipped), or rejected.

    Snapshots of one assessment are planned in revision order, each on top of the one before.
    """
    planner = _Planner(database)
    entries = [planner.plan(item) for item in _in_apply_order(import_files)]
    return ImportPlan(entries, import_files.sources, import_files.model, import_files.sizes)


def _in_apply_order(files: list[ImportFile]) -> list[ImportFile]:
    """Snapshots of one assessment together where its first one is, in revision order; the rest as given."""
    first: dict[str, int] = {}
    keys = []
    for index, item in enumerate(files):
        summary = item.summary
        group = first.setdefault(summary.assessment_id, index) if summary and summary.assessment_id else index
        keys.append((group, (summary.revision or 0) if summary else 0, index))
    return [files[i] for i in sorted(range(len(files)), key=keys.__getitem__)]


def _rejected(item: ImportFile, situation: str, assessed_on: dt.date | None, problems: list[Problem]) -> PlannedImport:
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return PlannedImport(
        "rejected",
        item.name,
        item.member,
        situation,
        assessed_on,
        f"{problems[0]}{more}; nothing from it is stored",
        tuple(problems),
    )


@dataclass
class _Planner:
    """What is stored already, read as needed, and what earlier snapshots of this import will add."""

    database: AssessmentStore
    situations: dict[str, Situation] = field(default_factory=dict)  # stored and planned, by id
    by_name: dict[str, Situation] = field(default_factory=dict)  # not deleted, stored and planned
    deleted: set[str] = field(default_factory=set)
    planned_new: set[str] = field(default_factory=set)  # situation ids this import creates
    announced: set[str] = field(default_factory=set)  # of those, the ones a planned save already creates
    stored: dict[str, tuple[str, list[RevisionInfo]] | None] = field(default_factory=dict)
    digests: dict[tuple[str, int], str] = field(default_factory=dict)  # content digests of stored revisions
    next_revision: dict[str, int] = field(default_factory=dict)
    # this import's digests (and where from), by assessment id and revision
    seen: dict[tuple[str | None, int | None], tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self):
        self.deleted = {s.id for s in self.database.deleted_situations()}
        for situation in self.database.list_situations(include_deleted=True):
            self.situations[situation.id] = situation
            if situation.id not in self.deleted:
                self.by_name.setdefault(situation.name, situation)

    def plan(self, item: ImportFile) -> PlannedImport:
        if item.summary is None:
            return _rejected(item, "", None, list(item.problems))
        summary = item.summary
        situation = summary.situation
        stored = self._stored(summary.assessment_id)
        skipped = self._already_there(item, summary, stored)
        if skipped is not None:
            return skipped
        target, problems = self._target(situation, stored)
        if problems:
            return _rejected(item, target.name, summary.assessed_on, problems)
        planned = self._planned_save(item, summary, target, stored)
        if summary.assessment_id is not None:
            self.seen[summary.assessment_id, summary.revision] = (summary.digest, item.source)
        if situation.id is not None and situation.id != target.id:
            return replace(
                planned, message=f"{planned.message} (situation matched by name; its id here is {target.id})"
            )
        return planned

    def _already_there(self, item: ImportFile, summary: SnapshotSummary, stored) -> PlannedImport | None:
        """ "identical" when this import has the same snapshot earlier, or a stored revision has the same content."""
        date, name = summary.assessed_on, summary.situation.name
        earlier = self.seen.get((summary.assessment_id, summary.revision))
        if earlier is not None and earlier[0] == summary.digest:
            return PlannedImport(
                "identical", item.name, item.member, name, date, f"the same as {earlier[1]} in this import; skipped"
            )
        revision = None
        if stored and summary.assessment_id is not None:
            revision = self._identical_revision(summary.assessment_id, summary.digest, stored[1], summary.revision)
        if revision is None:
            return None
        name = self._situation(stored[0]).name
        return PlannedImport(
            "identical",
            item.name,
            item.member,
            name,
            date,
            f'already stored as revision {revision} of the assessment of {date} in "{name}"; skipped',
            revision=revision,
        )

    def _situation(self, situation_id: str) -> Situation:
        if situation_id not in self.situations:  # saved since this plan started
            self.situations[situation_id] = self.database.get_situation(situation_id, include_deleted=True)
        return self.situations[situation_id]

    def _stored(self, assessment_id: str | None) -> tuple[str, list[RevisionInfo]] | None:
        """(situation id, revisions newest first) of an assessment stored here, or None."""
        if assessment_id is not None and assessment_id not in self.stored:
            try:
                revisions = self.database.list_revisions(assessment_id)
            except StorageError as error:
                if any(problem.code != "not_found" for problem in error.problems):
                    raise
                self.stored[assessment_id] = None
            else:
                self.stored[assessment_id] = (self.database.situation_of(assessment_id), revisions)
        return self.stored.get(assessment_id) if assessment_id is not None else None

    def _identical_revision(
        self, assessment_id: str, digest: str, revisions: list[RevisionInfo], hint: int | None
    ) -> int | None:
        """The stored revision with the same content; the one with the snapshot's own number is tried first."""
        numbers = sorted((info.revision for info in revisions), key=lambda n: (n != hint, -n))
        for number in numbers:
            if (assessment_id, number) not in self.digests:
                self.digests[assessment_id, number] = content_digest(
                    self.database.load_assessment(assessment_id, number)
                )
            if self.digests[assessment_id, number] == digest:
                return number
        return None

    def _target(self, situation: Situation, stored) -> tuple[Situation, list[Problem]]:
        """The situation to store into: the assessment's own, else matched by id, then by name, else a new one."""
        if stored is not None:
            target = self._situation(stored[0])
            if situation.id is not None and situation.id != target.id:
                return target, [
                    Problem(
                        "wrong_situation",
                        "situation.id",
                        f"this assessment belongs to situation "
                        f'"{target.name}" ({target.id}) here, not to {situation.id}',
                    )
                ]
        else:
            known = self.situations.get(situation.id) if situation.id is not None else None
            target = known or self.by_name.get(situation.name) or self._new_situation(situation)
        if target.id in self.deleted:
            return target, [
                Problem(
                    "situation_deleted",
                    "situation",
                    f'situation "{target.name}" is in the bin here; restore it, then import again',
                )
            ]
        return target, []

    def _new_situation(self, situation: Situation) -> Situation:
        situation_id = situation.id or uuid.uuid4().hex
        new = situation.model_copy(update={"id": situation_id})
        self.situations[situation_id] = self.by_name[new.name] = new
        self.planned_new.add(situation_id)
        return new

    def _planned_save(self, item: ImportFile, summary: SnapshotSummary, target: Situation, stored) -> PlannedImport:
        if target.id is None:
            raise ValueError(f'situation "{target.name}" to import into has no id')
        key = summary.assessment_id
        planned = self.next_revision.get(key) if key is not None else None
        revision = planned or (stored[1][0].revision + 1 if stored else 1)
        if key is not None:
            self.next_revision[key] = revision + 1
        date, name = summary.assessed_on, f'"{target.name}"'
        new_situation = target if target.id in self.planned_new else None
        action: Action
        if revision > 1:
            action = "new_revision"
            message = (
                f"the assessment of {date} in {name} changed: stored as revision {revision}, "
                f"on top of revision {revision - 1}"
            )
        elif new_situation is not None and target.id not in self.announced:
            self.announced.add(target.id)
            action, message = "new_situation", f"new situation {name}, with the assessment of {date} as revision 1"
        else:
            action, message = "new_assessment", f"new assessment of {date} in {name}, stored as revision 1"
        return PlannedImport(
            action,
            item.name,
            item.member,
            target.name,
            date,
            message,
            situation_id=target.id,
            new_situation=new_situation,
            item=item,
            revision=revision,
        )
