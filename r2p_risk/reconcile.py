"""The lead's starting point when reconciling several analysts' independent ratings into one assessment.

Per indicator and whole-factor rating: the median of the levels given (the higher of the two middle
ones when their number is even: in early warning, the cautious side), the lowest confidence stated
(disagreement is uncertainty), the trend where all who gave one agree, every analyst's evidence
under their name, and all their sources. Findings any analyst recorded are kept, for the lead to
confirm. The dossier is the situation's current one (its latest assessment's), else the first
analyst's. The consensus record keeps each analyst's levels, so the disagreement outlives the edit.
The lead then edits this draft like any other.
"""

from __future__ import annotations

from r2p_risk.assessment import Assessment, AtrocityFinding, RatingFields
from r2p_risk.consensus import record_of, unique_names
from r2p_risk.rounds import RatingRound, RoundMember

CONFIDENCE_ORDER = ("low", "medium", "high")
MAX_EVIDENCE = 20_000


def upper_median(levels: list[int]) -> int:
    ordered = sorted(levels)
    return ordered[len(ordered) // 2]


def _merged(field_name: str, key, named: list[tuple[str, RatingFields]]) -> dict:
    levels = [r.level for _, r in named if r.level is not None]
    confidences = [r.confidence for _, r in named if r.level is not None and r.confidence is not None]
    trends = {r.trend for _, r in named if r.trend is not None}
    evidence = "\n\n".join(f"{name}: {r.evidence}" for name, r in named if r.evidence)
    sources = list({(s.title, s.url): s for _, r in named for s in r.sources}.values())[:100]
    return {
        field_name: key,
        "level": upper_median(levels) if levels else None,
        "confidence": min(confidences, key=CONFIDENCE_ORDER.index) if confidences else None,
        "trend": trends.pop() if len(trends) == 1 else None,
        "evidence": evidence if len(evidence) <= MAX_EVIDENCE else evidence[: MAX_EVIDENCE - 1] + "…",
        "sources": sources,
    }


def _findings(named: list[tuple[str, Assessment]]) -> list[AtrocityFinding]:
    kept: dict[tuple[str, str], AtrocityFinding] = {}
    for name, assessment in named:
        for finding in assessment.atrocity_findings:
            key = (finding.crime, finding.state)
            if key not in kept:
                evidence = f"{name}: {finding.evidence}"
                kept[key] = finding.model_copy(update={"evidence": evidence[:20_000]})
    return list(kept.values())


def reconcile(
    found: RatingRound,
    submitted: list[tuple[RoundMember, Assessment]],
    latest: Assessment | None,
    lead_name: str | None = None,
) -> Assessment:
    """One draft assessment of the round's date from its submitted independent ratings (see the module's words)."""
    names = unique_names([a.analyst for _, a in submitted])
    named = list(zip(names, (a for _, a in submitted), strict=True))
    indicators = sorted({r.indicator for _, a in named for r in a.ratings}, key=lambda i: tuple(map(int, i.split("."))))
    factors = sorted({r.risk_factor for _, a in named for r in a.risk_factor_ratings})
    ratings = [
        _merged("indicator", i, [(n, r) for n, a in named if (r := a.rating_for(i)) is not None]) for i in indicators
    ]
    wholes = [
        _merged("risk_factor", f, [(n, w) for n, a in named if (w := a.factor_rating_for(f)) is not None])
        for f in factors
    ]
    dossier = (
        latest.dossier
        if latest is not None and not latest.dossier.is_empty()
        else next((a.dossier for _, a in named if not a.dossier.is_empty()), named[0][1].dossier)
    )
    return Assessment.model_validate(
        {
            "assessed_on": found.assessed_on,
            "analyst": lead_name or found.lead,
            "status": "draft",
            "ratings": ratings,
            "risk_factor_ratings": wholes,
            "selected_tools": list(latest.selected_tools) if latest is not None else [],
            "atrocity_findings": [f.model_dump() for f in _findings(named)],
            "dossier": dossier.model_dump(),
            "consensus": record_of(named, found.id).model_dump(),
        }
    )
