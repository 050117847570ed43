"""The consent API end to end, through the Flask test client, against a real Redis."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import dump_cookie, parse_date

from banner.store import keys
from banner.store.codec import load_record
from tests.support import DESKTOP_UA, edited_app, entries, make_app, post_consent, utc_today

ORIGIN = "http://127.0.0.1:5000"
HEADERS = {"User-Agent": DESKTOP_UA}


@pytest.mark.parametrize(
    ("domain", "base_url"), [("", "http://localhost"), (".example.org", "https://www.example.org")]
)
def test_the_consent_cookie_is_the_line_werkzeug_writes(
    environ: dict[str, str], config_copy: Path, domain: str, base_url: str
) -> None:
    app = edited_app(environ, config_copy, ('cookie_domain = ""', f'cookie_domain = "{domain}"'))
    body = {"site": "demo", "action": "custom", "choices": {"analytics": True}}
    r = app.test_client().post("/api/v1/consent", json=body, headers=HEADERS, base_url=base_url)
    assert r.status_code == 201, r.get_data(as_text=True)
    line = r.headers["Set-Cookie"]
    expires = next(part for part in line.split("; ") if part.startswith("Expires=")).removeprefix("Expires=")
    secure = base_url.startswith("https")
    expected = dump_cookie(
        "consent", r.get_json()["token"], 33696000, expires, "/", domain or None, secure, samesite="Lax"
    )
    assert line == expected
    assert abs(parse_date(expires).timestamp() - (time.time() + 33696000)) < 5  # type: ignore[union-attr]


def test_consent_round_trip(client: FlaskClient, redis: Any) -> None:
    r = post_consent(client, choices={"analytics": True, "advertising": False}, trackers={"xandr": False})
    assert r.status_code == 201
    body = r.get_json()
    assert set(body) == {"id", "token", "expires_at", "decision"}
    assert body["decision"]["allowed"]["first_party"] == ["session", "ga4"]
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith(f"consent={body['token']};")
    assert "SameSite=Lax" in cookie and "Max-Age=33696000" in cookie and "Secure" not in cookie

    d = client.get("/api/v1/decision?site=demo", headers={"X-Consent-Token": body["token"], **HEADERS})
    assert d.status_code == 200
    decision = d.get_json()
    assert decision["token_status"] == "valid" and decision["banner_required"] is False
    assert decision["consent"]["id"] == body["id"]
    assert decision["categories"]["analytics"] is True and decision["categories"]["advertising"] is False
    assert d.headers["Cache-Control"] == "private, no-store"
    assert {"Cookie", "X-Consent-Token", "DNT", "Sec-GPC", "Origin"} <= set(d.headers["Vary"].split(", "))

    stored = redis.get(keys.record("demo", body["id"]))
    assert load_record(stored, "demo").action == "custom" and "127.0.0.1" not in stored
    ttl = redis.ttl(keys.record("demo", body["id"]))
    assert 1825 * 86400 - 10 < ttl <= 1825 * 86400
    [(_, event)] = entries(redis, keys.logs("demo"))
    assert event == {"type": "given", "id": body["id"], "action": "custom"}


def test_token_sources_header_then_cookie_then_query(client: FlaskClient) -> None:
    token = post_consent(client, choices={"analytics": True}).get_json()["token"]
    assert client.get("/api/v1/decision?site=demo").get_json()["token_status"] == "valid"  # cookie jar
    client.delete_cookie("consent")
    assert client.get("/api/v1/decision?site=demo").get_json()["token_status"] == "missing"
    assert client.get(f"/api/v1/decision?site=demo&token={token}").get_json()["token_status"] == "valid"
    broken = token[:-1] + ("A" if token[-1] != "A" else "B")
    r = client.get(f"/api/v1/decision?site=demo&token={token}", headers={"X-Consent-Token": broken})
    assert r.get_json()["token_status"] == "invalid"


def test_a_tampered_token_counts_as_no_consent(client: FlaskClient) -> None:
    token = post_consent(client, action="accept_all").get_json()["token"]
    payload, rest = token.split(".", 1)
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + rest
    client.delete_cookie("consent")
    d = client.get("/api/v1/decision?site=demo", headers={"X-Consent-Token": forged}).get_json()
    assert d["token_status"] == "invalid" and d["banner_required"] is True
    assert d["allowed"]["ad_network"] == []


def test_dnt_is_shown_not_honored_and_logged(client: FlaskClient, app: Flask) -> None:
    r = post_consent(client, headers={"DNT": "1"}, choices={"analytics": True})
    dnt = r.get_json()["decision"]["signals"]["dnt"]
    assert dnt == {
        "present": True,
        "honored": False,
        "policy_version": "2015-02-01",
        "note": app.extensions["consent"].config.policy.dnt_notice,
    }
    [entry] = app.extensions["consent"].store.signal_log("demo", "dnt", 10)
    assert entry["honored"] == "false" and entry["policy_version"] == "2015-02-01"
    assert entry["reason"] == "policy: DNT not honored" and entry["consent_id"] == r.get_json()["id"]
    assert (entry["browser"], entry["device"], entry["event"]) == ("Chrome", "desktop", "consent_given")


def test_daily_counters_and_request_tally(client: FlaskClient, app: Flask) -> None:
    post_consent(client, headers={"DNT": "1", "Sec-GPC": "1"}, choices={"analytics": True})
    client.get("/api/v1/decision?site=demo", headers={"DNT": "1", **HEADERS})
    client.post("/api/v1/events", data='{"site":"demo","type":"shown"}', content_type="text/plain")
    svc = app.extensions["consent"]
    svc.flusher.flush()
    [counts] = svc.store.days("demo", [utc_today()]).values()
    assert counts["consents"] == 1 and counts["action:custom"] == 1 and counts["grant:analytics"] == 1
    assert "grant:necessary" not in counts and "grant:advertising" not in counts
    assert counts["device:desktop"] == 1 and counts["browser:Chrome"] == 1 and counts["os:Windows"] == 1
    assert counts["consents:dnt"] == 1 and counts["consents:gpc"] == 1
    assert counts["requests"] == 2 and counts["requests:dnt"] == 2 and counts["requests:gpc"] == 1
    assert counts["views"] == 1
    [gpc] = svc.store.signal_log("demo", "gpc", 10)
    assert gpc["honored"] == "true" and gpc["reason"] == "policy: GPC honored"


def test_withdrawal_records_clears_cookie_and_answers_the_new_decision(client: FlaskClient, app: Flask) -> None:
    first = post_consent(client, action="accept_all").get_json()
    r = client.delete("/api/v1/consent?site=demo")
    assert r.status_code == 200
    body = r.get_json()
    assert body["withdrawn"] == first["id"] and body["token_status"] == "missing"
    assert body["banner_required"] is True and body["allowed"]["ad_network"] == []
    assert "consent=;" in r.headers["Set-Cookie"] and "Max-Age=0" in r.headers["Set-Cookie"]
    record = app.extensions["consent"].store.record("demo", first["id"])
    assert record is not None and record.withdrawn_at is not None
    types = [e["type"] for _, e in entries(app.extensions["consent"].store.redis, keys.logs("demo"))]
    assert types == ["given", "withdrawn"]
    again = client.delete("/api/v1/consent?site=demo")
    assert again.status_code == 200 and again.get_json()["withdrawn"] is None


def test_an_update_links_to_the_previous_consent(client: FlaskClient, app: Flask) -> None:
    first = post_consent(client, action="reject_all").get_json()
    second = post_consent(client, action="accept_all").get_json()  # cookie jar sends the old token
    record = app.extensions["consent"].store.record("demo", second["id"])
    assert record.event == "updated" and record.replaces == first["id"]


def test_receipt_needs_the_matching_token(client: FlaskClient) -> None:
    body = post_consent(client, headers={"DNT": "1"}, choices={"beacons": True}, lang="fr").get_json()
    other = post_consent(client, action="reject_all").get_json()
    client.delete_cookie("consent")
    url = f"/api/v1/consent/{body['id']}?site=demo"
    r = client.get(url, headers={"X-Consent-Token": body["token"]})
    assert r.status_code == 200
    receipt = r.get_json()
    assert receipt["id"] == body["id"] and receipt["site"] == "demo" and receipt["lang"] == "fr"
    assert receipt["choices"]["beacons"] is True and receipt["policy_version"] == "2015-02-01"
    assert receipt["signals"]["dnt"] == {"present": True, "honored": False}
    assert len(receipt["banner_version"]) == 16 and receipt["device"] == "desktop"
    assert "ip" not in receipt
    for headers in ({}, {"X-Consent-Token": other["token"]}):
        r = client.get(url, headers=headers)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_raising_the_policy_version_makes_old_tokens_outdated(environ: dict[str, str], config_copy: Path) -> None:
    old = make_app({**environ, "BANNER_CONFIG": str(config_copy)}).test_client()
    token = post_consent(old, action="accept_all").get_json()["token"]
    new = edited_app(environ, config_copy, ('version = "2015-02-01"', 'version = "2026-11-01"')).test_client()
    d = new.get("/api/v1/decision?site=demo", headers={"X-Consent-Token": token}).get_json()
    assert d["token_status"] == "outdated" and d["banner_required"] is True


def test_rotating_the_key_keeps_old_tokens_valid_while_a_fallback(environ: dict[str, str]) -> None:
    old_key = environ["SECRET_KEY"]
    token = post_consent(make_app(environ).test_client(), action="accept_all").get_json()["token"]
    rotated = {**environ, "SECRET_KEY": "a-brand-new-key-0123456789", "SECRET_KEY_FALLBACKS": old_key}
    assert _status(make_app(rotated).test_client(), token) == "valid"
    dropped = {**environ, "SECRET_KEY": "a-brand-new-key-0123456789"}
    assert _status(make_app(dropped).test_client(), token) == "invalid"


def test_cors_allows_only_the_sites_origins(client: FlaskClient) -> None:
    r = client.get("/api/v1/decision?site=demo", headers={"Origin": ORIGIN})
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    pre = client.options(
        "/api/v1/consent?site=demo",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-Consent-Token" in pre.headers["Access-Control-Allow-Headers"]
    bad = client.options("/api/v1/consent", headers={"Origin": "https://evil.example"})
    assert bad.status_code == 403 and "Access-Control-Allow-Origin" not in bad.headers


def test_openapi_describes_every_endpoint(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    assert {"/api/v1/decision", "/api/v1/consent", "/api/v1/consent/{consent_id}", "/api/v1/events"} <= set(
        doc["paths"]
    )
    assert set(doc["paths"]["/api/v1/consent"]) == {"post", "delete"}


def _status(client: FlaskClient, token: str) -> str:
    return client.get("/api/v1/decision?site=demo", headers={"X-Consent-Token": token}).get_json()["token_status"]
