"""Review steps and rounds as one signed-in user may take them: mixed into `UserDatabase` (`Database.as_user`).

Rights come from the role (`access.py`): analysts submit, comment and resolve, open rounds and rate;
reviewers (and admins) sign off and return. Four eyes in a team: nobody signs off or returns what they
edited last, and a save asking for "final" is a sign-off like any other. In single-user mode the
local user is a reviewer and the four-eyes rule does not apply (there is only one person).
Rounds are blind: an analyst's independent rating is seen by others only once submitted, and only
by those who have submitted theirs (or have none in the round); hidden, it is answered as missing.
"""

from __future__ import annotations

import datetime as dt

from r2p_risk import review_rules, rounds
from r2p_risk.access import can, require
from r2p_risk.assessment import Assessment
from r2p_risk.errors import PermissionDenied, Problem, ReviewError
from r2p_risk.rounds import RatingRound, RoundMember
from r2p_risk.storage.engine import not_found
from r2p_risk.storage.parts import UserDatabasePart


class UserReviews(UserDatabasePart):
    """Mixed into `UserDatabase`, which provides `_database`, `user`, `_actor` and `_see_assessment`."""

    def submit_for_review(self, assessment_id: str, actor: str = "") -> Assessment:
        who = self._actor("review.submit", actor, self._see_assessment(assessment_id))
        return self._database.submit_for_review(assessment_id, who)

    def return_assessment(self, assessment_id: str, actor: str = "") -> Assessment:
        who = self._actor("assessment.review", actor, self._see_assessment(assessment_id))
        return self._database.return_assessment(assessment_id, who, self._four_eyes(who))

    def sign_off(self, assessment_id: str, actor: str = "") -> Assessment:
        who = self._actor("assessment.review", actor, self._see_assessment(assessment_id))
        return self._database.sign_off(assessment_id, who, self._four_eyes(who), from_draft=self.user.local)

    def add_review_comment(self, assessment_id: str, on: str, target: str, text: str, actor: str = "") -> Assessment:
        who = self._actor("review.comment", actor, self._see_assessment(assessment_id))
        return self._database.add_review_comment(assessment_id, who, on, target, text)

    def resolve_review_comment(self, assessment_id: str, comment_id: str, actor: str = "") -> Assessment:
        who = self._actor("review.comment", actor, self._see_assessment(assessment_id))
        return self._database.resolve_review_comment(assessment_id, comment_id, who)

    def review_blockers(self, assessment: Assessment, actor: str = "") -> list[Problem]:
        """Why this user could not sign `assessment` off now (empty: they can); for showing a button's reason."""
        user = self.user
        who = (actor or user.name or user.identity) if user.local else user.identity
        if not can(user, "assessment.review"):
            return [
                Problem(
                    "permission_denied",
                    "assessment.review",
                    f"signing off needs the reviewer role; {who} has {user.role}",
                )
            ]
        problems = []
        if not user.local and assessment.review.last_editor == who:
            problems.append(
                Problem("four_eyes", "review", "you edited it last: another reviewer signs it off (four eyes)")
            )
        if assessment.review.state != "in_review" and not user.local:
            problems.append(Problem("wrong_state", "review.state", "it is not in review: it must be submitted first"))
        if assessment.review.open_comments():
            problems.append(
                Problem(
                    "open_comments", "review.comments", f"{len(assessment.review.open_comments())} comment(s) are open"
                )
            )
        return problems

    def _four_eyes(self, who: str):
        """The check a review step runs on the stored assessment: none in single-user mode."""
        if self.user.local:
            return None
        return lambda current: review_rules.check_four_eyes(current.review, who)

    def _approve_save(self, who: str, action: str, incoming: Assessment):
        """What a save checks inside its transaction: an import of a final assessment, or a save asking for "final"."""
        user = self.user
        if action == "import":
            if incoming.review.state == "final":  # bringing in a signed-off assessment makes it final here
                require(user, "assessment.review")
            return None

        def approve(prepared: Assessment) -> None:
            require(self.user, "assessment.review")
            if not user.local and (prepared.review.state != "in_review" or prepared.review.last_editor == who):
                raise ReviewError(
                    [
                        Problem(
                            "not_signed_off",
                            "status",
                            'in a team, "final" is given on the Review screen by a '
                            "reviewer who did not edit the assessment last, once it was submitted for review; "
                            "set the status to draft to save your changes",
                        )
                    ],
                    "not saved",
                )

        return approve


class UserRounds(UserDatabasePart):
    """Mixed into `UserDatabase`: rounds of independent ratings, blind until submitted."""

    def open_round(self, situation_id: str, assessed_on: dt.date, actor: str = "") -> RatingRound:
        return self._database.open_round(situation_id, assessed_on, self._actor("round.open", actor, situation_id))

    def list_rounds(self, situation_id: str) -> list[RatingRound]:
        self._see_situation(situation_id)
        return self._database.list_rounds(situation_id)

    def get_round(self, round_id: str) -> RatingRound:
        found = self._database.get_round(round_id)
        self._see_situation(found.situation_id)
        return found

    def join_round(self, round_id: str, actor: str = "") -> Assessment:
        """Start (or continue) this user's independent rating; `actor` is the name recorded in single-user mode."""
        found = self.get_round(round_id)
        who = self._actor("round.rate", actor, found.situation_id)
        return self._database.join_round(round_id, who, actor or self.user.name or who)

    def submit_rating(self, round_id: str, actor: str = "") -> RatingRound:
        found = self.get_round(round_id)
        return self._database.submit_rating(round_id, self._actor("round.rate", actor, found.situation_id))

    def round_ratings(self, round_id: str, actor: str = "") -> list[tuple[RoundMember, Assessment]]:
        """The independent ratings this user may see now: their own, and the submitted ones once theirs is in."""
        found = self.get_round(round_id)
        visible = {m.assessment_id for m in rounds.visible_members(found, self._viewer(actor))}
        return [(m, a) for m, a in self._database.member_ratings(round_id) if m.assessment_id in visible]

    def reconcile_round(self, round_id: str, reconcile, actor: str = "") -> Assessment:
        found = self.get_round(round_id)
        who = self._actor("round.open", actor, found.situation_id)
        if not rounds.may_reconcile(found, who, self.user.role == "admin" and not self.user.local):
            raise PermissionDenied(
                [
                    Problem(
                        "not_the_lead",
                        f"round {round_id}",
                        f"only the lead of this round ({found.lead}) or an admin reconciles it",
                    )
                ],
                "not reconciled",
            )
        return self._database.reconcile_round(round_id, who, reconcile)

    def _viewer(self, actor: str = "") -> str:
        user = self.user
        return (actor or user.name or user.identity) if user.local else user.identity

    def _hidden_rating(self, assessment_id: str) -> bool:
        """A team member's independent rating this user may not see yet (single-user mode: never hidden)."""
        if self.user.local:
            return False
        found = self._database.round_of(assessment_id)
        return found is not None and not rounds.may_see_rating(found, self._viewer(), assessment_id)

    def _check_hidden(self, assessment_id: str) -> None:
        if self._hidden_rating(assessment_id):
            raise not_found(f"assessment {assessment_id}", "no such assessment")
