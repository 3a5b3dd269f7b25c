"""Several analysts, one picture: independent ratings blind until submitted, the consensus view, reconciling.
Storage tests run on SQLite and PostgreSQL; the consensus and reconciling functions are pure."""

import datetime as dt

import pytest
from helpers import make_assessment

from r2p_risk.access import LOCAL_USER
from r2p_risk.assessment import Situation
from r2p_risk.consensus import (
    analyst_rows,
    build_consensus,
    disagreement_text,
    record_of,
    record_summary,
    spread_of,
    unique_names,
)
from r2p_risk.errors import PermissionDenied, ReviewError, StorageError
from r2p_risk.reconcile import reconcile, upper_median
from r2p_risk.rounds import RatingRound, RoundMember, visible_members

DAY = dt.date(2026, 11, 1)


# --- pure: spreads, who diverges, the briefing's sentence ---------------------------------------------
@pytest.mark.parametrize(
    ("levels", "low", "high", "divergent", "diverging"),
    [
        ({"A": 0, "B": 2, "C": 3}, 0, 3, True, ["A", "C"]),
        ({"A": 1, "B": 1, "C": 1, "D": 3}, 1, 3, True, ["D"]),
        ({"A": 0, "B": 2}, 0, 2, True, ["A", "B"]),
        ({"A": 2, "B": 3}, 2, 3, False, []),
        ({"A": None, "B": 3}, 3, 3, False, []),  # unknown is no level
        ({"A": None, "B": None}, None, None, False, []),
    ],
)
def test_the_spread_of_an_item_says_lowest_highest_how_many_and_who_diverges(levels, low, high, divergent, diverging):
    spread = spread_of("7.14", levels)
    assert (spread.min, spread.max, spread.divergent, spread.diverging) == (low, high, divergent, diverging)
    assert spread.rated == sum(level is not None for level in levels.values())


def test_the_briefing_sentence_names_the_disagreement():
    assert disagreement_text(3, ["7.14", "8.2"]) == "3 analysts; disagreement on 7.14 and 8.2"
    assert disagreement_text(2, ["1.1", "7.14", "8.2"]) == "2 analysts; disagreement on 1.1, 7.14 and 8.2"
    assert disagreement_text(2, []) == "2 analysts; no disagreement of two levels or more"
    assert unique_names(["Ana", "Ben", "Ana"]) == ["Ana", "Ben", "Ana (2)"]


def three_analysts():
    return [
        ("Ana", make_assessment({"7.14": 0, "8.2": 1, "1.1": 2}, whole={7: 1})),
        ("Ben", make_assessment({"7.14": 2, "8.2": 3, "1.1": 2}, whole={7: 3})),
        ("Cai", make_assessment({"7.14": 3, "8.2": 3, "1.1": None})),
    ]


def test_the_consensus_view_puts_each_analysts_scores_and_model_ranges_beside_the_spread(framework, params):
    result = build_consensus(three_analysts(), framework, params)
    assert result.summary == "3 analysts; disagreement on 7.14, 8.2 and risk factor 7 as a whole"
    assert result.divergent == ["7.14", "8.2"] and result.divergent_risk_factors == ["7"]
    assert list(result.indicators) == ["1.1", "7.14", "8.2"] and result.indicators["1.1"].rated == 2
    factor = result.risk_factors["7"]
    assert (
        factor.rated == 3
        and factor.divergent_indicators == ["7.14"]
        and factor.whole.levels == {"Ana": 1, "Ben": 3, "Cai": None}
    )
    for name in ("Ana", "Ben", "Cai"):
        low, high = factor.scores[name].range
        assert low <= factor.scores[name].score <= high  # model 2.0's range beside each analyst's score
    assert factor.min == min(s.score for s in factor.scores.values()) and set(result.scores) == {"Ana", "Ben", "Cai"}
    assert result.scores["Cai"].assessed == 2
    rows = {r["analyst"]: r for r in analyst_rows(result, params)}
    assert rows["Cai"]["indicators_assessed"] == 2 and "could be" in rows["Cai"]["overall"]


