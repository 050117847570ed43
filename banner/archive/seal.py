"""Seals: Ed25519 signatures by a key derived from the deployment secret.

Hashes alone prove nothing against someone who can rewrite every file consistently; a signature
by a key that never touches the disk does. The private key is HKDF-SHA256 of the secret with a
purpose label of its own, so it is unrelated to the keys the same secret gives tokens and
sessions. The archive stores only the public key; ``verify`` can be given one pinned elsewhere.
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from banner.archive.lines import canonical

PURPOSE = b"consent archive seal v1"


class Sealer:
    """Signs archive documents (a site manifest, the root file) with the archive's private key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public_key = raw.hex()

    @classmethod
    def from_secret(cls, secret: str) -> Sealer:
        if not secret:
            raise ValueError("the archive's sealing key needs a non-empty secret")
        seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret.encode())
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def sign(self, document: dict[str, Any]) -> str:
        """Hex signature of the document's canonical JSON (the document holds no signature itself)."""
        return self._private_key.sign(canonical(document)).hex()


def seal_holds(public_key: str, document: dict[str, Any], signature: str) -> bool:
    """True when ``signature`` is the public key's signature of the document's canonical JSON.

    Both are read only in their one canonical spelling (lower-case hex), so no byte of a sealed
    file can change, not even a letter's case, and still verify.
    """
    if not (_is_lower_hex(public_key) and _is_lower_hex(signature)):
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        key.verify(bytes.fromhex(signature), canonical(document))
    except (ValueError, InvalidSignature):
        return False
    return True


def _is_lower_hex(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdef" for c in text)
