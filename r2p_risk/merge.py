"""Merging two edits of one assessment made from the same revision: an edit conflict is a merge, not a choice.

Each side's change is taken field by field against the revision both started from (`base`): a field
only one side changed takes that side's value, a field both changed alike takes it, and a field both
changed differently is a conflict, settled by the analyst's choice ("mine" or "theirs"). Fields are
an indicator's or a whole-risk-factor's level, confidence, trend, evidence and sources, and the
assessment's own date, analyst, status, key judgements, selected tools and findings.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationError

from r2p_risk.assessment import Assessment
from r2p_risk.errors import SnapshotError, problems_from_validation_error
from r2p_risk.models import StrictModel

RATING_FIELDS = ("level", "confidence", "trend", "evidence", "sources")
ASSESSMENT_FIELDS = ("assessed_on", "analyst", "status", "key_judgements", "selected_tools", "atrocity_findings")
Side = Literal["mine", "theirs"]
Key = tuple[str, str, str]  # (kind: "indicator" | "risk_factor" | "assessment", id, field)


class FieldChange(StrictModel):
    """One field as it was at the common revision, in my edit and in theirs."""

    kind: Literal["indicator", "risk_factor", "assessment"]
    ident: str
    field: str
    base: Any
    mine: Any
    theirs: Any

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ident}:{self.field}"

    @property
    def where(self) -> str:
        return {
            "indicator": f"indicator {self.ident}",
            "risk_factor": f"risk factor {self.ident} as a whole",
            "assessment": "assessment",
        }[self.kind]


class Merge(StrictModel):
    mine: list[FieldChange]  # the fields only I changed (kept)
    theirs: list[FieldChange]  # the fields only they changed (kept)
    both_alike: list[FieldChange]  # changed by both to the same value
    conflicts: list[FieldChange]  # changed by both differently: the analyst chooses
    merged: Assessment | None  # None until every conflict has a choice

    @property
    def unresolved(self) -> bool:
        return self.merged is None


def _flat(assessment: Assessment) -> dict[Key, Any]:
    data = assessment.model_dump(mode="json")
    flat: dict[Key, Any] = {("assessment", "", f): data[f] for f in ASSESSMENT_FIELDS}
    for collection, kind, id_field in (
        ("ratings", "indicator", "indicator"),
        ("risk_factor_ratings", "risk_factor", "risk_factor"),
    ):
        for rating in data[collection]:
            for field in RATING_FIELDS:
                flat[kind, str(rating[id_field]), field] = rating[field]
    return flat


EMPTY: dict[str, Any] = {"level": None, "confidence": None, "trend": None, "evidence": "", "sources": []}


def _value(flat: dict[Key, Any], key: Key) -> Any:
    return flat.get(key, EMPTY.get(key[2]))


def _order(key: Key) -> tuple:
    kind, ident, field = key
    rank = {"assessment": 0, "indicator": 1, "risk_factor": 2}[kind]
    number = tuple(int(p) for p in ident.split(".")) if ident else ()
    fields = ASSESSMENT_FIELDS + RATING_FIELDS
    return rank, number, fields.index(field)


def merge_assessments(
    base: Assessment, mine: Assessment, theirs: Assessment, choices: dict[str, Side] | None = None
) -> Merge:
    """The merge of my edit and theirs, both made from `base`; `choices` settles conflicts by `FieldChange.key`.

    The merged assessment has their id and revision (it is saved on top of theirs).
    """
    flats = [_flat(a) for a in (base, mine, theirs)]
    keys = sorted(set().union(*flats), key=_order)
    sorted_changes: dict[str, list[FieldChange]] = {"mine": [], "theirs": [], "both_alike": [], "conflicts": []}
    result: dict[Key, Any] = {}
    choices = choices or {}
    unresolved = False
    for key in keys:
        b, m, t = (_value(f, key) for f in flats)
        change = FieldChange(kind=key[0], ident=key[1], field=key[2], base=b, mine=m, theirs=t)
        if m == t:
            result[key] = m
            if m != b:
                sorted_changes["both_alike"].append(change)
        elif m == b:
            result[key] = t
            sorted_changes["theirs"].append(change)
        elif t == b:
            result[key] = m
            sorted_changes["mine"].append(change)
        else:
            sorted_changes["conflicts"].append(change)
            choice = choices.get(change.key)
            unresolved = unresolved or choice is None
            result[key] = m if choice == "mine" else t
    merged = None if unresolved else _build(result, theirs)
    return Merge(**sorted_changes, merged=merged)


def _build(flat: dict[Key, Any], theirs: Assessment) -> Assessment:
    data: dict[str, Any] = {"id": theirs.id, "revision": theirs.revision}
    ratings: dict[tuple[str, str], dict] = {}
    for (kind, ident, field), value in flat.items():
        if kind == "assessment":
            data[field] = value
        else:
            ratings.setdefault((kind, ident), {})[field] = value
    data["ratings"] = [
        {"indicator": ident, **fields}
        for (kind, ident), fields in ratings.items()
        if kind == "indicator" and _rated(fields)
    ]
    data["risk_factor_ratings"] = [
        {"risk_factor": int(ident), **fields}
        for (kind, ident), fields in ratings.items()
        if kind == "risk_factor" and _rated(fields)
    ]
    data["ratings"].sort(key=lambda r: tuple(int(p) for p in r["indicator"].split(".")))
    data["risk_factor_ratings"].sort(key=lambda r: r["risk_factor"])
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:  # e.g. a finding that ends after a date the other side chose
        raise SnapshotError(
            problems_from_validation_error(exc, "merged."), "the merge is not a valid assessment"
        ) from None


def _rated(fields: dict) -> bool:
    return any(fields.get(f, EMPTY[f]) != EMPTY[f] for f in RATING_FIELDS)


def describe(change: FieldChange, side: Literal["base", "mine", "theirs"]) -> str:
    """A field's value in words, for showing what each side changed."""
    value = getattr(change, side)
    if value in (None, "", []):
        return "—"
    if change.field == "sources":
        return "; ".join(source["title"] for source in value)
    if change.field == "atrocity_findings":
        return f"{len(value)} finding(s)"
    if change.field == "selected_tools":
        return f"{len(value)} tool(s)"
    return str(value)
