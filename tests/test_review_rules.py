"""The review rules as pure functions: draft -> in review -> final, or returned with comments; four eyes; saves
keep the record."""

import datetime as dt

import pytest
from helpers import make_assessment

from r2p_risk import review_rules
from r2p_risk.errors import ReviewError
from r2p_risk.review import Review, ReviewComment

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def comment(comment_id="c1", resolved=False, on="indicator", target="7.14") -> ReviewComment:
    done = {"resolved": True, "resolved_by": "ana", "resolved_at": NOW} if resolved else {}
    return ReviewComment(id=comment_id, on=on, target=target, text="Why level 3?", author="rev", at=NOW, **done)


@pytest.mark.parametrize(
    ("state", "step", "expected"),
    [
        ("draft", "submit", "in_review"),
        ("returned", "submit", "in_review"),
        ("in_review", "sign_off", "final"),
        ("in_review", "return", "returned"),
    ],
)
def test_each_allowed_step_moves_the_state(state, step, expected):
    review = Review(state=state, comments=[comment()] if step == "return" else [])
    moved = {
        "submit": lambda: review_rules.submit(review, "ana"),
        "sign_off": lambda: review_rules.sign_off(review, "rev", NOW),
        "return": lambda: review_rules.return_with_comments(review, "rev", NOW),
    }[step]()
    assert moved.state == expected


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ("in_review", "submit"),
        ("final", "submit"),
        ("draft", "sign_off"),
        ("returned", "sign_off"),
        ("final", "sign_off"),
        ("draft", "return"),
        ("final", "return"),
    ],
)
def test_a_step_from_the_wrong_state_is_refused_in_words(state, step):
    review = Review(state=state, comments=[comment()])
    with pytest.raises(ReviewError) as caught:
        {
            "submit": lambda: review_rules.submit(review, "ana"),
            "sign_off": lambda: review_rules.sign_off(review.model_copy(update={"comments": []}), "rev", NOW),
            "return": lambda: review_rules.return_with_comments(review, "rev", NOW),
        }[step]()
    assert (
        caught.value.problems[0].code == "wrong_state" and state.replace("_", " ") in caught.value.problems[0].message
    )


def test_unresolved_comments_block_final_and_resolved_ones_do_not():
    review = Review(state="in_review", comments=[comment("c1"), comment("c2", resolved=True)])
    with pytest.raises(ReviewError) as caught:
        review_rules.sign_off(review, "rev", NOW)
    assert caught.value.problems[0].code == "open_comments" and "1 comment" in caught.value.problems[0].message
    resolved = review_rules.resolve_comment(review, "c1", "ana", NOW)
    signed = review_rules.sign_off(resolved, "rev", NOW)
    assert (signed.state, signed.reviewer, signed.signed_off_on) == ("final", "rev", NOW.date())
    with pytest.raises(ReviewError):
        review_rules.resolve_comment(resolved, "c1", "ana", NOW)  # resolved already


def test_returning_needs_an_open_comment_saying_what_to_change():
    with pytest.raises(ReviewError) as caught:
        review_rules.return_with_comments(Review(state="in_review", comments=[comment(resolved=True)]), "rev", NOW)
    assert caught.value.problems[0].code == "no_comments"


def test_four_eyes_refuses_the_last_editor_and_nobody_else():
    review = Review(state="in_review", last_editor="ana@example.org")
    with pytest.raises(ReviewError) as caught:
        review_rules.check_four_eyes(review, "ana@example.org")
    assert caught.value.problems[0].code == "four_eyes"
    review_rules.check_four_eyes(review, "rev@example.org")


def test_single_user_mode_signs_off_from_a_draft_and_a_team_only_from_review():
    assert review_rules.sign_off(Review(), "Local user", NOW, from_draft=True).state == "final"
    with pytest.raises(ReviewError):
        review_rules.sign_off(Review(), "rev", NOW)


def test_a_save_keeps_the_stored_record_records_the_editor_and_a_changed_final_becomes_a_draft():
    stored = make_assessment(
        {"1.1": 2},
        id="a",
        revision=3,
        status="final",
        review=Review(
            state="final",
            reviewer="rev",
            signed_off_on=dt.date(2026, 10, 1),
            last_editor="ana",
            comments=[comment(resolved=True)],
        ),
    )
    stale_copy = stored.model_copy(update={"review": Review(), "key_judgements": "more"})  # an edit from an old copy
    saved = review_rules.prepare_save(stored, stale_copy, "ben")
    assert (saved.review.state, saved.status, saved.review.last_editor) == ("draft", "draft", "ben")
    assert saved.review.comments == stored.review.comments and saved.review.signed_off_on == dt.date(2026, 10, 1)
    unchanged = review_rules.prepare_save(stored, stored.model_copy(update={"status": "draft"}), "ben")
    assert (unchanged.review, unchanged.status) == (stored.review, "final")  # a stale status is no command


def test_a_new_assessment_starts_a_fresh_record_whatever_the_copy_it_came_from_says():
    copied = make_assessment({"1.1": 2}, review=Review(state="final", reviewer="someone"), status="final")
    saved = review_rules.prepare_save(None, copied, "ana")
    assert (saved.review.state, saved.review.reviewer, saved.review.last_editor, saved.consensus) == (
        "draft",
        None,
        "ana",
        None,
    )
    assert review_rules.wants_sign_off(None, saved, copied)  # "final" asked: only a sign-off can give it


def test_an_edit_of_a_final_assessment_still_saying_final_asks_for_no_sign_off():
    stored = make_assessment(
        {"1.1": 2}, id="a", revision=2, status="final", review=Review(state="final", reviewer="rev")
    )
    edited = stored.model_copy(
        update={"selected_tools": ["arms_embargo"]}
    )  # e.g. the tool selection saved on a final one
    prepared = review_rules.prepare_save(stored, edited, "ana")
    assert (prepared.status, prepared.review.state) == ("draft", "draft") and not review_rules.wants_sign_off(
        stored, prepared, edited
    )


def test_an_import_keeps_the_record_of_its_file():
    imported = make_assessment(
        {"1.1": 2}, status="draft", review=Review(state="final", reviewer="rev", last_editor="ana")
    )
    assert (
        review_rules.prepare_import(imported).review == imported.review
        and review_rules.prepare_import(imported).status == "final"
    )


@pytest.mark.parametrize(
    ("on", "target", "ok"),
    [
        ("indicator", "7.14", True),
        ("indicator", "7", False),
        ("risk_factor", "7", True),
        ("risk_factor", "7.1", False),
        ("dossier", "", True),
        ("dossier", "triggers", True),
        ("dossier", "elsewhere", False),
    ],
)
def test_a_comment_target_must_fit_what_it_is_on(on, target, ok):
    if ok:
        assert comment(on=on, target=target).target == target
    else:
        with pytest.raises(ValueError, match="target"):
            comment(on=on, target=target)
