"""The consent store: records (proof of consent), event streams, daily counters, signal logs.

The only module that issues Redis commands for consents. A consent write is one Lua call: one
network round trip, all or nothing, idempotent by consent id. Every key of a site shares one
Cluster slot. Any Redis failure surfaces as :class:`~banner.store.errors.StoreUnavailable`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import orjson

from banner.core.consent import ConsentRecord
from banner.store import keys, scripts
from banner.store.calls import ScriptCalls
from banner.store.codec import dump_record, load_record
from banner.store.errors import guarded, guarded_iter

MAX_CHAIN = 1000  # a loop guard: no visitor changes their mind a thousand times
SIGNAL_LOGS = ("dnt", "gpc")

StreamPage = list[tuple[str, dict[str, str]]]


class ConsentStore:
    """Reads and writes one deployment's consent data."""

    def __init__(self, redis: Any, retention_seconds: int, token_max_age_seconds: int) -> None:
        self.redis = redis
        self.retention = retention_seconds
        self.token_max_age = token_max_age_seconds
        self._save = redis.register_script(scripts.SAVE_CONSENT)
        self._withdraw = redis.register_script(scripts.WITHDRAW)
        self._calls = ScriptCalls(redis)

    @guarded
    def load_scripts(self) -> None:
        """Load the Lua scripts up front so the first write is one round trip, not two."""
        for script in (self._save, self._withdraw):
            self.redis.script_load(script.script)

    @guarded
    def ping(self) -> bool:
        return bool(self.redis.ping())

    # -- writes ---------------------------------------------------------------------------

    @guarded
    def save_consent(
        self,
        record: ConsentRecord,
        counts: dict[str, int],
        signal_entries: dict[str, dict[str, str]],
        day: str,
    ) -> bool:
        """Store the record, its stream event, its counters and its DNT/GPC log entries.

        One round trip; idempotent: False when this consent id was already stored.
        """
        site = record.site
        log_fields = {"type": record.event, "id": record.id, "action": record.action}
        stored = self._calls.run(
            self._save,
            keys=[
                keys.record(site, record.id),
                keys.log(site),
                keys.day(site, day),
                keys.signal_log(site, "dnt"),
                keys.signal_log(site, "gpc"),
                keys.revoked(site),
            ],
            args=[
                dump_record(record),
                self.retention,
                self._min_stream_id(),
                orjson.dumps(log_fields),
                orjson.dumps(counts),
                self.retention + 86400,
                _dump_entry(signal_entries.get("dnt")),
                _dump_entry(signal_entries.get("gpc")),
                record.replaces or "",
                *self._revocation_window(),
            ],
        )
        return bool(stored)

    @guarded
    def withdraw(self, site: str, consent_id: str, at: str, day: str) -> bool:
        """Mark a record withdrawn (once) and revoke its id; False when the record is unknown
        (expired or never stored; the id is revoked all the same)."""
        found = self._calls.run(
            self._withdraw,
            keys=[keys.record(site, consent_id), keys.log(site), keys.day(site, day), keys.revoked(site)],
            args=[at, self._min_stream_id(), self.retention + 86400, *self._revocation_window(), consent_id],
        )
        return bool(found)

    @guarded
    def add_counts(self, counts: dict[tuple[str, str, str], int]) -> None:
        """Flush a batch of (site, day, field) -> n counts in one pipeline."""
        if not counts:
            return
        by_key: dict[tuple[str, str], dict[str, int]] = {}
        for (site, day, field), n in counts.items():
            by_key.setdefault((site, day), {})[field] = n
        pipe = self.redis.pipeline(transaction=False)
        for (site, day), fields in by_key.items():
            key = keys.day(site, day)
            for field, n in fields.items():
                pipe.hincrby(key, field, n)
            pipe.expire(key, self.retention + 86400)
        pipe.execute()

    # -- reads ----------------------------------------------------------------------------

    @guarded
    def record(self, site: str, consent_id: str) -> ConsentRecord | None:
        raw = self.redis.get(keys.record(site, consent_id))
        return load_record(raw, site) if raw else None

    @guarded
    def records(self, site: str, ids: list[str]) -> list[ConsentRecord | None]:
        """Several records in one MGET (all of a site's keys share a slot); None where gone."""
        if not ids:
            return []
        raws = self.redis.mget([keys.record(site, consent_id) for consent_id in ids])
        return [load_record(raw, site) if raw else None for raw in raws]

    @guarded
    def days(self, site: str, days: Iterable[str]) -> dict[str, dict[str, int]]:
        """Counters of each given day (YYYYMMDD), in one round trip."""
        days = list(days)
        pipe = self.redis.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(keys.day(site, day))
        return {day: {field: int(n) for field, n in raw.items()} for day, raw in zip(days, pipe.execute(), strict=True)}

    @guarded
    def signal_log(self, site: str, signal: str, limit: int, before: str | None = None) -> list[dict[str, str]]:
        """Newest first; ``before`` is the stream id of the last entry of the previous page."""
        end = f"({before}" if before else "+"
        rows = self.redis.xrevrange(keys.signal_log(site, signal), max=end, min="-", count=limit)
        return [{"entry_id": entry_id, **fields} for entry_id, fields in rows]

    def event_pages(self, site: str, start: datetime, end: datetime, page: int = 500) -> Iterator[StreamPage]:
        """Consent events between two instants, oldest first, ``page`` entries per round trip."""
        lo, hi = str(int(start.timestamp() * 1000)), str(int(end.timestamp() * 1000))
        return self._stream_pages(keys.log(site), lo, hi, page)

    # -- access and erasure requests ------------------------------------------------------

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

    @guarded
    def erase(self, site: str, records: list[ConsentRecord]) -> list[str]:
        """Delete a visitor's records (their :meth:`history`) and every stream entry naming them.

        Daily counters are aggregates and stay. Returns the erased ids.
        """
        ids = [r.id for r in records]
        if not ids:
            return []
        self.redis.delete(*[keys.record(site, i) for i in ids])
        wanted = set(ids)
        streams = [(keys.log(site), "id"), *((keys.signal_log(site, s), "consent_id") for s in SIGNAL_LOGS)]
        for stream, field in streams:
            entries = (entry for page in self._stream_pages(stream) for entry in page)
            doomed = [entry_id for entry_id, fields in entries if fields.get(field) in wanted]
            if doomed:
                self.redis.xdel(stream, *doomed)
        return ids

    # -- internals ------------------------------------------------------------------------

    @guarded_iter
    def _stream_pages(self, stream: str, lo: str = "-", hi: str = "+", page: int = 500) -> Iterator[StreamPage]:
        """A stream's entries in ``page``-sized replies, so a long stream never arrives at once."""
        while True:
            rows = self.redis.xrange(stream, min=lo, max=hi, count=page)
            if rows:
                yield rows
            if len(rows) < page:
                return
            lo = f"({rows[-1][0]}"

    def _revocation_window(self) -> tuple[int, int]:
        """Now, and the oldest revocation a live token can still need (both in ms)."""
        now = int(time.time() * 1000)
        return now, now - self.token_max_age * 1000

    def _min_stream_id(self) -> str:
        """Streams keep retention_days of entries: older ones are trimmed as new ones arrive."""
        return str(int((time.time() - self.retention) * 1000))


def _dump_entry(entry: dict[str, str] | None) -> bytes:
    return orjson.dumps(entry) if entry else b""
