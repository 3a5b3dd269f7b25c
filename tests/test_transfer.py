"""Export to a bundle and import snapshots and bundles, on real SQLite files and real ZIPs."""

import csv
import datetime as dt
import hashlib
import io
import json
import os
import stat
import struct
import subprocess
import sys
import zipfile

import pytest
from helpers import EXAMPLES, ROOT, Clock, make_assessment

from r2p_risk.assessment import Situation
from r2p_risk.exporters.bundle import TABLE_COLUMNS, member_path, read_manifest, write_bundle
from r2p_risk.sizes import DEFAULT_SIZES
from r2p_risk.snapshot import MAX_SNAPSHOT_BYTES, build_snapshot, dump_snapshot
from r2p_risk.storage.database import open_database
from r2p_risk.storage.examples import load_examples
from r2p_risk.storage.transfer import (
    apply_import,
    export_all,
    plan_import,
    read_import_files,
    read_import_paths,
    read_revisions,
)

MAX_MEMBERS, MAX_ZIP_BYTES = DEFAULT_SIZES.zip_members, DEFAULT_SIZES.upload_bytes
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
ODD_ID = "grubačić/../1"  # ids are free text: this one must not escape snapshots/ in the ZIP
HOSTILE = "=cmd|' /C calc'!A0"
VALID = (EXAMPLES / "varesia-near-monitoring.json").read_bytes()


@pytest.fixture
def source(tmp_path, model):
    """The examples, one assessment edited and restored (revisions 1, 2, 3), and a Unicode situation."""
    db = open_database(f"sqlite:///{tmp_path}/source.db", now=Clock())
    load_examples(db, model, "ana")
    tamaris = next(s for s in db.list_situations() if s.name.startswith("Northern Tamaris"))
    first = db.list_assessments(tamaris.id)[0]
    db.save_assessment(tamaris.id, first.model_copy(update={"key_judgements": "Edited after a field visit."}), "ben", 1)
    db.restore_revision(first.id, 1, "ana")
    odd = db.create_situation(Situation(id=ODD_ID, name="Grubačić", area=HOSTILE, tags=["fictional"]), "ana")
    db.save_assessment(
        odd.id,
        make_assessment({"1.1": 2}, analyst="محمد عبد الله", key_judgements="محمد عبد الله · Grubačić"),
        "ana",
        None,
    )
    yield db
    db.close()


@pytest.fixture
def target(tmp_path):
    db = open_database(f"sqlite:///{tmp_path}/target.db", now=Clock())
    yield db
    db.close()


