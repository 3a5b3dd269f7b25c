"""Users, their roles, and situations restricted to named users or groups: the `Database` methods.

The first identity ever to sign in becomes admin (so a new deployment can be set up from the app);
every later one starts as viewer until an admin gives a role. An admin can also add or promote a
user before their first sign-in with `set_role` (or `r2p-risk users set-role`). The last enabled
admin cannot be demoted or disabled. Every change is an audit event in the same transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from pydantic import ValidationError
from sqlalchemy import delete, exists, func, insert, select, text, update
from sqlalchemy.engine import Connection, Row

from r2p_risk.access import AccessRule, Role, User, normalise_identity
from r2p_risk.errors import StorageError, problems_from_validation_error
from r2p_risk.signin import OidcAccount
from r2p_risk.storage.audit import record_event
from r2p_risk.storage.engine import not_found, storage_error
from r2p_risk.storage.parts import DatabasePart
from r2p_risk.storage.tables import situation_access, users

USERS_LOCK = 7_232_011_402  # PostgreSQL advisory lock: one user change at a time, so "first user" and "last admin" hold


class UserAccounts(DatabasePart):
    """Mixed into `Database`, which provides `_transaction`, `_now` and `_situation_row`."""

    def user(self, identity: str) -> User | None:
        with self._transaction("read the user") as conn:
            row = _user_row(conn, normalise_identity(identity))
        return None if row is None else _user(row)

    def list_users(self) -> list[User]:
        with self._transaction("list the users") as conn:
            return [_user(row) for row in conn.execute(select(users).order_by(users.c.identity))]

    def ensure_user(self, identity: str, name: str = "", groups: Iterable[str] = ()) -> User:
        """The user signing in, added on first sign-in; name and groups are refreshed, the role is kept."""
        wanted = _valid_user(
            identity=normalise_identity(identity), name=name.strip(), groups=tuple(sorted(set(groups)))
        )
        known = self.user(wanted.identity)
        if known is not None and (known.name, known.groups) == (wanted.name, wanted.groups):
            return known
        with self._transaction("register the user", write=True) as conn:
            _lock_users(conn)
            now, row = self._now(), _user_row(conn, wanted.identity)
            values = {"name": wanted.name, "groups_json": json.dumps(wanted.groups), "updated_at": now}
            if row is not None:
                conn.execute(update(users).where(users.c.identity == wanted.identity).values(**values))
                return _user(_stored_row(conn, wanted.identity))
            return self._add_user(conn, wanted, now)

    def sign_in_oidc(self, account: OidcAccount, name: str = "", groups: Iterable[str] = ()) -> User:
        """The user bound to this provider account (issuer and subject), binding or adding them at first sign-in.

        The account's e-mail is used only when the provider verified it, and only to bind a user that exists
        and is not yet bound (one named with `set_role` beforehand, or known from header mode). Any other
        account gets a user of its own: its verified e-mail if no user has it, else `account.fallback_identity`.
        """
        profile = {"name": name.strip(), "groups": tuple(sorted(set(groups)))}
        with self._transaction("register the user", write=True) as conn:
            _lock_users(conn)
            now = self._now()
            bound = conn.execute(
                select(users).where(users.c.oidc_issuer == account.issuer, users.c.oidc_subject == account.subject)
            ).first()
            if bound is not None:
                return _refreshed(conn, bound.identity, profile, now)
            for identity in account.candidate_identities():
                row = _user_row(conn, identity)
                if (
                    row is not None
                    and row.oidc_issuer is None
                    and (identity != account.email or account.email_verified)
                ):
                    conn.execute(
                        update(users)
                        .where(users.c.identity == identity)
                        .values(oidc_issuer=account.issuer, oidc_subject=account.subject)
                    )
                    record_event(conn, now, identity, "user.bind", target=identity, after={"issuer": account.issuer})
                    return _refreshed(conn, identity, profile, now)
                if row is None:
                    return self._add_user(
                        conn,
                        _valid_user(identity=identity, **profile),
                        now,
                        oidc_issuer=account.issuer,
                        oidc_subject=account.subject,
                    )
        raise storage_error(
            "identity_taken",
            "user",
            "this account's identity belongs to another account of the "
            "identity provider; ask an admin of this deployment",
        )

    def _add_user(self, conn: Connection, wanted: User, now, **binding) -> User:
        """Insert a new user: admin when they are the first, viewer otherwise."""
        role = "viewer" if conn.execute(select(func.count()).select_from(users)).scalar() else "admin"
        conn.execute(
            insert(users).values(
                identity=wanted.identity,
                role=role,
                disabled=False,
                created_at=now,
                updated_at=now,
                name=wanted.name,
                groups_json=json.dumps(wanted.groups),
                **binding,
            )
        )
        record_event(
            conn, now, wanted.identity, "user.create", target=wanted.identity, after={"role": role, "name": wanted.name}
        )
        return wanted.model_copy(update={"role": role})

    def set_role(self, identity: str, role: Role, actor: str) -> User:
        """Give `identity` a role, adding the user when they have not signed in yet."""
        wanted = _valid_user(identity=normalise_identity(identity), role=role)
        with self._transaction("change the role", write=True) as conn:
            _lock_users(conn)
            now, row = self._now(), _user_row(conn, wanted.identity)
            if row is None:
                conn.execute(
                    insert(users).values(
                        identity=wanted.identity,
                        name="",
                        role=role,
                        disabled=False,
                        groups_json="[]",
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif row.role != role:
                if row.role == "admin" and not row.disabled:
                    _keep_an_admin(conn, wanted.identity)
                conn.execute(update(users).where(users.c.identity == wanted.identity).values(role=role, updated_at=now))
            if row is None or row.role != role:
                record_event(
                    conn,
                    now,
                    actor,
                    "user.set_role",
                    target=wanted.identity,
                    before=None if row is None else {"role": row.role},
                    after={"role": role},
                )
            return _user(_stored_row(conn, wanted.identity))

    def disable_user(self, identity: str, actor: str, disabled: bool = True) -> User:
        """Disable (or with `disabled=False` enable again) a user: a disabled user can do nothing at all."""
        identity = normalise_identity(identity)
        with self._transaction("disable the user" if disabled else "enable the user", write=True) as conn:
            _lock_users(conn)
            row = _user_row(conn, identity)
            if row is None:
                raise not_found(f"user {identity}", "no such user")
            if row.disabled != disabled:
                if disabled and row.role == "admin":
                    _keep_an_admin(conn, identity)
                now = self._now()
                conn.execute(
                    update(users).where(users.c.identity == identity).values(disabled=disabled, updated_at=now)
                )
                record_event(
                    conn,
                    now,
                    actor,
                    "user.disable" if disabled else "user.enable",
                    target=identity,
                    before={"disabled": row.disabled},
                    after={"disabled": disabled},
                )
            return _user(_stored_row(conn, identity))

    def holds_team_data(self) -> bool:
        """Whether any user or access rule is stored: the database of a team deployment."""
        with self._transaction("read the users") as conn:
            return bool(
                conn.execute(
                    select(exists(select(users.c.identity)) | exists(select(situation_access.c.kind)))
                ).scalar()
            )

    def situation_access(self, situation_id: str) -> list[AccessRule]:
        """Who may see a situation; an empty list means every signed-in user."""
        return self.access_rules([situation_id]).get(situation_id, [])

    def access_rules(self, situation_ids: Iterable[str] | None = None) -> dict[str, list[AccessRule]]:
        """The access rules of every restricted situation (or of those given), by situation id."""
        query = select(situation_access).order_by(situation_access.c.kind, situation_access.c.principal)
        if situation_ids is not None:
            query = query.where(situation_access.c.situation_id.in_(list(situation_ids)))
        rules: dict[str, list[AccessRule]] = defaultdict(list)
        with self._transaction("read who may see the situations") as conn:
            for row in conn.execute(query):
                rules[row.situation_id].append(AccessRule(kind=row.kind, principal=row.principal))
        return dict(rules)

    def set_situation_access(
        self, situation_id: str, actor: str, users: Iterable[str] = (), groups: Iterable[str] = ()
    ) -> list[AccessRule]:
        """Restrict a situation to these users and groups (replacing its list); none at all opens it to everyone."""
        rules = sorted(
            {AccessRule(kind="user", principal=normalise_identity(u)) for u in users if u.strip()}
            | {AccessRule(kind="group", principal=g.strip()) for g in groups if g.strip()},
            key=lambda rule: (rule.kind, rule.principal),
        )
        with self._transaction("change who may see the situation", write=True) as conn:
            self._situation_row(conn, situation_id)
            where = situation_access.c.situation_id == situation_id
            before = [
                AccessRule(kind=r.kind, principal=r.principal)
                for r in conn.execute(select(situation_access).where(where))
            ]
            if set(before) != set(rules):
                conn.execute(delete(situation_access).where(where))
                if rules:
                    conn.execute(
                        insert(situation_access), [{"situation_id": situation_id, **r.model_dump()} for r in rules]
                    )
                record_event(
                    conn,
                    self._now(),
                    actor,
                    "access.change",
                    situation_id=situation_id,
                    before=_listed(before),
                    after=_listed(rules),
                )
        return rules


def _refreshed(conn: Connection, identity: str, profile: dict, now) -> User:
    """The user with the name and groups the provider reported at this sign-in."""
    row = _stored_row(conn, identity)
    if (row.name, tuple(json.loads(row.groups_json))) != (profile["name"], profile["groups"]):
        conn.execute(
            update(users)
            .where(users.c.identity == identity)
            .values(name=profile["name"], groups_json=json.dumps(profile["groups"]), updated_at=now)
        )
        row = _stored_row(conn, identity)
    return _user(row)


def _lock_users(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE already holds the one write lock
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": USERS_LOCK})


def _keep_an_admin(conn: Connection, identity: str) -> None:
    others = (
        select(func.count())
        .select_from(users)
        .where(users.c.role == "admin", users.c.disabled.is_(False), users.c.identity != identity)
    )
    if not conn.execute(others).scalar():
        raise storage_error(
            "last_admin", f"user {identity}", "this is the last enabled admin; make someone else admin first"
        )


def _user_row(conn: Connection, identity: str) -> Row | None:
    return conn.execute(select(users).where(users.c.identity == identity)).first()


def _stored_row(conn: Connection, identity: str) -> Row:
    """The user's row as stored now, in the transaction that reads or wrote it."""
    row = _user_row(conn, identity)
    if row is None:
        raise not_found(f"user {identity}", "no such user")
    return row


def _user(row: Row) -> User:
    return User(
        identity=row.identity,
        name=row.name,
        role=row.role,
        groups=tuple(json.loads(row.groups_json)),
        disabled=row.disabled,
    )


def _valid_user(**values) -> User:
    try:
        return User(**values)
    except ValidationError as error:
        raise StorageError(problems_from_validation_error(error, "user."), "not a valid user") from None


def _listed(rules: list[AccessRule]) -> dict[str, list[str]]:
    return {kind: sorted(r.principal for r in rules if r.kind == kind) for kind in ("user", "group")}
