"""A/B variants in what the service keeps: the consent record and receipt name the variant and its
version hash, and shown events and consents are counted per variant, never per value sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from banner.core.regimes import Regime
from banner.store import keys
from banner.store.codec import dump_record, load_record
from tests.support import DESKTOP_UA, edited_app, post_consent, services_of, utc_today
from tests.support.variants import NO_TEST, TWO_VARIANTS


@pytest.fixture()
def variant_app(environ: dict[str, str], config_copy: Path) -> Flask:
    return edited_app(environ, config_copy, TWO_VARIANTS)


@pytest.fixture()
def visitor(variant_app: Flask) -> FlaskClient:
    return variant_app.test_client()


def day_counts(app: Flask) -> dict[str, int]:
    svc = services_of(app)
    svc.flusher.flush()
    return svc.store.days("demo", [utc_today()]).get(utc_today(), {})


def shown(client: FlaskClient, **body: Any) -> Any:
    body = {"site": "demo", "type": "shown", **body}
    return client.post("/api/v1/events", data=json.dumps(body), content_type="text/plain")


def test_the_record_and_the_receipt_name_the_variant_and_its_hash(variant_app: Flask, visitor: FlaskClient) -> None:
    answer = post_consent(visitor, variant="b", choices={"analytics": True})
    assert answer.status_code == 201
    consent = answer.get_json()
    receipt = visitor.get(f"/api/v1/consent/{consent['id']}?site=demo", headers={"X-Consent-Token": consent["token"]})
    assert receipt.status_code == 200
    versions = services_of(variant_app).banner_versions
    assert receipt.get_json()["variant"] == "b"
    assert receipt.get_json()["banner_version"] == versions[("demo", "en", Regime.OPT_IN, "b")]
    assert versions[("demo", "en", Regime.OPT_IN, "b")] != versions[("demo", "en", Regime.OPT_IN, "a")]
    stored = json.loads(services_of(variant_app).store.redis.get(keys.record("demo", consent["id"])))
    assert stored["vr"] == "b"
    assert services_of(variant_app).store.redis.keys("*:rec:*") != []  # what the refusal tests look for


@pytest.mark.parametrize("claimed", ["zzz", "a", "B", "", "variant:b:views"])
def test_a_variant_that_is_not_configured_is_recorded_and_counted_as_a(
    variant_app: Flask, visitor: FlaskClient, claimed: str
) -> None:
    consent = post_consent(visitor, variant=claimed, action="accept_all").get_json()
    assert shown(visitor, variant=claimed).status_code == 204
    record = services_of(variant_app).store.record("demo", consent["id"])
    assert record is not None and record.variant == "a"
    assert record.banner_version == services_of(variant_app).banner_versions[("demo", "en", Regime.OPT_IN, "a")]
    counts = day_counts(variant_app)
    assert {name for name in counts if name.startswith("variant:")} == {
        "variant:a:views",
        "variant:a:consents",
        "variant:a:action:accept_all",
        *(f"variant:a:grant:{c}" for c in ("preferences", "analytics", "advertising", "beacons", "social")),
    }


@pytest.mark.parametrize("variant", [5, None, ["b"], {"id": "b"}, True])
def test_a_variant_of_another_type_is_refused_and_writes_nothing(
    variant_app: Flask, visitor: FlaskClient, variant: Any
) -> None:
    for answer in (post_consent(visitor, variant=variant), shown(visitor, variant=variant)):
        assert answer.status_code == 400
        assert answer.get_json()["error"] == {"code": "bad_request", "message": "'variant' must be a string"}
    assert day_counts(variant_app) == {}
    assert services_of(variant_app).store.redis.keys("*:rec:*") == []


def test_views_and_consents_are_counted_per_variant(variant_app: Flask, visitor: FlaskClient) -> None:
    for variant in ("a", "b", "b", "b"):
        assert shown(visitor, variant=variant).status_code == 204
    assert shown(visitor).status_code == 204  # an older banner sends no variant: a
    post_consent(visitor, variant="b", choices={"analytics": True})
    post_consent(visitor, variant="b", action="reject_all")
    post_consent(visitor, variant="a", action="accept_all")
    bot = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}
    post_consent(visitor, headers=bot, variant="b", action="accept_all")
    counts = day_counts(variant_app)
    assert counts["views"] == 5 and counts["variant:a:views"] == 2 and counts["variant:b:views"] == 3
    assert counts["consents"] == 3 and counts["variant:a:consents"] == 1 and counts["variant:b:consents"] == 2
    assert counts["variant:b:action:custom"] == 1 and counts["variant:b:action:reject_all"] == 1
    assert counts["variant:b:grant:analytics"] == 1 and "variant:b:grant:advertising" not in counts
    assert counts["variant:a:grant:advertising"] == 1 and "variant:a:grant:necessary" not in counts
    assert counts["bot_consents"] == 1  # and in no variant's figures


def test_a_site_without_variants_counts_no_variant_and_records_a(environ: dict[str, str], config_copy: Path) -> None:
    app = edited_app(environ, config_copy, NO_TEST)
    client = app.test_client()
    consent = post_consent(client, variant="b").get_json()
    assert shown(client, variant="b").status_code == 204
    record = services_of(app).store.record("demo", consent["id"])
    assert record is not None and record.variant == "a"
    assert record.banner_version == services_of(app).banner_versions[("demo", "en", Regime.OPT_IN, "a")]
    counts = day_counts(app)
    assert counts["views"] == 1 and not [name for name in counts if name.startswith("variant:")]


def test_the_stored_record_leaves_variant_a_implied(client: FlaskClient, app: Flask) -> None:
    consent = post_consent(client, headers={"User-Agent": DESKTOP_UA}).get_json()
    stored = services_of(app).store.redis.get(keys.record("demo", consent["id"]))
    assert "vr" not in json.loads(stored)
    record = load_record(stored, "demo")
    assert record.variant == "a"
    assert load_record(dump_record(record), "demo") == record