def members(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def snapshots_without_time(bundle: bytes) -> dict[str, dict]:
    found = {name: json.loads(data) for name, data in members(bundle).items() if name.startswith("snapshots/")}
    return {name: {k: v for k, v in data.items() if k != "exported_at"} for name, data in found.items()}


def import_files(db, model, *files, skip_invalid=False):
    plan = plan_import(db, read_import_files(list(files), model))
    return plan, apply_import(db, plan, "ben", skip_invalid=skip_invalid)


def zip_of(entries: dict[str, bytes], attrs: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (attrs or {}).get(name, 0o100644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def declare_size(bundle: bytes, name: str, size: int) -> bytes:
    """The ZIP with `name`'s uncompressed size rewritten in both headers: a ZIP that lies about what it holds."""
    raw = bytearray(bundle)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        struct.pack_into("<I", raw, archive.getinfo(name).header_offset + 22, size)
    offset = struct.unpack_from("<I", raw, raw.rfind(b"PK\x05\x06") + 16)[0]
    while raw[offset + 46 : offset + 46 + struct.unpack_from("<H", raw, offset + 28)[0]] != name.encode():
        offset += 46 + sum(struct.unpack_from("<HHH", raw, offset + 28))
    struct.pack_into("<I", raw, offset + 24, size)
    return bytes(raw)


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bundle(source, target, model):
    first = export_all(source, model, now=lambda: NOW)
    plan, report = import_files(target, model, ("all.zip", first))
    assert [plan.count(a) for a in ("new_situation", "new_assessment", "new_revision", "rejected")] == [4, 5, 2, 0]
    assert len(report.imported) == 11 and report.failed is None
    second = export_all(target, model, now=lambda: NOW + dt.timedelta(days=1))
    assert snapshots_without_time(second) == snapshots_without_time(first)
    assert members(second)["assessments.csv"] == members(first)["assessments.csv"]
    assert target.counts() == source.counts() == {"situations": 4, "assessments": 9, "revisions": 11}
    assert {s.name for s in target.list_situations()} >= {"Grubačić", "Northern Tamaris (fictional)"}
    odd = target.list_assessments(ODD_ID)[0]
    assert odd.analyst == "محمد عبد الله" and odd.key_judgements == "محمد عبد الله · Grubačić"
    assert len(target.list_audit(action="import")) == 4 + 11  # every situation and revision made, as an import


def test_importing_the_same_bundle_twice_stores_nothing_the_second_time(source, target, model):
    bundle = export_all(source, model, now=lambda: NOW)
    import_files(target, model, ("all.zip", bundle))
    counts = target.counts()
    plan, report = import_files(target, model, ("all.zip", bundle))
    assert {e.action for e in plan.entries} == {"identical"} and "already stored as revision" in plan.entries[0].message
    assert not report.imported and target.counts() == counts
    plan, report = import_files(source, model, ("all.zip", bundle))  # and into the database it came from
    assert {e.action for e in plan.entries} == {"identical"} and not report.imported


def test_a_changed_snapshot_of_a_stored_assessment_becomes_a_new_revision(source, model):
    situation = source.get_situation(ODD_ID)
    latest = source.list_assessments(ODD_ID)[0]
    changed = build_snapshot(
        situation, latest.model_copy(update={"key_judgements": "changed elsewhere"}), model.framework, model.params, NOW
    )
    plan, report = import_files(source, model, ("changed.json", dump_snapshot(changed).encode()))
    assert [(e.action, e.revision) for e in plan.entries] == [("new_revision", 2)]
    assert report.imported[0].revision == 2 and source.load_assessment(latest.id).key_judgements == "changed elsewhere"
    assert source.load_assessment(latest.id, 1) == latest  # nothing overwritten


def test_snapshots_of_one_assessment_are_stored_in_revision_order(source, target, model):
    bundle = members(export_all(source, model, now=lambda: NOW))
    edited = sorted(name for name in bundle if "/revision-" in name and not name.endswith("revision-1.json"))[0].rsplit(
        "/", 1
    )[0]
    files = [(f"r{n}.json", bundle[f"{edited}/revision-{n}.json"]) for n in (3, 1, 2)]
    plan, report = import_files(target, model, *files)
    assert [(e.file, e.action, e.revision) for e in plan.entries] == [
        ("r1.json", "new_situation", 1),
        ("r2.json", "new_revision", 2),
        ("r3.json", "new_revision", 3),
    ]
    assert [o.revision for o in report.imported] == [1, 2, 3]


def test_a_corrupt_member_is_rejected_alone_and_the_rest_is_stored_only_when_asked(source, target, model):
    bundle = members(export_all(source, model, now=lambda: NOW))
    wrong = json.loads(VALID)
    wrong["assessment"]["ratings"][0]["level"] = 7
    broken, wrong_level = "snapshots/x/a/revision-1.json", "snapshots/x/b/revision-1.json"
    mixed = zip_of({**bundle, broken: b"{not json", wrong_level: json.dumps(wrong).encode()})
    files = read_import_files([("mixed.zip", mixed)], model)
    problems = {f.member: f.problems for f in files if f.problems}
    assert set(problems) == {broken, wrong_level}
    assert [p.code for p in problems[broken]] == ["invalid_json"]
    assert [p.where for p in problems[wrong_level]] == ["assessment.ratings[0].level"]
    plan = plan_import(target, files)
    assert [e.source for e in plan.rejected] == [f"mixed.zip > {broken}", f"mixed.zip > {wrong_level}"]
    held = apply_import(target, plan, "ben")
    assert not held.imported and target.counts()["revisions"] == 0 and "rejected" in held.outcomes[0].message
    report = apply_import(target, plan, "ben", skip_invalid=True)
    assert len(report.imported) == 11 and target.counts()["revisions"] == 11


def _traversal():
    return zip_of({"snapshots/a/b/revision-1.json": VALID, "../x.json": VALID})


def _absolute():
    return zip_of({"snapshots/a/b/revision-1.json": VALID, "/etc/x.json": VALID})


def _symlink():
    return zip_of(
        {"snapshots/a/b/revision-1.json": VALID, "snapshots/a/c/revision-1.json": b"/etc/passwd"},
        {"snapshots/a/c/revision-1.json": stat.S_IFLNK | 0o777},
    )


def _too_many():
    return zip_of({"snapshots/a/b/revision-1.json": VALID} | {f"notes/{n}.txt": b"" for n in range(MAX_MEMBERS)})


def _small_declared_but_big():
    bomb = "snapshots/a/c/revision-1.json"
    return declare_size(
        zip_of({"snapshots/a/b/revision-1.json": VALID, bomb: b" " * (2 * MAX_SNAPSHOT_BYTES)}), bomb, 1_000
    )


def _huge_declared():
    bomb = "snapshots/a/c/revision-1.json"
    return declare_size(zip_of({"snapshots/a/b/revision-1.json": VALID, bomb: VALID}), bomb, 300_000_000)


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (_traversal, "path_traversal", '../x.json: the path contains ".."'),
        (_absolute, "absolute_path", "/etc/x.json: an absolute path"),
        (_symlink, "symlink", "snapshots/a/c/revision-1.json: a symbolic link"),
        (_too_many, "too_many_members", f"the ZIP has {MAX_MEMBERS + 1} members; at most 5,000"),
        (
            _small_declared_but_big,
            "damaged_member",
            "snapshots/a/c/revision-1.json: does not unpack to what its header declares",
        ),
        (_huge_declared, "too_large", "snapshots/a/c/revision-1.json: unpacks to 300,000,000 bytes"),
        (lambda: b"a text file, named .zip", "invalid_zip", "not a valid ZIP file (File is not a zip file)"),
    ],
    ids=["traversal", "absolute", "symlink", "too_many_members", "declares_small", "declares_huge", "not_a_zip"],
)
def test_an_unsafe_zip_is_refused_whole_and_nothing_is_stored(target, model, make, code, words):
    files = read_import_files([("bundle.zip", make())], model)
    assert len(files) == 1 and files[0].summary is None and files[0].member is None
    assert code in [p.code for p in files[0].problems] and any(words in str(p) for p in files[0].problems)
    plan, report = import_files(target, model, ("bundle.zip", make()), skip_invalid=True)
    assert [e.action for e in plan.entries] == ["rejected"] and words in plan.entries[0].message + str(
        plan.entries[0].problems
    )
    assert not report.imported and target.counts() == {"situations": 0, "assessments": 0, "revisions": 0}


@pytest.mark.parametrize(
    ("name", "size", "words"),
    [
        ("huge.json", MAX_SNAPSHOT_BYTES + 1, "huge.json is larger than the 5 MB allowed for a .json file"),
        ("huge.zip", MAX_ZIP_BYTES + 1, "huge.zip is larger than the 50 MB allowed for a .zip file"),
        ("notes.txt", 10, "only .json snapshots and .zip bundles can be imported"),
    ],
)
def test_files_over_the_upload_limit_or_of_another_kind_are_refused_by_name(model, name, size, words):
    [found] = read_import_files([(name, b" " * size)], model)
    assert found.summary is None and [str(p) for p in found.problems] == [words]


def test_files_on_disk_are_read_no_further_than_their_limit(tmp_path, model):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_SNAPSHOT_BYTES + 10))
    found = read_import_paths([big, tmp_path / "missing.json", EXAMPLES / "varesia-near-monitoring.json"], model)
    assert [[p.code for p in f.problems] for f in found] == [["too_large"], ["unreadable_file"], []]
    assert found[2].summary.situation.name == "Coastal Republic of Varesia (fictional)"


