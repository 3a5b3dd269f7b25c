"""What the parts of the database classes use of each other, declared once so every call is type-checked.

`Database` is put together from parts (mixins), one per concern: revisions, reviews, rounds, score
summaries, users, the audit trail. A part calls helpers another part or `Database` itself provides:
`DatabasePart` declares them, and every part derives from it; `Database` derives from all the parts,
so it must implement each (an abstract method left out fails when it is made, and in mypy). The
same for `UserDatabase` and its parts (`UserDatabasePart`). Nothing here runs: these are declarations.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Literal, overload

from sqlalchemy.engine import Connection, Row

if TYPE_CHECKING:
    from r2p_risk.access import User
    from r2p_risk.assessment import Assessment
    from r2p_risk.snapshot import Provenance
    from r2p_risk.storage.database import Database
    from r2p_risk.storage.reviews import Approve
    from r2p_risk.storage.rounds import _Member


class DatabasePart(ABC):
    """Provided by `Database` (database.py) and its parts (revisions.py, reviews.py, rounds.py, drafts.py, sources.py)
    to one another."""

    _now: Callable[[], dt.datetime]  # the clock: set by `Database.__init__`

    @property
    @abstractmethod
    def backend(self) -> str: ...

    # database.py
    @abstractmethod
    def _transaction(self, operation: str, write: bool = False) -> AbstractContextManager[Connection]: ...

    @abstractmethod
    def _situation_row(self, conn: Connection, situation_id: str) -> Row: ...

    @abstractmethod
    def _open_situation(self, conn: Connection, situation_id: str) -> Row: ...

    # revisions.py
    @overload
    def _latest_row(self, conn: Connection, assessment_id: str, required: Literal[True], data: bool = False) -> Row: ...

    @overload
    def _latest_row(
        self, conn: Connection, assessment_id: str, required: bool = False, data: bool = False
    ) -> Row | None: ...

    @abstractmethod
    def _latest_row(
        self, conn: Connection, assessment_id: str, required: bool = False, data: bool = False
    ) -> Row | None: ...

    @abstractmethod
    def _insert_revision(
        self,
        conn: Connection,
        situation_id: str,
        assessment: Assessment,
        actor: str,
        latest: Row | None,
        note: str,
        action: str,
        now: dt.datetime | None = None,
        origin: Provenance | None = None,
    ) -> Assessment: ...

    # reviews.py
    @abstractmethod
    def _reviewed(
        self,
        conn: Connection,
        latest: Row | None,
        incoming: Assessment,
        actor: str,
        action: str,
        approve: Approve | None,
        now: dt.datetime,
    ) -> tuple[Assessment, bool]: ...

    @abstractmethod
    def _past_review_steps(
        self, conn: Connection, assessment_id: str, latest: Row | None, based_on: int | None
    ) -> int | None: ...

    # rounds.py
    @abstractmethod
    def _member(self, conn: Connection, assessment_id: str | None) -> _Member | None: ...

    @abstractmethod
    def _member_revision(
        self, member: _Member, stored: Assessment | None, incoming: Assessment, actor: str
    ) -> Assessment: ...


class UserDatabasePart(ABC):
    """Provided by `UserDatabase` (user_database.py) to its parts (user_reviews.py)."""

    _database: Database  # set by `UserDatabase.__init__`

    @property
    @abstractmethod
    def user(self) -> User: ...

    @abstractmethod
    def _actor(self, action: str, given: str = "", situation_id: str | None = None) -> str: ...

    @abstractmethod
    def _see_situation(self, situation_id: str, user: User | None = None) -> None: ...

    @abstractmethod
    def _see_assessment(self, assessment_id: str) -> str: ...
