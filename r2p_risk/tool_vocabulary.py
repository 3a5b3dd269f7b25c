"""The vocabularies the response-tool catalogue describes tools with.

Ids the code relies on are closed `Literal`s here. The crisis stages, the intrusiveness scale
(its order included) and the topics are labelled and described in ``catalogue.yaml``, where
`CrisisStage`, `IntrusivenessLevel` and `Topic` read them; topics are ids of that file only,
each tied to the Framework indicators and risk factors it concerns.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from r2p_risk.models import StrictModel, TextRules

# Policy spaces, actors and venues are still labelled here, in code; stages, intrusiveness and
# topics are labelled in catalogue.yaml.
PolicySpace = Literal["new_york", "geneva", "capital", "regional", "accountability"]
POLICY_SPACES: dict[str, str] = {
    "new_york": "New York",
    "geneva": "Geneva",
    "capital": "Capital",
    "regional": "Regional",
    "accountability": "Courts and accountability",
}
Stage = Literal[
    "structural_prevention", "rising_risk", "imminent_risk", "ongoing_atrocities", "accountability_recovery"
]
Intrusiveness = Literal[
    "cooperative_support", "diplomatic_engagement", "public_pressure", "coercive_measures", "judicial_action"
]
Actor = Literal[
    "focal_point",
    "mission_new_york",
    "mission_geneva",
    "embassy",
    "ministry",
    "parliament",
    "regional_organisation",
    "un_system",
    "civil_society",
    "courts",
]
ACTORS: dict[str, str] = {
    "focal_point": "R2P Focal Point",
    "mission_new_york": "Mission in New York",
    "mission_geneva": "Mission in Geneva",
    "embassy": "Embassy",
    "ministry": "Ministry in capital",
    "parliament": "Parliament",
    "regional_organisation": "Regional organisation",
    "un_system": "UN system",
    "civil_society": "Civil society",
    "courts": "Courts and prosecutors",
}
Venue = Literal[
    "security_council",
    "general_assembly",
    "human_rights_council",
    "un_secretariat",
    "un_field",
    "international_courts",
    "national_courts",
    "regional_organisation",
    "national_government",
    "bilateral",
    "civil_society",
    "global_network",
    "several_un_bodies",
]
VENUES: dict[str, str] = {
    "security_council": "UN Security Council",
    "general_assembly": "UN General Assembly",
    "human_rights_council": "Human Rights Council",
    "un_secretariat": "UN Secretariat and Joint Office",
    "un_field": "UN presence in the field",
    "international_courts": "International courts and mechanisms",
    "national_courts": "National courts",
    "regional_organisation": "Regional organisation",
    "national_government": "National government",
    "bilateral": "Bilateral diplomacy",
    "civil_society": "Civil society and survivors",
    "global_network": "Global Network of R2P Focal Points",
    "several_un_bodies": "Several UN bodies at once",
}
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{2,60}$")]
Name = Annotated[str, TextRules(120, min_length=3)]
Description = Annotated[str, TextRules(1_000, min_length=10)]


class CrisisStage(StrictModel):
    """A crisis stage a tool can fit (see `status_stages` for how a situation reaches it), and the
    intrusiveness levels a situation at this stage warrants."""

    id: Stage
    label: Name
    description: Description
    warrants: list[Intrusiveness] = Field(min_length=1)

    @model_validator(mode="after")
    def _levels_once(self) -> CrisisStage:
        if len(set(self.warrants)) != len(self.warrants):
            raise ValueError("warrants lists each intrusiveness level once")
        return self


class IntrusivenessLevel(StrictModel):
    """One step of the intrusiveness scale; catalogue.yaml lists the steps from least to most intrusive."""

    id: Intrusiveness
    label: Name
    description: Description


class Topic(StrictModel):
    """A risk a tool answers, tied to the Framework indicators and risk factors it concerns."""

    id: Id
    label: Name
    description: Description
    indicators: list[str] = Field(default_factory=list)
    risk_factors: list[int] = Field(default_factory=list)
    findings: list[Literal["ongoing", "ended"]] = Field(
        default_factory=list,
        description="a recorded atrocity finding in one of these states is this topic's strongest sign",
    )
    overall_risk: bool = Field(
        False, description="the topic is as strong as the overall risk at least, when that is determined"
    )

    @model_validator(mode="after")
    def _tied_to_the_framework(self) -> Topic:
        if not self.indicators and not self.risk_factors:
            raise ValueError("a topic names at least one indicator or risk factor")
        return self
