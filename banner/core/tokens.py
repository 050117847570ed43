"""Signed, timed consent tokens: what the visitor's cookie carries.

The token is an itsdangerous ``URLSafeTimedSerializer`` dump of a compact payload. Old keys
verify, the newest signs (the key list is fallbacks first, current last, as in Flask's
session interface). Verification never raises: it answers a :class:`TokenStatus`.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeGuard

from itsdangerous import (
    BadData,
    BadPayload,
    BadSignature,
    SignatureExpired,
    URLSafeTimedSerializer,
    base64_decode,
    base64_encode,
)
from itsdangerous.encoding import bytes_to_int

MAX_TOKEN_LENGTH = 2048


class TokenStatus(enum.StrEnum):
    MISSING = "missing"
    VALID = "valid"
    INVALID = "invalid"
    EXPIRED = "expired"
    OUTDATED = "outdated"


@dataclass(frozen=True)
class ConsentClaim:
    """What a token asserts: this visitor made these choices under this policy version."""

    id: str
    site: str
    policy_version: str
    choices: dict[str, bool]
    trackers: dict[str, bool] = field(default_factory=dict)
    issued_at: datetime | None = None

    def payload(self) -> dict[str, Any]:
        """Short keys keep the cookie small; booleans as 0/1 for the same reason."""
        data: dict[str, Any] = {
            "i": self.id,
            "s": self.site,
            "v": self.policy_version,
            "c": {k: int(v) for k, v in self.choices.items()},
        }
        if self.trackers:
            data["t"] = {k: int(v) for k, v in self.trackers.items()}
        return data


@dataclass(frozen=True)
class Verified:
    status: TokenStatus
    claim: ConsentClaim | None = None


class _CompactJSON:
    """JSON without spaces, for a shorter token."""

    @staticmethod
    def dumps(obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"), sort_keys=True)

    @staticmethod
    def loads(s: str | bytes) -> Any:
        return json.loads(s)


class _PlainSerializer(URLSafeTimedSerializer):
    """Never zlib-compresses the payload, so the banner can read its own cookie with ``atob``
    (a returning visitor's page applies the choice without asking the service)."""

    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(self.serializer.dumps(obj).encode())


class TokenSigner:
    """Signs and verifies consent tokens for one deployment."""

    salt = "banner.consent-token.v1"

    def __init__(self, keys: list[str], max_age_seconds: int) -> None:
        self.max_age = max_age_seconds
        self._serializer = _PlainSerializer(keys, salt=self.salt, serializer=_CompactJSON)

    def sign(self, claim: ConsentClaim) -> str:
        return self._serializer.dumps(claim.payload())

    def issued_at(self, token: str) -> datetime:
        """Time a token we just signed was issued. Trusted (we signed it a moment ago), so the
        timestamp is read off the token without verifying the signature a second time."""
        timestamp = token.rsplit(".", 2)[1]
        return datetime.fromtimestamp(bytes_to_int(base64_decode(timestamp)), UTC)

    def verify(self, token: str | None, site: str, policy_version: str) -> Verified:
        if not token:
            return Verified(TokenStatus.MISSING)
        if len(token) > MAX_TOKEN_LENGTH or not _canonical_signature(token):
            return Verified(TokenStatus.INVALID)
        try:
            payload, issued = self._serializer.loads(token, max_age=self.max_age, return_timestamp=True)
        except SignatureExpired:
            return Verified(TokenStatus.EXPIRED)
        except (BadSignature, BadPayload):
            return Verified(TokenStatus.INVALID)
        claim = _claim_from(payload, issued)
        if claim is None or claim.site != site:
            return Verified(TokenStatus.INVALID)
        if claim.policy_version != policy_version:
            return Verified(TokenStatus.OUTDATED, claim)
        return Verified(TokenStatus.VALID, claim)


def _canonical_signature(token: str) -> bool:
    """Base64 leaves spare bits in the last character of the signature; a token that differs
    only there would still verify, so only the one canonical spelling is accepted."""
    signature = token.rpartition(".")[2]
    try:
        return base64_encode(base64_decode(signature)).decode() == signature
    except BadData:
        return False


def _claim_from(payload: Any, issued: datetime) -> ConsentClaim | None:
    """Rebuild a claim; a signed but malformed payload (an old format) is treated as invalid."""
    if not isinstance(payload, dict):
        return None
    ident, site, version = payload.get("i"), payload.get("s"), payload.get("v")
    choices, trackers = payload.get("c"), payload.get("t", {})
    if not (isinstance(ident, str) and isinstance(site, str) and isinstance(version, str)):
        return None
    if not _is_flag_map(choices) or not _is_flag_map(trackers):
        return None
    return ConsentClaim(
        id=ident,
        site=site,
        policy_version=version,
        choices={k: bool(v) for k, v in choices.items()},
        trackers={k: bool(v) for k, v in trackers.items()},
        issued_at=issued,
    )


def _is_flag_map(value: Any) -> TypeGuard[dict[str, int]]:
    return isinstance(value, dict) and all(
        isinstance(k, str) and v in (0, 1) and not isinstance(v, float) for k, v in value.items()
    )