def test_a_bundle_holds_saved_assessments_only(model):
    with pytest.raises(ValueError, match="needs an id and a revision"):
        write_bundle([(Situation(id="s", name="S"), make_assessment())], model, NOW)


def test_situations_are_matched_by_id_then_by_name_and_a_deleted_one_refuses(source, model):
    tamaris = next(s for s in source.list_situations() if s.name.startswith("Northern Tamaris"))
    plan, report = import_files(
        source, model, ("example.json", (EXAMPLES / "tamaris-north-current-crisis.json").read_bytes())
    )
    assert [(e.action, e.situation_id) for e in plan.entries] == [
        ("new_assessment", tamaris.id)
    ]  # no ids: matched by name
    source.delete_situation(ODD_ID, "ana")
    odd = build_snapshot(
        Situation(id=ODD_ID, name="Grubačić"), make_assessment({"2.1": 1}), model.framework, model.params, NOW
    )
    plan, report = import_files(source, model, ("odd.json", dump_snapshot(odd).encode()), skip_invalid=True)
    assert [p.code for p in plan.entries[0].problems] == ["situation_deleted"] and not report.imported


def test_a_failed_save_stops_the_import_and_the_report_says_what_was_stored(source, model):
    latest = source.list_assessments(ODD_ID)[0]

    def snapshot(situation, assessment):
        return dump_snapshot(build_snapshot(situation, assessment, model.framework, model.params, NOW)).encode()

    files = [
        ("new.json", snapshot(Situation(name="محمد عبد الله"), make_assessment({"1.1": 1}))),
        ("changed.json", snapshot(source.get_situation(ODD_ID), latest.model_copy(update={"key_judgements": "x"}))),
        ("later.json", snapshot(Situation(id="later", name="Later"), make_assessment({"1.2": 1}, id="later-1"))),
    ]
    plan = plan_import(source, read_import_files(files, model))
    source.save_assessment(
        ODD_ID, latest.model_copy(update={"key_judgements": "meanwhile"}), "cy", 1
    )  # somebody else saves
    report = apply_import(source, plan, "ben")
    assert [o.stored for o in report.outcomes] == [True, False, False]
    assert report.failed.entry.file == "changed.json" and report.failed.problems[0].code == "conflict"
    assert "stopped at changed.json" in report.outcomes[2].message
    assert "محمد عبد الله" in {s.name for s in source.list_situations()} and "Later" not in {
        s.name for s in source.list_situations()
    }


