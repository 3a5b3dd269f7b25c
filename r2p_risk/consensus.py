"""Several analysts, one picture: where their independent ratings agree and where they diverge.

Per indicator (and per whole-risk-factor rating): every analyst's level, the lowest and highest,
how many gave a level, and who diverges by two levels or more (an analyst whose level is two or
more from the median of the others' levels). Per risk factor: every analyst's score with the range
model 2.0 gives it (the uncertainty of what each left unassessed), beside the spread between them
(the uncertainty of judgement). Unknown is never counted as a level.
"""

from __future__ import annotations

from statistics import median

from r2p_risk.assessment import Assessment
from r2p_risk.models import StrictModel
from r2p_risk.review import ConsensusRecord
from r2p_risk.scoring import score_assessment

DIVERGENCE = 2  # levels apart that count as disagreement


class ItemSpread(StrictModel):
    item: str  # an indicator id ("7.14") or a risk factor number ("7", its whole-factor rating)
    levels: dict[str, int | None]  # every analyst; null: not rated, or rated unknown
    rated: int  # analysts who gave a level (0-3)
    min: int | None
    max: int | None
    divergent: bool  # the highest and lowest levels are two or more apart
    diverging: list[str]  # analysts two or more levels from the median of the others'


class FactorScore(StrictModel):
    score: float | None
    range: tuple[float, float]  # model 2.0's range: what the score could be while indicators are unassessed
    assessed: int  # indicators this analyst assessed in the risk factor


class FactorSpread(StrictModel):
    risk_factor: int
    title: str
    scores: dict[str, FactorScore]
    rated: int  # analysts who assessed something of it
    min: float | None
    max: float | None
    whole: ItemSpread | None  # whole-factor ratings, where any analyst gave one
    divergent_indicators: list[str]


class AnalystScores(StrictModel):
    status: str
    provisional: bool
    overall: float | None
    overall_range: tuple[float, float]
    assessed: int
    crimes: dict[str, float | None]
    crime_ranges: dict[str, tuple[float, float]]
    risk_factors: dict[str, float | None]


class Consensus(StrictModel):
    analysts: list[str]
    indicators: dict[str, ItemSpread]  # every indicator at least one analyst rated, framework order
    risk_factors: dict[str, FactorSpread]
    divergent: list[str]  # indicators where analysts diverge by two levels or more
    divergent_risk_factors: list[str]  # whole-factor ratings that do
    scores: dict[str, AnalystScores]
    summary: str


def unique_names(names: list[str]) -> list[str]:
    """Analysts' names as given, a repeated one numbered ("Ana", "Ana (2)") so each is told apart."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def spread_of(item: str, levels: dict[str, int | None]) -> ItemSpread:
    given = {name: level for name, level in levels.items() if level is not None}
    diverging = []
    for name, level in given.items():
        others = [other for other_name, other in given.items() if other_name != name]
        if others and abs(level - median(others)) >= DIVERGENCE:
            diverging.append(name)
    low, high = (min(given.values()), max(given.values())) if given else (None, None)
    divergent = low is not None and high is not None and high - low >= DIVERGENCE
    return ItemSpread(
        item=item, levels=levels, rated=len(given), min=low, max=high, divergent=divergent, diverging=diverging
    )


def record_of(named: list[tuple[str, Assessment]], round_id: str | None = None) -> ConsensusRecord:
    """Each analyst's levels, to keep in the reconciled assessment."""
    indicators = sorted({r.indicator for _, a in named for r in a.ratings}, key=lambda i: tuple(map(int, i.split("."))))
    factors = sorted({r.risk_factor for _, a in named for r in a.risk_factor_ratings})

    def level(rating) -> int | None:
        return None if rating is None else rating.level

    return ConsensusRecord(
        round_id=round_id,
        analysts=[name for name, _ in named],
        indicators={i: [level(a.rating_for(i)) for _, a in named] for i in indicators},
        risk_factors={str(n): [level(a.factor_rating_for(n)) for _, a in named] for n in factors},
    )


def record_spreads(record: ConsensusRecord) -> tuple[dict[str, ItemSpread], dict[str, ItemSpread]]:
    """The spread of every indicator and whole-factor rating of a kept record."""

    def spreads(table: dict[str, list]) -> dict[str, ItemSpread]:
        return {
            item: spread_of(item, dict(zip(record.analysts, levels, strict=True))) for item, levels in table.items()
        }

    return spreads(record.indicators), spreads(record.risk_factors)


def disagreement_text(analysts: int, divergent: list[str]) -> str:
    """ "3 analysts; disagreement on 7.14 and 8.2" (two levels or more apart)."""
    if not divergent:
        return f"{analysts} analysts; no disagreement of two levels or more"
    items = divergent if len(divergent) == 1 else [", ".join(divergent[:-1]), divergent[-1]]
    return f"{analysts} analysts; disagreement on {' and '.join(items)}"


