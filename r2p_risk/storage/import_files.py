"""Reading files to import: .json snapshots and .zip bundles, one snapshot at a time, every one validated.

A ZIP is refused as a whole, before anything in it is read, when a member has an absolute path, a ".."
part or is a symbolic link, when it has too many members, or when it declares more than the limits in
all; members are then read one by one, no further than the limit, and must match what they declare.
A snapshot that is not valid, or that declares more than a snapshot may hold, is kept out alone, with
every problem found in it. The limits are the size policy's (`r2p_risk.sizes`).

What is kept of a snapshot is its `SnapshotSummary` (the situation, the assessment's id, revision and
date, and a digest of its content), never the parsed snapshot: planning an import of thousands of
snapshots holds a summary of each, and storing it reads each snapshot again (`load_planned`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import lzma
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import Problem, SnapshotError
from r2p_risk.exporters.bundle import SNAPSHOTS_DIR
from r2p_risk.sizes import DEFAULT_SIZES, SizePolicy, megabytes
from r2p_risk.snapshot import Snapshot, load_snapshot_text, readable_problems
from r2p_risk.storage.files import Model

# what zipfile and its decompressors raise on damaged or hostile input: RuntimeError for an encrypted member, OSError
# from bz2, ValueError (UnicodeDecodeError) for a member name that is not the UTF-8 its flag says
_ZIP_FAILURES = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)


@dataclass(frozen=True)
class ImportSource:
    """A file to import: an upload's content in memory, or a file on disk (read again when its snapshots are stored)."""

    name: str
    data: bytes | None = None
    path: Path | None = None
    problem: Problem | None = None  # why it could not be read at all

    def open(self):
        return BytesIO(self.data) if self.data is not None else open(self.file, "rb")

    @property
    def file(self) -> Path:
        """The file on disk, for a source whose content is not in memory."""
        if self.path is None:
            raise ValueError(f"import source {self.name}: neither its content nor its file is given")
        return self.path


def content_digest(assessment: Assessment) -> str:
    """The same for two assessments with the same content, whatever their revision numbers."""
    return hashlib.sha256(
        assessment.model_copy(update={"revision": None}).model_dump_json().encode("utf-8")
    ).hexdigest()


@dataclass(frozen=True)
class SnapshotSummary:
    """What planning needs of a snapshot: its situation, and its assessment's id, revision, date and content digest."""

    situation: Situation
    assessment_id: str | None
    revision: int | None
    assessed_on: dt.date
    digest: str

    @classmethod
    def of(cls, snapshot: Snapshot) -> SnapshotSummary:
        assessment = snapshot.assessment
        return cls(
            snapshot.situation, assessment.id, assessment.revision, assessment.assessed_on, content_digest(assessment)
        )


@dataclass(frozen=True)
class ImportFile:
    """One snapshot from an uploaded file or a bundle member (its summary), or the problems that keep it out."""

    name: str
    member: str | None = None
    summary: SnapshotSummary | None = None
    problems: tuple[Problem, ...] = ()
    source_index: int = 0  # which of the import's sources it comes from

    @property
    def source(self) -> str:
        return f"{self.name} > {self.member}" if self.member else self.name


class ImportFiles(list):
    """The `ImportFile`s of one import, with their sources (to read each snapshot again) and what validated them."""

    def __init__(self, items: Iterable[ImportFile], sources: list[ImportSource], model: Model, sizes: SizePolicy):
        super().__init__(items)
        self.sources, self.model, self.sizes = sources, model, sizes


def sources_from_files(files: list[tuple[str, bytes]]) -> list[ImportSource]:
    return [ImportSource(name, data=data) for name, data in files]


def sources_from_paths(paths: Iterable[Path], sizes: SizePolicy = DEFAULT_SIZES) -> list[ImportSource]:
    """Files on disk; a pipe or a device is read now, no further than its limit, as it cannot be read twice."""
    sources = []
    for path in map(Path, paths):
        try:
            if stat.S_ISREG(path.stat().st_mode):
                sources.append(ImportSource(str(path), path=path))
            else:
                with path.open("rb") as stream:
                    sources.append(ImportSource(str(path), data=stream.read((sizes.file_limit(path.suffix) or 0) + 1)))
        except OSError as error:
            sources.append(
                ImportSource(str(path), problem=Problem("unreadable_file", "", error.strerror or str(error)))
            )
    return sources


