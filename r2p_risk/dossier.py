"""The dossier of a situation: who is at risk, from whom, when to watch, what could happen, in words.

It is versioned with each assessment (`Assessment.dossier`) and travels in snapshots. The ids of
identities, kinds and sections are closed `Literal`s here; their labels and descriptions live in
`frameworks/dossier.yaml` (`dossier_vocabulary.py`). Indicator ids are checked against the
Framework by `check_assessment`, like the ratings'. Every part is optional: an empty dossier is a
dossier nobody has written yet, never a statement that nobody is at risk.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from r2p_risk.models import LongText, ShortText, StrictModel, TextRules

Identity = Literal["ethnic", "religious", "national", "racial", "political", "other"]
PerpetratorKind = Literal["state_forces", "militia", "non_state_armed_group", "other"]
ActorRole = Literal["perpetrator", "enabler"]
ScenarioKind = Literal["most_likely", "worst_case"]
NarrativeSection = Literal["background", "analysis", "international_response", "necessary_action"]
DossierSection = Literal[
    "populations_at_risk", "perpetrators", "triggers", "scenarios", "developments_to_monitor", "narrative"
]
IndicatorId = Annotated[str, Field(pattern=r"^\d{1,2}\.\d{1,2}$")]
IndicatorIds = Annotated[list[IndicatorId], Field(max_length=40)]
MediumText = Annotated[str, TextRules(2_000)]


class PopulationAtRisk(StrictModel):
    """A group that could be targeted, how it is identified, where, and how many where known."""

    name: ShortText
    identity: Identity
    where: Annotated[str, TextRules(200)] | None = None
    size: Annotated[str, TextRules(100)] | None = (
        None  # words, as estimates are: "about 40,000", "30-50% of the district"
    )
    indicators: IndicatorIds = Field(default_factory=list)  # the indicators that concern it, e.g. 9.1, 10.1, 7.14
    notes: MediumText = ""


class Perpetrator(StrictModel):
    """A potential perpetrator, or an enabler (who arms, funds or shields them)."""

    name: ShortText
    kind: PerpetratorKind
    role: ActorRole = "perpetrator"
    capacity: MediumText = ""  # means, numbers, reach
    intent: MediumText = ""  # any known intent, with where it shows
    notes: MediumText = ""
    sources: list[Annotated[str, TextRules(500, min_length=1)]] = Field(default_factory=list, max_length=30)
    indicators: IndicatorIds = Field(default_factory=list)


class Trigger(StrictModel):
    """A dated event that could open a window of vulnerability: an election, an anniversary, a ruling, a withdrawal."""

    date: dt.date
    title: Annotated[str, TextRules(200, min_length=1)]
    indicators: IndicatorIds = Field(default_factory=list)  # usually risk factor 8's, e.g. 8.4 or 8.8
    notes: MediumText = ""
    outcome: MediumText = ""  # what happened, written once the date has passed


class Scenario(StrictModel):
    kind: ScenarioKind
    text: Annotated[str, TextRules(5_000, min_length=1)]


class Development(StrictModel):
    """A signpost to monitor: what would move the status, and the indicators it would show in."""

    text: Annotated[str, TextRules(1_000, min_length=1)]
    indicators: IndicatorIds = Field(default_factory=list)


class Narrative(StrictModel):
    """The situation in words, in the sections the R2P Monitor writes (its headings, borrowed)."""

    background: LongText = ""
    analysis: LongText = ""
    international_response: LongText = ""
    necessary_action: LongText = ""


class Dossier(StrictModel):
    populations_at_risk: list[PopulationAtRisk] = Field(default_factory=list, max_length=50)
    perpetrators: list[Perpetrator] = Field(default_factory=list, max_length=50)
    triggers: list[Trigger] = Field(default_factory=list, max_length=100)
    scenarios: list[Scenario] = Field(default_factory=list, max_length=2)
    developments_to_monitor: list[Development] = Field(default_factory=list, max_length=50)
    narrative: Narrative = Field(default_factory=Narrative)

    @model_validator(mode="after")
    def _one_scenario_of_each_kind(self) -> Dossier:
        kinds = [s.kind for s in self.scenarios]
        if len(kinds) != len(set(kinds)):
            raise ValueError("scenarios: at most one most_likely and one worst_case")
        return self

    def scenario(self, kind: str) -> str:
        return next((s.text for s in self.scenarios if s.kind == kind), "")

    def is_empty(self) -> bool:
        return self == Dossier()


def indicator_references(dossier: dict) -> list[tuple[str, object]]:
    """(place, indicator id) of every indicator the dossier names, read from raw data so a broken file is checked
    too."""
    found = []
    for section in ("populations_at_risk", "perpetrators", "triggers", "developments_to_monitor"):
        items = given if isinstance(given := dossier.get(section), list) else []
        for index, item in enumerate(items):
            ids = item.get("indicators") if isinstance(item, dict) else None
            for position, value in enumerate(ids if isinstance(ids, list) else []):
                found.append((f"dossier.{section}[{index}].indicators[{position}]", value))
    return found
