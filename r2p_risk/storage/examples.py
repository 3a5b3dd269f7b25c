"""The fictional example situations shipped in data/examples/, loaded into a database on request."""

from __future__ import annotations

from pathlib import Path

from r2p_risk.resources import examples_dir
from r2p_risk.review import Review
from r2p_risk.storage.files import Model, read_snapshot_file
from r2p_risk.storage.store import AssessmentStore


def load_examples(
    database: AssessmentStore, model: Model, actor: str, folder: Path | None = None, keep_review: bool = True
) -> int:
    """Add every example snapshot: one situation per situation name, its assessments oldest first.

    Returns the number of assessments added. Every example situation is tagged "fictional". The examples
    come with their (fictional) review records, as an import does; `keep_review=False` (for a user who
    may not sign off) loads each as a draft with a fresh review record instead, and says so in its note.
    """
    folder = examples_dir() if folder is None else folder
    snapshots = [read_snapshot_file(path, model) for path in sorted(folder.glob("*.json"))]
    snapshots.sort(key=lambda s: (s.situation.name, s.assessment.assessed_on))
    situations: dict[str, str] = {}
    for snapshot in snapshots:
        name = snapshot.situation.name
        if name not in situations:
            situation = snapshot.situation.model_copy(update={"id": None})
            created = database.create_situation(situation, actor)
            if created.id is None:
                raise ValueError(f"example situation {name} was stored without an id")
            situations[name] = created.id
        assessment = snapshot.assessment.model_copy(update={"id": None, "revision": None})
        note = "fictional example"
        if not keep_review:
            assessment = assessment.model_copy(update={"review": Review(), "status": "draft"})
            note += ", loaded as a draft (signing off needs a reviewer)"
        database.save_assessment(
            situations[name], assessment, actor, based_on_revision=None, note=note, action="import"
        )
    return len(snapshots)