def record_summary(record: ConsensusRecord) -> str:
    indicators, factors = record_spreads(record)
    divergent = [i for i, s in indicators.items() if s.divergent] + [
        f"risk factor {n} as a whole" for n, s in factors.items() if s.divergent
    ]
    return disagreement_text(len(record.analysts), divergent)


def build_consensus(named: list[tuple[str, Assessment]], framework, params) -> Consensus:
    """The consensus view of several analysts' assessments of one situation (names unique, see `unique_names`)."""
    record = record_of(named)
    indicators, wholes = record_spreads(record)
    profiles = {name: score_assessment(a, framework, params) for name, a in named}
    factors = {}
    for factor in framework.risk_factors:
        number = str(factor.number)
        scores = {
            name: FactorScore(
                score=p.factor(factor.number).score,
                range=p.factor(factor.number).range,
                assessed=p.factor(factor.number).assessed_indicators,
            )
            for name, p in profiles.items()
        }
        given = [s.score for s in scores.values() if s.score is not None]
        factors[number] = FactorSpread(
            risk_factor=factor.number,
            title=factor.title,
            scores=scores,
            rated=len(given),
            min=min(given) if given else None,
            max=max(given) if given else None,
            whole=wholes.get(number),
            divergent_indicators=[i.id for i in factor.indicators if i.id in indicators and indicators[i.id].divergent],
        )
    divergent = [i for i, s in indicators.items() if s.divergent]
    divergent_factors = [n for n, s in wholes.items() if s.divergent]
    summary = disagreement_text(len(named), divergent + [f"risk factor {n} as a whole" for n in divergent_factors])
    return Consensus(
        analysts=[name for name, _ in named],
        indicators=indicators,
        risk_factors=factors,
        divergent=divergent,
        divergent_risk_factors=divergent_factors,
        scores={name: _analyst_scores(p) for name, p in profiles.items()},
        summary=summary,
    )


def _analyst_scores(profile) -> AnalystScores:
    return AnalystScores(
        status=profile.status.label,
        provisional=profile.status.provisional,
        overall=profile.overall.score,
        overall_range=profile.overall.range,
        assessed=profile.assessed_indicators,
        crimes={crime: result.score for crime, result in profile.crimes.items()},
        crime_ranges={crime: result.range for crime, result in profile.crimes.items()},
        risk_factors={number: result.score for number, result in profile.risk_factors.items()},
    )


def level_text(level: int | None) -> str:
    return "–" if level is None else str(level)


def factor_rows(consensus: Consensus) -> list[dict]:
    """Per risk factor: each analyst's score with model 2.0's range beside it, the spread between them, where they
    diverge."""
    rows = []
    for number, spread in consensus.risk_factors.items():
        row: dict[str, object] = {"risk_factor": number, "title": spread.title}
        for name, score in spread.scores.items():
            value = "–" if score.score is None else f"{score.score:.1f}"
            row[name] = f"{value} (could be {score.range[0]:.1f}-{score.range[1]:.1f})"
        row["spread"] = "" if spread.min is None else f"{spread.min:.1f}-{spread.max:.1f}"
        row["rated_by"] = spread.rated
        diverging = list(spread.divergent_indicators) + (
            [f"as a whole ({', '.join(spread.whole.diverging)})"]
            if spread.whole is not None and spread.whole.divergent
            else []
        )
        row["diverging"] = ", ".join(diverging)
        rows.append(row)
    return rows


def indicator_rows(consensus: Consensus, framework, only_divergent: bool = False) -> list[dict]:
    """Per indicator any analyst rated: each analyst's level, lowest-highest, how many rated it, who diverges."""
    rows = []
    for item, spread in consensus.indicators.items():
        if only_divergent and not spread.divergent:
            continue
        row = {"indicator": item, "text": framework.indicator(item).text if framework.has_indicator(item) else ""}
        row.update({name: level_text(level) for name, level in spread.levels.items()})
        row["spread"] = "" if spread.min is None else f"{spread.min}-{spread.max}"
        row["rated_by"] = spread.rated
        row["diverging"] = ", ".join(spread.diverging)
        rows.append(row)
    return rows


def analyst_rows(consensus: Consensus, params) -> list[dict]:
    """Each analyst's bottom line: status, overall score with model 2.0's range, how much they assessed."""
    rows = []
    for name, scores in consensus.scores.items():
        overall = "not determined" if scores.overall is None else f"{scores.overall:.1f}"
        status = params.status_label(scores.status) + (" (provisional)" if scores.provisional else "")
        rows.append(
            {
                "analyst": name,
                "status": status,
                "overall": f"{overall} (could be {scores.overall_range[0]:.1f}-{scores.overall_range[1]:.1f})",
                "indicators_assessed": scores.assessed,
            }
        )
    return rows
