"""What the TCF v2.3 policy and format allow in a TC string, checked before one is encoded.

The decoder reads whatever a well-formed string says; the encoder refuses to write a string the
policy forbids, naming the field and the value, so a bad consent body becomes a 400.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from banner.core.iab.bits import MAX_ID
from banner.core.iab.errors import TCStringError

if TYPE_CHECKING:
    from banner.core.iab.tcf import PublisherTC, TCString

KNOWN_POLICY_VERSION = 5  # TCF v2.3
MIN_POLICY_VERSION = 4  # older strings are invalid since 30 September 2023
PURPOSE_IDS = range(1, 12)  # TCF v2.2+ purposes 1-11
SPECIAL_FEATURE_IDS = range(1, 3)  # 1 precise geolocation, 2 device scanning
NO_LEGITIMATE_INTEREST = frozenset({1, 3, 4, 5, 6})  # consent only: purpose 1 always, 3-6 since v2.2
VENDOR_IDS = range(1, MAX_ID + 1)
MAX_CUSTOM_PURPOSES = 63
_LETTERS_RE = re.compile(r"[A-Za-z]{2}\Z")


class RestrictionType(enum.IntEnum):
    NOT_ALLOWED = 0
    REQUIRE_CONSENT = 1
    REQUIRE_LI = 2


def check_tc_string(tc: TCString) -> None:
    """Raise :class:`TCStringError` naming the first field the policy or the format forbids."""
    _check_timestamps(tc.created, tc.last_updated)
    _check_number("cmp_id", tc.cmp_id, 2, 4095)  # 0 and 1 are not CMP ids the IAB assigns
    _check_number("cmp_version", tc.cmp_version, 0, 4095)
    _check_number("consent_screen", tc.consent_screen, 0, 63)
    _check_number("vendor_list_version", tc.vendor_list_version, 1, 4095)
    _check_number("policy_version", tc.policy_version, MIN_POLICY_VERSION, KNOWN_POLICY_VERSION)
    _check_letters("consent_language", tc.consent_language)
    _check_letters("publisher_cc", tc.publisher_cc)
    _check_ids("special_feature_opt_ins", tc.special_feature_opt_ins, SPECIAL_FEATURE_IDS)
    _check_purposes("purpose_consents", "purpose_li_transparency", tc.purpose_consents, tc.purpose_li_transparency)
    for name in ("vendor_consents", "vendor_li", "disclosed_vendors"):
        _check_ids(name, getattr(tc, name), VENDOR_IDS)
    undisclosed = (tc.vendor_consents | tc.vendor_li) - tc.disclosed_vendors
    if undisclosed:
        raise TCStringError(f"vendors {sorted(undisclosed)} have a signal but were not disclosed", "disclosed_vendors")
    _check_restrictions(tc)
    if tc.publisher_tc is not None:
        _check_publisher_tc(tc.publisher_tc)


def _check_timestamps(created: datetime, last_updated: datetime) -> None:
    for name, moment in (("created", created), ("last_updated", last_updated)):
        if moment.tzinfo is None or moment.astimezone(UTC).time() != datetime.min.time():
            raise TCStringError(f"{name} must be a UTC day (midnight), not {moment.isoformat()}", name)
    if created != last_updated:
        raise TCStringError("created and last_updated must be the same day-level timestamp", "created")


def _check_number(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TCStringError(f"{name} must be an integer from {low} to {high}, not {value!r}", name)


def _check_letters(name: str, value: str) -> None:
    if not isinstance(value, str) or not _LETTERS_RE.match(value):
        raise TCStringError(f"{name} must be two letters A-Z, not {value!r}", name)


def _check_ids(name: str, ids: Iterable[int], allowed: range) -> None:
    wrong = sorted(i for i in ids if isinstance(i, bool) or not isinstance(i, int) or i not in allowed)
    if wrong:
        raise TCStringError(f"{name}: {wrong} are outside {allowed.start}-{allowed.stop - 1}", name)


def _check_purposes(consent_name: str, li_name: str, consents: Iterable[int], li: Iterable[int]) -> None:
    _check_ids(consent_name, consents, PURPOSE_IDS)
    _check_ids(li_name, li, PURPOSE_IDS)
    banned = sorted(NO_LEGITIMATE_INTEREST.intersection(li))
    if banned:
        raise TCStringError(f"{li_name}: purposes {banned} rest on consent only, never legitimate interest", li_name)


def _check_restrictions(tc: TCString) -> None:
    seen: set[tuple[int, int]] = set()
    field = "publisher_restrictions"
    for restriction in tc.publisher_restrictions:
        purpose, kind = restriction.purpose_id, restriction.restriction_type
        _check_ids("publisher_restrictions.purpose_id", [purpose], PURPOSE_IDS)
        _check_ids("publisher_restrictions.vendors", restriction.vendors, VENDOR_IDS)
        if not restriction.vendors or not isinstance(kind, RestrictionType):
            raise TCStringError(f"restriction on purpose {purpose} needs a type and vendors", field)
        if kind != RestrictionType.NOT_ALLOWED and purpose == 1:
            raise TCStringError("purpose 1 is never flexible: only NOT_ALLOWED applies", field)
        if kind == RestrictionType.REQUIRE_LI and purpose in NO_LEGITIMATE_INTEREST:
            raise TCStringError(f"purpose {purpose} cannot require legitimate interest", field)
        for vendor in sorted(restriction.vendors):
            if (purpose, vendor) in seen:
                raise TCStringError(f"vendor {vendor} has two restrictions on purpose {purpose}", field)
            seen.add((purpose, vendor))


def _check_publisher_tc(publisher: PublisherTC) -> None:
    _check_purposes(
        "publisher_tc.purpose_consents",
        "publisher_tc.purpose_li_transparency",
        publisher.purpose_consents,
        publisher.purpose_li_transparency,
    )
    count = publisher.num_custom_purposes
    _check_number("publisher_tc.num_custom_purposes", count, 0, MAX_CUSTOM_PURPOSES)
    custom = range(1, count + 1)
    _check_ids("publisher_tc.custom_purpose_consents", publisher.custom_purpose_consents, custom)
    _check_ids("publisher_tc.custom_purpose_li_transparency", publisher.custom_purpose_li_transparency, custom)
