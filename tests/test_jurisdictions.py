"""Jurisdictions, GPC and VAST through the API: the right default for each visitor."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.support import DESKTOP_UA, edited_app

TAG = "https://pubads.g.doubleclick.net/gampad/ads?iu=/demo&gdpr=[GDPR]&cons=[GDPRCONSENT]&lat=[LIMITADTRACKING]&r=[REGULATIONS]&cb=[CACHEBUSTING]"
AD_NETWORKS = {"doubleclick": False, "xandr": False}


@pytest.fixture()
def geo(environ: dict[str, str], config_copy: Path) -> FlaskClient:
    return edited_app(environ, config_copy, ('country_header = ""', 'country_header = "CF-IPCountry"')).test_client()


def decision(client: FlaskClient, country: str | None, **headers: str) -> dict[str, Any]:
    if country is not None:
        headers["CF-IPCountry"] = country
    r = client.get("/api/v1/decision?site=demo", headers={"User-Agent": DESKTOP_UA, **headers})
    assert r.status_code == 200
    return r.get_json()


@pytest.mark.parametrize(
    ("country", "regime", "ads_before_choice"),
    [
        ("FR", "opt_in", False),
        ("CH", "opt_in", False),
        ("GB", "opt_in", False),
        ("US", "opt_out", True),
        ("JP", "notice", True),
        (None, "opt_in", False),
        ("XX", "opt_in", False),
        ("not-a-country", "opt_in", False),
        ("fr", "opt_in", False),
    ],
)
def test_regime_by_country(geo: FlaskClient, country: str | None, regime: str, ads_before_choice: bool) -> None:
    d = decision(geo, country)
    assert d["regime"] == regime and d["banner_required"] is True
    assert bool(d["allowed"]["ad_network"]) is ads_before_choice
    assert d["allowed"]["first_party"][0] == "session"


def test_the_country_header_is_ignored_unless_configured(client: FlaskClient) -> None:
    d = decision(client, "US")
    assert d["regime"] == "opt_in" and d["region"] is None


def test_gpc_turns_ad_networks_off_for_an_opt_out_visitor_and_is_logged(geo: FlaskClient) -> None:
    d = decision(geo, "US", **{"Sec-GPC": "1"})
    assert d["allowed"]["ad_network"] == [] and d["allowed"]["vast"] == ["ima"]
    assert d["signals"]["gpc"] == {"present": True, "honored": True}
    assert d["google_consent_mode"]["ad_user_data"] == "denied"
    r = geo.post(
        "/api/v1/consent",
        json={"site": "demo", "action": "accept_all"},
        headers={"CF-IPCountry": "US", "Sec-GPC": "1", "User-Agent": DESKTOP_UA},
    )
    assert r.get_json()["decision"]["allowed"]["ad_network"] == []
    store = geo.application.extensions["consent"].store
    [entry] = store.signal_log("demo", "gpc", 5)
    assert entry["honored"] == "true" and entry["consent_id"] == r.get_json()["id"]


def test_do_not_sell_refuses_every_ad_network_and_the_ad_keys(geo: FlaskClient) -> None:
    body = {
        "site": "demo",
        "action": "custom",
        "choices": dict.fromkeys(["preferences", "analytics", "advertising", "beacons", "social"], True),
        "trackers": AD_NETWORKS,
    }
    r = geo.post("/api/v1/consent", json=body, headers={"CF-IPCountry": "US"})
    d = r.get_json()["decision"]
    assert d["allowed"]["ad_network"] == [] and "ga4" in d["allowed"]["first_party"]
    assert d["google_consent_mode"]["ad_storage"] == "denied"
    assert d["google_consent_mode"]["analytics_storage"] == "granted"


def test_consent_given_under_one_regime_stays_valid_elsewhere(geo: FlaskClient) -> None:
    token = geo.post(
        "/api/v1/consent", json={"site": "demo", "action": "reject_all"}, headers={"CF-IPCountry": "FR"}
    ).get_json()["token"]
    geo.delete_cookie("consent")
    d = decision(geo, "US", **{"X-Consent-Token": token})
    assert d["token_status"] == "valid" and d["regime"] == "opt_out"
    assert d["allowed"]["ad_network"] == [] and d["banner_required"] is False


def vast(client: FlaskClient, url: str, **headers: str) -> Any:
    return client.get("/api/v1/vast", query_string={"site": "demo", "url": url}, headers=headers)


def test_vast_for_an_eu_visitor_who_accepted(geo: FlaskClient) -> None:
    token = geo.post(
        "/api/v1/consent", json={"site": "demo", "action": "accept_all"}, headers={"CF-IPCountry": "DE"}
    ).get_json()["token"]
    r = vast(geo, TAG, **{"CF-IPCountry": "DE", "X-Consent-Token": token})
    assert r.status_code == 200
    body = r.get_json()
    assert body["allowed"] is True and body["regime"] == "opt_in"
    assert body["url"] == (
        "https://pubads.g.doubleclick.net/gampad/ads?iu=/demo&gdpr=1&cons=&lat=0&r=gdpr&cb=[CACHEBUSTING]&gdpr_consent="
    )


def test_vast_for_a_us_visitor_with_gpc(geo: FlaskClient) -> None:
    body = vast(geo, TAG, **{"CF-IPCountry": "US", "Sec-GPC": "1"}).get_json()
    assert body["allowed"] is True
    query = parse_qs(urlsplit(body["url"]).query, keep_blank_values=True)
    assert query["gdpr"] == ["0"] and query["lat"] == ["1"] and query["r"] == ["ccpa"]
    assert query["npa"] == ["1"] and query["us_privacy"] == ["1YYN"] and "gdpr_consent" not in query


def test_vast_denied_means_no_ad_request(geo: FlaskClient) -> None:
    body = vast(geo, TAG, **{"CF-IPCountry": "FR"}).get_json()  # opt-in, no consent yet
    assert body["allowed"] is False and body["url"] is None and "not allowed" in body["reason"]


def test_vast_macros_in_odd_case_encoded_and_repeated(geo: FlaskClient) -> None:
    tag = "https://pubads.g.doubleclick.net/ads?a=[gdpr]&b=%5bGDPR%5D&c=[GDPR][GDPR]&d=%5BRegulations%5D&gdpr=7"
    body = vast(geo, tag, **{"CF-IPCountry": "JP"}).get_json()
    assert body["url"] == "https://pubads.g.doubleclick.net/ads?a=0&b=0&c=00&d=&gdpr=0"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "ftp://pubads.g.doubleclick.net/x",
        "https://evil.example/ads",
        "https://pubads.g.doubleclick.net.evil.example/ads",
        "https://user:pw@pubads.g.doubleclick.net/ads",
        "https://pubads.g.doubleclick.net/a b",
        "http://[::1/ads",
        "https://x" * 2000,
        "http://pubads.g.doubleclick.net:99999/ads",
        "http://pubads.g.doubleclick.net:+80/ads",
        "http://pubads.g.doubleclick.net:8o/ads",
        "http://pubads.g.doubleclick.net:80:80/ads",
        "https://@pubads.g.doubleclick.net/ads",
        "http://evil/?x=pubads.g.doubleclick.net",
    ],
)
def test_vast_rejects_urls_that_are_not_configured_ad_tags(geo: FlaskClient, url: str) -> None:
    r = vast(geo, url)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://PUBADS.G.DOUBLECLICK.NET/ads",
        "https://pubads.g.doubleclick.net:8443/ads",
        "http://imasdk.googleapis.com/x",
    ],
)
def test_vast_accepts_any_case_and_valid_ports(geo: FlaskClient, url: str) -> None:
    r = vast(geo, url, **{"CF-IPCountry": "JP"})
    assert r.status_code == 200
    assert r.get_json()["url"] == url + "?gdpr=0"


def test_gpc_support_resource(client: FlaskClient) -> None:
    r = client.get("/.well-known/gpc.json")
    assert r.status_code == 200 and r.get_json() == {"gpc": True, "lastUpdate": "2015-02-01"}
