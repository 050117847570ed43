"""One archived consent per line: a salted, hashed record, or the tombstone left when it is erased.

A live line is the canonical JSON ``{"record": {...}, "salt": "<32 hex>"}``; its hash is
SHA-256(salt bytes + the canonical record bytes). The random salt is what makes erasure real: a
consent record has little entropy (an id the tombstone keeps, a time within one day, a handful of
flags), so an unsalted hash would let anyone holding the tombstone rebuild the erased record by
trying candidates. Once the line is replaced by ``{"erased_at", "hash", "id"}`` the salt is gone
with the record, and the kept hash still holds the day's digest (and so the chain) together.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from banner.archive.errors import InvalidRecord

SALT_BYTES = 16
MAX_ID_LENGTH = 200
LIVE_KEYS = frozenset({"record", "salt"})
TOMBSTONE_KEYS = frozenset({"erased_at", "hash", "id"})


@dataclass(frozen=True)
class Entry:
    """One line of a day file: a record (``record`` set) or its tombstone (``erased_at`` set)."""

    id: str
    hash: str
    record: dict[str, Any] | None = None
    erased_at: str | None = None


def canonical(value: Any) -> bytes:
    """The one JSON spelling of ``value``: keys sorted, no spaces, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def record_hash(salt: bytes, record: dict[str, Any]) -> str:
    return hashlib.sha256(salt + canonical(record)).hexdigest()


def live_line(record: Any) -> tuple[Entry, bytes]:
    """Salt and hash a record handed in for archiving; :class:`InvalidRecord` if it cannot be kept."""
    if not isinstance(record, dict):
        raise InvalidRecord(f"a record must be a JSON object, not {type(record).__name__}")
    consent_id = record.get("id")
    if not isinstance(consent_id, str) or not 0 < len(consent_id) <= MAX_ID_LENGTH:
        raise InvalidRecord(f"a record needs an 'id' string of 1 to {MAX_ID_LENGTH} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    try:
        line = canonical({"record": record, "salt": salt.hex()})
    except (TypeError, ValueError) as error:
        raise InvalidRecord(f"record {consent_id[:40]!r} is not plain JSON: {error}") from error
    return Entry(consent_id, record_hash(salt, record), record=record), line


def tombstone_line(entry: Entry, erased_at: str) -> bytes:
    return canonical({"erased_at": erased_at, "hash": entry.hash, "id": entry.id})


def read_line(raw: bytes) -> Entry:
    """Parse one line and recompute its hash; ``ValueError`` says what is wrong with it."""
    data = json.loads(raw)
    if not isinstance(data, dict) or set(data) not in (LIVE_KEYS, TOMBSTONE_KEYS):
        raise ValueError("neither a record line nor a tombstone line")
    if canonical(data) != raw:
        raise ValueError("not in canonical JSON form")
    if set(data) == TOMBSTONE_KEYS:
        return _tombstone(data)
    record, salt = data["record"], data["salt"]
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise ValueError("the record has no 'id' string")
    if not _is_hex(salt, SALT_BYTES):
        raise ValueError(f"the salt is not {SALT_BYTES} bytes of lowercase hex")
    return Entry(record["id"], record_hash(bytes.fromhex(salt), record), record=record)


def _tombstone(data: dict[str, Any]) -> Entry:
    if not all(isinstance(data[key], str) for key in TOMBSTONE_KEYS):
        raise ValueError("a tombstone's fields must be strings")
    if not _is_hex(data["hash"], 32):
        raise ValueError("a tombstone's hash is not a SHA-256 in lowercase hex")
    return Entry(data["id"], data["hash"], erased_at=data["erased_at"])


def _is_hex(value: Any, size: int) -> bool:
    return isinstance(value, str) and len(value) == 2 * size and all(c in "0123456789abcdef" for c in value)
