"""Hostile input, generated: every snapshot, ZIP bundle and text field either loads or is refused with its problems.

Whatever the input (malformed JSON, wrong types, huge numbers, NaN, deep nesting, 10 MB strings, invalid UTF-8,
control characters, unknown and repeated indicator ids, future and ancient schema versions, unsafe ZIPs), the
only exception is an `R2PError` subclass listing readable problems, and nothing from a refused file is stored.
What is accepted can be stored and read back unchanged.

The generated tests are marked `fuzz`; each runs R2P_RISK_FUZZ_EXAMPLES generated cases (default 200, to keep the
default suite quick). The full set, 10,000 per test: `R2P_RISK_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest -m fuzz`.
"""

import contextlib
import copy
import io
import json
import lzma
import os
import re
import warnings
import zipfile
import zlib

import pytest
from helpers import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from r2p_risk import cli, editing
from r2p_risk.assessment import Assessment, Situation, parse_tags
from r2p_risk.errors import Problem, R2PError, SnapshotError
from r2p_risk.snapshot import (
    MAX_PROBLEMS,
    MAX_SNAPSHOT_BYTES,
    Snapshot,
    dump_snapshot,
    load_snapshot_text,
    read_snapshot,
)
from r2p_risk.storage.database import open_database
from r2p_risk.storage.files import Model
from r2p_risk.storage.import_files import ImportFile, load_planned, read_import_files
from r2p_risk.storage.transfer import apply_import, plan_import