def iter_import_files(
    sources: list[ImportSource], model: Model, sizes: SizePolicy = DEFAULT_SIZES
) -> Iterator[ImportFile]:
    """Every snapshot in the sources, one at a time: .json snapshots and the snapshots of .zip bundles."""
    for index, source in enumerate(sources):
        for found in _read_source(source, model, sizes):
            yield ImportFile(found.name, found.member, found.summary, found.problems, index)


def read_import_files(files: list[tuple[str, bytes]], model: Model, sizes: SizePolicy = DEFAULT_SIZES) -> ImportFiles:
    """Every snapshot in the given (file name, content) pairs: .json snapshots and .zip bundles."""
    sources = sources_from_files(files)
    return ImportFiles(iter_import_files(sources, model, sizes), sources, model, sizes)


def read_import_paths(paths: Iterable[Path], model: Model, sizes: SizePolicy = DEFAULT_SIZES) -> ImportFiles:
    """`read_import_files` for files on disk; never reads more than the limit of a file."""
    sources = sources_from_paths(paths, sizes)
    return ImportFiles(iter_import_files(sources, model, sizes), sources, model, sizes)


def load_planned(
    sources: list[ImportSource],
    item: ImportFile,
    model: Model,
    sizes: SizePolicy = DEFAULT_SIZES,
    archives: dict | None = None,
) -> Snapshot:
    """The snapshot an `ImportFile` summarised, read again; SnapshotError if it cannot be, or changed since."""
    source = sources[item.source_index]
    if item.member is None:
        data = _bounded(source, sizes)
    else:
        archive = (archives or {}).get(item.source_index)
        if archive is None:
            archive = zipfile.ZipFile(source.open())
            if archives is not None:
                archives[item.source_index] = archive
        data = _read_member(archive, archive.getinfo(item.member), sizes)
    snapshot = load_snapshot_text(data, model.framework, model.params)
    if item.summary is None or SnapshotSummary.of(snapshot) != item.summary:
        raise SnapshotError([Problem("changed", "", "the file changed after the import was planned; plan it again")])
    return snapshot


def _bounded(source: ImportSource, sizes: SizePolicy) -> bytes:
    limit = sizes.file_limit(Path(source.name).suffix) or 0
    with source.open() as stream:
        return stream.read(limit + 1)


def _read_source(source: ImportSource, model: Model, sizes: SizePolicy) -> list[ImportFile]:
    name, suffix = source.name, Path(source.name).suffix.lower()
    if source.problem is not None:
        return [ImportFile(name, problems=(source.problem,))]
    limit = sizes.file_limit(suffix)
    if limit is None:
        return [_refused(name, "unsupported_file", "only .json snapshots and .zip bundles can be imported")]
    size = len(source.data) if source.data is not None else source.file.stat().st_size
    if size > limit:
        shown = f"{sizes.upload_mb} MB" if suffix == ".zip" else megabytes(limit)
        return [
            _refused(name, "too_large", f"{Path(name).name} is larger than the {shown} allowed for a {suffix} file")
        ]
    if suffix == ".json":
        return [_read_snapshot(name, None, _bounded(source, sizes), model)]
    return _read_bundle(source, model, sizes)


def _read_bundle(source: ImportSource, model: Model, sizes: SizePolicy) -> list[ImportFile]:
    """Each member validated as it is read, so the ZIP's contents are never all in memory at once; what is kept of
    each is its summary, given out only once the whole ZIP was read safely."""
    try:
        with source.open() as stream:
            return [
                _read_snapshot(source.name, member, content, model)
                if isinstance(content, bytes)
                else ImportFile(source.name, member, problems=(content,))
                for member, content in read_bundle_members(stream, sizes)
            ]
    except SnapshotError as error:
        return [ImportFile(source.name, problems=tuple(error.problems))]


def _refused(name: str, code: str, message: str) -> ImportFile:
    return ImportFile(name, problems=(Problem(code, "", message),))


