"""Where a situation stands when response tools are chosen: its crisis stages, how firm the evidence
is, and which intrusiveness that warrants.

Pure: a risk profile and the catalogue's data in, a `SituationJudgement` out. The stages come from
the status (`status_stages`) and the recorded findings; the situation warrants the intrusiveness
levels any of its stages warrants (`stages[].warrants`), held back to `restraint.thin_evidence_warrants`
while the evidence is thin. Raising a rating never lowers the status, never changes which findings
are recorded and never changes whether the risk of genocide or of crimes against humanity is
determined (that depends on what is assessed, not on how high), so the stages and the warranted
levels only grow as the risk rises.
"""

from __future__ import annotations

from pydantic import Field

from r2p_risk.models import StrictModel
from r2p_risk.parameters import STATUSES, ScoringParameters
from r2p_risk.profile import Reason, RiskProfile
from r2p_risk.reasons import listing, reason
from r2p_risk.tool_vocabulary import Intrusiveness, Stage
from r2p_risk.tools import Catalogue

ALARMS = ("serious_concern", "imminent_risk", "current_crisis")


class SituationJudgement(StrictModel):
    status: str
    stages: list[Stage] = Field(description="the stages the situation is in; the last is the current one")
    finding_stages: list[Stage] = Field(
        description="stages reached through a recorded finding, which thin evidence does not hold back"
    )
    thin_evidence: bool = Field(
        description="an alarm or a verdict resting on too little: coercive and judicial tools are held back"
    )
    warranted: list[Intrusiveness] = Field(description="the intrusiveness levels warranted, least intrusive first")
    reasons: list[Reason]

    @property
    def current_stage(self) -> str:
        return self.stages[-1]


def stages_for(status: str, ended: bool, catalogue: Catalogue) -> tuple[list[str], list[str]]:
    """The stages a status puts a situation in, and those of them reached through a finding.

    Atrocities recorded as ended (none ongoing) make accountability and recovery the current stage.
    """
    stages = list(getattr(catalogue.status_stages, status))
    if not ended:
        return stages, []
    if status != "current_crisis":  # in a current crisis, atrocities under way stay the current stage
        stages = [s for s in stages if s != "accountability_recovery"] + ["accountability_recovery"]
    elif "accountability_recovery" not in stages:
        stages.insert(-1, "accountability_recovery")
    return stages, ["accountability_recovery"]


def warranted_levels(stages: list[str], finding_stages: list[str], thin: bool, catalogue: Catalogue) -> list[str]:
    """What any of the stages warrants, least intrusive first; thin evidence holds back what rests on ratings alone."""
    cap = catalogue.intrusiveness_rank(catalogue.restraint.thin_evidence_warrants)
    found = {
        level
        for stage in stages
        for level in catalogue.stage(stage).warrants
        if not thin or stage in finding_stages or catalogue.intrusiveness_rank(level) <= cap
    }
    return [level.id for level in catalogue.intrusiveness_levels if level.id in found]


def evidence_is_thin(profile: RiskProfile, catalogue: Catalogue) -> bool:
    """True unless an atrocity is recorded as ongoing or the risk of each crime the restraint names is determined."""
    if any(f.state == "ongoing" for f in profile.findings):
        return False
    return any(not profile.crimes[crime].determined for crime in catalogue.restraint.thin_evidence_crimes)


def _warranted_reason(warranted: list[str], thin: bool, catalogue: Catalogue) -> Reason:
    """What is warranted, in words, with what a tool's own warning sign adds."""
    rank, restraint = catalogue.intrusiveness_rank, catalogue.restraint
    ceiling = min(
        rank(restraint.own_sign_warrants),
        rank(restraint.thin_evidence_warrants) if thin else len(catalogue.intrusiveness_levels),
    )
    extra = [i.id for i in catalogue.intrusiveness_levels if i.id not in warranted and rank(i.id) <= ceiling]
    levels = listing([catalogue.intrusiveness_label(w).lower() for w in warranted])
    if not extra:
        return reason("stand_warranted", levels=levels)
    return reason(
        "stand_warranted_own_sign",
        levels=levels,
        level=listing([catalogue.intrusiveness_label(e).lower() for e in extra]),
    )


def judge_situation(profile: RiskProfile, catalogue: Catalogue, params: ScoringParameters) -> SituationJudgement:
    status = profile.status.label
    ongoing = [f for f in profile.findings if f.state == "ongoing"]
    ended = [f for f in profile.findings if f.state == "ended"]
    stages, finding_stages = stages_for(status, bool(ended) and not ongoing, catalogue)
    thin = evidence_is_thin(profile, catalogue)
    warranted = warranted_levels(stages, finding_stages, thin, catalogue)
    stage = catalogue.stage_label(stages[-1]).lower()
    if finding_stages:
        findings = listing([f"{params.crime_label(f.crime).lower()}, ended {f.ended_on}" for f in ended])
        reasons = [reason("stand_ended", findings=findings, stage=stage)]
    elif ongoing:
        reasons = [
            reason("stand_ongoing", crimes=listing([params.crime_label(f.crime).lower() for f in ongoing]), stage=stage)
        ]
    elif status == params.no_alarm.undetermined:
        reasons = [reason("stand_insufficient", stage=stage)]
    else:
        reasons = [reason("stand_status", status=profile.status.title, stage=stage)]
    reasons.append(_warranted_reason(warranted, thin, catalogue))
    if thin and status in ALARMS:
        crimes = listing(
            [
                params.crime_label(c).lower()
                for c in catalogue.restraint.thin_evidence_crimes
                if not profile.crimes[c].determined
            ]
        )
        reasons.append(
            reason(
                "stand_thin_provisional",
                crimes=crimes,
                level=catalogue.intrusiveness_label(catalogue.restraint.thin_evidence_warrants).lower(),
            )
        )
    return SituationJudgement(
        status=status,
        stages=stages,
        finding_stages=finding_stages,
        thin_evidence=thin,
        warranted=warranted,
        reasons=reasons,
    )


def escalation_status(tool, judgement: SituationJudgement, catalogue: Catalogue) -> str | None:
    """The least severe status, from the current one up, at which the tool would be warranted and fit a stage, on
    firm evidence."""
    ended = bool(judgement.finding_stages)
    for status in STATUSES[STATUSES.index(judgement.status) :]:
        stages, finding_stages = stages_for(status, ended, catalogue)
        if tool.intrusiveness in warranted_levels(stages, finding_stages, False, catalogue) and set(tool.stages) & set(
            stages
        ):
            return status
    return None