def test_a_situation_made_for_a_save_that_fails_is_removed_again(source, target, model):
    assessment = make_assessment({"1.1": 1}, id="shared-id")
    data = dump_snapshot(
        build_snapshot(Situation(id="new-here", name="New here"), assessment, model.framework, model.params, NOW)
    )
    plan = plan_import(target, read_import_files([("a.json", data.encode())], model))
    other = target.create_situation(Situation(name="Elsewhere"), "cy")
    target.save_assessment(other.id, assessment, "cy", None)  # the same assessment id arrives first, elsewhere
    report = apply_import(target, plan, "ben")
    assert report.failed is not None and [s.name for s in target.list_situations(include_deleted=True)] == ["Elsewhere"]


def test_the_table_has_a_bom_one_row_per_assessment_and_risk_factor_and_inert_formulas(source, model):
    data = members(export_all(source, model, now=lambda: NOW))["assessments.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == TABLE_COLUMNS
    assert len(rows) == 9 * len(model.framework.risk_factors)
    assert len({(r["assessment_id"], r["risk_factor"]) for r in rows}) == len(rows)
    odd = [r for r in rows if r["situation_id"] == ODD_ID]
    assert (
        odd[0]["area"] == "'" + HOSTILE and odd[0]["situation"] == "Grubačić" and odd[0]["analyst"] == "محمد عبد الله"
    )
    assert {r["revision"] for r in rows} == {"1", "3"}  # the latest revision of each assessment


def test_the_manifest_lists_every_member_with_its_checksum(source, model):
    bundle = export_all(source, model, now=lambda: NOW)
    manifest, files = read_manifest(bundle), members(bundle)
    assert (manifest["format"], manifest["version"], manifest["exported_at"]) == ("r2p-risk-bundle", 1, NOW.isoformat())
    assert manifest["counts"] == {"situations": 4, "assessments": 9, "revisions": 11}
    assert "latest revision" in manifest["table"]["contains"]
    assert all(hashlib.sha256(files[m["path"]]).hexdigest() == m["sha256"] for m in manifest["members"])
    assert set(files) == {m["path"] for m in manifest["members"]} | {"manifest.json", "assessments.csv"}
    assert all(name.startswith("snapshots/") and ".." not in name.split("/") for name in files if "/revision-" in name)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (("abc", "def_1-2"), "snapshots/abc/def_1-2/revision-3.json"),
        (("../x", "/etc"), "snapshots/%2E%2E%2Fx/%2Fetc/revision-3.json"),
        (("č", "a b"), "snapshots/%C4%8D/a%20b/revision-3.json"),
    ],
)
def test_member_paths_never_leave_the_snapshots_folder(ids, expected):
    assert member_path(*ids, 3) == expected


