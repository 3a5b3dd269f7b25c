"""The dossier: its vocabulary, editing it item by item, seeding it from model 2.0 and the chosen tools, and
what the watch list shows of it (next trigger, triggers to update, review due)."""

import datetime as dt

import pytest
import yaml
from helpers import EXAMPLES, FRAMEWORKS, make_assessment

from r2p_risk import dossier_editing
from r2p_risk.dossier_vocabulary import LISTS, parse_dossier_vocabulary
from r2p_risk.errors import FrameworkError, SnapshotError
from r2p_risk.overview import overviews_from_histories
from r2p_risk.review import Review
from r2p_risk.schedule import (
    TriggerMark,
    add_months,
    next_trigger_text,
    review_due,
    to_update,
    triggers_across,
    upcoming,
)
from r2p_risk.scoring import score_assessment
from r2p_risk.storage.database import SituationHistory
from r2p_risk.storage.files import read_snapshot_file
from r2p_risk.watchlist import build_watch_list, watch_list_frame

TODAY = dt.date(2026, 12, 7)


def test_the_shipped_vocabulary_labels_every_id_the_models_know():
    vocabulary = parse_dossier_vocabulary(yaml.safe_load((FRAMEWORKS / "dossier.yaml").read_text(encoding="utf-8")))
    for kind, ids in LISTS.items():
        assert set(vocabulary.labels(kind)) == set(ids)
    assert vocabulary.label("review_states", "in_review") == "In review"
    assert all(t.borrowed_from == "R2P Monitor" for t in vocabulary.narrative_sections)


def test_a_vocabulary_missing_an_id_or_naming_an_unknown_one_is_refused_with_every_problem():
    data = yaml.safe_load((FRAMEWORKS / "dossier.yaml").read_text(encoding="utf-8"))
    data["identities"] = data["identities"][1:]
    data["review_states"].append({"id": "archived", "label": "Archived", "description": "gone"})
    with pytest.raises(FrameworkError) as caught:
        parse_dossier_vocabulary(data)
    assert [p.where for p in caught.value.problems] == ["dossier.yaml > identities", "dossier.yaml > review_states"]


def test_items_are_added_validated_and_removed_one_at_a_time():
    assessment = make_assessment({"1.1": 2})
    added = dossier_editing.add_item(
        assessment,
        "populations_at_risk",
        {
            "name": " Seltani of the river valleys ",
            "identity": "religious",
            "where": "",
            "size": "about 40,000",
            "indicators": ["9.1", "7.14"],
            "notes": "",
        },
    )
    population = added.dossier.populations_at_risk[0]
    assert (population.name, population.where, population.size, population.indicators) == (
        "Seltani of the river valleys",
        None,
        "about 40,000",
        ["9.1", "7.14"],
    )
    with pytest.raises(SnapshotError) as caught:
        dossier_editing.add_item(added, "triggers", {"date": TODAY, "title": " ", "indicators": ["8.8"]})
    assert caught.value.problems[0].where == "dossier.triggers[0].title"
    with_trigger = dossier_editing.add_item(
        added, "triggers", {"date": TODAY, "title": "Census", "indicators": ["8.8"]}
    )
    updated = dossier_editing.set_trigger_outcome(with_trigger, 0, "Held peacefully")
    assert updated.dossier.triggers[0].outcome == "Held peacefully"
    assert dossier_editing.remove_item(updated, "populations_at_risk", 0).dossier.populations_at_risk == []
    assert assessment.dossier.is_empty()  # the assessment given never changes


def test_scenarios_and_narrative_are_set_and_an_empty_scenario_removed():
    assessment = dossier_editing.set_scenario(make_assessment(), "worst_case", "Mass expulsions")
    assessment = dossier_editing.set_scenario(assessment, "most_likely", "Arrests of leaders")
    assert [s.kind for s in assessment.dossier.scenarios] == ["most_likely", "worst_case"]
    assert dossier_editing.set_scenario(assessment, "worst_case", "  ").dossier.scenario("worst_case") == ""
    assert (
        dossier_editing.set_narrative(assessment, "background", "Since 1996").dossier.narrative.background
        == "Since 1996"
    )


def test_developments_are_seeded_from_what_to_assess_next_without_repeating_an_indicator(model):
    assessment = make_assessment({"1.1": 3, "7.14": 2})
    profile = score_assessment(assessment, model.framework, model.params)
    seeded = dossier_editing.seed_developments(assessment, profile)
    first = profile.assess_next[0]
    assert [d.indicators for d in seeded.dossier.developments_to_monitor] == [
        [i.indicator] for i in profile.assess_next[:5]
    ]
    assert first.indicator in seeded.dossier.developments_to_monitor[0].text
    again = dossier_editing.seed_developments(seeded, profile)
    assert again.dossier.developments_to_monitor == seeded.dossier.developments_to_monitor


def test_necessary_action_is_seeded_from_the_chosen_tools(model):
    from r2p_risk.storage.files import load_catalogue

    catalogue = load_catalogue(FRAMEWORKS, model.framework)
    chosen = [tool.id for tool in catalogue.tools[:2]]
    text = dossier_editing.necessary_action_from(make_assessment(selected_tools=chosen), catalogue)
    assert text.splitlines() == [f"- {t.name}: {t.description}" for t in catalogue.tools[:2]]
    assert dossier_editing.necessary_action_from(make_assessment(), catalogue) == ""


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 3), 4, dt.date(2027, 3, 3)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 8, 15), 36, dt.date(2029, 8, 15)),
    ],
)
def test_months_are_added_as_calendars_do(day, months, expected):
    assert add_months(day, months) == expected


