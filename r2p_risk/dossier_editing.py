"""Changing an assessment's dossier one item at a time, as the Dossier screen does; every change validated.

Each function returns a new assessment or raises `SnapshotError` naming the field and the problem.
Two helpers seed text the analyst then edits: developments to monitor from what model 2.0 says to
assess next, and the necessary action from the response tools chosen for the briefing.
"""

from __future__ import annotations

from pydantic import ValidationError

from r2p_risk.assessment import Assessment
from r2p_risk.dossier import Development, Dossier
from r2p_risk.errors import SnapshotError, problems_from_validation_error
from r2p_risk.snapshot import readable_problems

LIST_SECTIONS = ("populations_at_risk", "perpetrators", "triggers", "developments_to_monitor")


def _with_dossier(assessment: Assessment, data: dict, where: str) -> Assessment:
    try:
        dossier = Dossier.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, "dossier.")
        raise SnapshotError(readable_problems(problems), f"{where}: this change was not kept") from None
    return assessment.model_copy(update={"dossier": dossier})


def _cleaned(item: dict) -> dict:
    """Text typed into a form: trimmed, empty optional texts left out."""
    cleaned = {}
    for key, value in item.items():
        value = value.strip() if isinstance(value, str) else value
        if value not in ("", None) or key in ("name", "title", "text"):
            cleaned[key] = value
    return cleaned


def add_item(assessment: Assessment, section: str, item: dict) -> Assessment:
    """The assessment with `item` (field -> value, as typed) added to a list section of its dossier."""
    if section not in LIST_SECTIONS:
        raise ValueError(f"not a list section of the dossier: {section}")
    data = assessment.dossier.model_dump()
    data[section] = [*data[section], _cleaned(item)]
    return _with_dossier(assessment, data, section.replace("_", " "))


def remove_item(assessment: Assessment, section: str, index: int) -> Assessment:
    data = assessment.dossier.model_dump()
    data[section] = [item for position, item in enumerate(data[section]) if position != index]
    return _with_dossier(assessment, data, section.replace("_", " "))


def set_trigger_outcome(assessment: Assessment, index: int, outcome: str) -> Assessment:
    """What happened at a trigger, written once its date has passed."""
    data = assessment.dossier.model_dump()
    data["triggers"][index]["outcome"] = outcome.strip()
    return _with_dossier(assessment, data, "triggers")


def set_scenario(assessment: Assessment, kind: str, text: str) -> Assessment:
    """The paragraph of a scenario (most_likely, worst_case); an empty text removes it."""
    data = assessment.dossier.model_dump()
    others = [s for s in data["scenarios"] if s["kind"] != kind]
    data["scenarios"] = others + ([{"kind": kind, "text": text.strip()}] if text.strip() else [])
    data["scenarios"].sort(key=lambda s: s["kind"] != "most_likely")
    return _with_dossier(assessment, data, "scenarios")


def set_narrative(assessment: Assessment, section: str, text: str) -> Assessment:
    data = assessment.dossier.model_dump()
    if section not in data["narrative"]:
        raise ValueError(f"not a narrative section: {section}")
    data["narrative"][section] = text.strip()
    return _with_dossier(assessment, data, f"narrative, {section.replace('_', ' ')}")


def developments_from(profile, limit: int = 5) -> list[Development]:
    """Signposts seeded from what model 2.0 says to assess next: the unassessed indicators that would move the
    picture most."""
    return [
        Development(
            text=f"Watch for {item.indicator} ({item.text.rstrip('.')}): {item.why.text}"[:1_000],
            indicators=[item.indicator],
        )
        for item in profile.assess_next[:limit]
    ]


def seed_developments(assessment: Assessment, profile, limit: int = 5) -> Assessment:
    """The dossier with developments seeded from `profile.assess_next` added, those already listed (by indicator)
    left out."""
    listed = {i for d in assessment.dossier.developments_to_monitor for i in d.indicators}
    new = [d for d in developments_from(profile, limit) if not set(d.indicators) & listed]
    data = assessment.dossier.model_dump()
    data["developments_to_monitor"] = [*data["developments_to_monitor"], *(d.model_dump() for d in new)][:50]
    return _with_dossier(assessment, data, "developments to monitor")


def necessary_action_from(assessment: Assessment, catalogue) -> str:
    """A first draft of "necessary action" from the tools chosen for the briefing: one line per tool, in the
    analyst's hands."""
    tools = {tool.id: tool for tool in catalogue.tools}
    lines = [f"- {tools[i].name}: {tools[i].description}" for i in assessment.selected_tools if i in tools]
    return "\n".join(lines)
