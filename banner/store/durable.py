"""Consent writes that survive a Redis outage: Redis when it answers, the spool when it does not.

While anything is spooled, new writes join the spool too, so replay keeps their order (a
withdrawal never overtakes the consent it withdraws).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

from banner.core.consent import ConsentRecord
from banner.store.consents import ConsentStore
from banner.store.spool import Entry, Spool

log = logging.getLogger(__name__)


class DurableStore:
    def __init__(self, store: ConsentStore, spool: Spool | None) -> None:
        self.store = store
        self.spool = spool

    def save_consent(
        self, record: ConsentRecord, counts: dict[str, int], signal_entries: dict[str, dict[str, str]], day: str
    ) -> None:
        self._write(
            lambda: self.store.save_consent(record, counts, signal_entries, day),
            lambda: {
                "op": "consent",
                "record": record.to_json(),
                "counts": counts,
                "signals": signal_entries,
                "day": day,
            },
        )

    def withdraw(self, site: str, consent_id: str, at: str, day: str) -> str | None:
        """The withdrawn consent's id; when spooled, the id is taken as given (applied later)."""
        found = self._write(
            lambda: self.store.withdraw(site, consent_id, at, day),
            lambda: {"op": "withdraw", "site": site, "id": consent_id, "at": at, "day": day},
        )
        return consent_id if found else None

    def drain(self) -> int:
        """Replay spooled writes; returns how many were applied (0 while Redis is still down)."""
        if self.spool is None or not self.spool.pending():
            return 0
        try:
            return self.spool.replay(self._apply)
        except RedisError:
            log.warning("consent store still unavailable; %d spooled writes wait", self.spool.depth())
            return 0

    def depth(self) -> int:
        """Spooled writes waiting; one ``stat`` when there are none (the usual answer to a health probe)."""
        return self.spool.depth() if self.spool and self.spool.pending() else 0

    def _write(self, now: Callable[[], Any], entry: Callable[[], Entry]) -> Any:
        """Write to Redis, or spool ``entry()`` (built only then) to replay in order later."""
        if self.spool is None:
            return now()
        if not self.spool.pending():
            try:
                return now()
            except RedisError:
                log.warning("consent store unavailable; spooling writes")
        self.spool.append(entry())
        return _SPOOLED

    def _apply(self, entry: Entry) -> Any:
        if entry["op"] == "consent":
            record = ConsentRecord.from_json(entry["record"])
            return self.store.save_consent(record, entry["counts"], entry["signals"], entry["day"])
        return self.store.withdraw(entry["site"], entry["id"], entry["at"], entry["day"])


_SPOOLED = object()
