"""Erasing archived consents (GDPR article 17) without breaking the chain.

Each erased record's line becomes a tombstone that keeps the record's id and hash, so the day's
digest and every link after it stay the same. The day file is rewritten under its next
generation's name, the manifest (which logs each erasure) is re-sealed and renamed into place,
and only then is the old file, the last copy of the erased records, deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from banner.archive.disk import (
    MANIFEST,
    day_file_name,
    file_digest,
    generation_of,
    locked,
    read_lines,
    sync_dir,
    write_atomic,
    write_day_file,
)
from banner.archive.errors import CorruptArchive
from banner.archive.lines import read_line, tombstone_line
from banner.archive.manifest import DayFile, Erasure, Manifest, render
from banner.archive.reader import candidate_lines
from banner.archive.seal import Sealer
from banner.archive.sites import check_site, open_for_writing, read_root

Targets = dict[int, set[str]]  # line position -> ids that line may hold
ERASED_AT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # UTC, to the second, as receipts write instants


def erase(root: Path, site: str, ids: Iterable[str], sealer: Sealer, now: datetime | None = None) -> list[Erasure]:
    """Replace every archived record of ``site`` with one of these ids by its tombstone.

    Ids the archive never held, or already erased, are skipped. Answers the erasures made, which
    the re-sealed manifest also logs. A crash before the manifest is renamed leaves nothing erased.
    """
    check_site(site)
    wanted = set(ids)
    erased_at = (now or datetime.now(UTC)).astimezone(UTC).strftime(ERASED_AT_FORMAT)
    if not wanted or not root.is_dir():
        return []
    with locked(root):
        root_file = read_root(root)
        if root_file is None or site not in root_file.sites:
            return []
        manifest = open_for_writing(root, site, sealer)
        days, erasures = list(manifest.days), []
        for i, day in enumerate(days):
            targets = candidate_lines(root, site, day, wanted)
            if targets:
                days[i], made = _erase_in_day(root, site, day, targets, erased_at)
                erasures.extend(made)
        if erasures:
            erased = replace(manifest, days=tuple(days), erasures=(*manifest.erasures, *erasures))
            _commit(root, manifest, erased, sealer)
    return erasures


def _erase_in_day(
    root: Path, site: str, day: DayFile, targets: Targets, erased_at: str
) -> tuple[DayFile, list[Erasure]]:
    """Write the day's next generation with tombstones; the unchanged day when nothing was erased."""
    current = root / site / day.file
    if file_digest(current) != (day.file_bytes, day.file_sha256):
        raise CorruptArchive(f"{site}/{day.file}", "does not match its manifest entry; refusing to re-seal it")
    made: list[Erasure] = []
    name = day_file_name(day.day, generation_of(day.file) + 1)
    try:
        size, sha256 = write_day_file(current.with_name(name), _tombstoned(current, targets, day.day, erased_at, made))
    except ValueError as error:
        raise CorruptArchive(f"{site}/{day.file}", str(error)) from error
    if not made:
        current.with_name(name).unlink()
        return day, []
    tombstones = day.tombstones + len(made)
    return replace(day, tombstones=tombstones, file=name, file_bytes=size, file_sha256=sha256), made


def _tombstoned(path: Path, targets: Targets, day: str, erased_at: str, made: list[Erasure]) -> Iterator[bytes]:
    for position, raw in enumerate(read_lines(path)):
        if position in targets:
            entry = read_line(raw)
            if entry.record is not None and entry.id in targets[position]:
                raw = tombstone_line(entry, erased_at)
                made.append(Erasure(id=entry.id, day=day, hash=entry.hash, erased_at=erased_at))
        yield raw


def _commit(root: Path, old: Manifest, new: Manifest, sealer: Sealer) -> None:
    """Seal the new manifest, then delete the day files it no longer lists (they hold erased records)."""
    site_dir = root / old.site
    write_atomic(site_dir / MANIFEST, render(new.body(), sealer))
    for name in {day.file for day in old.days} - {day.file for day in new.days}:
        (site_dir / name).unlink()
    sync_dir(site_dir)
