"""The records of situations and assessments as import, export and the examples read and write them.

Either the whole database (`Database`) or the database as one signed-in user sees it (`Database.as_user`,
`UserDatabase`, with the user's role and access enforced): both have these methods, and the functions that
take an `AssessmentStore` work the same on either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt

    from r2p_risk.assessment import Assessment, Situation
    from r2p_risk.snapshot import Provenance
    from r2p_risk.storage.database import RevisionInfo, SituationHistory


class AssessmentStore(Protocol):
    def get_situation(self, situation_id: str, include_deleted: bool = False) -> Situation: ...

    def list_situations(self, include_deleted: bool = False) -> list[Situation]: ...

    def deleted_situations(self) -> list[Situation]: ...

    def situation_histories(self, include_deleted: bool = False) -> list[SituationHistory]: ...

    def situation_of(self, assessment_id: str) -> str: ...

    def load_assessment(self, assessment_id: str, revision: int | None = None) -> Assessment: ...

    def list_revisions(self, assessment_id: str) -> list[RevisionInfo]: ...

    def situation_origins(self) -> dict[str, tuple[str, dt.datetime]]: ...

    def create_situation(
        self, situation: Situation, actor: str, *, action: str = ..., origin: Provenance | None = ...
    ) -> Situation: ...

    def create_situation_with_assessment(
        self,
        situation: Situation,
        assessment: Assessment,
        actor: str,
        note: str = ...,
        *,
        action: str = ...,
        origin: Provenance | None = ...,
    ) -> tuple[Situation, Assessment]: ...

    def save_assessment(
        self,
        situation_id: str,
        assessment: Assessment,
        actor: str,
        based_on_revision: int | None,
        note: str = ...,
        *,
        action: str = ...,
        origin: Provenance | None = ...,
    ) -> Assessment: ...

    def record_export(self, actor: str, what: dict, **targets) -> None: ...
