"""Signed consent tokens: tamper-evident, timed, versioned, rotatable."""

from __future__ import annotations

import string
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer

from banner.core.clock import utc_now
from banner.core.tokens import ConsentClaim, TokenSigner, TokenStatus

KEY, OLD_KEY = "current-key-0123456789", "old-key-0123456789abc"
DAY = 86400
VERSION = "2015-02-01"


def claim(**choices: bool) -> ConsentClaim:
    return ConsentClaim(
        id="AbCdEfGhIjKlMnOp", site="demo", policy_version=VERSION, choices=choices, issued_at=utc_now()
    )


def signer(*keys: str, max_age: int = DAY) -> TokenSigner:
    return TokenSigner(list(keys or (KEY,)), max_age)


def test_a_fresh_token_is_valid_and_carries_the_claim() -> None:
    s = signer()
    result = s.verify(s.sign(claim(analytics=True, advertising=False)), "demo", VERSION)
    assert result.status is TokenStatus.VALID
    assert result.claim is not None
    assert result.claim.choices == {"analytics": True, "advertising": False}
    assert result.claim.issued_at is not None


def test_statuses() -> None:
    s = signer()
    token = s.sign(claim(analytics=True))
    assert s.verify(None, "demo", VERSION).status is TokenStatus.MISSING
    assert s.verify("", "demo", VERSION).status is TokenStatus.MISSING
    assert s.verify("garbage", "demo", VERSION).status is TokenStatus.INVALID
    assert s.verify(token[:-3], "demo", VERSION).status is TokenStatus.INVALID
    assert s.verify(token, "other-site", VERSION).status is TokenStatus.INVALID
    assert s.verify(token, "demo", "2026-01-01").status is TokenStatus.OUTDATED
    assert s.verify("x" * 5000, "demo", VERSION).status is TokenStatus.INVALID


def test_expired_after_max_age() -> None:
    s = signer(max_age=1)
    token = s.sign(claim())
    time.sleep(2.1)
    assert s.verify(token, "demo", VERSION).status is TokenStatus.EXPIRED


def test_a_token_signed_with_another_key_or_salt_is_invalid() -> None:
    forged = signer("attacker-key-0123456789").sign(claim(advertising=True))
    assert signer().verify(forged, "demo", VERSION).status is TokenStatus.INVALID
    other_salt = URLSafeTimedSerializer(KEY, salt="something-else").dumps(claim().payload())
    assert signer().verify(other_salt, "demo", VERSION).status is TokenStatus.INVALID


def test_rotation_old_keys_verify_newest_signs() -> None:
    old_token = signer(OLD_KEY).sign(claim(analytics=True))
    rotated = signer(OLD_KEY, KEY)  # fallbacks first, current last
    assert rotated.verify(old_token, "demo", VERSION).status is TokenStatus.VALID
    new_token = rotated.sign(claim(analytics=True))
    assert signer(KEY).verify(new_token, "demo", VERSION).status is TokenStatus.VALID
    assert signer(OLD_KEY).verify(new_token, "demo", VERSION).status is TokenStatus.INVALID
    assert signer(KEY).verify(old_token, "demo", VERSION).status is TokenStatus.INVALID


def test_a_signed_but_malformed_payload_is_invalid() -> None:
    raw = URLSafeTimedSerializer([KEY], salt=TokenSigner.salt).dumps({"i": 1, "s": "demo", "v": VERSION, "c": {}})
    assert signer().verify(raw, "demo", VERSION).status is TokenStatus.INVALID


TOKEN = signer().sign(claim(analytics=True, advertising=False))


def test_every_single_character_change_is_rejected() -> None:
    """Exhaustive, including the spare low bits of the signature's last base64 character."""
    s = signer()
    for position in range(len(TOKEN)):
        for replacement in string.printable:
            tampered = TOKEN[:position] + replacement + TOKEN[position + 1 :]
            if tampered != TOKEN:
                assert s.verify(tampered, "demo", VERSION).status is TokenStatus.INVALID, (position, replacement)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(min_size=1, max_size=8), position=st.integers(0, len(TOKEN)), cut=st.integers(0, 8))
def test_any_change_to_a_token_bytes_is_rejected(data: bytes, position: int, cut: int) -> None:
    """Insertions, deletions and replacements of arbitrary bytes anywhere in the token."""
    tampered = TOKEN[:position] + data.decode("latin-1") + TOKEN[position + cut :]
    if tampered != TOKEN:
        assert signer().verify(tampered, "demo", VERSION).status is TokenStatus.INVALID


@settings(max_examples=100, deadline=None)
@given(
    choices=st.dictionaries(st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True), st.booleans(), max_size=12),
    trackers=st.dictionaries(st.from_regex(r"[a-z0-9_-]{1,40}", fullmatch=True), st.booleans(), max_size=12),
)
def test_any_choices_map_round_trips(choices: dict[str, bool], trackers: dict[str, bool]) -> None:
    s = signer()
    original = ConsentClaim(
        id="AbCdEfGhIjKlMnOp",
        site="demo",
        policy_version=VERSION,
        choices=choices,
        trackers=trackers,
        issued_at=utc_now(),
    )
    result = s.verify(s.sign(original), "demo", VERSION)
    assert result.status is TokenStatus.VALID and result.claim is not None
    assert result.claim.choices == choices
    assert result.claim.trackers == trackers
