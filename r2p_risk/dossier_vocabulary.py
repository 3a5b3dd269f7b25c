"""The words of dossiers and reviews (frameworks/dossier.yaml): a label and a description for every id.

The ids are the closed `Literal`s of `dossier.py` and `review.py`; the file must list each of them
exactly once, in the order screens show them, so a label can never be missing and the file can
never name something the code does not know.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, ValidationError

from r2p_risk.dossier import ActorRole, DossierSection, Identity, NarrativeSection, PerpetratorKind, ScenarioKind
from r2p_risk.errors import FrameworkError, Problem, problems_from_validation_error
from r2p_risk.models import StrictModel, TextRules
from r2p_risk.review import CommentTarget, ReviewState

DOSSIER_SCHEMA_VERSION = 1


class Term(StrictModel):
    id: str
    label: Annotated[str, TextRules(80, min_length=1)]
    description: Annotated[str, TextRules(500, min_length=1)]
    borrowed_from: Annotated[str, TextRules(120, min_length=1)] | None = (
        None  # whose vocabulary the label is, when not ours
    )


# field of the file -> the ids it must list
LISTS: dict[str, tuple[str, ...]] = {
    "identities": get_args(Identity),
    "perpetrator_kinds": get_args(PerpetratorKind),
    "actor_roles": get_args(ActorRole),
    "scenario_kinds": get_args(ScenarioKind),
    "narrative_sections": get_args(NarrativeSection),
    "dossier_sections": get_args(DossierSection),
    "review_states": get_args(ReviewState),
    "comment_targets": get_args(CommentTarget),
}


class DossierVocabulary(StrictModel):
    schema_version: Literal[1]
    id: Annotated[str, TextRules(64, min_length=1)]
    version: Annotated[str, TextRules(20, min_length=1)]
    note: Annotated[str, TextRules(2_000, min_length=1)]
    identities: list[Term] = Field(min_length=1)
    perpetrator_kinds: list[Term] = Field(min_length=1)
    actor_roles: list[Term] = Field(min_length=1)
    scenario_kinds: list[Term] = Field(min_length=1)
    narrative_sections: list[Term] = Field(min_length=1)
    dossier_sections: list[Term] = Field(min_length=1)
    review_states: list[Term] = Field(min_length=1)
    comment_targets: list[Term] = Field(min_length=1)

    def term(self, kind: str, ident: str) -> Term:
        return next(t for t in getattr(self, kind) if t.id == ident)

    def label(self, kind: str, ident: str) -> str:
        """The label of `ident` in the list `kind`, e.g. label("identities", "ethnic") -> "Ethnic"."""
        return self.term(kind, ident).label

    def labels(self, kind: str) -> dict[str, str]:
        return {t.id: t.label for t in getattr(self, kind)}


def parse_dossier_vocabulary(raw: object, source: str = "dossier.yaml") -> DossierVocabulary:
    """Validate the file: its fields, and that every list names exactly the ids the code knows; all problems at once."""
    try:
        vocabulary = DossierVocabulary.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkError(problems_from_validation_error(exc, f"{source} > "), f"{source} is not valid") from None
    problems = []
    for kind, expected in LISTS.items():
        listed = [t.id for t in getattr(vocabulary, kind)]
        if sorted(listed) != sorted(expected) or len(set(listed)) != len(listed):
            problems.append(
                Problem(
                    "wrong_ids",
                    f"{source} > {kind}",
                    f"must list each of {', '.join(expected)} once; lists {', '.join(listed)}",
                )
            )
    if problems:
        raise FrameworkError(problems, f"{source} is not valid")
    return vocabulary
