"""Roles and restricted situations: the pure policy, and its enforcement in the package on both databases."""

import datetime as dt
import random
import string
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from r2p_risk.access import ACTIONS, LOCAL_USER, AccessRule, User, can, can_see, require
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import PermissionDenied, R2PError, StorageError
from r2p_risk.settings import check_cookie_secret

VIEWER, ANALYST, ADMIN = (User(identity=f"{role}@example.org", role=role) for role in ("viewer", "analyst", "admin"))
WRITES = [a for a, (role, _) in ACTIONS.items() if role == "analyst"]
ADMIN_ONLY = [a for a, (role, _) in ACTIONS.items() if role == "admin"]


@pytest.mark.parametrize(
    "user, allowed",
    [(VIEWER, ["read"]), (ANALYST, ["read", *WRITES]), (ADMIN, list(ACTIONS))],
    ids=["viewer", "analyst", "admin"],
)
def test_each_role_may_do_exactly_its_actions(user, allowed):
    assert [action for action in ACTIONS if can(user, action)] == allowed
    assert not any(can(user.model_copy(update={"disabled": True}), action) for action in ACTIONS)


def test_a_refusal_says_what_was_refused_and_why():
    with pytest.raises(PermissionDenied) as caught:
        require(VIEWER, "assessment.save")
    problem = caught.value.problems[0]
    assert (problem.code, problem.where) == ("permission_denied", "assessment.save")
    assert (
        problem.message == "you may not save an assessment: viewer@example.org has the viewer role; this needs analyst"
    )
    with pytest.raises(ValueError):
        can(ADMIN, "no.such_action")


RULES = [AccessRule(kind="user", principal="ana@example.org"), AccessRule(kind="group", principal="desk-east")]


@pytest.mark.parametrize(
    "user, rules, sees",
    [
        (VIEWER, [], True),
        (User(identity="ana@example.org"), RULES, True),
        (User(identity="ben@example.org", groups=("desk-east",)), RULES, True),
        (User(identity="ben@example.org", groups=("desk-west",)), RULES, False),
        (ANALYST, RULES, False),
        (ADMIN, RULES, True),
        (User(identity="ana@example.org", disabled=True), RULES, False),
        (User(identity="ana@example.org", disabled=True), [], False),
    ],
)
def test_who_sees_a_situation(user, rules, sees):
    assert can_see(user, rules) is sees


# --- enforced in the package ----------------------------------------------------------------------


@pytest.fixture
def team(db):
    """An admin (the first to sign in), an analyst, a viewer; a situation with one assessment."""
    admin = db.ensure_user("Admin@Example.org ", "Ada Admin")
    db.ensure_user("ana@example.org", "Ana Analyst", groups=["desk-east"])
    db.ensure_user("vic@example.org", "Vic Viewer")
    db.set_role("ana@example.org", "analyst", admin.identity)
    situation = db.create_situation(Situation(name="Open"), "setup")
    assessment = db.save_assessment(
        situation.id, Assessment(assessed_on=dt.date(2026, 1, 1), analyst="Ana"), "setup", None
    )
    return situation, assessment


def as_(db, identity):
    return db.as_user(User(identity=identity))


def test_the_first_user_to_sign_in_is_admin_and_later_ones_are_viewers(db, team):
    users = {u.identity: (u.name, u.role) for u in db.list_users()}
    assert users == {
        "admin@example.org": ("Ada Admin", "admin"),
        "ana@example.org": ("Ana Analyst", "analyst"),
        "vic@example.org": ("Vic Viewer", "viewer"),
    }
    again = db.ensure_user("ANA@example.org", "Ana A.", groups=["desk-west"])  # name and groups refreshed, role kept
    assert (again.name, again.role, again.groups) == ("Ana A.", "analyst", ("desk-west",))


def test_a_viewer_cannot_save_whatever_the_ui_does(db, team):
    situation, assessment = team
    viewer = as_(db, "vic@example.org")
    forged = db.as_user(User(identity="vic@example.org", role="admin"))  # a session claiming more: the table decides
    for session in (viewer, forged):
        with pytest.raises(PermissionDenied):
            session.save_assessment(situation.id, assessment, "vic", assessment.revision)
        with pytest.raises(PermissionDenied):
            session.create_situation(Situation(name="Mine"), "vic")
    assert viewer.load_assessment(assessment.id) == assessment
    assert db.latest_revision(assessment.id) == 1 and len(db.list_situations()) == 1


