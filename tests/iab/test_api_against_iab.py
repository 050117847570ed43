"""Strings made through the real API, read back by the IAB's own decoders field for field.

For the TCF site: accept, reject, custom and per-vendor choices give TC strings that
``@iabtechlabtcf/core`` reads as TCF v2.3 (policy version 5, Disclosed Vendors present, our CMP
id) with the purposes and vendors the choice meant. For opt_out visitors: "Do not sell or share"
and GPC give usnat that ``@iabgpp/cmpapi``'s GppModel reads as opted out (``Gpc`` set with GPC),
doing nothing the opposite; EU visitors get no usnat section.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from conftest import IabCodec
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_tcf_against_iab import iab_decoded, iab_fields

from banner.core.iab import tcf
from tests.support import make_app
from tests.support.tcf import CONSENT_VENDORS, EU, LI_PURPOSES, LI_VENDORS, TCF_CONFIG, US, VENDORS, give

EVERY = {"preferences": True, "analytics": True, "advertising": True, "beacons": True, "social": True}
NOT_SOLD = {"doubleclick": False, "xandr": False}


@pytest.fixture()
def unlimited(environ: dict[str, str]) -> Flask:
    return make_app({**environ, "BANNER_CONFIG": str(TCF_CONFIG)}, RATELIMIT_ENABLED=False)


def issued(app: Flask, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """The decision's strings, and the day the consent was given (``given_at``)."""
    answer = give(app.test_client(), headers, **body)
    assert answer.status_code == 201, answer.get_json()
    decision = answer.get_json()["decision"]
    iab: dict[str, Any] = decision["iab"] | {"given_at": decision["consent"]["given_at"]}
    return iab


def ids(*groups: Any) -> list[int]:
    return sorted({i for group in groups for i in group})


SCENARIOS = [
    (
        "accept all",
        {"action": "accept_all", "lang": "fr"},
        {
            "consentLanguage": "FR",
            "consentScreen": 1,
            "purposeConsents": list(range(1, 12)),
            "purposeLegitimateInterests": ids(LI_PURPOSES),
            "specialFeatureOptins": [1],
            "vendorConsents": ids(CONSENT_VENDORS),
            "vendorLegitimateInterests": ids(LI_VENDORS),
        },
    ),
    (
        "reject all",
        {"action": "reject_all"},
        {
            "consentScreen": 1,
            "purposeConsents": [],
            "purposeLegitimateInterests": [],
            "specialFeatureOptins": [],
            "vendorConsents": [],
            "vendorLegitimateInterests": [],
        },
    ),
    (
        "custom",
        {"choices": {"analytics": True, "preferences": True}},
        {
            "consentScreen": 2,
            "purposeConsents": [1, 5, 6, 8, 9, 10, 11],
            "purposeLegitimateInterests": [8, 9, 10],
            "specialFeatureOptins": [],
            "vendorConsents": [2],
            "vendorLegitimateInterests": [2],
        },
    ),
    (
        "per vendor",
        {"choices": EVERY, "tcf": {"vendors": {"755": False, "77": False}, "li_vendors": {"21": False}}},
        {
            "consentScreen": 2,
            "purposeConsents": list(range(1, 12)),
            "purposeLegitimateInterests": ids(LI_PURPOSES),
            "specialFeatureOptins": [1],
            "vendorConsents": [2, 21],
            "vendorLegitimateInterests": [2],
        },
    ),
]


