"""Status rules (current crisis, imminent risk, serious concern, monitoring), evaluated from data."""

from __future__ import annotations

from r2p_risk.parameters import OverallAtLeast, RiskFactorAtLeast, RiskFactorsMeanAtLeast, ScoringParameters
from r2p_risk.profile import OverallResult, Reason, RiskFactorResult, StatusResult
from r2p_risk.sums import add_up


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def check_condition(condition, factors: dict[str, RiskFactorResult], overall: OverallResult, params: ScoringParameters) -> tuple[bool, Reason]:
    """Whether one status condition holds, and a sentence saying why or why not."""
    if isinstance(condition, OverallAtLeast):
        held = overall.score is not None and overall.score >= condition.score
        if overall.score is None:
            return False, Reason(text=f"Overall score not assessed (threshold {condition.score:.1f})")
        return held, Reason(text=f"Overall score {overall.score:.2f} {'reaches' if held else 'is below'} {condition.score:.1f}")
    if isinstance(condition, RiskFactorsMeanAtLeast):
        scores = [factors[str(n)].score for n in condition.risk_factors if factors[str(n)].score is not None]
        mean = round(add_up(scores) / len(scores), 2) if scores else None
        held = mean is not None and mean >= condition.score
        if mean is None:
            return False, Reason(text=f"Risk factors {_numbers(condition.risk_factors)} not assessed (threshold for their mean {condition.score:.1f})")
        return held, Reason(text=f"Mean of risk factors {_numbers(condition.risk_factors)}: {mean:.2f}, {'at least' if held else 'below'} {condition.score:.1f}")
    assert isinstance(condition, RiskFactorAtLeast)
    high = [n for n in condition.risk_factors if factors[str(n)].score is not None and factors[str(n)].score >= condition.score]
    held = bool(high) if condition.match == "any" else len(high) == len(condition.risk_factors)
    if high:
        detail = "; ".join(f"risk factor {n} at {factors[str(n)].score:.2f}" for n in high)
        text = f"{detail} (threshold {condition.score:.1f})"
    else:
        text = f"None of risk factors {_numbers(condition.risk_factors)} reaches {condition.score:.1f}"
    if not held and high:
        text += f"; all of {_numbers(condition.risk_factors)} must reach it"
    first = high[0] if len(high) == 1 else None
    return held, Reason(text=text, risk_factor=first)


def decide_status(factors: dict[str, RiskFactorResult], overall: OverallResult, params: ScoringParameters) -> StatusResult:
    """The first rule, most severe first, whose conditions hold; else the default status."""
    last_failures: list[Reason] = []
    for rule in params.status_rules:
        checks = [check_condition(c, factors, overall, params) for c in rule.conditions]
        held = [reason for ok, reason in checks if ok]
        if (rule.match == "any" and held) or (rule.match == "all" and len(held) == len(checks)):
            return StatusResult(label=rule.status, title=rule.label, reasons=[Reason(text=rule.description), *held])
        last_failures = [reason for ok, reason in checks if not ok]
    default = params.default_status
    return StatusResult(label=default.status, title=default.label, reasons=[Reason(text=default.description), *last_failures])


def describe_condition(condition) -> str:
    """A status condition in words, for the Framework screen and the methodology notes."""
    if isinstance(condition, OverallAtLeast):
        return f"the overall score is at least {condition.score:.1f}"
    if isinstance(condition, RiskFactorsMeanAtLeast):
        return f"the mean of risk factors {_numbers(condition.risk_factors)} is at least {condition.score:.1f}"
    which = "any of" if condition.match == "any" else "each of"
    return f"{which} risk factors {_numbers(condition.risk_factors)} scores at least {condition.score:.1f}"


def describe_rule(rule) -> str:
    joiner = " or " if rule.match == "any" else " and "
    return f"{rule.label} when " + joiner.join(describe_condition(c) for c in rule.conditions)
