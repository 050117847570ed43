"""Appending one day of a site's consent records to its archive."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from banner.archive.chain import day_link
from banner.archive.disk import MANIFEST, day_file_name, index_name, locked, write_atomic, write_day_file
from banner.archive.errors import DayOrderError, InvalidRecord
from banner.archive.index import build_index
from banner.archive.lines import live_line
from banner.archive.manifest import DayFile, Manifest, render
from banner.archive.seal import Sealer
from banner.archive.sites import check_site, open_for_writing


def write_day(root: Path, site: str, day: date, records: Iterable[dict[str, Any]], sealer: Sealer) -> DayFile:
    """Archive ``records`` as ``site``'s file for ``day`` and append it to the site's chain.

    Days go in order: a day already archived, or earlier than the chain head, is refused with
    :class:`DayOrderError`; a bad record with :class:`InvalidRecord`. Either way nothing is kept.
    ``records`` is read once, as a stream. The day is committed when the re-sealed manifest that
    lists it is renamed into place; a crash before that leaves the previous state.
    """
    check_site(site)
    root.mkdir(parents=True, exist_ok=True)
    name = day.isoformat()
    with locked(root):
        manifest = open_for_writing(root, site, sealer)
        _check_order(manifest, name)
        tally = _Tally(site)
        size, sha256 = write_day_file(root / site / day_file_name(name), tally.lines(records))
        index = build_index(tally.ids)
        write_atomic(root / site / index_name(name), index)
        digest = tally.digest.hexdigest()
        day_file = DayFile(
            day=name,
            records=len(tally.ids),
            tombstones=0,
            digest=digest,
            prev=manifest.head,
            link=day_link(site, name, len(tally.ids), digest, manifest.head),
            file=day_file_name(name),
            file_bytes=size,
            file_sha256=sha256,
            index_sha256=hashlib.sha256(index).hexdigest(),
        )
        extended = replace(manifest, days=(*manifest.days, day_file))
        write_atomic(root / site / MANIFEST, render(extended.body(), sealer))
    return day_file


def _check_order(manifest: Manifest, day: str) -> None:
    if any(archived.day == day for archived in manifest.days):
        raise DayOrderError(f"{manifest.site} {day} is already archived")
    if manifest.days and day < manifest.days[-1].day:
        head = manifest.days[-1].day
        raise DayOrderError(f"{manifest.site} {day} is earlier than the chain head {head}; days are archived in order")


class _Tally:
    """What the index and the chain need from a day's records, gathered as they stream past."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.ids: list[str] = []
        self.digest = hashlib.sha256()  # the day digest: SHA-256 over the raw record hashes

    def lines(self, records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
        seen: set[str] = set()
        for record in records:
            entry, line = live_line(record)
            if record.get("site", self.site) != self.site:
                raise InvalidRecord(f"consent {entry.id[:40]!r} belongs to another site than {self.site!r}")
            if entry.id in seen:
                raise InvalidRecord(f"consent id {entry.id[:40]!r} appears twice in one day")
            seen.add(entry.id)
            self.ids.append(entry.id)
            self.digest.update(bytes.fromhex(entry.hash))
            yield line