@pytest.mark.parametrize(("case", "body", "meant"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_iab_decoder_reads_each_choice_as_meant(
    iab: IabCodec, unlimited: Flask, case: str, body: dict[str, Any], meant: dict[str, Any]
) -> None:
    strings = issued(unlimited, EU, **body)
    decoded = iab_decoded(iab, strings["tcf"]["tc_string"])
    given = datetime.fromisoformat(strings["given_at"]).replace(hour=0, minute=0, second=0)
    assert decoded["segments"] == ["core", "vendorsDisclosed"] and decoded["version"] == 2
    assert (decoded["policyVersion"], decoded["cmpId"], decoded["cmpVersion"]) == (5, 4095, 1)
    assert (decoded["isServiceSpecific"], decoded["publisherCountryCode"], decoded["vendorListVersion"]) == (
        True,
        "FR",
        120,
    )
    assert decoded["created"] == decoded["lastUpdated"] == int(given.timestamp() * 1000)
    assert decoded["vendorsDisclosed"] == ids(VENDORS)
    meant = {"consentLanguage": "EN"} | meant
    assert {name: decoded[name] for name in meant} == meant
    gpp = iab.call("gpp.decode", string=strings["gpp"]["string"])
    assert gpp["sectionIds"] == [2] and gpp["usnat"] is None  # EU visitors: no usnat section
    assert gpp["tcfeuv2"]["VendorConsents"] == meant["vendorConsents"]


ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "purposes": st.dictionaries(st.integers(1, 11).map(str), st.booleans(), max_size=3),
        "vendors": st.dictionaries(st.sampled_from(["2", "128"]), st.booleans()),
        "li_vendors": st.dictionaries(st.sampled_from(["2", "21", "755"]), st.booleans()),
        "li_purposes": st.dictionaries(st.sampled_from(["2", "7", "8", "11"]), st.booleans()),
        "special_features": st.dictionaries(st.sampled_from(["1", "2"]), st.booleans()),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(sorted(EVERY)), st.booleans()), ANSWERS, st.booleans())
def test_the_iab_decoder_reads_any_api_choice_field_for_field(
    iab: IabCodec, unlimited: Flask, choices: dict[str, bool], answers: dict[str, Any], gpc: bool
) -> None:
    headers = {**EU, "Sec-GPC": "1"} if gpc else EU
    strings = issued(unlimited, headers, choices=choices, tcf=answers)
    ours = tcf.decode(strings["tcf"]["tc_string"])
    decoded = iab_decoded(iab, strings["tcf"]["tc_string"])
    assert (decoded.pop("segments"), decoded.pop("version")) == (["core", "vendorsDisclosed"], 2)
    assert decoded == iab_fields(ours)
    assert strings["tcf"]["tc_data"]["vendor_consents"] == sorted(ours.vendor_consents)
    if gpc:
        assert ours.vendor_consents == frozenset()


@pytest.mark.parametrize(
    ("headers", "body", "opted_out", "gpc"),
    [
        (US, {"choices": EVERY, "trackers": NOT_SOLD}, True, False),
        ({**US, "Sec-GPC": "1"}, {"action": "accept_all"}, True, True),
        (US, {"action": "accept_all"}, False, False),
    ],
    ids=["do-not-sell", "gpc", "nothing-refused"],
)
def test_the_gpp_model_reads_usnat_as_meant(
    iab: IabCodec, unlimited: Flask, headers: dict[str, str], body: dict[str, Any], opted_out: bool, gpc: bool
) -> None:
    for site in ("demo", "plain"):
        strings = issued(unlimited, headers, site=site, **body)
        decoded = iab.call("gpp.decode", string=strings["gpp"]["string"])
        assert decoded["sectionIds"] == [7] and decoded["tcfeuv2"] is None and decoded["gpcIncluded"] is True
        usnat = decoded["usnat"]
        choice = 1 if opted_out else 2
        assert (usnat["SaleOptOut"], usnat["SharingOptOut"], usnat["TargetedAdvertisingOptOut"]) == (choice,) * 3
        assert (usnat["SaleOptOutNotice"], usnat["SharingOptOutNotice"], usnat["MspaCoveredTransaction"]) == (1, 1, 2)
        assert usnat["Gpc"] is gpc
        assert strings["us_privacy"] == ("1YYN" if opted_out else "1YNN")


def test_visitors_who_did_nothing_yet_get_the_regime_default(iab: IabCodec, unlimited: Flask) -> None:
    client = unlimited.test_client()
    before = client.get("/api/v1/decision?site=plain", headers=US).get_json()["iab"]
    usnat = iab.call("gpp.decode", string=before["gpp"]["string"])["usnat"]
    assert usnat["SaleOptOut"] == 2 and usnat["Gpc"] is False
    with_gpc = client.get("/api/v1/decision?site=plain", headers={**US, "Sec-GPC": "1"}).get_json()["iab"]
    usnat = iab.call("gpp.decode", string=with_gpc["gpp"]["string"])["usnat"]
    assert usnat["SaleOptOut"] == 1 and usnat["Gpc"] is True
