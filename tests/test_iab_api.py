"""TC, GPP and US Privacy strings through the real API: issued with the consent, the same in the
decision and the receipt, and bad TCF answers refused with nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banner.core.iab import gpp, tcf
from banner.store import keys
from tests.support import make_app
from tests.support.tcf import CONSENT_VENDORS, EU, TCF_CONFIG, US, VENDORS, decision, give, own_vendor_list
from tests.test_api_bad_input import assert_error, assert_wrote_nothing


def receipt(client: FlaskClient, answer: dict[str, Any], site: str = "demo") -> dict[str, Any]:
    response = client.get(f"/api/v1/consent/{answer['id']}?site={site}", headers={"X-Consent-Token": answer["token"]})
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def test_a_tc_string_is_issued_returned_stored_and_reissued_alike(tcf_client: FlaskClient, redis: Any) -> None:
    answer = give(tcf_client, EU, action="accept_all", lang="fr")
    assert answer.status_code == 201
    issued = answer.get_json()["decision"]["iab"]
    tc_string = issued["tcf"]["tc_string"]
    fields = tcf.decode(tc_string)
    assert (fields.cmp_id, fields.policy_version, fields.consent_language) == (4095, 5, "FR")
    assert (fields.vendor_consents, fields.disclosed_vendors) == (CONSENT_VENDORS, VENDORS)
    assert issued["gpp"] == {"string": f"DBABMA~{tc_string}", "sid": [2]} and issued["us_privacy"] is None
    token = answer.get_json()["token"]
    assert decision(tcf_client, token, EU)["iab"] == issued
    assert receipt(tcf_client, answer.get_json())["iab"] == {
        "tc_string": tc_string,
        "gpp_string": f"DBABMA~{tc_string}",
    }
    stored = json.loads(redis.get(keys.record("demo", answer.get_json()["id"])))
    assert (stored["tc"], stored["gp"]) == (tc_string, 2)  # the TC string is not kept twice


def test_an_opt_out_visitor_gets_usnat_and_us_privacy_on_any_site(tcf_client: FlaskClient) -> None:
    for site in ("demo", "plain"):
        answer = give(tcf_client, {**US, "Sec-GPC": "1"}, site=site, choices={"advertising": True})
        iab = answer.get_json()["decision"]["iab"]
        assert iab["gpp"]["sid"] == [7] and iab["us_privacy"] == "1YYN"
        usnat = gpp.decode(iab["gpp"]["string"]).usnat
        assert usnat is not None and usnat.gpc is True and usnat.sale_opt_out == gpp.OptOut.OPTED_OUT
        assert receipt(tcf_client, answer.get_json(), site)["iab"] == {
            "gpp_string": iab["gpp"]["string"],
            "us_privacy": "1YYN",
        }
        assert (iab["tcf"] or {}).get("applies", False) is False


def test_a_site_without_tcf_keeps_its_receipts_as_they_were(tcf_client: FlaskClient) -> None:
    answer = give(tcf_client, EU, site="plain", action="accept_all").get_json()
    assert answer["decision"]["iab"] == {"tcf": None, "gpp": None, "us_privacy": None}
    assert "iab" not in receipt(tcf_client, answer, "plain")


def test_the_decision_strings_follow_the_request_signals(tcf_client: FlaskClient) -> None:
    token = give(tcf_client, EU, action="accept_all").get_json()["token"]
    plain = decision(tcf_client, token, EU)["iab"]["tcf"]["tc_data"]
    with_gpc = decision(tcf_client, token, {**EU, "Sec-GPC": "1"})["iab"]["tcf"]["tc_data"]
    assert plain["vendor_consents"] == sorted(CONSENT_VENDORS) and with_gpc["vendor_consents"] == []
    assert decision(tcf_client, token, EU)["iab"]["tcf"]["tc_data"] == plain  # and the cache keeps them apart


@pytest.mark.parametrize(
    ("trackers", "vendors"),
    [({"xandr": True}, {"21": False}), ({"xandr": False}, {"21": True}), ({}, {"21": False})],
)
def test_refusing_a_vendor_or_its_tracker_refuses_both(
    tcf_client: FlaskClient, trackers: dict[str, bool], vendors: dict[str, bool]
) -> None:
    every = {"preferences": True, "analytics": True, "advertising": True, "beacons": True, "social": True}
    answer = give(tcf_client, EU, choices=every, trackers=trackers, tcf={"vendors": vendors}).get_json()
    assert answer["decision"]["denied"]["ad_network"] == ["xandr"]
    assert 21 not in tcf.decode(answer["decision"]["iab"]["tcf"]["tc_string"]).vendor_consents
    assert 755 in tcf.decode(answer["decision"]["iab"]["tcf"]["tc_string"]).vendor_consents


def test_withdrawing_leaves_the_defaults(tcf_client: FlaskClient) -> None:
    token = give(tcf_client, EU, action="accept_all").get_json()["token"]
    response = tcf_client.delete("/api/v1/consent?site=demo", headers={"X-Consent-Token": token, **EU})
    assert response.status_code == 200
    assert response.get_json()["iab"]["tcf"]["tc_string"] is None
    assert response.get_json()["iab"]["gpp"] == {"string": None, "sid": [2]}


def test_a_vendor_added_to_the_site_asks_eu_visitors_again(
    environ: dict[str, str], tcf_app: Flask, tmp_path: Path
) -> None:
    eu_token = give(tcf_app.test_client(), EU, action="accept_all").get_json()["token"]
    us_token = give(tcf_app.test_client(), US, action="reject_all").get_json()["token"]
    config = own_vendor_list(
        tmp_path, ("tcf_vendors = [2, 21, 77, 128, 755]", "tcf_vendors = [2, 21, 77, 128, 755, 1000]")
    )
    client = make_app({**environ, "BANNER_CONFIG": str(config)}).test_client()
    eu = decision(client, eu_token, EU)
    assert (eu["token_status"], eu["banner_required"], eu["consent"]) == ("outdated", True, None)
    assert eu["iab"]["tcf"]["tc_string"] is None
    us = decision(client, us_token, US)  # a US choice to refuse sale stays: no TCF there
    assert (us["token_status"], us["banner_required"], us["iab"]["us_privacy"]) == ("valid", False, "1YYN")


BAD_TCF = [
    ("unknown vendor", {"tcf": {"vendors": {"99": False}}}, "tcf.vendors.99"),
    ("deleted vendor", {"tcf": {"vendors": {"1000": True}}}, "tcf.vendors.1000"),
    ("vendor not an id", {"tcf": {"vendors": {"021": True}}}, "tcf.vendors.021"),
    ("purpose 0", {"tcf": {"purposes": {"0": True}}}, "tcf.purposes.0"),
    ("purpose 12", {"tcf": {"purposes": {"12": True}}}, "tcf.purposes.12"),
    ("special feature 3", {"tcf": {"special_features": {"3": True}}}, "tcf.special_features.3"),
    ("li on purpose 3", {"tcf": {"li_purposes": {"3": False}}}, "tcf.li_purposes.3"),
    ("li of a vendor claiming none", {"tcf": {"li_vendors": {"77": False}}}, "tcf.li_vendors.77"),
    ("answer not bool", {"tcf": {"vendors": {"21": 0}}}, "tcf.vendors.21"),
    ("answers not an object", {"tcf": {"vendors": [21]}}, "tcf.vendors"),
    ("tcf not an object", {"tcf": "CPxyz"}, "tcf"),
    ("unknown tcf field", {"tcf": {"consents": {}}}, "tcf.consents"),
    ("with accept_all", {"action": "accept_all", "tcf": {"vendors": {"21": False}}}, "tcf"),
    ("on a site without tcf", {"site": "plain", "tcf": {}}, "tcf"),
]


@pytest.mark.parametrize(("case", "body", "field"), BAD_TCF, ids=[c[0] for c in BAD_TCF])
def test_bad_tcf_answers_are_refused_and_write_nothing(
    tcf_app: Flask, tcf_client: FlaskClient, redis: Any, case: str, body: dict[str, Any], field: str
) -> None:
    response = give(tcf_client, EU, **body)
    assert_error(response, 400, "bad_request")
    assert field.split(".")[-1] in response.get_json()["error"]["message"] or field == "tcf"
    assert_wrote_nothing(tcf_app, redis)


KEYS = st.one_of(st.integers(-2, 1100).map(str), st.text(max_size=4))
ANSWERS = st.dictionaries(KEYS, st.one_of(st.booleans(), st.integers(0, 1), st.none()), max_size=3)
BODIES = st.dictionaries(
    st.sampled_from(["purposes", "special_features", "vendors", "li_purposes", "li_vendors", "other"]),
    st.one_of(ANSWERS, st.lists(st.integers()), st.text(max_size=3)),
    max_size=3,
)


@pytest.fixture()
def unlimited(environ: dict[str, str]) -> Flask:
    return make_app({**environ, "BANNER_CONFIG": str(TCF_CONFIG)}, RATELIMIT_ENABLED=False)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(BODIES)
def test_any_tcf_answers_give_a_decodable_string_or_a_400_that_writes_nothing(
    unlimited: Flask, redis: Any, answers: dict[str, Any]
) -> None:
    records = len(redis.keys(keys.record_pattern("demo")))
    response = give(unlimited.test_client(), EU, choices={"advertising": True}, tcf=answers)
    if response.status_code == 400:
        assert response.get_json()["error"]["code"] == "bad_request"
        assert len(redis.keys(keys.record_pattern("demo"))) == records
        return
    assert response.status_code == 201
    assert len(redis.keys(keys.record_pattern("demo"))) == records + 1
    tc = tcf.decode(response.get_json()["decision"]["iab"]["tcf"]["tc_string"])
    refused = {int(v) for v, on in answers.get("vendors", {}).items() if on is False}
    assert tc.disclosed_vendors == VENDORS and not refused & tc.vendor_consents


def test_records_with_their_strings_stay_small(tcf_app: Flask, redis: Any) -> None:
    """The strings are kept as issued: what that costs is measured by bench/iab_sizes.py."""
    for site, headers, action in (("demo", EU, "accept_all"), ("plain", US, "reject_all")):
        answer = give(tcf_app.test_client(), headers, site=site, action=action).get_json()
        assert redis.memory_usage(keys.record(site, answer["id"]), samples=0) < 512
