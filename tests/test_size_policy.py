"""Issue 17, point 9: one size policy (r2p_risk/sizes.py and the settings), the same for the editor, saving, the
snapshot, import and the uploader, so that whatever the app stores can be exported and imported again; imports are
planned in bounded memory; and a file that is too large keeps only itself out."""

import datetime as dt
import io
import json
import tracemalloc
import zipfile

import pytest
from helpers import make_assessment

from r2p_risk import editing
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import SnapshotError, StorageError
from r2p_risk.sizes import ASSESSMENT_BYTES, SNAPSHOT_BYTES
from r2p_risk.snapshot import build_snapshot, dump_snapshot
from r2p_risk.storage.database import open_database
from r2p_risk.storage.transfer import apply_import, export_all, plan_import, read_import_files

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CJK = (
    "災害の証拠" * 4_000
)  # 20,000 characters, 60,000 bytes: the longest evidence, in a script of three bytes a character


def largest_assessment(framework) -> tuple[Assessment, SnapshotError]:
    """Evidence added indicator by indicator, as the editor does, until it refuses: the largest assessment it keeps."""
    assessment = make_assessment({})
    for indicator in framework.indicator_ids:
        try:
            assessment = editing.set_indicator_field(assessment, indicator, "evidence", CJK)
        except SnapshotError as refused:
            return assessment, refused
    raise AssertionError("the editor kept every evidence: the size policy was never reached")


def test_the_editor_refuses_the_change_that_would_pass_the_limit_and_says_why(framework):
    largest, refused = largest_assessment(framework)
    assert editing.size_in_a_snapshot(largest) <= ASSESSMENT_BYTES < editing.size_in_a_snapshot(largest) + 60_000 * 1.1
    [problem] = refused.problems
    assert problem.code == "too_large" and problem.where.endswith(".evidence") and "4 MB" in problem.message


def test_the_largest_assessment_the_editor_keeps_is_saved_exported_and_imported_again(framework, model, tmp_path):
    largest, _ = largest_assessment(framework)
    source = open_database(f"sqlite:///{tmp_path}/source.sqlite3")
    situation = source.create_situation(Situation(name="Varesia (fictional)"), "ana")
    saved = source.save_assessment(situation.id, largest, "ana", None)
    assert (
        len(dump_snapshot(build_snapshot(situation, saved, model.framework, model.params, NOW)).encode())
        <= SNAPSHOT_BYTES
    )
    bundle = export_all(source, model, now=lambda: NOW)
    target = open_database(f"sqlite:///{tmp_path}/target.sqlite3")
    plan = plan_import(target, read_import_files([("export.zip", bundle)], model))
    assert [e.action for e in plan.entries] == ["new_situation"]
    report = apply_import(target, plan, "ben")
    assert target.load_assessment(report.imported[0].assessment_id).ratings == saved.ratings


def test_many_small_sources_cannot_make_a_snapshot_larger_than_a_snapshot_may_be(framework, model):
    ratings = [{"indicator": i, "sources": [{"title": "x"}] * 100} for i in framework.indicator_ids]
    assessment = Assessment.model_validate({"assessed_on": "2026-01-15", "analyst": "a", "ratings": ratings})
    try:
        kept = editing.within_size(assessment)
    except SnapshotError:
        return  # refused, as it should be when it is too large
    snapshot = dump_snapshot(build_snapshot(Situation(name="s"), kept, model.framework, model.params, NOW))
    assert len(snapshot.encode()) <= SNAPSHOT_BYTES


def test_saving_refuses_what_the_editor_would_refuse(framework, db):
    largest, _ = largest_assessment(framework)
    too_large = largest.model_copy(update={"key_judgements": CJK})  # past the editor, straight to the database
    situation = db.create_situation(Situation(name="s"), "ana")
    with pytest.raises(StorageError) as caught:
        db.save_assessment(situation.id, too_large, "ana", None)
    assert [p.code for p in caught.value.problems] == ["too_large"] and db.counts()["revisions"] == 0


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_member_too_large_is_kept_out_alone_and_the_rest_can_be_imported(model, tmp_path):
    small = dump_snapshot(
        build_snapshot(Situation(name="Small"), make_assessment({"1.1": 1}), model.framework, model.params, NOW)
    )
    bundle = zip_of(
        {"snapshots/a/a/revision-1.json": b" " * (SNAPSHOT_BYTES + 1), "snapshots/b/b/revision-1.json": small.encode()}
    )
    target = open_database(f"sqlite:///{tmp_path}/t.sqlite3")
    plan = plan_import(target, read_import_files([("export.zip", bundle)], model))
    assert [(e.member, e.action) for e in plan.entries] == [
        ("snapshots/a/a/revision-1.json", "rejected"),
        ("snapshots/b/b/revision-1.json", "new_situation"),
    ]
    assert plan.entries[0].problems[0].code == "too_large"
    report = apply_import(target, plan, "ben", skip_invalid=True)
    assert len(report.imported) == 1 and [s.name for s in target.list_situations()] == ["Small"]


def test_a_plan_of_many_snapshots_holds_summaries_not_snapshots(model, tmp_path):
    snapshot = json.loads(
        dump_snapshot(
            build_snapshot(
                Situation(name="s"),
                make_assessment({i: 2 for i in model.framework.indicator_ids[:60]}, key_judgements="x" * 5_000),
                model.framework,
                model.params,
                NOW,
            )
        )
    )
    members = {}
    for n in range(120):
        snapshot["situation"]["name"], snapshot["assessment"]["id"] = f"Situation {n}", f"a{n}"
        members[f"snapshots/s{n}/a{n}/revision-1.json"] = json.dumps(snapshot).encode()
    bundle = zip_of(members)
    target = open_database(f"sqlite:///{tmp_path}/t.sqlite3")
    tracemalloc.start()
    try:
        plan = plan_import(target, read_import_files([("export.zip", bundle)], model))
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert plan.count("new_situation") == 120
    one_snapshot = len(members["snapshots/s0/a0/revision-1.json"])
    assert held < 120 * 5_000  # a few kB of summary per snapshot
    assert 120 * one_snapshot > 4 * held  # far less than the snapshots themselves, let alone parsed
    assert peak < len(bundle) + 40 * one_snapshot  # never more than a few snapshots at once
