"""The IAB strings a decision issues, from the pure core: TC strings, GPP usnat and US Privacy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from banner.core.config import Config
from banner.core.config_parse import load_config
from banner.core.consent import parse_consent_request
from banner.core.devices import Device
from banner.core.iab import gpp, tcf
from banner.core.iab.binding import bind_vendor_list
from banner.core.iab.gvl_json import parse_vendor_list
from banner.core.policy import Decision, decide
from banner.core.recording import record_consent
from banner.core.regimes import Regime
from banner.core.signals import Signals
from banner.core.tokens import TokenSigner, TokenStatus
from tests.support import SECRET
from tests.support.tcf import (
    CONSENT_VENDORS,
    LI_PURPOSES,
    LI_VENDORS,
    TCF_CONFIG,
    VENDORS,
    vendor_list,
)

NOW = datetime.now(UTC).replace(microsecond=0)  # tokens are verified against the real clock
DAY = NOW.replace(hour=0, minute=0, second=0)


def bound(**iab: Any) -> Config:
    config = load_config(str(TCF_CONFIG), {}, require_secret=False)
    if iab:
        config = replace(config, iab=replace(config.iab, **iab))
    return bind_vendor_list(config, parse_vendor_list(vendor_list()), NOW)


CONFIG = bound()
SIGNER = TokenSigner([SECRET], CONFIG.policy.consent_max_age_seconds)
SHOWN: Any = defaultdict(lambda: "banner-version")
EU, US = Signals(device=Device(device="desktop"), region="FR"), Signals(device=Device(device="desktop"), region="US")


def given_consent(config: Config = CONFIG, signals: Signals = EU, site: str = "demo", **body: Any) -> Decision:
    """Record a consent as the API does; answer the decision its token then gets."""
    request = parse_consent_request(config, {"site": site, "action": "custom", **body})
    write = record_consent(config, request, signals, None, SHOWN, SIGNER, NOW)
    verified = SIGNER.verify(write.token, site, config.policy.version)
    again = decide(config, config.sites[site], verified, signals)
    assert again.iab == write.decision.iab and write.record.iab == write.decision.iab.issued()
    return again


def tc_of(decision: Decision) -> tcf.TCString:
    assert decision.iab.tcf is not None and decision.iab.tcf.tc_string is not None
    decoded = tcf.decode(decision.iab.tcf.tc_string)
    assert decoded == decision.iab.tcf.tc
    return decoded


def test_accept_all_grants_every_mapped_purpose_and_every_vendor() -> None:
    tc = tc_of(given_consent(action="accept_all", lang="fr"))
    assert (tc.cmp_id, tc.cmp_version, tc.policy_version, tc.vendor_list_version) == (4095, 1, 5, 120)
    assert (tc.created, tc.last_updated, tc.consent_language, tc.publisher_cc, tc.consent_screen) == (
        DAY,
        DAY,
        "FR",
        "FR",
        1,
    )
    assert tc.purpose_consents == frozenset(range(1, 12)) and tc.special_feature_opt_ins == {1}
    assert tc.purpose_li_transparency == LI_PURPOSES
    assert (tc.vendor_consents, tc.vendor_li, tc.disclosed_vendors) == (CONSENT_VENDORS, LI_VENDORS, VENDORS)


def test_reject_all_grants_nothing_and_objects_to_every_legitimate_interest() -> None:
    tc = tc_of(given_consent(action="reject_all"))
    assert not (tc.purpose_consents | tc.purpose_li_transparency | tc.special_feature_opt_ins)
    assert not (tc.vendor_consents | tc.vendor_li)
    assert tc.disclosed_vendors == VENDORS  # every vendor shown is disclosed, whatever the answer


def test_custom_follows_the_categories_and_the_vendors_trackers() -> None:
    tc = tc_of(given_consent(choices={"analytics": True}))
    assert tc.purpose_consents == {1, 8, 9, 10} and tc.special_feature_opt_ins == set()
    # Advertising refused: its purposes lose their legitimate interest too, and the vendors that
    # are its trackers (755 doubleclick, 21 xandr, 77 ima) get nothing. Vendor 2 has no tracker.
    assert tc.purpose_li_transparency == {8, 9, 10}
    assert (tc.vendor_consents, tc.vendor_li, tc.consent_screen) == ({2}, {2}, 2)


def test_per_vendor_purpose_and_objection_answers_override_the_categories() -> None:
    everything = {c.id: True for c in CONFIG.categories}
    answers = {
        "vendors": {"21": False},
        "purposes": {"4": False},
        "li_purposes": {"7": False},
        "li_vendors": {"2": False},
    }
    decision = given_consent(choices=everything, tcf=answers | {"special_features": {"1": False}})
    tc = tc_of(decision)
    assert tc.purpose_consents == frozenset(range(1, 12)) - {4} and tc.special_feature_opt_ins == set()
    assert tc.purpose_li_transparency == LI_PURPOSES - {7}
    assert tc.vendor_consents == CONSENT_VENDORS - {21} and tc.vendor_li == LI_VENDORS - {2, 21}
    assert "xandr" in decision.denied["ad_network"]  # the tracker that is vendor 21 is refused with it


@pytest.mark.parametrize(
    ("body", "signals"),
    [
        ({"action": "accept_all"}, Signals(gpc=True, device=Device(device="desktop"), region="FR")),
        ({"choices": {"advertising": True}, "trackers": {"doubleclick": False, "xandr": False}}, EU),
    ],
    ids=["gpc", "do-not-sell"],
)
def test_gpc_and_do_not_sell_never_grant_a_vendor(body: dict[str, Any], signals: Signals) -> None:
    tc = tc_of(given_consent(signals=signals, **body))
    assert tc.vendor_consents == frozenset() and tc.vendor_li == frozenset()
    assert 3 in tc.purpose_consents or "choices" in body  # purposes still follow the categories


def test_a_bot_gets_a_string_that_grants_nothing() -> None:
    bot = Signals(device=Device(bot=True, device="bot"), region="FR")
    tc = tc_of(given_consent(signals=bot, action="accept_all"))
    assert not (tc.purpose_consents | tc.vendor_consents | tc.purpose_li_transparency | tc.vendor_li)


def test_an_honored_dnt_grants_nothing() -> None:
    config = replace(CONFIG, policy=replace(CONFIG.policy, honor_dnt=True))
    tc = tc_of(
        given_consent(config, Signals(dnt=True, device=Device(device="desktop"), region="FR"), action="accept_all")
    )
    assert not (tc.purpose_consents | tc.vendor_consents | tc.purpose_li_transparency)


def test_before_a_choice_tcf_applies_without_a_string() -> None:
    decision = decide(CONFIG, CONFIG.sites["demo"], SIGNER.verify(None, "demo", CONFIG.policy.version), EU)
    assert decision.to_json()["iab"] == {
        "tcf": {"applies": True, "tc_string": None, "cmp_id": 4095, "policy_version": 5, "vendor_list_version": 120},
        "gpp": {"string": None, "sid": [2]},
        "us_privacy": None,
    }


def test_where_tcf_applies_gpp_section_2_carries_the_tc_string() -> None:
    iab = given_consent(action="accept_all").iab
    assert iab.gpp_sid == (2,) and iab.tcf is not None
    assert gpp.decode(iab.gpp_string or "") == gpp.GPPString(tcfeuv2=iab.tcf.tc)
    assert gpp.decode(iab.gpp_string or "").usnat is None  # EU visitors get no usnat section


def test_without_gpp_there_is_no_gpp_string() -> None:
    iab = given_consent(bound(gpp=False), action="accept_all").iab
    assert iab.tcf is not None and iab.tcf.tc_string and iab.gpp_string is None and iab.gpp_sid == ()


def test_a_site_without_tcf_gets_no_tcf_and_eu_visitors_no_gpp() -> None:
    assert given_consent(site="plain", action="accept_all").to_json()["iab"] == {
        "tcf": None,
        "gpp": None,
        "us_privacy": None,
    }


def test_a_consent_for_other_vendors_or_another_policy_version_is_asked_again_under_opt_in() -> None:
    request = parse_consent_request(CONFIG, {"site": "demo", "action": "accept_all"})
    token = record_consent(CONFIG, request, EU, None, SHOWN, SIGNER, NOW).token
    verified = SIGNER.verify(token, "demo", CONFIG.policy.version)
    more = bind_vendor_list(_with_vendor(1000), parse_vendor_list(vendor_list()), NOW)
    newer_policy = bind_vendor_list(CONFIG, parse_vendor_list(vendor_list() | {"tcfPolicyVersion": 4}), NOW)
    for config in (more, newer_policy):
        eu = decide(config, config.sites["demo"], verified, EU)
        assert (eu.token_status, eu.banner_required, eu.iab.tcf and eu.iab.tcf.tc_string) == (
            TokenStatus.OUTDATED,
            True,
            None,
        )
        us = decide(config, config.sites["demo"], verified, US)  # an opt_out choice stays
        assert (us.token_status, us.banner_required) == (TokenStatus.VALID, False)
    assert decide(CONFIG, CONFIG.sites["demo"], verified, EU).token_status is TokenStatus.VALID


def _with_vendor(vendor: int) -> Config:
    site = CONFIG.sites["demo"]
    return replace(CONFIG, sites={**CONFIG.sites, "demo": replace(site, tcf_vendors=(*site.tcf_vendors, vendor))})


def usnat_of(decision: Decision) -> gpp.UsNat:
    assert decision.iab.gpp_sid == (7,)
    section = gpp.decode(decision.iab.gpp_string or "")
    assert section.tcfeuv2 is None and section.usnat is not None
    return section.usnat


@pytest.mark.parametrize(
    ("body", "signals", "opted_out"),
    [
        ({"action": "accept_all"}, US, False),
        ({"choices": {"advertising": True}}, US, False),
        ({"choices": {"advertising": True}, "trackers": {"doubleclick": False, "xandr": False}}, US, True),
        ({"choices": {"analytics": True}}, US, True),
        ({"action": "reject_all"}, US, True),
        ({"action": "accept_all"}, Signals(gpc=True, device=Device(device="desktop"), region="US"), True),
    ],
    ids=["accept", "advertising", "do-not-sell", "advertising-refused", "reject", "gpc"],
)
def test_usnat_opts_out_of_sale_sharing_and_targeting_together(
    body: dict[str, Any], signals: Signals, opted_out: bool
) -> None:
    for site in ("demo", "plain"):
        decision = given_consent(signals=signals, site=site, **body)
        usnat = usnat_of(decision)
        choice = gpp.OptOut.OPTED_OUT if opted_out else gpp.OptOut.DID_NOT_OPT_OUT
        assert (usnat.sale_opt_out, usnat.sharing_opt_out, usnat.targeted_advertising_opt_out) == (choice,) * 3
        assert usnat.gpc is signals.gpc
        assert decision.to_json()["iab"]["gpp"]["usnat"] == usnat.parsed_section()
        assert decision.iab.us_privacy == ("1YYN" if opted_out else "1YNN")
        tcf_signal = decision.iab.tcf
        assert (
            tcf_signal is None
            if site == "plain"
            else (tcf_signal and not tcf_signal.applies and not tcf_signal.tc_string)
        )


@pytest.mark.parametrize(("gpc", "opted_out"), [(False, False), (True, True)])
def test_before_a_choice_usnat_follows_the_regime_and_gpc(gpc: bool, opted_out: bool) -> None:
    signals = Signals(gpc=gpc, device=Device(device="desktop"), region="US")
    decision = decide(CONFIG, CONFIG.sites["plain"], SIGNER.verify(None, "plain", CONFIG.policy.version), signals)
    usnat = usnat_of(decision)
    assert usnat.sale_opt_out == (gpp.OptOut.OPTED_OUT if opted_out else gpp.OptOut.DID_NOT_OPT_OUT)
    assert usnat.gpc is gpc
    assert (usnat.sale_opt_out_notice, usnat.mspa_covered_transaction) == (gpp.Notice.PROVIDED, gpp.Mspa.NO)
    assert (usnat.mspa_opt_out_option_mode, usnat.mspa_service_provider_mode) == (gpp.Mspa.NOT_APPLICABLE,) * 2


@pytest.mark.parametrize(
    ("mode", "opt_out_option", "service_provider"),
    [("opt_out_option", gpp.Mspa.YES, gpp.Mspa.NO), ("service_provider", gpp.Mspa.NO, gpp.Mspa.YES)],
)
def test_covered_transactions_name_their_mspa_mode(
    mode: str, opt_out_option: gpp.Mspa, service_provider: gpp.Mspa
) -> None:
    config = bound(mspa_covered_transaction=True, mspa_mode=mode)
    usnat = usnat_of(decide(config, config.sites["plain"], SIGNER.verify(None, "plain", config.policy.version), US))
    assert usnat.mspa_covered_transaction == gpp.Mspa.YES
    assert (usnat.mspa_opt_out_option_mode, usnat.mspa_service_provider_mode) == (opt_out_option, service_provider)


def test_notice_visitors_get_no_gpp_and_no_us_privacy() -> None:
    elsewhere = Signals(device=Device(device="desktop"), region="JP")
    decision = given_consent(signals=elsewhere, action="accept_all")
    assert decision.regime is Regime.NOTICE
    assert decision.to_json()["iab"]["gpp"] is None and decision.iab.us_privacy is None


LINKED = ((755, "doubleclick"), (21, "xandr"), (77, "ima"))
FLAGS = st.dictionaries(
    st.sampled_from(["preferences", "analytics", "advertising", "beacons", "social"]), st.booleans()
)


def _answers(ids: list[int]) -> st.SearchStrategy[dict[str, bool]]:
    return st.dictionaries(st.sampled_from([str(i) for i in ids]), st.booleans(), max_size=4)


TCF_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "purposes": _answers(list(range(1, 12))),
        "special_features": _answers([1, 2]),
        "vendors": _answers(sorted(VENDORS)),
        "li_purposes": _answers(sorted(LI_PURPOSES)),
        "li_vendors": _answers(sorted(LI_VENDORS)),
    },
)


@settings(max_examples=150, deadline=None)
@given(
    FLAGS,
    st.dictionaries(st.sampled_from(["doubleclick", "xandr", "ima", "pixel"]), st.booleans()),
    TCF_ANSWERS,
    st.booleans(),
    st.sampled_from(["FR", "US", "JP"]),
)
def test_any_choice_gives_strings_that_say_what_the_decision_says(
    choices: dict[str, bool], trackers: dict[str, bool], answers: dict[str, Any], gpc: bool, region: str
) -> None:
    signals = Signals(gpc=gpc, device=Device(device="desktop"), region=region)
    decision = given_consent(signals=signals, choices=choices, trackers=trackers, tcf=answers)
    iab = decision.iab
    if region == "FR":
        tc = tc_of(decision)
        assert tc.disclosed_vendors == VENDORS and tc.vendor_consents <= CONSENT_VENDORS
        assert tc.vendor_li <= LI_VENDORS and tc.purpose_li_transparency <= LI_PURPOSES
        for vendor, tracker in LINKED:
            if vendor in tc.vendor_consents:
                assert decision.allows(tracker)
        if gpc:
            assert tc.vendor_consents == frozenset() == tc.vendor_li
        refused = {int(v) for v, on in answers.get("vendors", {}).items() if not on}
        assert not refused & tc.vendor_consents
    elif region == "US":
        usnat = usnat_of(decision)
        opted_out = usnat.sale_opt_out == gpp.OptOut.OPTED_OUT
        assert iab.us_privacy == ("1YYN" if opted_out else "1YNN")
        assert opted_out is (not decision.allowed["ad_network"])
        assert opted_out or not gpc
    else:
        assert iab.gpp_string is None and iab.us_privacy is None


def test_without_gpp_opt_out_visitors_still_get_us_privacy() -> None:
    iab = given_consent(bound(gpp=False), signals=US, action="reject_all").to_json()["iab"]
    assert iab["gpp"] is None and iab["us_privacy"] == "1YYN"


def test_gpp_names_cmp_id_1_until_a_cmp_id_is_registered() -> None:
    from banner.core.iab.client import gpp_client_config

    unregistered = replace(CONFIG, iab=replace(CONFIG.iab, cmp_id=0))
    assert gpp_client_config(unregistered) == {"cmpId": 1, "cmpVersion": 1}
    assert gpp_client_config(replace(CONFIG, iab=replace(CONFIG.iab, gpp=False))) is None