def _read_snapshot(name: str, member: str | None, data: bytes, model: Model) -> ImportFile:
    try:
        return ImportFile(name, member, SnapshotSummary.of(load_snapshot_text(data, model.framework, model.params)))
    except SnapshotError as error:
        return ImportFile(name, member, problems=tuple(error.problems))


def read_bundle_members(stream, sizes: SizePolicy = DEFAULT_SIZES) -> Iterator[tuple[str, bytes | Problem]]:
    """(member name, content) of each snapshot in a ZIP, one by one, or (member name, Problem) for a member that
    declares more than a snapshot may hold; SnapshotError refuses the whole ZIP when anything is unsafe, before the
    first member if the headers show it, else as soon as a member unpacks otherwise than declared."""
    if isinstance(stream, bytes):
        stream = BytesIO(stream)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            _check_members(infos, sizes)
            wanted = [info for info in infos if _is_snapshot(info.filename)]
            if not wanted:
                raise _unsafe(
                    [Problem("no_snapshots", "", f"the ZIP holds no snapshots (.json files under {SNAPSHOTS_DIR})")]
                )
            for info in wanted:
                if info.file_size > sizes.snapshot_bytes:
                    yield (
                        info.filename,
                        Problem(
                            "too_large",
                            "",
                            f"unpacks to {info.file_size:,} bytes; a snapshot may have {sizes.snapshot_bytes:,}",
                        ),
                    )
                else:
                    yield info.filename, _read_member(archive, info, sizes)
    except _ZIP_FAILURES as error:
        raise _unsafe([Problem("invalid_zip", "", f"not a valid ZIP file ({error})")]) from None


def _is_snapshot(name: str) -> bool:
    return name.startswith(SNAPSHOTS_DIR) and name.lower().endswith(".json")


def _check_members(infos: list[zipfile.ZipInfo], sizes: SizePolicy) -> None:
    if len(infos) > sizes.zip_members:
        raise _unsafe(
            [
                Problem(
                    "too_many_members",
                    "",
                    f"the ZIP has {len(infos)} members; at most {sizes.zip_members:,} are allowed",
                )
            ]
        )
    problems, seen = [], set()
    for info in infos:
        name = info.filename
        if name in seen:
            problems.append(
                Problem("duplicate_member", name, "appears twice in the ZIP, so which one is meant is unclear")
            )
        seen.add(name)
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
            problems.append(Problem("absolute_path", name, "an absolute path; members must be relative"))
        if ".." in re.split(r"[/\\]", name):
            problems.append(
                Problem("path_traversal", name, 'the path contains ".." and would point outside the bundle')
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(Problem("symlink", name, "a symbolic link; a bundle holds plain files only"))
        if _is_snapshot(name) and info.file_size > sizes.snapshot_bytes:
            problems.append(
                Problem(
                    "too_large",
                    name,
                    f"unpacks to {info.file_size:,} bytes; a snapshot may have {sizes.snapshot_bytes:,}",
                )
            )
    total = sum(info.file_size for info in infos)
    if total > sizes.unpacked_bytes:
        problems.append(
            Problem("too_large", "", f"unpacks to {total:,} bytes in all; at most {sizes.unpacked_bytes:,} are allowed")
        )
    if any(p.code != "too_large" or not p.where for p in problems):  # a member too large alone is kept out alone
        raise _unsafe(problems)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sizes: SizePolicy) -> bytes:
    """The content, read no further than the limit, and refused unless it matches the declared size and checksum."""
    try:
        with archive.open(info) as stream:
            data = stream.read(sizes.snapshot_bytes + 1)
    except _ZIP_FAILURES as error:
        raise _unsafe(
            [
                Problem(
                    "damaged_member",
                    info.filename,
                    f"does not unpack to what its header declares ({error}): "
                    "a damaged ZIP, or one made to unpack larger than it says",
                )
            ]
        ) from None
    if len(data) != info.file_size:
        raise _unsafe(
            [Problem("damaged_member", info.filename, f"does not unpack to the {info.file_size:,} bytes it declares")]
        )
    return data


def _unsafe(problems: list[Problem]) -> SnapshotError:
    return SnapshotError(readable_problems(problems), "the ZIP was refused as a whole; nothing in it is imported")
