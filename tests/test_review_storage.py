"""Review and sign-off in the database, as signed-in users (`Database.as_user`), on SQLite and PostgreSQL:
roles, four eyes, open comments blocking final, every step audited, review steps never making an edit stale."""

import datetime as dt

import pytest
from helpers import make_assessment

from r2p_risk.access import LOCAL_USER
from r2p_risk.assessment import Situation
from r2p_risk.errors import PermissionDenied, ReviewError
from r2p_risk.review import Review


@pytest.fixture
def team(db):
    """A situation and an assessment saved by analyst ana; users ana and ben (analysts), rita (reviewer), adam
    (admin)."""
    for identity, role in (
        ("ana@example.org", "analyst"),
        ("ben@example.org", "analyst"),
        ("rita@example.org", "reviewer"),
        ("adam@example.org", "admin"),
    ):
        db.set_role(identity, role, "setup")
    users = {name: db.as_user(db.user(f"{name}@example.org")) for name in ("ana", "ben", "rita", "adam")}
    situation = users["ana"].create_situation(Situation(name="Upper Keldar (fictional)"))
    saved = users["ana"].save_assessment(situation.id, make_assessment({"7.14": 2}), "", None)
    return users, situation, saved


def test_an_analyst_submits_a_reviewer_comments_returns_and_after_resolving_signs_off_every_step_audited(db, team):
    users, situation, saved = team
    users["ana"].submit_for_review(saved.id)
    commented = users["rita"].add_review_comment(saved.id, "indicator", "7.14", "Which broadcasts? Add the source.")
    assert commented.review.open_comments()[0].author == "rita@example.org"
    users["rita"].add_review_comment(saved.id, "dossier", "triggers", "Is the referendum date confirmed?")
    returned = users["rita"].return_assessment(saved.id)
    assert (returned.review.state, returned.review.reviewer, returned.status) == (
        "returned",
        "rita@example.org",
        "draft",
    )
    for item in returned.review.comments:
        users["ana"].resolve_review_comment(saved.id, item.id)
    users["ana"].submit_for_review(saved.id)
    final = users["rita"].sign_off(saved.id)
    assert (final.status, final.review.state, final.review.reviewer, final.review.signed_off_on) == (
        "final",
        "final",
        "rita@example.org",
        final.review.reviewed_at.date(),
    )
    assert db.load_assessment(saved.id) == final
    steps = [(e.action, e.actor) for e in reversed(db.list_audit(action="review."))]
    assert steps == [
        ("review.submit", "ana@example.org"),
        ("review.comment", "rita@example.org"),
        ("review.comment", "rita@example.org"),
        ("review.return", "rita@example.org"),
        ("review.resolve", "ana@example.org"),
        ("review.resolve", "ana@example.org"),
        ("review.submit", "ana@example.org"),
        ("review.sign_off", "rita@example.org"),
    ]
    signed = db.list_audit(action="review.sign_off")[0]
    assert (signed.before["review.state"], signed.after["review.state"], signed.assessment_id) == (
        "in_review",
        "final",
        saved.id,
    )


def test_only_a_reviewer_or_an_admin_signs_off_and_never_the_last_editor(db, team):
    users, situation, saved = team
    users["ana"].submit_for_review(saved.id)
    for name in ("ana", "ben"):
        with pytest.raises(PermissionDenied):
            users[name].sign_off(saved.id)
    edited = users["rita"].save_assessment(
        situation.id, saved.model_copy(update={"key_judgements": "tightened"}), "", saved.revision
    )
    assert (edited.review.last_editor, edited.review.state) == ("rita@example.org", "in_review")
    with pytest.raises(ReviewError) as caught:
        users["rita"].sign_off(saved.id)
    assert caught.value.problems[0].code == "four_eyes"
    with pytest.raises(ReviewError):
        users["rita"].return_assessment(saved.id)
    assert users["adam"].sign_off(saved.id).review.reviewer == "adam@example.org"  # admins review too
    assert [p.code for p in users["rita"].review_blockers(db.load_assessment(saved.id))] == ["four_eyes", "wrong_state"]
    assert users["ben"].review_blockers(db.load_assessment(saved.id))[0].code == "permission_denied"


