"""``/api/v1/vast`` carries the decision's TC and GPP strings in the IAB macros and parameters."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from flask.testing import FlaskClient

from tests.support.tcf import EU, US, give

TAG = (
    "https://pubads.g.doubleclick.net/gampad/ads/%5BGPPSECTIONID%5D?iu=/demo&gdpr=[GDPR]&cons=[gdprconsent]"
    "&g=[GPPSTRING]&s=[GppSectionId]&gpp=old&cb=[CACHEBUSTING]"
)


def vast(client: FlaskClient, token: str | None, headers: dict[str, str], site: str = "demo") -> dict[str, Any]:
    more = {"X-Consent-Token": token} if token else {}
    response = client.get("/api/v1/vast", query_string={"site": site, "url": TAG}, headers={**headers, **more})
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def test_an_eu_visitor_who_accepted_sends_the_tc_string(tcf_client: FlaskClient) -> None:
    answer = give(tcf_client, EU, action="accept_all").get_json()
    tc_string = answer["decision"]["iab"]["tcf"]["tc_string"]
    body = vast(tcf_client, answer["token"], EU)
    assert body["allowed"] is True
    assert body["macros"]["GDPRCONSENT"] == tc_string and body["macros"]["GPPSECTIONID"] == "2"
    query = query_of(body["url"])
    assert query["cons"] == query["gdpr_consent"] == [tc_string]
    assert query["g"] == query["gpp"] == [f"DBABMA~{tc_string}"] and query["s"] == query["gpp_sid"] == ["2"]
    assert urlsplit(body["url"]).path == "/gampad/ads/2" and "cb=[CACHEBUSTING]" in body["url"]
    assert f"gpp={quote(f'DBABMA~{tc_string}', safe='')}" in body["url"]  # set in place of the tag's own


def test_a_us_visitor_sends_usnat_and_us_privacy(tcf_client: FlaskClient) -> None:
    body = vast(tcf_client, None, {**US, "Sec-GPC": "1"})
    query = query_of(body["url"])
    assert query["gpp_sid"] == ["7"] and query["gpp"][0].startswith("DBABLA~") and query["us_privacy"] == ["1YYN"]
    assert query["gdpr"] == ["0"] and "gdpr_consent" not in query and query["cons"] == [""]


def test_without_strings_the_macros_are_empty_and_our_parameters_absent(tcf_client: FlaskClient) -> None:
    answer = give(tcf_client, EU, site="plain", action="accept_all").get_json()
    body = vast(tcf_client, answer["token"], EU, site="plain")
    query = query_of(body["url"])
    assert query["gdpr_consent"] == [""] and query["g"] == query["s"] == [""]
    assert "gpp" not in query and "gpp_sid" not in query
