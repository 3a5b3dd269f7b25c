"""Snapshots: exact round trips, every problem reported, older versions upgraded, the schema in the repo."""

import datetime as dt
import json

import pytest
from helpers import EXAMPLES, FRAMEWORKS, make_assessment

from r2p_risk.assessment import Situation
from r2p_risk.errors import SnapshotError
from r2p_risk.snapshot import Snapshot, blank_snapshot, build_snapshot, dump_snapshot, load_snapshot_text, read_snapshot
from r2p_risk.upgrades import SNAPSHOT_SCHEMA_VERSION, upgrade

SCHEMA_FILE = FRAMEWORKS.parent / "schemas" / "snapshot.schema.json"
EXAMPLE = EXAMPLES / "orlavia-kessan-imminent-risk.json"


def without_export_time(text: str) -> dict:
    data = json.loads(text)
    data.pop("exported_at")
    return data


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_snapshot_to_assessment_to_snapshot_is_exact(model, path):
    original = path.read_text(encoding="utf-8")
    snapshot = load_snapshot_text(original, model.framework, model.params)
    again = build_snapshot(
        snapshot.situation, snapshot.assessment, model.framework, model.params, dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    )
    assert without_export_time(dump_snapshot(again)) == without_export_time(original)
    assert dump_snapshot(again).replace("2030-01-01T00:00:00Z", json.loads(original)["exported_at"]) == original


def test_the_profile_in_a_file_is_recomputed_not_trusted(model):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["profile"]["status"]["label"] = "monitoring"
    data["profile"]["overall"]["score"] = 0.1
    snapshot = read_snapshot(data, model.framework, model.params)
    assert snapshot.profile["status"]["label"] == "imminent_risk"
    assert snapshot.profile["overall"]["score"] > 5


def test_every_problem_is_listed_with_its_place(model):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["assessment"]["ratings"][0]["level"] = 7
    data["assessment"]["ratings"][1]["indicator"] = "99.1"
    data["assessment"]["ratings"][2]["indicator"] = data["assessment"]["ratings"][3]["indicator"]
    data["assessment"]["ratings"][4]["confidence"] = "certain"
    data["situation"]["country"] = "XYZ"
    data["assessment"]["assessed_on"] = "yesterday"
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(data, model.framework, model.params)
    places = {p.where for p in caught.value.problems}
    assert places == {
        "assessment.ratings[0].level",
        "assessment.ratings[1].indicator",
        "assessment.ratings[3].indicator",
        "assessment.ratings[4].confidence",
        "situation.country",
        "assessment.assessed_on",
    }
    assert any('"XYZ" is not an ISO 3166-1 alpha-3' in p.message for p in caught.value.problems)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (b'{"format": ', "invalid_json"),
        (b"\xff\xfe{}", "invalid_utf8"),
        (b"[1, 2]", "not_an_object"),
        (b'{"format": "something-else"}', "wrong_format"),
        (b'{"format": "r2p-risk-snapshot", "schema_version": 99}', "future_schema_version"),
        (b'{"format": "r2p-risk-snapshot", "schema_version": 0}', "unknown_schema_version"),
        (b'{"format": "r2p-risk-snapshot", "schema_version": "1"}', "missing_schema_version"),
        (b'{"format": "r2p-risk-snapshot", "schema_version": 1, "x": NaN}', "invalid_json"),
        (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
    ],
)
def test_broken_files_get_a_clear_problem(model, text, code):
    with pytest.raises(SnapshotError) as caught:
        load_snapshot_text(text, model.framework, model.params)
    assert [p.code for p in caught.value.problems] == [code]


def test_country_codes_are_checked_against_iso_3166():
    assert Situation(name="Sudan", country="SDN", area="Darfur").country == "SDN"
    with pytest.raises(ValueError, match="XYZ"):
        Situation(name="Nowhere", country="XYZ")


def test_template_lists_every_indicator_and_factor_unrated(model):
    snapshot = blank_snapshot(model.framework, model.params, "New", "SDN", dt.date(2026, 1, 1))
    assert [r.indicator for r in snapshot.assessment.ratings] == model.framework.indicator_ids
    assert all(r.level is None for r in snapshot.assessment.ratings)
    assert len(snapshot.assessment.risk_factor_ratings) == 14
    assert read_snapshot(json.loads(dump_snapshot(snapshot)), model.framework, model.params) == snapshot


def test_upgrade_applies_each_step_in_turn_and_leaves_the_input_alone():
    steps = {
        1: lambda d: d | {"added_in_2": True},
        2: lambda d: {k: v for k, v in d.items() if k != "old"} | {"renamed": d["old"]},
    }
    old = {"schema_version": 1, "old": "value"}
    upgraded = upgrade(old, 3, steps)
    assert upgraded == {"schema_version": 3, "added_in_2": True, "renamed": "value"}
    assert old == {"schema_version": 1, "old": "value"}
    assert upgrade({"schema_version": 3, "x": 1}, 3, steps) == {"schema_version": 3, "x": 1}