def test_unresolved_comments_block_final(db, team):
    users, _, saved = team
    users["ana"].submit_for_review(saved.id)
    users["ben"].add_review_comment(saved.id, "risk_factor", "7", "Whole-factor rating missing")
    with pytest.raises(ReviewError) as caught:
        users["rita"].sign_off(saved.id)
    assert caught.value.problems[0].code == "open_comments"
    assert [p.code for p in users["rita"].review_blockers(db.load_assessment(saved.id))] == ["open_comments"]
    assert db.load_assessment(saved.id).status == "draft" and db.list_audit(action="review.sign_off") == []


def test_a_save_asking_for_final_is_a_sign_off_refused_to_analysts_and_to_the_last_editor(db, team):
    users, situation, saved = team
    with pytest.raises(PermissionDenied):
        users["ana"].save_assessment(situation.id, saved.model_copy(update={"status": "final"}), "", saved.revision)
    with pytest.raises(ReviewError) as caught:  # not submitted yet, and rita's save would make her the last editor
        users["rita"].save_assessment(
            situation.id, saved.model_copy(update={"status": "final", "key_judgements": "x"}), "", saved.revision
        )
    assert (
        caught.value.problems[0].code == "not_signed_off"
        and "set the status to draft" in caught.value.problems[0].message
    )
    assert db.latest_revision(saved.id) == saved.revision  # nothing was saved
    users["ana"].submit_for_review(saved.id)
    unchanged = db.load_assessment(saved.id)
    final = users["rita"].save_assessment(
        situation.id, unchanged.model_copy(update={"status": "final"}), "", unchanged.revision
    )
    assert (final.status, final.review.reviewer) == ("final", "rita@example.org")
    assert [e.action for e in db.list_audit()][:2] == ["review.sign_off", "assessment.save"]


def test_single_user_mode_the_local_user_signs_off_by_saving_final_and_open_comments_still_block(db):
    local = db.as_user(LOCAL_USER)
    situation = local.create_situation(Situation(name="Keldar (fictional)"), "Ana")
    saved = local.save_assessment(situation.id, make_assessment({"1.1": 2}), "Ana", None)
    local.add_review_comment(saved.id, "indicator", "1.1", "check", "Ben")
    with pytest.raises(ReviewError):
        local.save_assessment(situation.id, saved.model_copy(update={"status": "final"}), "Ana", saved.revision)
    comment = db.load_assessment(saved.id).review.comments[0]
    local.resolve_review_comment(saved.id, comment.id, "Ana")
    final = local.save_assessment(situation.id, saved.model_copy(update={"status": "final"}), "Ana", saved.revision)
    assert (final.status, final.review.reviewer, final.review.last_editor) == (
        "final",
        "Ana",
        "Ana",
    )  # one person, no four eyes
    assert [e.action for e in db.list_audit()][:2] == ["review.sign_off", "assessment.save"]


def test_a_review_step_never_makes_an_open_edit_stale_nor_does_the_edit_undo_the_step(db, team):
    users, situation, saved = team
    users["ana"].submit_for_review(saved.id)
    users["rita"].add_review_comment(saved.id, "indicator", "7.14", "source?")
    old_copy = saved.model_copy(update={"key_judgements": "typed while the reviewer commented"})  # based on revision 1
    edited = users["ana"].save_assessment(situation.id, old_copy, "", saved.revision)
    assert edited.revision == 4 and edited.key_judgements.startswith("typed")
    assert edited.review.state == "in_review" and len(edited.review.open_comments()) == 1  # the stale copy had none


