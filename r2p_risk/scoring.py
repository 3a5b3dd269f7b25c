"""Scoring one assessment: the model of risk_model.py applied to one row, with the reasons in words.

`score_assessment` is the single path: the same array code the watch list runs on thousands of
assessments (batch.py), run on one, then explained (explain.py) and given the indicators to assess
next (assess_next.py). The profile is put together as plain data and validated once as a
`RiskProfile`. Every number comes from frameworks/scoring-model.yaml; frameworks/README.md works
three vignettes by hand.
"""

from __future__ import annotations

import math

from r2p_risk.assess_next import assess_next, with_what_ifs
from r2p_risk.assessment import Assessment
from r2p_risk.explain import (
    FirstRow,
    condition_reasons,
    crime_reasons,
    factor_reasons,
    first_row,
    overall_reasons,
    undetermined_crimes,
)
from r2p_risk.framework import CRIMES, Framework
from r2p_risk.parameters import ScoringParameters
from r2p_risk.profile import RiskProfile
from r2p_risk.rating_arrays import arrays_from_assessments
from r2p_risk.reasons import listing, reason_data
from r2p_risk.risk_model import Constants, Figures, constants, score_arrays
from r2p_risk.status import StatusFigures, decide_status


def _value(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _factors(row: FirstRow, c: Constants, framework: Framework, params: ScoringParameters) -> dict:
    f = row.factors
    results = {}
    for k, rf in enumerate(framework.risk_factors):
        score = _value(f["score"][k])
        results[str(rf.number)] = {
            "number": rf.number,
            "title": rf.title,
            "group": rf.group,
            "score": score,
            "level": params.risk_level(score),
            "range": (f["low"][k], f["high"][k]),
            "determined": f["assessed"][k],
            "coverage": f["coverage"][k],
            "reliability": f["reliability"][k],
            "assessed_indicators": f["count"][k],
            "listed_indicators": len(rf.indicators),
            "counted_indicators": c.counted_list[k],
            "indicators_complete": rf.indicators_complete,
            "whole_factor_level": row.whole_levels[k] if f["whole"][k] else None,
            "reasons": factor_reasons(k, rf, row, c, params),
        }
    return results


def _crimes(row: FirstRow, c: Constants, params: ScoringParameters) -> dict:
    cf = row.crimes
    results = {}
    for k, crime in enumerate(CRIMES):
        score = _value(cf["score"][k])
        results[crime] = {
            "crime": crime,
            "score": score,
            "level": params.risk_level(score),
            "range": (cf["low"][k], cf["high"][k]),
            "determined": cf["determined"][k],
            "capped": cf["capped"][k],
            "reliability": cf["reliability"][k],
            "reasons": crime_reasons(k, row, params, c),
        }
    return results


def _status(
    status: StatusFigures,
    figures: Figures,
    row: FirstRow,
    c: Constants,
    framework: Framework,
    params: ScoringParameters,
) -> dict:
    label = str(status.status[0])
    index = int(status.rule[0])
    counts = {"assessed": int(figures.overall.assessed[0]), "official": framework.official_indicator_count}
    undetermined = undetermined_crimes(row, params)
    reasons: list[dict] = []
    if index >= 0:
        rule = params.status_rules[index]
        reasons.append(reason_data("status_rule", status=label, rule=index, description=rule.description))
        for condition, held in zip(rule.conditions, status.held[index], strict=True):
            if held[0]:
                reasons += condition_reasons(condition, figures, row, framework, params, c)
        if status.provisional[0]:
            reasons.append(reason_data("status_provisional", crimes=listing(undetermined), **counts))
    elif label == params.no_alarm.determined:
        reasons.append(reason_data("status_monitoring", **counts))
    else:
        reasons.append(reason_data("status_insufficient", crimes=listing(undetermined), **counts))
    return {
        "label": label,
        "title": params.status_label(label),
        "provisional": bool(status.provisional[0]),
        "reasons": reasons,
    }


def find_drivers(assessment: Assessment, c: Constants, params: ScoringParameters) -> list[dict]:
    """Indicators rated clearly or strongly present, strongest first, in framework order (as `Driver` data)."""
    columns = c.indicator_columns
    rated = [
        (r, level)
        for r in assessment.ratings
        if (level := r.level) is not None and level >= 2 and r.indicator in columns
    ]
    rated.sort(key=lambda pair: (-pair[1], columns[pair[0].indicator]))
    return [
        {
            "indicator": r.indicator,
            "risk_factor": c.indicator_factors[columns[r.indicator]],
            "level": level,
            "points": params.level_points[level],
            "text": c.indicators[columns[r.indicator]].text,
        }
        for r, level in rated
    ]


def score_assessment(assessment: Assessment, framework: Framework, params: ScoringParameters) -> RiskProfile:
    """Assessment + framework + parameters -> RiskProfile. Pure: same input, same output."""
    # row 0 is the assessment; the rows after it are the what-ifs of assess_next, scored in the same pass
    candidates, ratings = with_what_ifs(arrays_from_assessments([assessment], framework))
    figures = score_arrays(ratings, framework, params)
    status = decide_status(figures, ratings, framework, params)
    c = constants(framework, params)
    row = first_row(figures, ratings)
    overall = figures.overall
    score = _value(overall.score[0])
    return RiskProfile.model_validate(
        {
            "method": params.method.strip(),
            "versions": {
                "framework_id": framework.id,
                "framework_edition": framework.edition,
                "framework_data_version": framework.data_version,
                "scoring_id": params.id,
                "scoring_version": params.version,
            },
            "risk_factors": _factors(row, c, framework, params),
            "crimes": _crimes(row, c, params),
            "overall": {
                "score": score,
                "level": params.risk_level(score),
                "range": (float(overall.low[0]), float(overall.high[0])),
                "determined": bool(overall.determined[0]),
                "reliability": float(overall.reliability[0]),
                "reasons": overall_reasons(figures, row, params),
            },
            "status": _status(status, figures, row, c, framework, params),
            "reliability": float(overall.reliability[0]),
            "coverage": float(overall.coverage[0]),
            "assessed_indicators": int(overall.assessed[0]),
            "official_indicators": framework.official_indicator_count,
            "drivers": find_drivers(assessment, c, params),
            "findings": [
                {"crime": f.crime, "state": f.state, "ended_on": f.ended_on.isoformat() if f.ended_on else None}
                for f in assessment.atrocity_findings
            ],
            "assess_next": assess_next(candidates, figures, str(status.status[0]), c, params),
        }
    )