def test_the_next_trigger_and_those_past_their_date_without_an_update():
    marks = [
        TriggerMark(date=dt.date(2026, 12, 19), title="Referendum"),
        TriggerMark(date=dt.date(2027, 2, 3), title="Anniversary"),
        TriggerMark(date=dt.date(2026, 11, 20), title="Ruling"),
        TriggerMark(date=dt.date(2026, 10, 1), title="Withdrawal", updated=True),
    ]
    assert next_trigger_text(marks, TODAY) == "in 12 days: Referendum; 1 past trigger to update"
    assert [m.title for m in upcoming(marks, TODAY, days=30)] == ["Referendum"]
    assert [m.title for m in to_update(marks, TODAY)] == ["Ruling"]
    assert next_trigger_text([], TODAY) == ""


@pytest.mark.parametrize(
    ("signed", "months", "due", "text"),
    [
        (None, 4, True, "not signed off yet"),
        (dt.date(2026, 8, 7), 4, True, "due since 2026-12-07"),
        (dt.date(2026, 11, 3), 4, False, "due in 86 days (2027-03-03)"),
        (dt.date(2026, 11, 3), 1, True, "due since 2026-12-03"),
    ],
)
def test_the_review_is_due_its_cadence_after_the_last_sign_off(signed, months, due, text):
    found = review_due(signed, months, TODAY)
    assert (found.due, found.text) == (due, text)


def example_histories(model):
    snapshots = [read_snapshot_file(path, model) for path in sorted(EXAMPLES.glob("*.json"))]
    by_name = {}
    for snapshot in snapshots:
        situation = snapshot.situation.model_copy(update={"id": snapshot.situation.name[:20]})
        by_name.setdefault(situation.name, (situation, []))[1].append(snapshot.assessment)
    return [SituationHistory(situation, assessments) for situation, assessments in by_name.values()]


def test_the_watch_list_shows_the_next_trigger_and_whether_the_review_is_due(model):
    overviews = overviews_from_histories(example_histories(model), model)
    rows = {r.situation: r for r in build_watch_list(overviews, model, {}, today=TODAY)}
    orlavia = rows["Kessan Highlands, Federation of Orlavia (fictional)"]
    assert orlavia.next_trigger == "in 5 days: Constitutional referendum" and not orlavia.review_due
    assert orlavia.review == "due in 87 days (2027-03-04)"  # signed off on 2026-11-04, every 4 months
    varesia = rows["Coastal Republic of Varesia (fictional)"]
    assert varesia.next_trigger == "in 97 days: Municipal elections"  # the past ruling was updated
    tamaris = rows["Northern Tamaris (fictional)"]  # latest in review; the one before signed off on 2026-08-28
    assert tamaris.review == "due in 21 days (2026-12-28)"
    assert rows == {r.situation: r for r in build_watch_list(overviews, model, {}, today=TODAY)}
    late = {r.situation: r for r in build_watch_list(overviews, model, {}, today=dt.date(2027, 4, 1))}
    assert late["Kessan Highlands, Federation of Orlavia (fictional)"].review_due
    assert "2 past triggers to update" in late["Kessan Highlands, Federation of Orlavia (fictional)"].next_trigger
    frame = watch_list_frame(list(late.values()))
    assert frame["review"].str.startswith("⚠ due since").all()
    assert {(r.next_trigger, r.review) for r in build_watch_list(overviews, model, {})} == {
        ("", "")
    }  # no date, no schedule


def test_triggers_across_situations_ahead_then_those_to_update(model):
    histories = example_histories(model)
    rows = triggers_across(histories, TODAY, 30)
    assert [(r.title, r.when, r.to_update) for r in rows] == [
        ("Constitutional referendum", "in 5 days", False),
        ("Deadline of the ceasefire talks", "in 13 days", False),
    ]
    rows = triggers_across(histories, dt.date(2027, 1, 10), 10)
    assert [(r.title, r.to_update) for r in rows] == [
        ("End of the rainy season: roads to the north reopen", False),
        ("Constitutional referendum", True),
        ("Deadline of the ceasefire talks", True),
    ]


def test_the_review_and_dossier_facts_of_a_summary_come_from_the_revision(model):
    assessment = make_assessment(
        {"1.1": 1}, review=Review(state="final", signed_off_on=dt.date(2026, 9, 1)), status="final"
    )
    assessment = dossier_editing.add_item(
        assessment, "triggers", {"date": dt.date(2027, 1, 1), "title": "Vote", "outcome": ""}
    )
    summary = (
        overviews_from_histories([SituationHistory(situation_of(), [assessment])], model)[0].assessments[0].summary
    )
    assert (summary.review_state, summary.signed_off_on, summary.triggers) == (
        "final",
        dt.date(2026, 9, 1),
        [TriggerMark(date=dt.date(2027, 1, 1), title="Vote", updated=False)],
    )


def situation_of():
    from r2p_risk.assessment import Situation

    return Situation(name="Keldar (fictional)")
