"""Signed, timed consent tokens: what the visitor's cookie carries.

A token is an itsdangerous timed token, ``payload.timestamp.signature``, whose signature is
Ed25519 instead of an HMAC: the banner checks a token itself with the public key in its bundle,
so a returning visitor's page applies a choice it can trust without asking the service, and a
cookie written by anyone else (a sibling subdomain, a script) is refused there too.

The private key is itsdangerous's derived key (salt + secret, SHA-256) used as the Ed25519 seed,
so the secret keys stay the only secret and rotate as before: the key list is fallbacks first,
current last (as in Flask's session interface); the newest signs, all verify. Tokens signed with
the former HMAC-SHA1 scheme keep verifying on the server until they expire. Verification never
raises: it answers a :class:`TokenStatus`.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeGuard

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from itsdangerous import (
    BadData,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
    base64_decode,
    base64_encode,
)
from itsdangerous.encoding import int_to_bytes
from itsdangerous.signer import SigningAlgorithm

from banner.core.iab.choices import TcfConsent

MAX_TOKEN_LENGTH = 2048
LEGACY_SIGNATURE_LENGTH = 27  # base64 of an HMAC-SHA1 digest; an Ed25519 signature takes 86


class TokenStatus(enum.StrEnum):
    MISSING = "missing"
    VALID = "valid"
    INVALID = "invalid"
    EXPIRED = "expired"
    OUTDATED = "outdated"
    REVOKED = "revoked"  # validly signed, but withdrawn or replaced by a newer choice since


@dataclass(frozen=True)
class ConsentClaim:
    """What a token asserts: this visitor made these choices under this policy version."""

    id: str
    site: str
    policy_version: str
    choices: dict[str, bool]
    trackers: dict[str, bool] = field(default_factory=dict)
    issued_at: datetime | None = None
    tcf: TcfConsent | None = None  # on a TCF site: what its TC string is issued from

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
        if self.tcf is not None:
            data["f"] = self.tcf.payload()
        return data


@dataclass(frozen=True)
class Verified:
    status: TokenStatus
    claim: ConsentClaim | None = None


class Ed25519Algorithm(SigningAlgorithm):
    """itsdangerous signing with Ed25519; the derived key is the private key's 32-byte seed."""

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return _private_key(key).sign(value)

    def verify_signature(self, key: bytes, value: bytes, sig: bytes) -> bool:
        try:
            _public_key(key).verify(sig, value)
        except InvalidSignature:
            return False
        return True


@lru_cache(maxsize=32)
def _private_key(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


class TokenSigner:
    """Signs and verifies consent tokens for one deployment."""

    salt = "banner.consent-token.v2"
    legacy_salt = "banner.consent-token.v1"

    def __init__(self, keys: list[str], max_age_seconds: int) -> None:
        self.max_age = max_age_seconds
        self._signer = TimestampSigner(
            keys,
            salt=self.salt,
            key_derivation="django-concat",
            digest_method=hashlib.sha256,
            algorithm=Ed25519Algorithm(),
        )
        self._legacy = URLSafeTimedSerializer(keys, salt=self.legacy_salt, serializer=_CompactJSON)
        self._public = [_public_key(self._signer.derive_key(key)) for key in reversed(self._signer.secret_keys)]
        # The newest key signs; derived once here rather than on every signature.
        self._private = _private_key(self._signer.derive_key())

    @property
    def public_keys(self) -> list[str]:
        """Raw Ed25519 public keys, base64url, current first: what the banner verifies with."""
        return [base64_encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode() for key in self._public]

    def sign(self, claim: ConsentClaim) -> str:
        """Sign ``claim`` as issued at ``claim.issued_at`` (whole seconds), which must be set."""
        if claim.issued_at is None:
            raise ValueError("a claim is signed with its issue time")
        payload = base64_encode(orjson.dumps(claim.payload(), option=orjson.OPT_SORT_KEYS))
        value = payload + b"." + base64_encode(int_to_bytes(int(claim.issued_at.timestamp())))
        return (value + b"." + base64_encode(self._private.sign(value))).decode()

    def verify(self, token: str | None, site: str, policy_version: str) -> Verified:
        if not token:
            return Verified(TokenStatus.MISSING)
        if len(token) > MAX_TOKEN_LENGTH or not _canonical_signature(token):
            return Verified(TokenStatus.INVALID)
        try:
            payload, issued = self._load(token)
        except SignatureExpired:
            return Verified(TokenStatus.EXPIRED)
        except (BadData, ValueError):
            return Verified(TokenStatus.INVALID)
        claim = _claim_from(payload, issued)
        if claim is None or claim.site != site:
            return Verified(TokenStatus.INVALID)
        if claim.policy_version != policy_version:
            return Verified(TokenStatus.OUTDATED, claim)
        return Verified(TokenStatus.VALID, claim)

    def _load(self, token: str) -> tuple[Any, datetime]:
        if len(token.rpartition(".")[2]) == LEGACY_SIGNATURE_LENGTH:
            loaded: tuple[Any, datetime] = self._legacy.loads(token, max_age=self.max_age, return_timestamp=True)
            return loaded
        value, issued = self._signer.unsign(token, max_age=self.max_age, return_timestamp=True)
        return json.loads(base64_decode(value)), issued


@lru_cache(maxsize=32)
def _public_key(seed: bytes) -> Ed25519PublicKey:
    return _private_key(seed).public_key()


class _CompactJSON:
    """JSON without spaces, for a shorter token."""

    @staticmethod
    def dumps(obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"), sort_keys=True)

    @staticmethod
    def loads(s: str | bytes) -> Any:
        return json.loads(s)


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
    tcf = TcfConsent.from_payload(payload["f"]) if "f" in payload else None
    if "f" in payload and tcf is None:
        return None
    return ConsentClaim(
        id=ident,
        site=site,
        policy_version=version,
        choices={k: bool(v) for k, v in choices.items()},
        trackers={k: bool(v) for k, v in trackers.items()},
        issued_at=issued.astimezone(UTC),
        tcf=tcf,
    )


def _is_flag_map(value: Any) -> TypeGuard[dict[str, int]]:
    return isinstance(value, dict) and all(
        isinstance(k, str) and v in (0, 1) and not isinstance(v, float) for k, v in value.items()
    )