EXAMPLES_RUN = int(os.environ.get("R2P_RISK_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES_RUN,
    deadline=None,
    database=None,
    derandomize=EXAMPLES_RUN < 1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

SNAPSHOT_FILES = sorted(EXAMPLES.glob("*.json"))
BASE = {k: v for k, v in json.loads(SNAPSHOT_FILES[-1].read_text(encoding="utf-8")).items() if k != "profile"}
VALID_BYTES = SNAPSHOT_FILES[0].read_bytes()
TEN_MB = "x" * 10_000_000
TRICKY_TEXT = [
    "",
    " ",
    "\t",
    "\n\n",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(A1)",
    "\x00",
    "\x1b[31mred",
    "\x7f",
    "\ud800",
    "\udfff",
    "\u202egnp.exe",
    "\ufeff",
    "../../etc/passwd",
    "/etc/passwd",
    "1.1",
    "99.99",
    "0.0",
    "١.١",
    "1.1.1",
    "x" * 201,
    "x" * 20_001,
    TEN_MB,
    "NaN",
    "Infinity",
    "1e999",
    "9" * 5000,
    "2026-02-30",
    "2026-01-15",
    "99999999999999999999",
    "javascript:alert(1)",
    "https://example.org/r",
    "http://",
    "HTTPS://EXAMPLE.ORG",
    "data:text/html,<b>x</b>",
    "SDN",
    "XYZ",
    "sdn",
    "draft",
    "final",
    "low",
    "high",
    "worsening",
    "Grubačić",
    "محمد عبد الله",
    "🛡️" * 50,
]
texts = st.one_of(st.text(st.characters(exclude_categories=()), max_size=40), st.sampled_from(TRICKY_TEXT))
numbers = st.one_of(
    st.integers(-5, 120),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([2**63, -(2**63) - 1, 10**100, 2**31]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=8
)


def nested(depth: int, inner=None):
    for n in range(depth):
        inner = [inner] if n % 2 else {"a": inner}
    return inner


values = st.one_of(json_values, json_values, st.integers(15, 3000).map(nested))
SCHEMA_VERSIONS = st.one_of(
    st.sampled_from([0, -1, 2, 99, 10**30, "1", 1.0, True, None, 1.5, float("nan"), [1]]), st.integers()
)
INDICATOR_IDS = st.one_of(
    st.sampled_from(["1.1", "2.1", "14.9", "99.1", "0.0", "1.1 ", "١.١", "1.1.1", "01.1", 1.1, 11, None]), texts
)


def nodes(data, where=()):
    """(container, key) of every value in the data, the data itself excluded."""
    found, stack = [], [data]
    while stack:
        container = stack.pop()
        keys = (
            list(container)
            if isinstance(container, dict)
            else range(len(container))
            if isinstance(container, list)
            else []
        )
        for key in keys:
            found.append((container, key))
            stack.append(container[key])
    return found


@st.composite
def hostile_snapshots(draw) -> dict:
    """A valid snapshot with one to four hostile changes."""
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(
            st.sampled_from(
                ["replace", "replace", "delete", "add_key", "repeat_rating", "indicator", "schema_version", "profile"]
            )
        )
        ratings = doc.get("assessment", {}).get("ratings") if isinstance(doc.get("assessment"), dict) else None
        ratings = [r for r in ratings if isinstance(r, dict)] if isinstance(ratings, list) else []
        if operation == "schema_version":
            doc["schema_version"] = draw(SCHEMA_VERSIONS)
        elif operation == "profile":
            doc["profile"] = draw(values)
        elif operation in ("indicator", "repeat_rating") and ratings:
            rating = draw(st.sampled_from(ratings))
            if operation == "indicator":
                rating["indicator"] = draw(INDICATOR_IDS)
            else:
                doc["assessment"]["ratings"].append(dict(rating))  # shallow: a rating may hold 3,000 levels of nesting
        elif places := nodes(doc):
            container, key = draw(st.sampled_from(places))
            if operation == "delete":
                del container[key]
            elif operation == "add_key" and isinstance(container, dict):
                container[draw(texts)] = draw(values)
            else:
                container[key] = draw(values)
    return doc


def assert_readable(error: R2PError) -> None:
    """A refusal people can act on: an R2PError subclass listing bounded problems in words, no traceback."""
    assert isinstance(error, R2PError) and error.problems
    assert len(error.problems) <= MAX_PROBLEMS + 1
    for problem in error.problems:
        assert isinstance(problem, Problem) and problem.code and problem.message
        assert len(problem.message) <= 500 and len(problem.where) <= 200, problem
    assert "Traceback" not in str(error)


def assert_storable(snapshot: Snapshot, model: Model) -> None:
    """What was accepted satisfies the framework and comes back unchanged through its own JSON."""
    ids = [r.indicator for r in snapshot.assessment.ratings]
    assert len(ids) == len(set(ids)) and all(model.framework.has_indicator(i) for i in ids)
    text = dump_snapshot(snapshot)
    text.encode("utf-8")  # no lone surrogates: it can be written to a file and to a database
    assert load_snapshot_text(text.encode("utf-8"), model.framework, model.params) == snapshot
    assert Assessment.model_validate_json(snapshot.assessment.model_dump_json()) == snapshot.assessment


def outcome(read) -> Snapshot | R2PError:
    try:
        return read()
    except R2PError as error:
        assert_readable(error)
        return error


@pytest.mark.fuzz
def test_hostile_snapshots_load_or_are_refused_with_every_problem_the_same_as_data_and_as_text(model):
    @FUZZ
    @given(hostile_snapshots())
    def check(doc):
        as_data = outcome(lambda: read_snapshot(doc, model.framework, model.params))
        try:
            text = json.dumps(doc)
        except (RecursionError, ValueError):  # nesting or a number json.dumps itself refuses to write
            return
        as_text = outcome(lambda: load_snapshot_text(text.encode("utf-8"), model.framework, model.params))
        if len(text) > MAX_SNAPSHOT_BYTES:  # e.g. 10 MB in the profile, which data ignores: as a file, too large
            assert [p.code for p in as_text.problems] == ["too_large"]
        elif isinstance(as_data, Snapshot):
            assert_storable(as_data, model)
            assert as_text == as_data
        else:
            assert isinstance(as_text, SnapshotError)

    check()


def mutated_bytes(draw_data: bytes):
    return st.one_of(
        st.binary(max_size=200),
        st.tuples(st.integers(0, len(draw_data)), st.binary(max_size=20)).map(
            lambda c: draw_data[: c[0]] + c[1] + draw_data[c[0] :]
        ),
        st.integers(0, len(draw_data)).map(lambda n: draw_data[:n]),
        st.lists(st.tuples(st.integers(0, len(draw_data) - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
            lambda flips: bytes(_flipped(draw_data, flips))
        ),
        st.sampled_from(
            [
                b"[" * 100_000,
                b'{"a":' * 5_000,
                b"\xff\xfe{}",
                b"\xef\xbb\xbf" + draw_data,
                b"1" * 5_000,
                b'{"format": "r2p-risk-snapshot", "format": "other"}',
                b"NaN",
                b"-Infinity",
                b"1e999",
                draw_data.replace(b'"schema_version": 1', b'"schema_version": 1e999'),
                draw_data.replace(b'"level": 2', b'"level": 2.0', 1),
                b" " * 5_000_001,
            ]
        ),
    )


def _flipped(data: bytes, flips) -> bytearray:
    out = bytearray(data)
    for index, value in flips:
        out[index] = value
    return out


@pytest.mark.fuzz
def test_any_bytes_load_or_are_refused_and_the_cli_never_shows_a_traceback(model, tmp_path):
    path = tmp_path / "file.json"

    @FUZZ
    @given(mutated_bytes(VALID_BYTES))
    def check(data):
        loaded = outcome(lambda: load_snapshot_text(data, model.framework, model.params))
        if isinstance(loaded, Snapshot):
            assert_storable(loaded, model)
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["validate", str(path)])
        assert code == (0 if isinstance(loaded, Snapshot) else 2) and "Traceback" not in err.getvalue()
        if code:
            assert err.getvalue().startswith("r2p-risk validate: ") and "\n  - " in err.getvalue()

    check()


MEMBER_NAMES = st.one_of(
    st.builds(
        lambda a, b, n: f"snapshots/{a}/{b}/revision-{n}.json",
        st.sampled_from(["s", "%2E%2E", "č"]),
        st.sampled_from(["a", "b"]),
        st.integers(1, 3),
    ),
    st.sampled_from(
        [
            "../x.json",
            "snapshots/../../x.json",
            "/etc/x.json",
            "\\x.json",
            "C:/x.json",
            "c:x.json",
            "snapshots\\..\\..\\x.json",
            "snapshots/a/..",
            "manifest.json",
            "assessments.csv",
            "snapshots/",
            "snapshots/a/b/revision-1.JSON",
            "snapshots/a/b/revision-1.json/",
            "snapshots/" + "a" * 300 + ".json",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)
CONTENTS = st.one_of(
    st.just(VALID_BYTES),
    mutated_bytes(VALID_BYTES),
    hostile_snapshots().map(lambda doc: json.dumps(doc).encode("utf-8", "surrogatepass") if _depth_ok(doc) else b"[]"),
)
KINDS = st.sampled_from([0o100644, 0o100644, 0o120777, 0o040755])
METHODS = st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])


def _depth_ok(doc) -> bool:
    try:
        json.dumps(doc)
        return True
    except (RecursionError, ValueError):
        return False


@st.composite
def zips(draw) -> bytes:
    """A ZIP of hostile members (names, kinds, contents, compression), sometimes damaged afterwards."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": repeated members are part of the test
        for name, kind, data, method in draw(st.lists(st.tuples(MEMBER_NAMES, KINDS, CONTENTS, METHODS), max_size=4)):
            info = zipfile.ZipInfo(name or "unnamed", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr, info.compress_type = kind << 16, method
            with contextlib.suppress(ValueError):  # a name zipfile itself refuses to write
                archive.writestr(info, data)
    data = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "none", "flip", "truncate", "size"]))
    if damage == "flip" and data:
        data = bytes(
            _flipped(
                data,
                draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), min_size=1, max_size=6)),
            )
        )
    elif damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "size" and data.count(b"PK\x01\x02"):
        at = data.index(b"PK\x01\x02") + 24  # the first member's uncompressed size in the central directory
        data = data[:at] + draw(st.integers(0, 2**32 - 1)).to_bytes(4, "little") + data[at + 4 :]
    return data


UNREADABLE_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)


def unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(re.match(r"[A-Za-z]:", name)) or ".." in parts


@pytest.mark.fuzz
def test_hostile_zips_are_refused_whole_or_read_member_by_member(model):
    @FUZZ
    @given(zips())
    def check(data):
        found = read_import_files([("bundle.zip", data)], model)
        assert found and all(isinstance(f, ImportFile) and (f.summary is None) != (not f.problems) for f in found)
        for item in found:
            if item.problems:
                assert_readable(SnapshotError(list(item.problems)))
            else:
                assert item.member.startswith("snapshots/") and not unsafe(item.member)
                assert_storable(load_planned(found.sources, item, model), model)
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except UNREADABLE_ZIP:  # damaged beyond reading: refused whole, as checked above
            return
        if any(unsafe(name) for name in names):
            assert len(found) == 1 and found[0].member is None and found[0].summary is None

    check()


@pytest.mark.fuzz
def test_nothing_from_a_refused_file_is_stored_and_what_is_stored_reads_back(model, tmp_path):
    database = open_database(f"sqlite:///{tmp_path}/fuzz.db")
    files = st.lists(
        st.one_of(zips().map(lambda d: ("b.zip", d)), CONTENTS.map(lambda d: ("s.json", d))), min_size=1, max_size=3
    )

    @settings(FUZZ, max_examples=max(10, EXAMPLES_RUN // 5))
    @given(files, st.booleans())
    def check(uploads, skip_invalid):
        before = database.counts()
        plan = plan_import(database, read_import_files(uploads, model))
        report = apply_import(database, plan, "fuzz", skip_invalid=skip_invalid)
        stored = [o for o in report.outcomes if o.stored]
        assert all(o.entry.action != "rejected" for o in stored)
        if plan.rejected and not skip_invalid:
            assert not stored and database.counts() == before
        assert database.counts()["revisions"] == before["revisions"] + len(stored)
        for o in stored:
            assert (
                database.load_assessment(o.assessment_id, o.revision).ratings
                == load_planned(plan.sources, o.entry.item, model).assessment.ratings
            )

    try:
        check()
    finally:
        database.close()


RATING_VALUES = st.one_of(
    values,
    texts,
    st.lists(st.fixed_dictionaries({"title": texts, "url": texts | st.none()}), max_size=3),
    st.sampled_from([0, 1, 2, 3, None, "low", "stable", "", [{"title": "t", "url": "javascript:x"}]]),
)


@pytest.mark.fuzz
def test_every_rating_and_assessment_field_keeps_a_valid_assessment_or_says_what_is_wrong():
    start = Assessment.model_validate_json(json.dumps({**BASE["assessment"], "id": "a", "revision": 1}))

    @FUZZ
    @given(
        st.sampled_from(["indicator", "factor", "assessment"]),
        INDICATOR_IDS,
        st.one_of(st.integers(), st.sampled_from([1, 14, True, "1"])),
        st.data(),
    )
    def check(kind, indicator, factor, data):
        fields = editing.ASSESSMENT_FIELDS if kind == "assessment" else editing.RATING_FIELDS
        field = data.draw(st.sampled_from(fields))
        value = data.draw(RATING_VALUES if kind != "assessment" else st.one_of(values, st.dates().map(str), st.dates()))
        before = start.model_dump()
        try:
            if kind == "indicator":
                changed = editing.set_indicator_field(start, indicator, field, value)
            elif kind == "factor":
                changed = editing.set_factor_field(start, factor, field, value)
            else:
                changed = editing.set_assessment_field(start, field, value)
        except SnapshotError as error:
            assert_readable(error)
        else:
            assert Assessment.model_validate_json(changed.model_dump_json().encode("utf-8")) == changed
        assert start.model_dump() == before

    check()


@pytest.mark.fuzz
def test_typed_sources_tags_and_situations_are_parsed_or_named_never_crash():
    @FUZZ
    @given(
        st.lists(st.one_of(texts, st.builds(lambda *p: " | ".join(p), texts, texts, texts)), max_size=4).map("\n".join),
        texts,
        texts,
        st.one_of(texts, st.none()),
        texts,
    )
    def check(lines, name, country, area, tags):
        sources, problems = editing.parse_source_lines(lines)
        assert all(s.url is None or s.url.lower().startswith(("http://", "https://")) for s in sources)
        assert all(p.where.startswith("sources line ") for p in problems)
        assert editing.parse_source_lines(editing.format_source_lines(sources)) == (sources, [])
        tag_list = parse_tags(tags)
        try:
            situation = Situation(name=name.strip(), country=country, area=area, tags=tag_list)
        except ValidationError as error:  # the Situations screen lists these as problems
            assert error.errors()
        else:
            assert Situation.model_validate_json(situation.model_dump_json().encode("utf-8")) == situation

    check()


# --- ZIPs that fuzzing found, and unsafe kinds test_transfer.py does not cover: each refused whole -----------
def one_member_zip(name: str = "snapshots/č/a/revision-1.json", method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = method
        archive.writestr(info, VALID_BYTES)
    return buffer.getvalue()


def patched(data: bytes, offset_of, value: bytes) -> bytes:
    at = offset_of(data)
    return data[:at] + value + data[at + len(value) :]


def local_data(data: bytes) -> int:
    """Where the first member's compressed data starts."""
    name, extra = int.from_bytes(data[26:28], "little"), int.from_bytes(data[28:30], "little")
    return 30 + name + extra


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n in range(41):  # 41 x 4.9 MB of spaces: 200 MB unpacked, 200 KB packed
            archive.writestr(f"snapshots/s/{n}/revision-1.json", b" " * 4_900_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: one_member_zip("snapshots\\..\\..\\x.json"), "path_traversal"),
        (lambda: one_member_zip("C:\\snapshots\\x.json"), "absolute_path"),
        (
            lambda: patched(one_member_zip(), lambda d: d.index("č".encode()), b"\xff"),
            "damaged_member",
        ),  # local name only
        (
            lambda: patched(one_member_zip(method=zipfile.ZIP_BZIP2), lambda d: local_data(d) + 40, b"\x00" * 8),
            "damaged_member",
        ),
        (
            lambda: patched(one_member_zip(method=zipfile.ZIP_LZMA), lambda d: local_data(d) + 40, b"\xff" * 8),
            "damaged_member",
        ),
        (
            lambda: patched(
                patched(one_member_zip(), lambda d: 6, b"\x01"), lambda d: d.index(b"PK\x01\x02") + 8, b"\x01"
            ),
            "damaged_member",
        ),  # flagged as encrypted
        (
            lambda: patched(
                patched(one_member_zip(method=zipfile.ZIP_STORED), lambda d: 8, b"\x63\x00"),
                lambda d: d.index(b"PK\x01\x02") + 10,
                b"\x63\x00",
            ),
            "damaged_member",
        ),
        (lambda: patched(one_member_zip(), lambda d: d.index(b"PK\x01\x02") + 6, b"\x40\x00"), "invalid_zip"),
        (_bomb, "too_large"),
    ],
    ids=[
        "backslash_traversal",
        "drive_letter",
        "name_not_utf8",
        "bad_bzip2",
        "bad_lzma",
        "encrypted",
        "unknown_method",
        "future_zip_version",
        "bomb_of_many_members",
    ],
)
def test_unsafe_and_damaged_zips_are_refused_whole_with_a_reason(model, make, code):
    [found] = read_import_files([("bundle.zip", make())], model)
    assert found.summary is None and found.member is None and code in [p.code for p in found.problems]
    assert_readable(SnapshotError(list(found.problems)))


# --- snapshots that fuzzing found crashing or unclear, each now one clear problem ------------------------------
def with_change(path: str, value) -> dict:
    doc = copy.deepcopy(BASE)
    *parents, last = path.split("/")
    target = doc
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[int(last) if isinstance(target, list) else last] = value
    return doc


@pytest.mark.parametrize(
    ("doc", "code", "where"),
    [
        (with_change("profile", {"a": nested(900)}), "too_deep", "profile.a"),  # was a RecursionError
        (with_change("framework/id", nested(900)), "too_deep", "framework.id"),
        (
            with_change("assessment/ratings/0/indicator", 10**5000),
            "number_too_large",
            "assessment.ratings[0].indicator",
        ),  # was a ValueError
        (with_change("exported_at", float("inf")), "not_finite", "exported_at"),
        (with_change("profile", float("nan")), "not_finite", "profile"),
        (
            with_change("format", "x" * 1_000_000),
            "wrong_format",
            "format",
        ),  # the message quotes 80 characters, not a megabyte
    ],
    ids=["deep_profile", "deep_framework_id", "huge_integer", "infinity", "nan", "huge_format"],
)
def test_hostile_snapshot_data_gets_a_clear_problem_at_its_place(model, doc, code, where):
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(doc, model.framework, model.params)
    assert_readable(caught.value)
    assert caught.value.problems[0].code == code and caught.value.problems[0].where.startswith(where)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            b'{"format": "r2p-risk-snapshot", "format": "other", "schema_version": 1}',
            "duplicate_key",
        ),  # json.loads kept the last
        (b'{"format": "r2p-risk-snapshot", "schema_version": ' + b"9" * 5000 + b"}", "number_too_large"),
        (b'{"format": "r2p-risk-snapshot", "schema_version": 1e999}', "not_finite"),
        (b'{"format": "r2p-risk-snapshot", "schema_version": 1, "x": -Infinity}', "invalid_json"),
        ("é".encode() * 2_500_001, "too_large"),  # 2.5 M characters, 5 MB: the limit counts bytes
    ],
    ids=["duplicate_key", "thousands_of_digits", "overflow_to_infinity", "infinity_literal", "multibyte_size"],
)
def test_hostile_snapshot_text_gets_a_clear_problem(model, text, code):
    with pytest.raises(SnapshotError) as caught:
        load_snapshot_text(text.decode("utf-8") if code == "too_large" else text, model.framework, model.params)
    assert_readable(caught.value)
    assert [p.code for p in caught.value.problems] == [code]


def test_a_file_with_thousands_of_problems_lists_a_hundred_and_counts_the_rest(model):
    doc = with_change("assessment/ratings", [{"indicator": f"{n}.{n}", "level": 9} for n in range(2_000)])
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(doc, model.framework, model.params)
    assert len(caught.value.problems) == MAX_PROBLEMS + 1
    assert (
        caught.value.problems[-1].code == "more_problems"
        and "more problems not listed" in caught.value.problems[-1].message
    )