def test_minimal_hand_written_snapshot_is_read_with_defaults(model):
    minimal = {
        "format": "r2p-risk-snapshot",
        "schema_version": 1,
        "framework": {"id": "un_framework_of_analysis", "edition": "2014"},
        "scoring": {"id": "r2p_risk_scoring", "version": "1.0.0"},
        "situation": {"name": "Hand-made"},
        "assessment": {"assessed_on": "2026-02-01", "analyst": "A", "ratings": [{"indicator": "7.14", "level": 2}]},
    }
    snapshot = read_snapshot(minimal, model.framework, model.params)
    assert snapshot.assessment.ratings[0].confidence is None
    assert snapshot.profile["risk_factors"]["7"]["score"] == 6.7


def test_json_schema_in_the_repo_is_the_one_generated_from_the_models():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == Snapshot.model_json_schema()


def test_round_trip_of_a_generated_assessment_keeps_unicode(model):
    assessment = make_assessment({"1.1": 2}).model_copy(update={"key_judgements": "Grubačić · Acción Solidaria · محمد"})
    snapshot = build_snapshot(Situation(name="Łódź (fictional)"), assessment, model.framework, model.params, None)
    again = load_snapshot_text(dump_snapshot(snapshot).encode("utf-8"), model.framework, model.params)
    assert again.assessment == assessment and again.situation.name == "Łódź (fictional)"


def test_a_version_1_snapshot_upgrades_on_read_with_no_findings(model):
    """Snapshots written before scoring model 2.0 (schema 1, with a model 1.0 profile) still read, and are scored
    anew."""
    old = FRAMEWORKS.parent / "tests" / "fixtures" / "snapshot-v1-varesia.json"
    raw = json.loads(old.read_text(encoding="utf-8"))
    assert raw["schema_version"] == 1 and "atrocity_findings" not in raw["assessment"]
    snapshot = load_snapshot_text(old.read_bytes(), model.framework, model.params)
    assert snapshot.schema_version == SNAPSHOT_SCHEMA_VERSION and snapshot.assessment.atrocity_findings == []
    assert snapshot.profile["versions"]["scoring_version"] == "2.0.0" and "range" in snapshot.profile["overall"]
    assert json.loads(dump_snapshot(snapshot))["schema_version"] == SNAPSHOT_SCHEMA_VERSION, (
        "written in the current version"
    )


def test_a_version_2_snapshot_upgrades_with_an_empty_dossier_and_a_review_that_follows_its_status(model):
    """Snapshots written before issue 18 (schema 2) read with an empty dossier; final ones as signed off, others as
    drafts."""
    old = FRAMEWORKS.parent / "tests" / "fixtures" / "snapshot-v2-orlavia.json"
    raw = json.loads(old.read_text(encoding="utf-8"))
    assert raw["schema_version"] == 2 and "dossier" not in raw["assessment"] and raw["assessment"]["status"] == "final"
    snapshot = load_snapshot_text(old.read_bytes(), model.framework, model.params)
    assert snapshot.assessment.dossier.is_empty() and snapshot.assessment.consensus is None
    assert (snapshot.assessment.review.state, snapshot.assessment.review.comments) == ("final", [])
    assert snapshot.situation.review_every_months == 4
    written = json.loads(dump_snapshot(snapshot))
    assert written["schema_version"] == SNAPSHOT_SCHEMA_VERSION and written["assessment"]["dossier"]["triggers"] == []
    raw["assessment"]["status"] = "draft"
    assert read_snapshot(raw, model.framework, model.params).assessment.review.state == "draft"


def test_a_final_status_without_a_signed_off_review_is_refused_in_words(model):
    data = json.loads((EXAMPLES / "orlavia-kessan-imminent-risk.json").read_text(encoding="utf-8"))
    data["assessment"]["review"]["state"] = "in_review"
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(data, model.framework, model.params)
    assert [(p.code, p.where) for p in caught.value.problems] == [("status_not_reviewed", "assessment.status")]


def test_unknown_indicators_in_the_dossier_and_the_review_are_named_with_their_place(model):
    data = json.loads((EXAMPLES / "orlavia-kessan-imminent-risk.json").read_text(encoding="utf-8"))
    data["assessment"]["dossier"]["triggers"][0]["indicators"] = ["8.8", "8.99"]
    data["assessment"]["review"]["comments"] = [
        {"id": "c1", "on": "risk_factor", "target": "15", "text": "why?", "author": "A", "at": "2026-11-02T10:00:00Z"}
    ]
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(data, model.framework, model.params)
    assert {(p.code, p.where) for p in caught.value.problems} == {
        ("unknown_indicator", "assessment.dossier.triggers[0].indicators[1]"),
        ("unknown_risk_factor", "assessment.review.comments[0].target"),
    }


def test_an_older_snapshot_reads_with_ungraded_sources_and_no_provenance(model):
    """Schema 4 (issue 15) adds two optional things: a reliability grade on sources and who saved the revision."""
    old = FRAMEWORKS.parent / "tests" / "fixtures" / "vignettes" / "ongoing-finding-recorded.json"
    snapshot = load_snapshot_text(old.read_bytes(), model.framework, model.params)
    assert snapshot.schema_version == 4 and snapshot.provenance is None
    assert all(source.reliability is None for rating in snapshot.assessment.ratings for source in rating.sources)
