"""A withdrawn or replaced consent stops counting: in the decision, the VAST answer and the receipt."""

from __future__ import annotations

import base64
import random
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from banner.store import keys
from banner.store.revocations import IdSet, id_bits
from tests.support import DESKTOP_UA, make_app, post_consent, services_of

VAST_TAG = "https://pubads.g.doubleclick.net/gampad/ads?iu=/demo&gdpr=[GDPR]"


def decision(client: FlaskClient, token: str) -> Any:
    response = client.get("/api/v1/decision?site=demo", headers={"X-Consent-Token": token, "User-Agent": DESKTOP_UA})
    assert response.status_code == 200
    return response.get_json()


def vast(client: FlaskClient, token: str) -> Any:
    response = client.get(
        "/api/v1/vast", query_string={"site": "demo", "url": VAST_TAG}, headers={"X-Consent-Token": token}
    )
    assert response.status_code == 200
    return response.get_json()


def test_a_withdrawn_token_stops_counting_everywhere(client: FlaskClient) -> None:
    given = post_consent(client, action="accept_all").get_json()
    token = given["token"]
    assert decision(client, token)["token_status"] == "valid"  # also cached by the worker now
    assert vast(client, token)["allowed"] is True

    withdrawn = client.delete("/api/v1/consent?site=demo", headers={"X-Consent-Token": token})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["withdrawn"] == given["id"]

    after = decision(client, token)
    assert after["token_status"] == "revoked" and after["banner_required"] is True
    assert after["consent"] is None
    assert after["allowed"]["ad_network"] == [] and after["allowed"]["vast"] == []
    assert after["google_consent_mode"]["ad_storage"] == "denied"
    assert vast(client, token) == {**vast(client, token), "allowed": False, "url": None}
    receipt = client.get(f"/api/v1/consent/{given['id']}?site=demo", headers={"X-Consent-Token": token})
    assert receipt.status_code == 200
    assert receipt.get_json()["status"] == "withdrawn" and receipt.get_json()["withdrawn_at"]


def test_a_replaced_token_stops_counting(client: FlaskClient) -> None:
    first = post_consent(client, action="accept_all").get_json()
    second = post_consent(client, action="reject_all", headers={"X-Consent-Token": first["token"]}).get_json()
    assert decision(client, first["token"])["token_status"] == "revoked"
    assert decision(client, first["token"])["allowed"]["ad_network"] == []
    assert decision(client, second["token"])["token_status"] == "valid"
    old = client.get(f"/api/v1/consent/{first['id']}?site=demo", headers={"X-Consent-Token": first["token"]})
    assert old.get_json()["status"] == "replaced"
    new = client.get(f"/api/v1/consent/{second['id']}?site=demo", headers={"X-Consent-Token": second["token"]})
    assert new.get_json()["status"] == "active" and new.get_json()["replaces"] == first["id"]


def test_another_worker_learns_a_revocation_at_its_next_refresh(app: Flask, environ: dict[str, str]) -> None:
    other = make_app(environ)
    here, there = app.test_client(), other.test_client()
    token = post_consent(here, action="accept_all").get_json()["token"]
    assert decision(there, token)["token_status"] == "valid"
    here.delete("/api/v1/consent?site=demo", headers={"X-Consent-Token": token})
    assert decision(here, token)["token_status"] == "revoked"  # at once where it happened
    services_of(other).flusher.flush()  # what the background refresh does every FLUSH_INTERVAL
    assert decision(there, token)["token_status"] == "revoked"


def test_a_worker_started_later_loads_every_revocation(app: Flask, environ: dict[str, str]) -> None:
    client = app.test_client()
    token = post_consent(client, action="accept_all").get_json()["token"]
    client.delete("/api/v1/consent?site=demo", headers={"X-Consent-Token": token})
    assert decision(make_app(environ).test_client(), token)["token_status"] == "revoked"


def test_revocations_leave_once_no_token_can_carry_them(client: FlaskClient, redis: Any) -> None:
    given = post_consent(client, action="accept_all").get_json()
    withdraw = {"X-Consent-Token": given["token"]}
    client.delete("/api/v1/consent?site=demo", headers=withdraw)
    revoked = keys.revoked("demo", keys.bucket_of(given["id"]))
    [(_member, score)] = redis.zrange(revoked, 0, -1, withscores=True)
    redis.zadd(revoked, {"OldIdOldIdOldId0": score - 391 * 86400 * 1000})
    client.delete("/api/v1/consent?site=demo", headers=withdraw)  # any write in the bucket trims it
    assert redis.zrange(revoked, 0, -1) == [given["id"]]


def test_the_id_set_finds_every_member_across_merges() -> None:
    rng = random.Random(7)
    ids = [base64.urlsafe_b64encode(rng.randbytes(12)).decode() for _ in range(10_000)]
    members = IdSet(id_bits(i) for i in ids[:100])
    for start in range(100, 10_000, 700):
        members.update(id_bits(i) for i in ids[start : start + 700])
    assert all(id_bits(i) in members for i in ids)
    assert id_bits("Zzzzzzzzzzzzzzzz") not in members and id_bits("-AAAAAAAAAAAAAAA") not in members
    assert len(members) == 10_000