def test_the_record_kept_in_the_assessment_says_the_same_as_the_view(framework, params):
    record = record_of(three_analysts(), "round-1")
    assert record.indicators["7.14"] == [0, 2, 3] and record.risk_factors["7"] == [1, 3, None]
    assert record_summary(record) == build_consensus(three_analysts(), framework, params).summary


def test_reconciling_takes_the_cautious_median_the_lowest_confidence_and_keeps_everyones_evidence():
    assert [upper_median(levels) for levels in ([0, 2, 3], [0, 2], [1, 1, 3, 3], [2])] == [2, 2, 3, 2]
    found = RatingRound(
        id="r1",
        situation_id="s",
        assessed_on=DAY,
        lead="Ana",
        opened_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        state="open",
    )
    member = RoundMember(analyst="x", assessment_id="m", joined_at=found.opened_at)
    named = three_analysts()
    named[0] = (
        "Ana",
        named[0][1].model_copy(
            update={
                "ratings": [
                    r.model_copy(update={"evidence": "state TV, 3 broadcasts", "confidence": "low"})
                    if r.indicator == "7.14"
                    else r
                    for r in named[0][1].ratings
                ]
            }
        ),
    )
    made = reconcile(found, [(member, a.model_copy(update={"analyst": n})) for n, a in named], None, "Ana Lead")
    rating = made.rating_for("7.14")
    assert (rating.level, rating.confidence, rating.evidence) == (2, "low", "Ana: state TV, 3 broadcasts")
    assert made.rating_for("1.1").level == 2 and made.factor_rating_for(7).level == 3
    assert (made.assessed_on, made.analyst, made.status) == (DAY, "Ana Lead", "draft")
    assert record_summary(made.consensus) == "3 analysts; disagreement on 7.14, 8.2 and risk factor 7 as a whole"


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("ana", ["ana", "ben"]),  # submitted: sees the other submitted one
        ("cai", ["cai"]),  # still rating: only their own
        ("lead", ["ana", "ben"]),  # not rating: the submitted ones
    ],
)
def test_blind_until_submitted(viewer, expected):
    opened = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    found = RatingRound(
        id="r",
        situation_id="s",
        assessed_on=DAY,
        lead="lead",
        opened_at=opened,
        state="open",
        members=(
            RoundMember(analyst="ana", assessment_id="a", joined_at=opened, submitted_at=opened),
            RoundMember(analyst="ben", assessment_id="b", joined_at=opened, submitted_at=opened),
            RoundMember(analyst="cai", assessment_id="c", joined_at=opened),
        ),
    )
    assert [m.analyst for m in visible_members(found, viewer)] == expected


# --- in the database, as signed-in users -------------------------------------------------------------
@pytest.fixture
def team(db):
    for identity in ("ana@example.org", "ben@example.org", "lead@example.org"):
        db.set_role(identity, "analyst", "setup")
    users = {name: db.as_user(db.user(f"{name}@example.org")) for name in ("ana", "ben", "lead")}
    situation = users["lead"].create_situation(Situation(name="Upper Keldar (fictional)"))
    return users, situation


def rate(user, situation_id, round_id, levels):
    mine = user.join_round(round_id)
    return user.save_assessment(
        situation_id, mine.model_copy(update={"ratings": make_assessment(levels).ratings}), "", mine.revision
    )


