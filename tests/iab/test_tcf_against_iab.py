"""Our TC strings against the IAB's ``@iabtechlabtcf/core``: each side reads what the other wrote."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import IabCodec
from hypothesis import HealthCheck, given, settings
from iab_strategies import tc_strings

from banner.core.iab import tcf
from banner.core.iab.bits import ALPHABET

TEST_GVL = json.loads((Path(__file__).resolve().parent.parent / "data" / "gvl" / "vendor-list.json").read_text())
EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def iab_fields(tc: tcf.TCString) -> dict[str, Any]:
    """``tc`` as the IAB's TCModel names its fields (the shape ``codec.mjs`` reads and answers)."""
    publisher = tc.publisher_tc or tcf.PublisherTC()
    return {
        "cmpId": tc.cmp_id,
        "cmpVersion": tc.cmp_version,
        "consentScreen": tc.consent_screen,
        "consentLanguage": tc.consent_language,
        "vendorListVersion": tc.vendor_list_version,
        "policyVersion": tc.policy_version,
        "created": _ms(tc.created),
        "lastUpdated": _ms(tc.last_updated),
        "isServiceSpecific": True,
        "useNonStandardTexts": tc.use_non_standard_texts,
        "specialFeatureOptins": sorted(tc.special_feature_opt_ins),
        "purposeConsents": sorted(tc.purpose_consents),
        "purposeLegitimateInterests": sorted(tc.purpose_li_transparency),
        "purposeOneTreatment": tc.purpose_one_treatment,
        "publisherCountryCode": tc.publisher_cc,
        "vendorConsents": sorted(tc.vendor_consents),
        "vendorLegitimateInterests": sorted(tc.vendor_li),
        "publisherRestrictions": sorted(
            (
                {"purposeId": r.purpose_id, "restrictionType": int(r.restriction_type), "vendors": sorted(r.vendors)}
                for r in tc.publisher_restrictions
            ),
            key=lambda r: (r["purposeId"], r["restrictionType"]),
        ),
        "vendorsDisclosed": sorted(tc.disclosed_vendors),
        "publisherConsents": sorted(publisher.purpose_consents),
        "publisherLegitimateInterests": sorted(publisher.purpose_li_transparency),
        "numCustomPurposes": publisher.num_custom_purposes,
        "publisherCustomConsents": sorted(publisher.custom_purpose_consents),
        "publisherCustomLegitimateInterests": sorted(publisher.custom_purpose_li_transparency),
    }


def iab_decoded(iab: IabCodec, text: str) -> dict[str, Any]:
    decoded = iab.call("tcf.decode", string=text)
    decoded["publisherRestrictions"].sort(key=lambda r: (r["purposeId"], r["restrictionType"]))
    return decoded


def vendor_list_for(tc: tcf.TCString) -> dict[str, Any]:
    """A vendor list under which the IAB's encoder keeps every signal in ``tc``.

    Its encoder drops what the list makes meaningless: consent for a vendor declaring no consent
    purpose, a restriction on a purpose the vendor never declared or cannot flex. So each vendor
    named in ``tc`` declares purpose 1, special purpose 1, and what its restrictions need.
    """
    base = TEST_GVL
    restricted: dict[int, list[tcf.PublisherRestriction]] = {}
    for r in tc.publisher_restrictions:
        for vendor in r.vendors:
            restricted.setdefault(vendor, []).append(r)
    named = tc.vendor_consents | tc.vendor_li | tc.disclosed_vendors | set(restricted)
    vendors = {}
    for vendor in sorted(named):
        consent, li, flexible = {1}, set(), set()
        for r in restricted.get(vendor, []):
            if r.restriction_type == tcf.RestrictionType.REQUIRE_CONSENT:
                li.add(r.purpose_id)
            else:
                consent.add(r.purpose_id)
            if r.restriction_type != tcf.RestrictionType.NOT_ALLOWED:
                flexible.add(r.purpose_id)
        vendors[str(vendor)] = base["vendors"]["21"] | {
            "id": vendor,
            "purposes": sorted(consent),
            "legIntPurposes": sorted(li),
            "flexiblePurposes": sorted(flexible),
            "specialPurposes": [1],
        }
    return base | {
        "vendorListVersion": tc.vendor_list_version,
        "tcfPolicyVersion": tc.policy_version,
        "vendors": vendors,
    }