def test_the_bundle_is_the_same_bytes_whatever_the_order_and_progress_counts_revisions(source, model):
    entries = read_revisions(source)
    calls = []
    first = write_bundle(entries, model, NOW, progress=lambda done, total: calls.append((done, total)))
    assert write_bundle(list(reversed(entries)), model, NOW) == first
    assert calls == [(n, 11) for n in range(1, 12)]
    chosen = export_all(source, model, situation_ids=[ODD_ID], now=lambda: NOW)
    assert read_manifest(chosen)["counts"] == {"situations": 1, "assessments": 1, "revisions": 1}


def run_cli(database, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "R2P_RISK_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "r2p_risk", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


@pytest.mark.processes
def test_cli_export_and_import_round_trip_and_a_bad_file_exits_2(source, tmp_path):
    bundle, bad = tmp_path / "all.zip", tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    exported = run_cli(tmp_path / "source.db", "export", "--all", "-o", str(bundle))
    assert exported.returncode == 0, exported.stderr
    assert "4 situation(s), 9 assessment(s), 11 revision(s)" in exported.stdout
    refused = run_cli(tmp_path / "copy.db", "import", str(bundle), str(bad))
    assert refused.returncode == 2 and "nothing was imported" in refused.stdout
    assert f"{bad}: rejected" in refused.stderr and "not valid JSON" in refused.stderr
    dry = run_cli(tmp_path / "copy.db", "import", "--dry-run", str(bundle))
    assert dry.returncode == 0 and "4 new situation(s), 5 new assessment(s), 2 new revision(s)" in dry.stdout
    imported = run_cli(tmp_path / "copy.db", "import", "--skip-invalid", str(bundle), str(bad))
    assert (
        imported.returncode == 2
        and "imported 11 snapshot(s)" in imported.stdout
        and f"{bad}: rejected" in imported.stderr
    )
    copy = open_database(f"sqlite:///{tmp_path / 'copy.db'}")
    assert copy.counts() == source.counts()
    copy.close()


def test_an_import_keeps_who_saved_each_revision_and_when_and_records_the_import_beside_it(source, target, model):
    bundle = export_all(source, model, now=lambda: NOW)
    import_files(target, model, ("all.zip", bundle))  # imported by "ben"
    for situation in source.list_situations():
        assert target.situation_origins()[situation.id] == source.situation_origins()[situation.id], "the creator stays"
        for assessment in source.list_assessments(situation.id):
            theirs = [(i.revision, i.saved_by, i.saved_at, i.note) for i in source.list_revisions(assessment.id)]
            ours = target.list_revisions(assessment.id)
            assert [(i.revision, i.saved_by, i.saved_at, i.note) for i in ours] == theirs
            assert {(i.imported_by, i.imported_at is not None) for i in ours} == {("ben", True)}
            assert {i.imported_by for i in source.list_revisions(assessment.id)} <= {None, "ana"}, (
                "saved there, or loaded from the shipped examples by ana (an import since issue 18); never by ben"
            )
    tamaris = next(s for s in source.list_situations() if s.name.startswith("Northern Tamaris"))
    assert {i.saved_by for a in target.list_assessments(tamaris.id) for i in target.list_revisions(a.id)} == {
        "ana",
        "ben",
    }
    events = [e for e in target.list_audit(action="import") if e.revision is not None]
    assert {e.actor for e in events} == {"ben"} and len(events) == 11
    assert all(
        e.after["revision saved by"] in {"ana", "ben"} and e.after["import"].startswith("imported from all.zip")
        for e in events
    )


def test_a_snapshot_without_provenance_is_recorded_as_saved_by_the_importer(target, model):
    plan, report = import_files(target, model, ("one.json", VALID))
    info = target.list_revisions(report.imported[0].assessment_id)[0]
    assert (info.saved_by, info.imported_by, info.note) == ("ben", "ben", "imported from one.json")
