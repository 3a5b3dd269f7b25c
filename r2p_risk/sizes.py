"""The one size policy: how large an assessment, a snapshot, an upload, a ZIP and a backup may be.

Two kinds of limit. The limits of the data format are fixed, so that a snapshot written by any
r2p-risk can be read by any other: an assessment may take `ASSESSMENT_BYTES` in a snapshot file
(its indented JSON, `editing.size_in_a_snapshot`), and a snapshot file, which adds the situation and
the profile, `SNAPSHOT_BYTES`.
The editor refuses a change that would pass the first, saving refuses it again, and reading a
snapshot refuses a file past the second, so whatever the app stores can be exported and imported.

The limits of a deployment's resources are settings (`r2p_risk.settings`): the largest upload
(`R2P_RISK_MAX_UPLOAD_MB`, which Streamlit's `server.maxUploadSize` and the reverse proxy's body
limit must match) and the largest backup to restore (`R2P_RISK_MAX_RESTORE_MB`). `SizePolicy`
holds both kinds, and everything derived from them, in one object.
"""

from __future__ import annotations

from dataclasses import dataclass

ASSESSMENT_BYTES = 4_000_000
SNAPSHOT_BYTES = ASSESSMENT_BYTES + 1_000_000  # the situation, the profile (a few kB) and the indentation of the file
MEGABYTE = 1024 * 1024  # as Streamlit's server.maxUploadSize and nginx's client_max_body_size count
UPLOAD_MB = 50
RESTORE_MB = 4096
ZIP_MEMBERS = 5_000
UNPACKED_PER_UPLOAD = 4  # a ZIP may unpack to 4 times its own limit: snapshots compress about that well
BACKUP_ROW_BYTES = 2 * ASSESSMENT_BYTES + 100_000  # the largest row: an audit event with an assessment before and after


@dataclass(frozen=True)
class SizePolicy:
    """Every size limit, in bytes unless named otherwise; build it with `Settings().sizes`."""

    upload_mb: int = UPLOAD_MB
    restore_mb: int = RESTORE_MB
    assessment_bytes: int = ASSESSMENT_BYTES
    snapshot_bytes: int = SNAPSHOT_BYTES
    zip_members: int = ZIP_MEMBERS
    backup_row_bytes: int = BACKUP_ROW_BYTES

    @property
    def upload_bytes(self) -> int:
        """The largest file that can be uploaded or imported: a .zip export (a .json snapshot has `snapshot_bytes`)."""
        return self.upload_mb * MEGABYTE

    @property
    def unpacked_bytes(self) -> int:
        """What one imported ZIP may unpack to in all (200 MB for a 50 MB upload)."""
        return UNPACKED_PER_UPLOAD * self.upload_mb * 1_000_000

    @property
    def restore_bytes(self) -> int:
        """What one backup may hold, file and unpacked contents alike."""
        return self.restore_mb * MEGABYTE

    @property
    def proxy_body_mb(self) -> int:
        """What a reverse proxy in front must let through: the upload and the form around it."""
        return self.upload_mb + 1

    def file_limit(self, suffix: str) -> int | None:
        """The largest file of this kind that can be imported; None for a kind that cannot be."""
        return {".json": self.snapshot_bytes, ".zip": self.upload_bytes}.get(suffix.lower())


DEFAULT_SIZES = SizePolicy()


def megabytes(size: int) -> str:
    """A size in words, e.g. "4 MB": decimal megabytes for the format limits, as people count file sizes."""
    return f"{size / 1_000_000:g} MB"
