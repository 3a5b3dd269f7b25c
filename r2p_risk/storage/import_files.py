"""Reading files to import: .json snapshots and .zip bundles, every one validated, unsafe ZIPs refused whole.

A ZIP is refused as a whole, before anything in it is read, when a member has an absolute path,
a ".." part or is a symbolic link, when it has too many members, or when it declares more than
the limits; members are then read no further than the limit and must match what they declare.
A snapshot that is not valid is kept out alone, with every problem found in it.
"""

from __future__ import annotations

import lzma
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from r2p_risk.errors import Problem, SnapshotError
from r2p_risk.exporters.bundle import SNAPSHOTS_DIR
from r2p_risk.snapshot import MAX_SNAPSHOT_BYTES, Snapshot, load_snapshot_text, readable_problems
from r2p_risk.storage.files import Model

MAX_ZIP_BYTES = 50_000_000
MAX_MEMBERS = 5_000
MAX_UNPACKED_BYTES = 200_000_000
UPLOAD_LIMITS = {".json": MAX_SNAPSHOT_BYTES, ".zip": MAX_ZIP_BYTES}
# what zipfile and its decompressors raise on damaged or hostile input: RuntimeError for an encrypted member, OSError
# from bz2, ValueError (UnicodeDecodeError) for a member name that is not the UTF-8 its flag says
_ZIP_FAILURES = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError, RuntimeError, OSError, ValueError)


@dataclass(frozen=True)
class ImportFile:
    """One snapshot from an uploaded file or a bundle member, or the problems that keep it out."""

    name: str
    member: str | None = None
    snapshot: Snapshot | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def source(self) -> str:
        return f"{self.name} > {self.member}" if self.member else self.name


def read_import_files(files: list[tuple[str, bytes]], model: Model) -> list[ImportFile]:
    """Every snapshot in the given (file name, content) pairs: .json snapshots and .zip bundles."""
    return [found for name, data in files for found in _read_file(name, data, model)]


def read_import_paths(paths: Iterable[Path], model: Model) -> list[ImportFile]:
    """`read_import_files` for files on disk; never reads more than the upload limit of a file."""
    found = []
    for path in map(Path, paths):
        limit = UPLOAD_LIMITS.get(path.suffix.lower(), 0)
        try:
            with path.open("rb") as stream:
                data = stream.read(limit + 1)
        except OSError as error:
            found.append(ImportFile(str(path), problems=(Problem("unreadable_file", "", error.strerror or str(error)),)))
            continue
        found.extend(_read_file(str(path), data, model))
    return found


def _read_file(name: str, data: bytes, model: Model) -> list[ImportFile]:
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_LIMITS:
        return [_refused(name, "unsupported_file", "only .json snapshots and .zip bundles can be imported")]
    if len(data) > UPLOAD_LIMITS[suffix]:
        return [_refused(name, "too_large", f"{Path(name).name} is larger than the {UPLOAD_LIMITS[suffix] // 1_000_000} MB "
                                            f"allowed for a {suffix} file")]
    if suffix == ".json":
        return [_read_snapshot(name, None, data, model)]
    try:  # each member is validated as it is read, so the ZIP's contents are never all in memory at once
        return [_read_snapshot(name, member, content, model) for member, content in read_bundle_members(data)]
    except SnapshotError as error:
        return [ImportFile(name, problems=tuple(error.problems))]


def _refused(name: str, code: str, message: str) -> ImportFile:
    return ImportFile(name, problems=(Problem(code, "", message),))


def _read_snapshot(name: str, member: str | None, data: bytes, model: Model) -> ImportFile:
    try:
        return ImportFile(name, member, load_snapshot_text(data, model.framework, model.params))
    except SnapshotError as error:
        return ImportFile(name, member, problems=tuple(error.problems))


def read_bundle_members(data: bytes) -> Iterator[tuple[str, bytes]]:
    """(member name, content) of each snapshot in a ZIP, one by one; SnapshotError refuses the whole ZIP when anything
    is unsafe, before the first member if the headers show it, else as soon as a member unpacks otherwise than declared."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_members(infos)
            wanted = [info for info in infos if _is_snapshot(info.filename)]
            if not wanted:
                raise _unsafe([Problem("no_snapshots", "", f"the ZIP holds no snapshots (.json files under {SNAPSHOTS_DIR})")])
            for info in wanted:
                yield info.filename, _read_member(archive, info)
    except _ZIP_FAILURES as error:
        raise _unsafe([Problem("invalid_zip", "", f"not a valid ZIP file ({error})")]) from None


def _is_snapshot(name: str) -> bool:
    return name.startswith(SNAPSHOTS_DIR) and name.lower().endswith(".json")


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise _unsafe([Problem("too_many_members", "", f"the ZIP has {len(infos)} members; at most {MAX_MEMBERS:,} are allowed")])
    problems = []
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
            problems.append(Problem("absolute_path", name, "an absolute path; members must be relative"))
        if ".." in re.split(r"[/\\]", name):
            problems.append(Problem("path_traversal", name, 'the path contains ".." and would point outside the bundle'))
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(Problem("symlink", name, "a symbolic link; a bundle holds plain files only"))
        if _is_snapshot(name) and info.file_size > MAX_SNAPSHOT_BYTES:
            problems.append(Problem("too_large", name, f"unpacks to {info.file_size:,} bytes; a snapshot may have {MAX_SNAPSHOT_BYTES:,}"))
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        problems.append(Problem("too_large", "", f"unpacks to {total:,} bytes in all; at most {MAX_UNPACKED_BYTES:,} are allowed"))
    if problems:
        raise _unsafe(problems)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The content, read no further than the limit, and refused unless it matches the declared size and checksum."""
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_SNAPSHOT_BYTES + 1)
    except _ZIP_FAILURES as error:
        raise _unsafe([Problem("damaged_member", info.filename, f"does not unpack to what its header declares ({error}): "
                                                                "a damaged ZIP, or one made to unpack larger than it says")]) from None
    if len(data) != info.file_size:
        raise _unsafe([Problem("damaged_member", info.filename, f"does not unpack to the {info.file_size:,} bytes it declares")])
    return data


def _unsafe(problems: list[Problem]) -> SnapshotError:
    return SnapshotError(readable_problems(problems), "the ZIP was refused as a whole; nothing in it is imported")
