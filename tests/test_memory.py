"""What Redis spends (``MEMORY USAGE``) per consent record and per site-day of counters."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from banner.core.consent import ConsentRecord
from banner.store import keys
from banner.store.codec import dump_record, load_record
from tests.support import DESKTOP_UA, services_of

MOBILE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
#: A consent at the large end: custom choices, tracker overrides, both signals, replacing another.
LARGE = {
    "site": "demo",
    "action": "custom",
    "choices": {"analytics": True, "advertising": True, "beacons": True, "preferences": True},
    "trackers": {"xandr": False, "quantcast": False, "youtube": True, "social_buttons": False},
}


def test_a_consent_record_takes_under_512_bytes(client: FlaskClient, redis: Any) -> None:
    headers = {"User-Agent": DESKTOP_UA, "DNT": "1", "Sec-GPC": "1"}
    first = client.post("/api/v1/consent", json=LARGE, headers=headers)
    again = client.post("/api/v1/consent", json=LARGE, headers=headers)  # replaces the first (cookie)
    assert first.status_code == again.status_code == 201
    record_key = keys.record("demo", again.get_json()["id"])
    assert load_record(redis.get(record_key), "demo").replaces == first.get_json()["id"]
    assert redis.memory_usage(record_key, samples=0) < 512


def test_the_stored_form_reads_back_as_the_same_record(client: FlaskClient, redis: Any) -> None:
    response = client.post("/api/v1/consent", json=LARGE, headers={"User-Agent": MOBILE_UA, "DNT": "1"})
    consent = response.get_json()
    receipt = client.get(f"/api/v1/consent/{consent['id']}?site=demo", headers={"X-Consent-Token": consent["token"]})
    stored = redis.get(keys.record("demo", consent["id"]))
    record = load_record(stored, "demo")
    assert {**record.to_json(), "status": "active"} == receipt.get_json()
    assert record.signals == {"dnt": {"present": True, "honored": False}, "gpc": {"present": False, "honored": False}}
    assert load_record(dump_record(record), "demo") == record


def test_records_in_the_long_form_still_read() -> None:
    long_form = ConsentRecord(
        id="AAAAAAAAAAAAAAAA",
        site="demo",
        event="given",
        action="reject_all",
        given_at="2025-03-01T10:00:00.5Z",
        expires_at="2026-03-26T10:00:00Z",
        policy_version="2015-02-01",
        banner_version="0123456789abcdef",
        lang="fr",
        choices={"necessary": True},
        trackers={},
        signals={},
        device="mobile",
        browser="Safari",
        os="iOS",
    )
    assert load_record(json.dumps(long_form.to_json()), "demo") == long_form
    assert json.loads(dump_record(long_form))["t"] == "2025-03-01T10:00:00.5Z"  # not a whole second: kept as text


def test_counters_grow_with_sites_and_days_not_with_visitors(client: FlaskClient, redis: Any) -> None:
    sizes = []
    for visitors in (2, 12):  # the rate limit per client allows a few dozen a minute
        for i in range(visitors):
            ua = DESKTOP_UA if i % 2 else MOBILE_UA
            action = ("accept_all", "reject_all")[i % 2]
            client.delete_cookie("consent")
            body = {"site": "demo", "action": action}
            response = client.post("/api/v1/consent", json=body, headers={"User-Agent": ua})
            assert response.status_code == 201
        services_of(client.application).flusher.flush()
        [day] = redis.keys(keys.day("demo", "*"))
        sizes.append((redis.hlen(day), redis.memory_usage(day, samples=0)))
    (fields_before, bytes_before), (fields_after, bytes_after) = sizes
    assert fields_before == fields_after  # same browsers, devices, actions: no new field
    assert abs(bytes_after - bytes_before) <= 16 and bytes_after < 2048  # only the counts' digits changed
