"""Where proof of consent lives: the last ``hot_days`` in Redis, every older day in the archive.

Receipts, access and erasure requests and audit exports look in both, so moving a day to the
archive changes where the bytes are, not what a visitor or an auditor sees. Redis memory then
grows with the hot window, not with the retention period.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from banner.archive import KeyMismatch, Report, Sealer, archived_days, find, iter_records, public_key, verify, write_day
from banner.archive import erase as erase_archived
from banner.core.consent import ConsentRecord
from banner.store import ConsentStore

MAX_CHAIN = 1000  # a loop guard: no visitor changes their mind a thousand times
EXPORT_BATCH = 500


@dataclass(frozen=True)
class ArchiveRun:
    """What one ``archive`` run moved: per site, the days and the records."""

    days: dict[str, list[date]]
    records: dict[str, int]


class Proofs:
    """One deployment's consent records, hot and archived."""

    def __init__(self, store: ConsentStore, root: Path, keys: Sequence[str], hot_days: int) -> None:
        """``keys``: the secret keys, newest last; the archive stays sealed by the one it began with."""
        self.store, self.root, self.keys, self.hot_days = store, root, keys, hot_days

    # -- reading --------------------------------------------------------------------------

    def record(self, site: str, consent_id: str) -> ConsentRecord | None:
        """The record, from Redis or else the archive (None when unknown or erased)."""
        hot = self.store.record(site, consent_id)
        if hot is not None:
            return hot
        entry = find(self.root, site, consent_id)
        return ConsentRecord.from_json(entry.record) if entry and entry.record else None

    def history(self, site: str, consent_id: str) -> list[ConsentRecord]:
        """The record with this id and every earlier one it replaced, newest first.

        A visitor proves who they are with their consent id (in their cookie and on their
        receipt); their history is the chain of records linked by ``replaces``.
        """
        records: list[ConsentRecord] = []
        next_id: str | None = consent_id
        while next_id and len(records) < MAX_CHAIN:
            record = self.record(site, next_id)
            if record is None:
                break
            records.append(record)
            next_id = record.replaces
        return records

    def export(self, site: str, start: date, end: date) -> Iterator[ConsentRecord]:
        """Records given on the archived days of the range, then those with an event on its hot days."""
        days = archived_days(self.root, site)
        last = days[-1] if days else date.min
        for data in iter_records(self.root, site, start, min(end, last)):
            yield ConsentRecord.from_json(data)
        hot_start = max(start, last + timedelta(days=1)) if days else start
        if hot_start <= end:
            yield from self._hot(site, _midnight(hot_start), _midnight(end + timedelta(days=1)))

    # -- erasure and archiving ------------------------------------------------------------

    def erase(self, site: str, records: list[ConsentRecord]) -> list[str]:
        """Erase a visitor's records (their :meth:`history`) from Redis and, as tombstones, the archive."""
        ids = self.store.erase(site, records)
        erase_archived(self.root, site, ids, self._sealer())
        return ids

    def archive(self, sites: Sequence[str], today: date) -> ArchiveRun:
        """Move every day older than the hot window to the archive, oldest first, then out of Redis."""
        cutoff = today - timedelta(days=self.hot_days)
        moved_days: dict[str, list[date]] = {}
        moved: dict[str, int] = {}
        for site in sites:
            moved_days[site], moved[site] = self._archive_site(site, cutoff)
        return ArchiveRun(moved_days, moved)

    def verify(self, public_key: str | None = None) -> Report:
        return verify(self.root, public_key)

    def _archive_site(self, site: str, cutoff: date) -> tuple[list[date], int]:
        archived = archived_days(self.root, site)
        if archived:
            self.store.forget_before(site, _midnight(archived[-1] + timedelta(days=1)))  # mends a crash
        day = archived[-1] + timedelta(days=1) if archived else self._first_day(site, cutoff)
        days, count, sealer = [], 0, self._sealer()
        while day is not None and day < cutoff:
            ids = self.store.given_between(site, _midnight(day), _midnight(day + timedelta(days=1)))
            records = [r for r in self.store.records(site, ids) if r is not None]
            write_day(self.root, site, day, (r.to_json() for r in records), sealer)
            count += self.store.forget_before(site, _midnight(day + timedelta(days=1)))
            days.append(day)
            day += timedelta(days=1)
        return days, count

    def _first_day(self, site: str, cutoff: date) -> date | None:
        """The day of the oldest consent still in Redis, if it is before the cutoff."""
        first = next(iter(self.store.given_between(site, datetime.fromtimestamp(0, UTC), _midnight(cutoff))), None)
        record = self.store.record(site, first) if first else None
        return date.fromisoformat(record.given_at[:10]) if record else None

    def _hot(self, site: str, start: datetime, end: datetime) -> Iterator[ConsentRecord]:
        """Each record with an event (given, updated, withdrawn) in the range, once, oldest first;
        ``EXPORT_BATCH`` events read, and their records fetched in one pipeline, at a time."""
        seen: set[str] = set()
        events = self.store.events(site, start, end - timedelta(milliseconds=1))
        while batch := list(itertools.islice(events, EXPORT_BATCH)):
            ids = list(dict.fromkeys(f["id"] for _, f in batch if f.get("id") and f["id"] not in seen))
            seen.update(ids)
            for consent_id, hot in zip(ids, self.store.records(site, ids), strict=True):
                record = hot or self.record(site, consent_id)  # withdrawn after its day was archived
                if record is not None:
                    yield record

    def _sealer(self) -> Sealer:
        """The sealer of the key the archive began with (it may be a fallback now), else the newest."""
        sealed_by = public_key(self.root)
        sealers = [Sealer.from_secret(key) for key in reversed(self.keys)]
        matching = [s for s in sealers if s.public_key == sealed_by]
        if sealed_by is None or matching:
            return matching[0] if matching else sealers[0]
        raise KeyMismatch(
            f"the archive in {self.root} is sealed by a key none of the secret keys gives; keep the key "
            "it began with among SECRET_KEY_FALLBACKS"
        )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)
