"""The consent store: records (proof of consent), event streams, signal logs, daily counters.

The only module that issues Redis commands for consents. A consent write is one Lua call: one
network round trip, all or nothing, idempotent by consent id, in the one Cluster slot of the
consent's bucket (:mod:`banner.store.keys`). Any Redis failure surfaces as
:class:`~banner.store.errors.StoreUnavailable`.
"""

from __future__ import annotations

import enum
import itertools
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from banner.core.consent import ConsentRecord
from banner.store import keys, scripts, streams
from banner.store.calls import ScriptCalls
from banner.store.codec import dump_record, load_record
from banner.store.errors import guarded, guarded_iter

SIGNAL_LOGS = ("dnt", "gpc")
#: Stream events that record a consent (the others, ``withdrawn``, mark one).
RECORDED = frozenset({"given", "updated"})


class Withdrawal(enum.IntEnum):
    """What a withdrawal found: the withdraw script's answer."""

    UNKNOWN = 0  # no such record (expired, erased or never stored); its id is revoked all the same
    BEFORE = 1  # withdrawn earlier
    NOW = 2


class ConsentStore:
    """Reads and writes one deployment's consent data."""

    def __init__(self, redis: Any, retention_seconds: int, token_max_age_seconds: int) -> None:
        self.redis = redis
        self.retention = retention_seconds
        self.token_max_age = token_max_age_seconds
        self._sequence = itertools.count(1)
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
        self, record: ConsentRecord, signal_entries: dict[str, dict[str, str]], stamp: datetime | None = None
    ) -> bool:
        """Store the record, its stream event, its DNT/GPC log entries, and revoke what it replaces.

        One round trip; idempotent: False when this consent id was already stored. ``stamp`` dates
        the stream entries (for history written later, in time order, such as the demo's); now
        by default.
        """
        site, bucket = record.site, keys.bucket_of(record.id)
        log_fields = {"type": record.event, "id": record.id, "action": record.action}
        stored = self._calls.run(
            self._save,
            keys=[
                keys.record(site, record.id),
                keys.log(site, bucket),
                keys.signal_log(site, "dnt", bucket),
                keys.signal_log(site, "gpc", bucket),
                keys.revoked(site, bucket),
            ],
            args=[
                dump_record(record),
                self.retention,
                self._min_stream_id(),
                orjson.dumps(log_fields),
                _dump_entry(signal_entries.get("dnt")),
                _dump_entry(signal_entries.get("gpc")),
                record.replaces or "",
                *self._revocation_window(),
                self._entry_id(stamp),
            ],
        )
        return bool(stored)

    @guarded
    def withdraw(self, site: str, consent_id: str, at: str, stamp: datetime | None = None) -> Withdrawal:
        """Mark a record withdrawn (once) and revoke its id; ``stamp`` as for :meth:`save_consent`."""
        bucket = keys.bucket_of(consent_id)
        found = self._calls.run(
            self._withdraw,
            keys=[keys.record(site, consent_id), keys.log(site, bucket), keys.revoked(site, bucket)],
            args=[at, self._min_stream_id(), *self._revocation_window(), consent_id, self._entry_id(stamp)],
        )
        return Withdrawal(int(found))

    @guarded
    def trim(self, sites: Iterable[str]) -> None:
        """Drop stream entries and revocations past their time in every bucket, in one pipeline.

        Each write trims its own bucket; this sweep reaches the buckets a quiet site rarely writes to.
        """
        pipe = self.redis.pipeline(transaction=False)
        min_id, (_, expired_ms) = self._min_stream_id(), self._revocation_window()
        for site in sites:
            for stream in [*keys.logs(site), *(k for s in SIGNAL_LOGS for k in keys.signal_logs(site, s))]:
                pipe.xtrim(stream, minid=min_id, approximate=False)
            for revoked in keys.revoked_sets(site):
                pipe.zremrangebyscore(revoked, "-inf", f"({expired_ms}")
        pipe.execute()

    @guarded
    def add_counts(self, counts: dict[tuple[str, str, str], int]) -> None:
        """Flush a batch of (site, day, field) -> n counts in one pipeline."""
        if not counts:
            return
        by_key: dict[str, dict[str, int]] = {}
        for (site, day, field), n in counts.items():
            by_key.setdefault(keys.day(site, day), {})[field] = n
        pipe = self.redis.pipeline(transaction=False)
        for key, fields in by_key.items():
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
        """Several records in one pipeline (one round trip per Cluster node); None where gone."""
        pipe = self.redis.pipeline(transaction=False)
        for consent_id in ids:
            pipe.get(keys.record(site, consent_id))
        raws = pipe.execute() if ids else []
        return [load_record(raw, site) if raw else None for raw in raws]

    @guarded
    def days(self, site: str, days: Iterable[str]) -> dict[str, dict[str, int]]:
        """Counters of each given day (YYYYMMDD), in one round trip (a site's days share a slot)."""
        days = list(days)
        pipe = self.redis.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(keys.day(site, day))
        return {day: {field: int(n) for field, n in raw.items()} for day, raw in zip(days, pipe.execute(), strict=True)}

    @guarded
    def signal_log(self, site: str, signal: str, limit: int, before: str | None = None) -> list[dict[str, str]]:
        """Newest first across buckets; ``before`` is the entry id of the last entry of the previous page."""
        rows = streams.newest_first(self.redis, keys.signal_logs(site, signal), limit, before)
        return [{"entry_id": entry_id, **fields} for entry_id, fields in rows]

    @guarded_iter
    def events(self, site: str, start: datetime, end: datetime) -> Iterator[streams.Entry]:
        """Consent events between two instants, oldest first, merged across buckets."""
        lo, hi = str(int(start.timestamp() * 1000)), str(int(end.timestamp() * 1000))
        yield from streams.oldest_first(self.redis, keys.logs(site), lo, hi)

    # -- the archive's side: what a day held, and letting it go -----------------------------

    def given_between(self, site: str, start: datetime, end: datetime) -> list[str]:
        """Ids of the consents given (or updated) from ``start`` up to ``end``, oldest first."""
        return [
            fields["id"]
            for _, fields in self.events(site, start, end - timedelta(milliseconds=1))
            if fields.get("type") in RECORDED and fields.get("id")
        ]

    @guarded
    def forget_before(self, site: str, end: datetime) -> int:
        """Delete every record given before ``end`` and every stream entry older than it.

        For days already in the archive; safe to repeat (a crash between archiving a day and
        forgetting it is mended by the next run). Returns how many records were deleted.
        """
        ids = self.given_between(site, datetime.fromtimestamp(0, UTC), end)
        pipe = self.redis.pipeline(transaction=False)
        for consent_id in ids:
            pipe.delete(keys.record(site, consent_id))
        min_id = str(int(end.timestamp() * 1000))
        for stream in [*keys.logs(site), *(k for s in SIGNAL_LOGS for k in keys.signal_logs(site, s))]:
            pipe.xtrim(stream, minid=min_id, approximate=False)
        return sum(int(n) for n in pipe.execute()[: len(ids)])

    # -- access and erasure requests ------------------------------------------------------

    @guarded
    def erase(self, site: str, records: list[ConsentRecord]) -> list[str]:
        """Delete a visitor's records (their history) and every stream entry naming them.

        Only the buckets of those records are searched. Daily counters are aggregates and stay.
        """
        ids = [r.id for r in records]
        pipe = self.redis.pipeline(transaction=False)
        for consent_id in ids:
            pipe.delete(keys.record(site, consent_id))
        if ids:
            pipe.execute()
        wanted = set(ids)
        for bucket in sorted({keys.bucket_of(i) for i in ids}):
            named = [(keys.log(site, bucket), "id")]
            named += [(keys.signal_log(site, s, bucket), "consent_id") for s in SIGNAL_LOGS]
            for stream, field in named:
                doomed = [i for i, fields in streams.oldest_first(self.redis, [stream]) if fields.get(field) in wanted]
                if doomed:
                    self.redis.xdel(stream, *doomed)
        return ids

    # -- internals ------------------------------------------------------------------------

    def _entry_id(self, stamp: datetime | None) -> str:
        """``*`` (Redis picks now), or an explicit id at ``stamp``; the sequence part keeps ids of one
        millisecond apart."""
        return "*" if stamp is None else f"{int(stamp.timestamp() * 1000)}-{next(self._sequence)}"

    def _revocation_window(self) -> tuple[int, int]:
        """Now, and the oldest revocation a live token can still need (both in ms)."""
        now = int(time.time() * 1000)
        return now, now - self.token_max_age * 1000

    def _min_stream_id(self) -> str:
        """Streams keep retention_days of entries: older ones are trimmed as new ones arrive."""
        return str(int((time.time() - self.retention) * 1000))


def _dump_entry(entry: dict[str, str] | None) -> bytes:
    return orjson.dumps(entry) if entry else b""
