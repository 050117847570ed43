"""TCF v2.3 TC strings: the frozen model and its bit-exact encoder and decoder.

A TC string is dot-separated base64url segments: the core segment (version 2), the Disclosed
Vendors segment (mandatory since TCF v2.3) and, optionally, the Publisher TC segment. Segments
are padded to 24 bits, as the IAB's own encoder does, so every segment is whole bytes.
:func:`encode` refuses what the policy forbids (:mod:`banner.core.iab.tcf_rules`);
:func:`decode` reads strictly and raises :class:`TCStringError`, never an ``IndexError``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from banner.core.iab.bits import BitReader, BitWriter
from banner.core.iab.errors import TCStringError
from banner.core.iab.tcf_rules import KNOWN_POLICY_VERSION, RestrictionType, check_tc_string

__all__ = [
    "KNOWN_POLICY_VERSION",
    "PublisherRestriction",
    "PublisherTC",
    "RestrictionType",
    "TCString",
    "day_stamp",
    "decode",
    "encode",
]

FORMAT_VERSION = 2
SEGMENT_PADDING = 24
PURPOSE_BITS = 24
SPECIAL_FEATURE_BITS = 12


class SegmentType(enum.IntEnum):
    CORE = 0
    DISCLOSED_VENDORS = 1
    ALLOWED_VENDORS = 2  # global scope only, retired in 2021: never written, refused on decode
    PUBLISHER_TC = 3


@dataclass(frozen=True)
class PublisherRestriction:
    """The publisher overrides ``vendors``' declared use of one purpose."""

    purpose_id: int
    restriction_type: RestrictionType
    vendors: frozenset[int]


@dataclass(frozen=True)
class PublisherTC:
    """The publisher's own purposes (standard ids and its custom ones, numbered 1..n)."""

    purpose_consents: frozenset[int] = frozenset()
    purpose_li_transparency: frozenset[int] = frozenset()
    num_custom_purposes: int = 0
    custom_purpose_consents: frozenset[int] = frozenset()
    custom_purpose_li_transparency: frozenset[int] = frozenset()


@dataclass(frozen=True)
class TCString:
    """Every field a TC string carries. Ids are plain integers; sets are frozensets."""

    created: datetime
    last_updated: datetime
    cmp_id: int
    cmp_version: int
    vendor_list_version: int
    consent_language: str = "EN"
    consent_screen: int = 0
    policy_version: int = KNOWN_POLICY_VERSION
    use_non_standard_texts: bool = False
    special_feature_opt_ins: frozenset[int] = frozenset()
    purpose_consents: frozenset[int] = frozenset()
    purpose_li_transparency: frozenset[int] = frozenset()
    purpose_one_treatment: bool = False
    publisher_cc: str = "AA"
    vendor_consents: frozenset[int] = frozenset()
    vendor_li: frozenset[int] = frozenset()
    publisher_restrictions: tuple[PublisherRestriction, ...] = ()
    disclosed_vendors: frozenset[int] = frozenset()
    publisher_tc: PublisherTC | None = None


