"""The database as one signed-in user sees it: `Database.as_user(user)`.

The same methods as `Database`, with the role enforced here, in the package, whatever the UI
shows: a write the role does not allow raises `PermissionDenied`. Situations the user may not see
are left out of every list, and asking for one (or for one of its assessments) is answered
exactly as if it did not exist. For a signed-in user the role, groups and disabled flag are read
from the users table at every call, so a change by an admin applies at the user's next action.
The actor recorded for every change is the signed-in identity; in local single-user mode
(`LOCAL_USER`) it is the name passed by the caller, as before. Review steps and rounds of
independent ratings, with their rules (four eyes, blind until submitted), are in `user_reviews.py`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from r2p_risk.access import READ, AccessRule, Role, User, can_see, require
from r2p_risk.assessment import Assessment, Situation, Source
from r2p_risk.errors import PermissionDenied, Problem
from r2p_risk.logs import user_ref
from r2p_risk.storage.engine import not_found
from r2p_risk.storage.user_reviews import UserReviews, UserRounds

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from r2p_risk.overview import SituationOverview
    from r2p_risk.storage.audit import AuditEvent
    from r2p_risk.storage.database import Database, Draft, RevisionInfo, SituationHistory


class UserDatabase(UserReviews, UserRounds):
    def __init__(self, database: Database, user: User):
        self._database = database
        self._user = user

    @property
    def user(self) -> User:
        """The user as stored now (role, groups and disabled flag as an admin last set them)."""
        if self._user.local:
            return self._user
        stored = self._database.user(self._user.identity)
        if stored is None:
            raise PermissionDenied(
                [
                    Problem(
                        "unknown_user", "user", f"{self._user.identity} is not a user of this deployment; sign in again"
                    )
                ],
                "not a user of this deployment",
            )
        return stored

    # --- reading ------------------------------------------------------------------------------------
    def get_situation(self, situation_id: str, include_deleted: bool = False) -> Situation:
        self._see_situation(situation_id)
        return self._database.get_situation(situation_id, include_deleted)

    def list_situations(self, include_deleted: bool = False) -> list[Situation]:
        visible = self._visible()
        return [s for s in self._database.list_situations(include_deleted) if visible(s.id)]

    def deleted_situations(self) -> list[Situation]:
        visible = self._visible()
        return [s for s in self._database.deleted_situations() if visible(s.id)]

    def situation_histories(self, include_deleted: bool = False) -> list[SituationHistory]:
        visible = self._visible()
        return [h for h in self._database.situation_histories(include_deleted) if visible(h.situation.id)]

    def situation_overviews(self, model, include_deleted: bool = False) -> list[SituationOverview]:
        visible = self._visible()
        return [o for o in self._database.situation_overviews(model, include_deleted) if visible(o.situation.id)]

    def situation_origins(self) -> dict:
        visible = self._visible()
        return {i: made for i, made in self._database.situation_origins().items() if visible(i)}

    def list_assessments(self, situation_id: str) -> list[Assessment]:
        self._see_situation(situation_id)
        return self._database.list_assessments(situation_id)

    def load_assessment(self, assessment_id: str, revision: int | None = None) -> Assessment:
        self._see_assessment(assessment_id)
        return self._database.load_assessment(assessment_id, revision)

    def situation_of(self, assessment_id: str) -> str:
        return self._see_assessment(assessment_id)

    def latest_revision(self, assessment_id: str) -> int:
        self._see_assessment(assessment_id)
        return self._database.latest_revision(assessment_id)

    def list_revisions(self, assessment_id: str) -> list[RevisionInfo]:
        self._see_assessment(assessment_id)
        return self._database.list_revisions(assessment_id)

    def counts(self) -> dict[str, int]:
        """What this user can see, deleted situations included."""
        visible = self._visible()
        situations = self._database.list_situations(include_deleted=True)
        return self._database.counts([s.id for s in situations if s.id is not None and visible(s.id)])

    def situation_access(self, situation_id: str) -> list[AccessRule]:
        self._see_situation(situation_id)
        return self._database.situation_access(situation_id)

    # --- changing -----------------------------------------------------------------------------------
    def create_situation(
        self, situation: Situation, actor: str = "", *, action: str = "situation.create", origin=None
    ) -> Situation:
        who = self._actor(action, actor)
        return self._database.create_situation(self._unseen_as_new(situation), who, action=action, origin=origin)

    def create_situation_with_assessment(
        self,
        situation: Situation,
        assessment: Assessment,
        actor: str = "",
        note: str = "",
        *,
        action: str = "import",
        origin=None,
    ) -> tuple[Situation, Assessment]:
        """A new situation and its first assessment, both or neither; ids this user cannot see are replaced by new ones.
        `origin` (an imported snapshot's provenance) keeps who created the situation and saved the revision, and
        when."""
        who = self._actor(action, actor)
        self._approve_save(who, action, assessment)  # an import of a final assessment needs the reviewer role
        return self._database.create_situation_with_assessment(
            self._unseen_as_new(situation),
            self._assessment_id_for(assessment, None),
            who,
            note,
            action=action,
            origin=origin,
        )

    def update_situation(self, situation: Situation, actor: str = "") -> Situation:
        return self._database.update_situation(situation, self._actor("situation.update", actor, situation.id))

    def delete_situation(self, situation_id: str, actor: str = "") -> None:
        self._database.delete_situation(situation_id, self._actor("situation.delete", actor, situation_id))

    def restore_situation(self, situation_id: str, actor: str = "") -> None:
        self._database.restore_situation(situation_id, self._actor("situation.restore", actor, situation_id))

    def purge_situation(self, situation_id: str, actor: str = "") -> None:
        self._database.purge_situation(situation_id, self._actor("situation.purge", actor, situation_id))

    def save_assessment(
        self,
        situation_id: str,
        assessment: Assessment,
        actor: str,
        based_on_revision: int | None,
        note: str = "",
        *,
        action: str = "assessment.save",
        origin=None,
    ) -> Assessment:
        who = self._actor(action, actor, situation_id)
        assessment = self._assessment_id_for(assessment, based_on_revision)
        if assessment.id is not None and self._hidden_rating(
            assessment.id
        ):  # another analyst's rating, not submitted yet
            raise not_found(f"assessment {assessment.id}", "no such assessment")
        return self._database.save_assessment(
            situation_id,
            assessment,
            who,
            based_on_revision,
            note,
            action=action,
            approve=self._approve_save(who, action, assessment),
            origin=origin,
        )

    def restore_revision(self, assessment_id: str, revision: int, actor: str = "") -> Assessment:
        who = self._actor("assessment.restore", actor, self._see_assessment(assessment_id))
        return self._database.restore_revision(assessment_id, revision, who)

    # --- the user's own drafts and settings (see storage/drafts.py) -------------------------------
    def keep_draft(self, draft_id: str, situation_id: str, assessment: Assessment, base_revision: int | None):
        self._actor("assessment.save", "", situation_id)
        return self._database.keep_draft(self.user.identity, draft_id, situation_id, assessment, base_revision)

    def drafts(self, assessment_id: str | None = None) -> list[Draft]:
        """This user's drafts of situations they may still see, newest first."""
        visible = self._visible()
        return [d for d in self._database.drafts(self.user.identity, assessment_id) if visible(d.situation_id)]

    def draft(self, draft_id: str) -> Draft | None:
        found = self._database.draft(self.user.identity, draft_id)
        return found if found is not None and self._visible()(found.situation_id) else None

    def discard_draft(self, draft_id: str) -> None:
        self._database.discard_draft(self.user.identity, draft_id)

    def user_setting(self, name: str) -> str | None:
        return self._database.user_setting(self.user.identity, name)

    def set_user_setting(self, name: str, value: str) -> None:
        self._database.set_user_setting(self.user.identity, name, value)

    # --- a situation's source library (see storage/sources.py) ------------------------------------
    def library_sources(self, situation_id: str) -> list[Source]:
        self._see_situation(situation_id)
        return self._database.library_sources(situation_id)

    def add_library_source(self, situation_id: str, source: Source, actor: str = "") -> Source:
        return self._database.add_library_source(
            situation_id, source, self._actor("assessment.save", actor, situation_id)
        )

    def update_library_source(self, situation_id: str, title: str, source: Source, actor: str = "") -> Source:
        who = self._actor("assessment.save", actor, situation_id)
        return self._database.update_library_source(situation_id, title, source, who)

    # --- administering ------------------------------------------------------------------------------
    def list_users(self) -> list[User]:
        self._actor("user.manage")
        return self._database.list_users()

    def set_role(self, identity: str, role: Role, actor: str = "") -> User:
        return self._database.set_role(identity, role, self._actor("user.manage", actor))

    def disable_user(self, identity: str, actor: str = "", disabled: bool = True) -> User:
        return self._database.disable_user(identity, self._actor("user.manage", actor), disabled)

    def set_situation_access(self, situation_id: str, actor: str = "", users=(), groups=()) -> list[AccessRule]:
        who = self._actor("access.change", actor, situation_id)
        return self._database.set_situation_access(situation_id, who, users, groups)

    def list_audit(self, **filters) -> list[AuditEvent]:
        """The audit trail (admins only); see `Database.list_audit` for the filters."""
        self._actor("audit.read")
        return self._database.list_audit(**filters)

    def audit_csv(self, **filters) -> bytes:
        self._actor("audit.read")
        return self._database.audit_csv(**filters)

    # --- exports and downloads: the rights checked again when the file is made, and recorded ------------------
    def record_export(self, actor: str, what: dict, situation_id: str | None = None, **targets) -> None:
        """Check, at the moment a file is made, that this user may still read what it holds; record it as an export."""
        who = self._actor(READ, actor, situation_id)
        self._database.record_export(who, what, situation_id=situation_id, **targets)

    # --- ids this user cannot see: answered exactly as ids nobody has -------------------------------------
    def _unseen_as_new(self, situation: Situation) -> Situation:
        """A new situation keeps its id unless a situation hidden from this user has it: then it gets a new one,
        just as an id-less situation does, so the answer never tells that the hidden one exists."""
        if situation.id is None or self._visible()(situation.id) or not self._database.situation_exists(situation.id):
            return situation
        return situation.model_copy(update={"id": None})

    def _assessment_id_for(self, assessment: Assessment, based_on_revision: int | None) -> Assessment:
        """Visibility first: an assessment id of a hidden situation is, for a new assessment, free (a new id is
        given), and for a revision of one, an assessment that no longer exists; either as if nobody had it."""
        if assessment.id is None:
            return assessment
        situation_id = self._database.find_situation_of(assessment.id)
        if situation_id is None or self._visible()(situation_id):
            return assessment
        if based_on_revision is not None:
            raise not_found(f"assessment {assessment.id}", "this assessment no longer exists")
        return assessment.model_copy(update={"id": None})

    # --- the checks ---------------------------------------------------------------------------------
    def _actor(self, action: str, given: str = "", situation_id: str | None = None) -> str:
        """Check the role (and that the situation is visible); the name to record as having done it."""
        user = self.user
        try:
            require(user, action)
        except PermissionDenied:
            log.warning(
                "denied: %s for %s (role %s%s)",
                action,
                user_ref(user.identity),
                user.role,
                ", disabled" if user.disabled else "",
            )
            raise
        if situation_id is not None:
            self._see_situation(situation_id, user)
        return (given or user.name or user.identity) if user.local else user.identity

    def _visible(self, user: User | None = None):
        """A test of situation ids: may this user see it?"""
        user = user or self.user
        require(user, READ)
        rules = {} if user.role == "admin" else self._database.access_rules()
        return lambda situation_id: can_see(user, rules.get(situation_id, []))

    def _see_situation(self, situation_id: str, user: User | None = None) -> None:
        if not self._visible(user)(situation_id):
            log.info("refused: a situation hidden from %s, or none", user_ref((user or self._user).identity))
            raise not_found(f"situation {situation_id}", "no such situation")

    def _see_assessment(self, assessment_id: str) -> str:
        """The assessment's situation id, or not_found as for a missing assessment when it is hidden."""
        situation_id = self._database.situation_of(assessment_id)
        if not self._visible()(situation_id):
            raise not_found(f"assessment {assessment_id}", "no such assessment")
        self._check_hidden(assessment_id)  # another analyst's independent rating, not submitted yet (user_reviews.py)
        return situation_id
