"""The consent archive: proof of consent kept on disk, hash-chained and sealed, for years.

Old consent records leave Redis for one compressed JSON Lines file per site and day. Each day is
chained to the one before, each record's hash is kept (so an erased record leaves a tombstone,
not a hole), and every manifest is signed with a key derived from the deployment secret, so
:func:`verify` proves offline that nothing was changed, added or removed. The on-disk format is
described in ``docs/archive.md``. This package knows nothing of Redis or Flask.
"""

from banner.archive.erasure import erase
from banner.archive.errors import ArchiveError, CorruptArchive, DayOrderError, InvalidRecord, KeyMismatch
from banner.archive.manifest import DayFile, Erasure
from banner.archive.reader import ArchivedEntry, archived_days, find, iter_records, public_key
from banner.archive.report import Problem, Report, SiteReport, format_report
from banner.archive.seal import Sealer
from banner.archive.verify import verify
from banner.archive.writer import write_day

__all__ = [
    "ArchiveError",
    "ArchivedEntry",
    "CorruptArchive",
    "DayFile",
    "DayOrderError",
    "Erasure",
    "InvalidRecord",
    "KeyMismatch",
    "Problem",
    "Report",
    "Sealer",
    "SiteReport",
    "archived_days",
    "erase",
    "find",
    "format_report",
    "iter_records",
    "public_key",
    "verify",
    "write_day",
]
