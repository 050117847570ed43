"""Consent writes that survive a Redis outage: Redis when it answers, the spool when it does not.

While anything is spooled, new writes join the spool too, so replay keeps their order (a
withdrawal never overtakes the consent it withdraws). An acknowledged consent is counted in the
day's counters at once (through the tally, flushed with the banner views); a withdrawal is counted
when it takes effect, so a repeated one is counted once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from banner.core import counters
from banner.core.clock import day_key, utc_now
from banner.core.consent import ConsentRecord
from banner.store.consents import ConsentStore, Withdrawal
from banner.store.errors import StoreUnavailable
from banner.store.spool import BadEntry, Entry, Spool
from banner.store.tally import Tally

log = logging.getLogger(__name__)


WITHDRAWN = {counters.WITHDRAWALS: 1}


class DurableStore:
    def __init__(self, store: ConsentStore, spool: Spool | None, tally: Tally) -> None:
        self.store = store
        self.spool = spool
        self.tally = tally

    def save_consent(
        self, record: ConsentRecord, counts: dict[str, int], signal_entries: dict[str, dict[str, str]], day: str
    ) -> None:
        """Store (or spool) the consent, then count it: once acknowledged, it counts."""
        self._write(
            lambda: self.store.save_consent(record, signal_entries),
            lambda: {"op": "consent", "record": record.to_json(), "signals": signal_entries},
        )
        self.tally.add(record.site, day, counts)

    def withdraw(self, site: str, consent_id: str, at: str) -> str | None:
        """The withdrawn consent's id; when spooled, the id is taken as given (applied later)."""
        found = self._write(
            lambda: self._withdraw(site, consent_id, at),
            lambda: {"op": "withdraw", "site": site, "id": consent_id, "at": at},
        )
        return consent_id if found else None

    def drain(self) -> int:
        """Replay spooled writes; returns how many were applied (0 while Redis is still down)."""
        if self.spool is None or not self.spool.pending():
            return 0
        try:
            return self.spool.replay(self._apply)
        except StoreUnavailable:
            log.warning("consent store still unavailable; %d spooled writes wait", self.spool.depth())
            return 0

    def depth(self) -> int:
        """Spooled writes waiting; one ``stat`` when there are none (the usual answer to a health probe)."""
        return self.spool.depth() if self.spool and self.spool.pending() else 0

    def quarantined(self) -> int:
        return self.spool.quarantined() if self.spool else 0

    def _write(self, now: Callable[[], Any], entry: Callable[[], Entry]) -> Any:
        """Write to Redis, or spool ``entry()`` (built only then) to replay in order later."""
        if self.spool is None:
            return now()
        if not self.spool.pending():
            try:
                return now()
            except StoreUnavailable:
                log.warning("consent store unavailable; spooling writes")
        self.spool.append(entry())
        return _SPOOLED

    def _withdraw(self, site: str, consent_id: str, at: str) -> Withdrawal:
        found = self.store.withdraw(site, consent_id, at)
        if found is Withdrawal.NOW:
            self.tally.add(site, day_key(utc_now()), WITHDRAWN)
        return found

    def _apply(self, entry: Entry) -> Any:
        """Apply one spooled write; :class:`BadEntry` when it has the wrong shape."""
        op = entry.get("op")
        if op == "consent":
            record, signals = _consent_entry(entry)
            return self.store.save_consent(record, signals)
        if op == "withdraw":
            site, consent_id, at = (_text(entry, name) for name in ("site", "id", "at"))
            return self._withdraw(site, consent_id, at)
        raise BadEntry(f"unknown op {str(op)[:40]!r}")


def _consent_entry(entry: Entry) -> tuple[ConsentRecord, dict[str, dict[str, str]]]:
    try:
        record = ConsentRecord.from_json(entry["record"])
    except (KeyError, TypeError) as e:
        raise BadEntry(f"not a consent record: {e}") from None
    if not record.is_well_formed():
        raise BadEntry("consent record with fields of the wrong type")
    signals = entry.get("signals")
    if not isinstance(signals, dict) or not set(signals) <= {"dnt", "gpc"}:
        raise BadEntry("'signals' must map dnt/gpc to log entries")
    if not all(map(_is_log_entry, signals.values())):
        raise BadEntry("'signals' must map dnt/gpc to log entries")
    return record, signals


def _is_log_entry(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _text(entry: Entry, name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value:
        raise BadEntry(f"'{name}' must be a non-empty string")
    return value


_SPOOLED = object()