def day_stamp(moment: datetime) -> datetime:
    """Created and LastUpdated hold the same day-level UTC timestamp (TCF since Dec 2021)."""
    day = moment.astimezone(UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def encode(tc: TCString) -> str:
    """The TC string for ``tc``: core, Disclosed Vendors, then Publisher TC when present."""
    check_tc_string(tc)
    segments = [_core(tc), _disclosed_vendors(tc.disclosed_vendors)]
    if tc.publisher_tc is not None:
        segments.append(_publisher_tc(tc.publisher_tc))
    return ".".join(segment.base64url(SEGMENT_PADDING) for segment in segments)


def _core(tc: TCString) -> BitWriter:
    out = BitWriter()
    out.uint(FORMAT_VERSION, 6)
    out.deciseconds(tc.created)
    out.deciseconds(tc.last_updated)
    out.uint(tc.cmp_id, 12)
    out.uint(tc.cmp_version, 12)
    out.uint(tc.consent_screen, 6)
    out.letters(tc.consent_language)
    out.uint(tc.vendor_list_version, 12)
    out.uint(tc.policy_version, 6)
    out.flag(True)  # IsServiceSpecific: a 0 makes the string invalid
    out.flag(tc.use_non_standard_texts)
    out.bitfield(tc.special_feature_opt_ins, SPECIAL_FEATURE_BITS)
    out.bitfield(tc.purpose_consents, PURPOSE_BITS)
    out.bitfield(tc.purpose_li_transparency, PURPOSE_BITS)
    out.flag(tc.purpose_one_treatment)
    out.letters(tc.publisher_cc)
    out.id_set(tc.vendor_consents)
    out.id_set(tc.vendor_li)
    out.uint(len(tc.publisher_restrictions), 12)
    for restriction in tc.publisher_restrictions:
        out.uint(restriction.purpose_id, 6)
        out.uint(restriction.restriction_type, 2)
        out.range_entries(restriction.vendors)
    return out


def _disclosed_vendors(vendors: frozenset[int]) -> BitWriter:
    out = BitWriter()
    out.uint(SegmentType.DISCLOSED_VENDORS, 3)
    out.id_set(vendors)
    return out


def _publisher_tc(publisher: PublisherTC) -> BitWriter:
    out = BitWriter()
    out.uint(SegmentType.PUBLISHER_TC, 3)
    out.bitfield(publisher.purpose_consents, PURPOSE_BITS)
    out.bitfield(publisher.purpose_li_transparency, PURPOSE_BITS)
    out.uint(publisher.num_custom_purposes, 6)
    out.bitfield(publisher.custom_purpose_consents, publisher.num_custom_purposes)
    out.bitfield(publisher.custom_purpose_li_transparency, publisher.num_custom_purposes)
    return out


def decode(text: str) -> TCString:
    """Read a TC string; a Disclosed Vendors segment is required, a Publisher TC one optional."""
    if not isinstance(text, str) or not text:
        raise TCStringError("a TC string is required")
    core, *others = text.split(".")
    fields = _read_core(BitReader(core, TCStringError, "TC string core segment"))
    seen: set[SegmentType] = set()
    for number, segment in enumerate(others, start=2):
        reader = BitReader(segment, TCStringError, f"TC string segment {number}")
        kind = reader.uint(3)
        if kind not in (SegmentType.DISCLOSED_VENDORS, SegmentType.PUBLISHER_TC) or kind in seen:
            raise reader.fail(f"segment type {kind} is unknown, retired or repeated")
        seen.add(SegmentType(kind))
        if kind == SegmentType.DISCLOSED_VENDORS:
            fields["disclosed_vendors"] = reader.id_set()
        else:
            fields["publisher_tc"] = _read_publisher_tc(reader)
        reader.finish()
    if SegmentType.DISCLOSED_VENDORS not in seen:
        raise TCStringError("TC string has no Disclosed Vendors segment, mandatory since TCF v2.3")
    return TCString(**fields)


def _read_core(reader: BitReader) -> dict[str, Any]:
    version = reader.uint(6)
    if version != FORMAT_VERSION:
        raise reader.fail(f"version {version} is not supported (only {FORMAT_VERSION})")
    fields = {
        "created": reader.deciseconds(),
        "last_updated": reader.deciseconds(),
        "cmp_id": reader.uint(12),
        "cmp_version": reader.uint(12),
        "consent_screen": reader.uint(6),
        "consent_language": reader.letters(2),
        "vendor_list_version": reader.uint(12),
        "policy_version": reader.uint(6),
    }
    if not reader.flag():
        raise reader.fail("IsServiceSpecific is 0, which makes a TC string invalid")
    fields |= {
        "use_non_standard_texts": reader.flag(),
        "special_feature_opt_ins": reader.bitfield(SPECIAL_FEATURE_BITS),
        "purpose_consents": reader.bitfield(PURPOSE_BITS),
        "purpose_li_transparency": reader.bitfield(PURPOSE_BITS),
        "purpose_one_treatment": reader.flag(),
        "publisher_cc": reader.letters(2),
        "vendor_consents": reader.id_set(),
        "vendor_li": reader.id_set(),
        "publisher_restrictions": tuple(_read_restriction(reader) for _ in range(reader.uint(12))),
    }
    reader.finish()
    return fields


def _read_restriction(reader: BitReader) -> PublisherRestriction:
    purpose_id, kind = reader.uint(6), reader.uint(2)
    if kind > RestrictionType.REQUIRE_LI:
        raise reader.fail(f"restriction type {kind} for purpose {purpose_id} is undefined")
    return PublisherRestriction(purpose_id, RestrictionType(kind), reader.range_entries())


def _read_publisher_tc(reader: BitReader) -> PublisherTC:
    consents, li = reader.bitfield(PURPOSE_BITS), reader.bitfield(PURPOSE_BITS)
    count = reader.uint(6)
    return PublisherTC(consents, li, count, reader.bitfield(count), reader.bitfield(count))