def test_an_analyst_saves_under_their_identity_and_cannot_administer(db, team):
    situation, assessment = team
    analyst = as_(db, "ana@example.org")
    saved = analyst.save_assessment(situation.id, assessment, "typed name is ignored", assessment.revision)
    assert db.list_revisions(assessment.id)[0].saved_by == "ana@example.org"
    assert db.list_audit(action="assessment.save")[0].actor == "ana@example.org" and saved.revision == 2
    for call in (
        lambda: analyst.set_role("vic@example.org", "admin"),
        lambda: analyst.list_users(),
        lambda: analyst.set_situation_access(situation.id, users=["ana@example.org"]),
        lambda: analyst.list_audit(),
        lambda: analyst.purge_situation(situation.id),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_a_role_change_or_disabling_applies_at_the_next_action(db, team):
    situation, assessment = team
    analyst = as_(db, "ana@example.org")
    db.set_role("ana@example.org", "viewer", "admin@example.org")
    with pytest.raises(PermissionDenied):
        analyst.save_assessment(situation.id, assessment, "", assessment.revision)
    db.disable_user("ana@example.org", "admin@example.org")
    with pytest.raises(PermissionDenied, match="disabled"):
        analyst.list_situations()
    with pytest.raises(PermissionDenied):
        as_(db, "stranger@example.org").list_situations()


def test_a_restricted_situation_does_not_exist_for_those_without_access(db, team, model):
    open_one, _ = team
    secret = db.create_situation(Situation(name="Restricted"), "setup")
    hidden = db.save_assessment(secret.id, Assessment(assessed_on=dt.date(2026, 1, 1), analyst="Ana"), "setup", None)
    as_(db, "admin@example.org").set_situation_access(secret.id, groups=["desk-east"])
    viewer, member = as_(db, "vic@example.org"), as_(db, "ana@example.org")
    assert [s.name for s in member.list_situations()] == ["Open", "Restricted"]
    assert [s.name for s in viewer.list_situations()] == ["Open"]
    assert [h.situation.name for h in viewer.situation_histories()] == ["Open"]
    assert [o.situation.name for o in viewer.situation_overviews(model)] == ["Open"]
    assert [o.situation.name for o in member.situation_overviews(model)] == ["Open", "Restricted"]
    assert viewer.counts() == {"situations": 1, "assessments": 1, "revisions": 1}
    missing = "no_such_id"
    for hidden_call, missing_call in [
        (lambda: viewer.get_situation(secret.id), lambda: viewer.get_situation(missing)),
        (lambda: viewer.list_assessments(secret.id), lambda: viewer.list_assessments(missing)),
        (lambda: viewer.load_assessment(hidden.id), lambda: viewer.load_assessment(missing)),
        (lambda: viewer.list_revisions(hidden.id), lambda: viewer.list_revisions(missing)),
        (lambda: viewer.situation_of(hidden.id), lambda: viewer.situation_of(missing)),
    ]:
        assert answer(hidden_call).replace(secret.id, "X").replace(hidden.id, "X") == answer(missing_call).replace(
            missing, "X"
        )
    db.delete_situation(secret.id, "setup")
    assert viewer.deleted_situations() == [] and member.deleted_situations() == [
        db.get_situation(secret.id, include_deleted=True)
    ]


def answer(call) -> str:
    with pytest.raises(StorageError) as caught:
        call()
    return str(caught.value)


def test_analysts_cannot_change_what_they_cannot_see(db, team):
    secret = db.create_situation(Situation(name="Restricted"), "setup")
    db.set_situation_access(secret.id, "admin@example.org", users=["somebody@example.org"])
    viewer_turned_analyst = db.set_role("vic@example.org", "analyst", "admin@example.org")
    session = db.as_user(viewer_turned_analyst)
    with pytest.raises(StorageError, match="no such situation"):
        session.save_assessment(secret.id, Assessment(assessed_on=dt.date(2026, 1, 1), analyst="Vic"), "", None)
    with pytest.raises(StorageError, match="no such situation"):
        session.delete_situation(secret.id)
    assert db.counts([secret.id])["revisions"] == 0 and db.get_situation(secret.id).name == "Restricted"


def test_the_last_enabled_admin_cannot_be_demoted_or_disabled(db, team):
    for call in (
        lambda: db.set_role("admin@example.org", "analyst", "x"),
        lambda: db.disable_user("admin@example.org", "x"),
    ):
        with pytest.raises(StorageError) as caught:
            call()
        assert caught.value.problems[0].code == "last_admin"
    db.set_role("ana@example.org", "admin", "admin@example.org")
    assert db.disable_user("admin@example.org", "ana@example.org").disabled


def test_an_admin_can_add_a_user_before_their_first_sign_in(db, team):
    added = as_(db, "admin@example.org").set_role("New.Person@example.org", "analyst")
    assert (added.identity, added.role) == ("new.person@example.org", "analyst")
    assert db.ensure_user("new.person@example.org", "New Person").role == "analyst"


def test_two_first_sign_ins_at_the_same_moment_make_one_admin(db):
    start = threading.Barrier(4)

    def sign_in(n):
        start.wait()
        return db.ensure_user(f"user{n}@example.org", f"User {n}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(sign_in, range(4)))
    assert sorted(u.role for u in db.list_users()) == ["admin", "viewer", "viewer", "viewer"]


def test_local_mode_is_an_admin_that_records_the_name_typed(db):
    local = db.as_user(LOCAL_USER)
    made = local.create_situation(Situation(name="Here"), "Ana Typed")
    local.delete_situation(made.id, "Ana Typed")
    assert [e.actor for e in local.list_audit()] == ["Ana Typed", "Ana Typed"] and db.list_users() == []


def test_users_on_the_command_line(db, team, database_url, monkeypatch, capsys):
    from r2p_risk import cli

    monkeypatch.setenv("R2P_RISK_DATABASE_URL", database_url)
    assert cli.main(["users", "set-role", "Vic@Example.org", "analyst"]) == 0
    assert cli.main(["users", "disable", "ana@example.org"]) == 0
    assert cli.main(["users", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["vic@example.org: analyst", "ana@example.org: disabled"]
    assert lines[2:] == [
        "admin@example.org\tadmin\tenabled\tAda Admin\t",
        "ana@example.org\tanalyst\tdisabled\tAna Analyst\tdesk-east",
        "vic@example.org\tanalyst\tenabled\tVic Viewer\t",
    ]
    assert db.list_audit(action="user.set_role")[0].actor.startswith("cli")
    assert cli.main(["users", "disable", "admin@example.org"]) == 2
    assert "last enabled admin" in capsys.readouterr().err
    assert cli.main(["users", "enable", "nobody@example.org"]) == 2


@pytest.mark.parametrize(
    "secret, codes",
    [
        (None, ["missing_cookie_secret"]),
        ("short-but-random-Zq8", ["weak_cookie_secret"]),
        ("x" * 40, ["weak_cookie_secret", "weak_cookie_secret"]),
        ("changeme-changeme-changeme-changeme", ["weak_cookie_secret", "weak_cookie_secret"]),
        ("this is my very long secret phrase for r2p", ["weak_cookie_secret"]),
        ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", ["weak_cookie_secret"]),
    ],
)
def test_start_up_refuses_a_weak_cookie_secret(secret, codes):
    with pytest.raises(R2PError) as caught:
        check_cookie_secret(secret)
    assert [p.code for p in caught.value.problems] == codes
    assert all(p.where == "[auth] cookie_secret" for p in caught.value.problems)


def test_a_random_cookie_secret_is_accepted():
    # Seeded, so the test is the same every run: rarely (a hex secret about once in 300,000) a random secret contains
    # one of the common words, e.g. "123456" in hex, and is refused with a message saying to draw another.
    draw = random.Random(20261207)
    urlsafe = string.ascii_letters + string.digits + "-_"
    for _ in range(200):
        check_cookie_secret("".join(draw.choice(urlsafe) for _ in range(43)))
        check_cookie_secret("".join(draw.choice(string.hexdigits.lower()[:16]) for _ in range(64)))
