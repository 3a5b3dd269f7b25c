"""The review rules, as pure functions on the review record: draft -> in review -> final, or returned with comments.

- A save keeps the stored review record; an edit of what was assessed records its editor
  (`last_editor`) and makes a final assessment a draft again (its last sign-off date is kept).
- Submitting takes a draft (or a returned assessment) into review; a reviewer returns it, which
  needs at least one open comment saying what to change, or signs it off, which needs none open.
- Four eyes: in a team, nobody reviews what they edited last (`check_four_eyes`). Who may review at
  all is a matter of roles (`access.py`), checked by `Database.as_user`.
`status` follows the review: "final" exactly when the review state is final.
"""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

from r2p_risk.assessment import Assessment
from r2p_risk.errors import Problem, ReviewError
from r2p_risk.review import Review, ReviewComment

NOT_CONTENT = {"id", "revision", "status", "review", "consensus"}


def content_of(assessment: Assessment) -> dict:
    """What was assessed: everything but the ids, the status and the review record."""
    return assessment.model_dump(mode="json", exclude=NOT_CONTENT)


def status_of(review: Review) -> str:
    return "final" if review.state == "final" else "draft"


def _words(state: str) -> str:
    return state.replace("_", " ")


def _refuse(code: str, where: str, message: str, summary: str) -> NoReturn:
    raise ReviewError([Problem(code, where, message)], summary)


def prepare_save(stored: Assessment | None, incoming: Assessment, actor: str) -> Assessment:
    """The revision a save stores: the stored review record (a new assessment starts a fresh one), the editor recorded.

    An edit of a final assessment makes it a draft again. The status of the incoming copy is no
    command (it may be stale): asking for "final" is a sign-off, done by `sign_off` after this.
    """
    review = stored.review if stored is not None else Review()
    if stored is None or content_of(stored) != content_of(incoming):
        review = review.model_copy(
            update={"last_editor": actor, "state": "draft" if review.state == "final" else review.state}
        )
    consensus = stored.consensus if stored is not None else None
    return incoming.model_copy(update={"review": review, "consensus": consensus, "status": status_of(review)})


def prepare_import(incoming: Assessment) -> Assessment:
    """An imported revision keeps the review record of its file as it is (so importing it again changes nothing)."""
    return incoming.model_copy(update={"status": status_of(incoming.review)})


def wants_sign_off(stored: Assessment | None, prepared: Assessment, incoming: Assessment) -> bool:
    """The save asks for "final" where the stored revision is not final: a sign-off is asked for.

    An edit of a final assessment that still says "final" (a copy opened before the edit) asks for
    nothing: it becomes a draft, as every edit of a final assessment does.
    """
    return (
        incoming.status == "final" and prepared.review.state != "final" and (stored is None or stored.status != "final")
    )


def check_four_eyes(review: Review, actor: str) -> None:
    if review.last_editor is not None and review.last_editor == actor:
        _refuse(
            "four_eyes",
            "review",
            f"{actor} edited this assessment last; in a team, another reviewer signs it off or returns it (four eyes)",
            "you cannot review your own edit",
        )


def submit(review: Review, actor: str) -> Review:
    if review.state not in ("draft", "returned"):
        _refuse(
            "wrong_state",
            "review.state",
            f"only a draft or a returned assessment can be submitted; this one is {_words(review.state)}",
            "not submitted",
        )
    return review.model_copy(update={"state": "in_review", "submitted_by": actor})


def return_with_comments(review: Review, actor: str, now: dt.datetime) -> Review:
    if review.state != "in_review":
        _refuse(
            "wrong_state",
            "review.state",
            f"only an assessment in review can be returned; this one is {_words(review.state)}",
            "not returned",
        )
    if not review.open_comments():
        _refuse(
            "no_comments",
            "review.comments",
            "add at least one comment saying what needs changing before returning it",
            "not returned",
        )
    return review.model_copy(update={"state": "returned", "reviewer": actor, "reviewed_at": now})


def sign_off(review: Review, actor: str, now: dt.datetime, *, from_draft: bool = False) -> Review:
    """Final. From review only, unless `from_draft` (single-user mode, where the one user writes and signs off)."""
    allowed = ("in_review", "draft", "returned") if from_draft else ("in_review",)
    if review.state not in allowed:
        _refuse(
            "wrong_state",
            "review.state",
            f"only an assessment in review can be signed off; this one is "
            f"{_words(review.state)}: submit it for review first",
            "not signed off",
        )
    open_comments = review.open_comments()
    if open_comments:
        _refuse(
            "open_comments",
            "review.comments",
            f"{len(open_comments)} comment(s) are not resolved yet; resolve them "
            "(or return the assessment) before signing it off",
            "not signed off",
        )
    return review.model_copy(
        update={"state": "final", "reviewer": actor, "reviewed_at": now, "signed_off_on": now.date()}
    )


def add_comment(review: Review, comment: ReviewComment) -> Review:
    if review.comment(comment.id) is not None:
        _refuse(
            "duplicate_comment",
            "review.comments",
            f"a comment with id {comment.id} exists already",
            "comment not added",
        )
    return review.model_copy(update={"comments": [*review.comments, comment]})


def resolve_comment(review: Review, comment_id: str, actor: str, now: dt.datetime) -> Review:
    comment = review.comment(comment_id)
    if comment is None:
        _refuse("unknown_comment", "review.comments", f"there is no comment {comment_id}", "not resolved")
    if comment.resolved:
        _refuse(
            "already_resolved",
            "review.comments",
            f"{comment.resolved_by} resolved this comment already",
            "not resolved",
        )
    resolved = comment.model_copy(update={"resolved": True, "resolved_by": actor, "resolved_at": now})
    return review.model_copy(update={"comments": [resolved if c.id == comment_id else c for c in review.comments]})
