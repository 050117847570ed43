"""How the service writes instants and names days: one place, so every record, log and counter agrees.

Instants are ISO 8601 in UTC with ``Z``; days are UTC and named ``YYYYMMDD`` in storage keys.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

DAY_FORMAT = "%Y%m%d"


def utc_iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def utc_now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The current UTC date (the dashboard's default range ends here)."""
    return utc_now().date()


def day_key(when: datetime | date) -> str:
    """The storage name of the UTC day of ``when``."""
    return when.strftime(DAY_FORMAT)


def today_key() -> str:
    """The storage name of the current UTC day, for the per-request paths (``time`` is several
    times cheaper than ``datetime``)."""
    return time.strftime(DAY_FORMAT, time.gmtime())