def test_an_edit_of_a_final_assessment_makes_it_a_draft_that_needs_signing_off_again(db, team):
    users, situation, saved = team
    users["ana"].submit_for_review(saved.id)
    final = users["rita"].sign_off(saved.id)
    selection = users["ana"].save_assessment(
        situation.id,
        final.model_copy(update={"selected_tools": ["arms_embargo"]}),
        "",
        final.revision,
        note="tool selection",
    )  # still saying "final": no sign-off asked
    assert (selection.status, selection.review.last_editor) == ("draft", "ana@example.org")
    users["ana"].submit_for_review(saved.id)
    final = users["rita"].sign_off(saved.id)
    edited = users["ben"].save_assessment(
        situation.id, final.model_copy(update={"status": "draft", "key_judgements": "new facts"}), "", final.revision
    )
    assert (edited.status, edited.review.state, edited.review.last_editor) == ("draft", "draft", "ben@example.org")
    assert edited.review.signed_off_on == final.review.signed_off_on  # when it was last signed off stays known


def test_importing_a_final_assessment_needs_the_reviewer_role_and_keeps_its_record(db, team):
    users, situation, _ = team
    signed = make_assessment(
        {"1.1": 1}, status="final", review=Review(state="final", reviewer="x@elsewhere.org", last_editor="y")
    )
    with pytest.raises(PermissionDenied):
        users["ana"].save_assessment(
            situation.id, signed.model_copy(update={"id": "from-file"}), "", None, action="import"
        )
    stored = users["rita"].save_assessment(
        situation.id, signed.model_copy(update={"id": "from-file"}), "", None, action="import"
    )
    assert stored.review == signed.review and stored.status == "final"


def test_comments_name_a_known_kind_and_text_or_are_refused_in_words(db, team):
    users, _, saved = team
    with pytest.raises(ReviewError) as caught:
        users["rita"].add_review_comment(saved.id, "indicator", "7", "")
    assert {p.where for p in caught.value.problems} >= {"comment.text"}
    with pytest.raises(PermissionDenied):
        db.as_user(db.ensure_user("vera@example.org")).add_review_comment(saved.id, "dossier", "", "a viewer's comment")


def test_the_review_cadence_is_kept_with_the_situation(db, team):
    users, situation, _ = team
    assert situation.review_every_months == 4
    users["ana"].update_situation(situation.model_copy(update={"review_every_months": 6}))
    assert db.get_situation(situation.id).review_every_months == 6
    assert db.list_audit(action="situation.update")[0].after == {"review_every_months": 6}


def test_review_records_travel_in_the_stored_revision_as_json(db, team):
    users, _, saved = team
    users["ana"].submit_for_review(saved.id)
    users["rita"].add_review_comment(saved.id, "dossier", "", "Needs a worst case scenario")
    revisions = db.list_revisions(saved.id)
    assert [r.note for r in revisions[:2]] == ["comment on the dossier", "submitted for review"]
    assert (
        db.load_assessment(saved.id, revisions[1].revision).review.comments == []
    )  # each revision keeps its own record
    assert dt.datetime.now(dt.UTC) > db.load_assessment(saved.id).review.comments[0].at


def test_examples_load_as_drafts_for_who_may_not_sign_off(db, model):
    from r2p_risk.storage.examples import load_examples

    db.set_role("ana@example.org", "analyst", "setup")
    load_examples(db.as_user(db.user("ana@example.org")), model, "", keep_review=False)
    stored = [a for s in db.list_situations() for a in db.list_assessments(s.id)]
    assert len(stored) == 8 and {(a.status, a.review.state) for a in stored} == {("draft", "draft")}
    assert all(
        r.note.endswith("loaded as a draft (signing off needs a reviewer)") for r in db.list_revisions(stored[0].id)
    )


def test_examples_keep_their_fictional_review_records(db, model):
    from r2p_risk.storage.examples import load_examples

    load_examples(db, model, "setup")
    stored = [a for s in db.list_situations() for a in db.list_assessments(s.id)]
    assert sum(a.status == "final" for a in stored) == 7 and [
        a.review.state for a in stored if a.status != "final"
    ] == ["in_review"]
    assert {a.review.reviewer for a in stored if a.status == "final"} == {"Example Reviewer (fictional)"}
    assert [e.action for e in db.list_audit(action="import")] == ["import"] * 8