def segments_of(tc: tcf.TCString) -> list[str]:
    return ["core", "vendorsDisclosed"] + (["publisherTC"] if tc.publisher_tc is not None else [])


@EXAMPLES
@given(tc_strings())
def test_the_iab_decoder_reads_our_strings_back_to_the_fields_we_meant(iab: IabCodec, tc: tcf.TCString) -> None:
    decoded = iab_decoded(iab, tcf.encode(tc))
    assert decoded.pop("segments") == segments_of(tc)
    assert decoded.pop("version") == 2
    assert decoded == iab_fields(tc)


@EXAMPLES
@given(tc_strings())
def test_our_decoder_reads_strings_the_iab_encoder_made(iab: IabCodec, tc: tcf.TCString) -> None:
    text = iab.call("tcf.encode", fields=iab_fields(tc), gvl=vendor_list_for(tc))["string"]
    ours = tcf.decode(text)
    # The IAB's encoder always writes a Publisher TC segment, and may stretch a restriction's
    # range over ids its vendor list lacks (the spec allows it); ids the list has must match.
    listed = tc.vendor_consents | tc.vendor_li | tc.disclosed_vendors
    listed |= {v for r in tc.publisher_restrictions for v in r.vendors}
    narrowed = tuple(replace(r, vendors=r.vendors & listed) for r in ours.publisher_restrictions)
    assert replace(ours, publisher_restrictions=narrowed) == replace(
        tc, publisher_tc=tc.publisher_tc or tcf.PublisherTC()
    )


@pytest.mark.parametrize(
    ("vendors", "range_encoded"),
    [
        (frozenset(), False),
        (frozenset({1, 2, 3}), False),
        (frozenset(range(1, 400, 2)), False),
        (frozenset(range(1, 400)), True),
        (frozenset({40}), True),  # 29 range bits beat 40; the IAB's encoder keeps a bit field up to id 45
        (frozenset({65535}), True),
        (frozenset(range(900, 1400)) | {3000}, True),
    ],
)
def test_range_or_bit_field_is_the_shorter_and_the_iab_reads_either(
    iab: IabCodec, vendors: frozenset[int], range_encoded: bool
) -> None:
    text = tcf.encode(_simple(vendors))
    core = "".join(format(ALPHABET.index(c), "06b") for c in text.split(".")[0])
    assert core[229] == ("1" if range_encoded else "0")  # IsRangeEncoding follows MaxVendorId
    decoded = iab_decoded(iab, text)
    assert decoded["vendorConsents"] == decoded["vendorsDisclosed"] == sorted(vendors)


@pytest.mark.parametrize(
    "vendors",
    [frozenset({46}), frozenset({100, 200}), frozenset(range(1, 47)), frozenset(range(1, 400, 3)) | {9000}],
)
def test_where_the_iab_also_picks_the_shorter_form_our_strings_are_byte_identical(
    iab: IabCodec, vendors: frozenset[int]
) -> None:
    tc = _simple(vendors, tcf.PublisherTC())
    assert tcf.encode(tc) == iab.call("tcf.encode", fields=iab_fields(tc), gvl=vendor_list_for(tc))["string"]


def test_up_to_id_45_the_iab_writes_a_longer_bit_field_and_both_decoders_read_both_forms(iab: IabCodec) -> None:
    tc = _simple(frozenset({40}), tcf.PublisherTC())
    ours, theirs = tcf.encode(tc), iab.call("tcf.encode", fields=iab_fields(tc), gvl=vendor_list_for(tc))["string"]
    assert len(ours) < len(theirs)
    assert tcf.decode(ours) == tcf.decode(theirs) == tc
    assert iab_decoded(iab, ours) == iab_decoded(iab, theirs)


def _simple(vendors: frozenset[int], publisher: tcf.PublisherTC | None = None) -> tcf.TCString:
    day = tcf.day_stamp(datetime(2026, 3, 5, 15, 30, tzinfo=UTC))
    return tcf.TCString(
        day,
        day,
        cmp_id=300,
        cmp_version=1,
        vendor_list_version=120,
        vendor_consents=vendors,
        disclosed_vendors=vendors,
        publisher_tc=publisher,
    )
