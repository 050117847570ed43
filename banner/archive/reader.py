"""Reading an archive: one consent by id (receipts, access requests) and a range of days (exports).

Readers see only what the site's sealed manifest lists, so a half-finished write is invisible.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from banner.archive.disk import index_name, read_lines
from banner.archive.errors import CorruptArchive
from banner.archive.index import positions
from banner.archive.lines import Entry, read_line
from banner.archive.manifest import DayFile, Manifest
from banner.archive.sites import check_site, read_manifest, read_root


@dataclass(frozen=True)
class ArchivedEntry:
    """A consent found in the archive: its record, or the tombstone left where it was erased."""

    site: str
    day: date
    id: str
    hash: str
    record: dict[str, Any] | None
    erased_at: str | None

    @property
    def erased(self) -> bool:
        return self.record is None


def find(root: Path, site: str, consent_id: str) -> ArchivedEntry | None:
    """The archived consent with this id, newest day first; None when the archive never held it."""
    manifest = _manifest(root, site)
    for day in reversed(manifest.days):
        for position in candidate_lines(root, site, day, {consent_id}):
            entry = _line_at(root, site, day, position)
            if entry.id == consent_id:
                when = date.fromisoformat(day.day)
                return ArchivedEntry(site, when, entry.id, entry.hash, entry.record, entry.erased_at)
    return None


def iter_records(root: Path, site: str, start: date, end: date) -> Iterator[dict[str, Any]]:
    """The records still held for the days from ``start`` to ``end`` (both included), oldest first.

    Erased records are left out: an export must not bring back what was erased.
    """
    manifest = _manifest(root, site)
    for day in manifest.days:
        if start.isoformat() <= day.day <= end.isoformat():
            for entry in _entries(root, site, day):
                if entry.record is not None:
                    yield entry.record


def archived_days(root: Path, site: str) -> list[date]:
    """The days of ``site`` in the archive, oldest first (none when nothing was archived)."""
    return [date.fromisoformat(day.day) for day in _manifest(root, site).days]


def public_key(root: Path) -> str | None:
    """The key the archive is sealed with, or None when nothing was archived yet."""
    root_file = read_root(root)
    return root_file.public_key if root_file else None


def candidate_lines(root: Path, site: str, day: DayFile, ids: set[str]) -> dict[int, set[str]]:
    """Lines of the day whose id may be one of ``ids``, by the index (an 8-byte key can collide: check the line)."""
    index = root / site / index_name(day.day)
    found: dict[int, set[str]] = {}
    try:
        for consent_id in ids:
            for position in positions(index, consent_id):
                found.setdefault(position, set()).add(consent_id)
    except (OSError, ValueError) as error:
        raise CorruptArchive(f"{site}/{index_name(day.day)}", str(error)) from error
    return found


def _manifest(root: Path, site: str) -> Manifest:
    check_site(site)
    root_file = read_root(root)
    if root_file is None or site not in root_file.sites:
        return Manifest(site)
    return read_manifest(root, site, root_file.public_key)


@contextmanager
def _reading(site: str, day: DayFile) -> Iterator[None]:
    try:
        yield
    except (OSError, ValueError, RecursionError) as error:
        raise CorruptArchive(f"{site}/{day.file}", str(error)) from error


def _entries(root: Path, site: str, day: DayFile) -> Iterator[Entry]:
    with _reading(site, day):
        for raw in read_lines(root / site / day.file):
            yield read_line(raw)


def _line_at(root: Path, site: str, day: DayFile, position: int) -> Entry:
    """The line at ``position``; only that one is parsed."""
    with _reading(site, day):
        raw = next(islice(read_lines(root / site / day.file), position, None), None)
        if raw is None:
            raise CorruptArchive(f"{site}/{index_name(day.day)}", f"points past the end of {day.file}")
        return read_line(raw)
