"""How instants are written everywhere (records, receipts, decisions, logs): ISO 8601 in UTC with ``Z``."""

from __future__ import annotations

from datetime import datetime


def utc_iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")