def test_two_analysts_rate_blind_then_see_each_other_then_the_lead_reconciles(db, team, framework, params):
    users, situation = team
    found = users["lead"].open_round(situation.id, DAY)
    ana = rate(users["ana"], situation.id, found.id, {"7.14": 0, "1.1": 3})
    ben = rate(users["ben"], situation.id, found.id, {"7.14": 3, "1.1": 3})
    with pytest.raises(StorageError):  # hidden: answered as if it did not exist
        users["ben"].load_assessment(ana.id)
    assert users["lead"].round_ratings(found.id) == []  # nothing submitted yet
    users["ana"].submit_rating(found.id)
    assert [m.analyst for m, _ in users["ben"].round_ratings(found.id)] == [
        "ben@example.org"
    ]  # blind until ben submits
    with pytest.raises(StorageError):
        users["ben"].load_assessment(ana.id)
    users["ben"].submit_rating(found.id)
    seen = users["ana"].round_ratings(found.id)
    assert [a.id for _, a in seen] == [ana.id, ben.id] and users["ben"].load_assessment(ana.id) == ana
    assert (
        users["lead"].list_assessments(situation.id) == []
        and db.situation_overviews(model_of(framework, params))[0].assessments == []
    )
    with pytest.raises(ReviewError):  # frozen once submitted
        users["ana"].save_assessment(situation.id, ana.model_copy(update={"key_judgements": "late"}), "", ana.revision)
    with pytest.raises(PermissionDenied):
        users["ana"].reconcile_round(found.id, lambda r, s, latest: reconcile(r, s, latest))
    made = users["lead"].reconcile_round(found.id, lambda r, s, latest: reconcile(r, s, latest, "Lee Lead"))
    assert [a.id for a in users["ana"].list_assessments(situation.id)] == [made.id]
    assert made.rating_for("7.14").level == 3 and record_summary(made.consensus) == "2 analysts; disagreement on 7.14"
    assert (made.review.state, made.review.last_editor) == ("draft", "lead@example.org")
    assert users["lead"].get_round(found.id).state == "reconciled"
    assert [e.action for e in reversed(db.list_audit(action="round."))] == [
        "round.open",
        "round.join",
        "round.join",
        "round.submit",
        "round.submit",
        "round.reconcile",
    ]


def test_only_its_analyst_changes_an_independent_rating_and_it_is_never_final_or_reviewed(db, team):
    users, situation = team
    found = users["lead"].open_round(situation.id, DAY)
    mine = users["ana"].join_round(found.id)
    assert users["ana"].join_round(found.id) == mine  # joining again continues
    with pytest.raises(ReviewError):
        db.save_assessment(situation.id, mine, "ben@example.org", mine.revision)
    with pytest.raises(ReviewError):
        users["ana"].save_assessment(situation.id, mine.model_copy(update={"status": "final"}), "", mine.revision)
    with pytest.raises(ReviewError):
        users["ana"].submit_for_review(mine.id)


def test_reconciling_needs_two_submitted_ratings_and_an_open_round(db, team):
    users, situation = team
    found = users["lead"].open_round(situation.id, DAY)
    rate(users["ana"], situation.id, found.id, {"1.1": 1})
    users["ana"].submit_rating(found.id)
    with pytest.raises(ReviewError) as caught:
        users["lead"].reconcile_round(found.id, lambda r, s, latest: reconcile(r, s, latest))
    assert caught.value.problems[0].code == "too_few_ratings"


def test_purging_a_situation_removes_its_rounds(db, team):
    users, situation = team
    found = users["lead"].open_round(situation.id, DAY)
    users["ana"].join_round(found.id)
    db.delete_situation(situation.id, "x")
    db.purge_situation(situation.id, "x")
    with pytest.raises(StorageError):
        db.get_round(found.id)


def test_single_user_mode_keeps_ratings_apart_by_the_name_typed(db):
    local = db.as_user(LOCAL_USER)
    situation = local.create_situation(Situation(name="Keldar (fictional)"), "Ana")
    found = local.open_round(situation.id, DAY, "Ana")
    rate_as = {name: local.join_round(found.id, name) for name in ("Ana", "Ben")}
    local.submit_rating(found.id, "Ana")
    assert [m.analyst for m, _ in local.round_ratings(found.id, "Ben")] == ["Ben"]
    assert [m.analyst for m, _ in local.round_ratings(found.id, "Ana")] == ["Ana"]  # Ben has not submitted
    assert rate_as["Ana"].analyst == "Ana"


def model_of(framework, params):
    from r2p_risk.storage.files import Model

    return Model(framework=framework, params=params)
