"""The briefing's annex: every rating of an assessment by risk factor, those with evidence in full, and the
sources they cite, each listed once and numbered. Evidence is printed here and nowhere else in the briefing."""

from __future__ import annotations

from pydantic import Field

from r2p_risk.assessment import LEVEL_LABELS, Assessment
from r2p_risk.framework import Framework
from r2p_risk.models import StrictModel
from r2p_risk.reasons import listing
from r2p_risk.wording import marked_text


class AnnexEvidence(StrictModel):
    """A rating that has evidence or sources, with its indicator's text."""

    indicator: str
    text: str
    rating: str = Field(description='e.g. "strongly present / pervasive (level 3; confidence high, trend worsening)"')
    evidence: str
    sources: str = Field(description='the numbers of its sources in `annex_sources`, e.g. "1 and 3"')


class AnnexFactor(StrictModel):
    """Every rating of one risk factor in a line, then those with evidence in full."""

    risk_factor: int
    title: str
    ratings: str = Field(description='e.g. "1.1 strongly present / pervasive (high); 1.2 not present (medium)"')
    evidence: list[AnnexEvidence]


def _rating_words(rating) -> str:
    """A rating in words: "strongly present / pervasive (level 3; confidence high, trend worsening)"."""
    if rating.level is None:
        return "unknown"
    detail = "".join(
        f", {x}"
        for x in (
            f"confidence {rating.confidence}" if rating.confidence else "",
            f"trend {rating.trend}" if rating.trend else "",
        )
        if x
    )
    return f"{LEVEL_LABELS[rating.level]} (level {rating.level}{detail})"


def _rating_short(rating) -> str:
    """A rating in a few characters: "3 (high, worsening)"; "unknown" when its level is."""
    detail = ", ".join(x for x in (rating.confidence, rating.trend) if x)
    return ("unknown" if rating.level is None else str(rating.level)) + (f" ({detail})" if detail else "")


def build_annex(assessment: Assessment, framework: Framework) -> tuple[list[AnnexFactor], list[str]]:
    """Per risk factor, in Framework order: every rating in one line, and the ones with evidence or sources in full;
    and the sources, each listed once and numbered, which the ratings refer to by number."""
    factors: list[AnnexFactor] = []
    sources: dict[str, int] = {}
    for factor in framework.risk_factors:
        whole = assessment.factor_rating_for(factor.number)
        rated = [(i, r) for i in factor.indicators if (r := assessment.rating_for(i.id)) is not None]
        if not rated and whole is None:
            continue
        line = [f"{i.id}: {_rating_short(r)}" for i, r in rated] + (
            [f"as a whole: {_rating_short(whole)}"] if whole else []
        )
        evidence = []
        for label, text, rating in [
            *((i.id, marked_text(i), r) for i, r in rated),
            *([(f"Risk factor {factor.number}", "(rated as a whole).", whole)] if whole else []),
        ]:
            if rating.evidence or rating.sources:
                numbers = [sources.setdefault(_source_line(s), len(sources) + 1) for s in rating.sources]
                evidence.append(
                    AnnexEvidence(
                        indicator=label,
                        text=text,
                        rating=_rating_words(rating),
                        evidence=rating.evidence,
                        sources=listing([str(n) for n in numbers]),
                    )
                )
        factors.append(
            AnnexFactor(risk_factor=factor.number, title=factor.title, ratings="; ".join(line) + ".", evidence=evidence)
        )
    return factors, [f"{n}. {line}" for line, n in sources.items()]


def _source_line(source) -> str:
    return source.title.rstrip(".") + "".join(f", {x}" for x in (source.url, source.date) if x) + "."


ANNEX_NOTE = (
    "Every rating of the assessment by risk factor, as level (confidence, trend), and in full those with evidence "
    "or sources. Levels: " + ", ".join(f"{k} {v}" for k, v in LEVEL_LABELS.items() if k is not None) + ". The "
    "indicators' texts are on the Framework screen and printed by `r2p-risk framework`."
)


def evidence_line(item: AnnexEvidence) -> str:
    """An indicator with its evidence and sources, in one paragraph."""
    evidence = item.evidence.strip()
    evidence += (
        "" if not evidence or evidence[-1] in '.!?)”"' else "."
    )  # so that "Sources" starts a sentence of its own
    many = " and " in item.sources or "," in item.sources
    parts = [
        f"{item.indicator} {item.text}",
        f"Evidence: {evidence}" if evidence else "",
        f"Source{'s' if many else ''} {item.sources} below." if item.sources else "",
    ]
    return " ".join(p for p in parts if p)
