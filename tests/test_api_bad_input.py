"""Bad input gets the SPEC's 4xx JSON error and writes nothing (Redis and counters untouched)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from banner.core.clock import utc_now
from banner.core.tokens import ConsentClaim, TokenSigner
from tests.support import SECRET

JSON = "application/json"
GOOD = {"site": "demo", "action": "custom", "choices": {"analytics": True}}


def _forged_token() -> str:
    claim = ConsentClaim("AbCdEfGhIjKlMnOp", "demo", "2015-02-01", {"advertising": True}, issued_at=utc_now())
    return TokenSigner(["not-the-server-key-0123"], 3600).sign(claim)


def body(**changes: Any) -> str:
    return json.dumps({**GOOD, **changes})


CONSENT_CASES = [
    ("not json", "{site: demo", JSON, 400, "bad_json"),
    ("array", "[1, 2]", JSON, 400, "bad_request"),
    ("null", "null", JSON, 400, "bad_request"),
    ("deep", "[" * 4000 + "]" * 4000, JSON, 400, "bad_json"),
    ("wrong type", "hello", "text/plain", 415, "unsupported_media_type"),
    ("form", "site=demo", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("too large", body(pad="x" * 9000), JSON, 413, "too_large"),
    ("unknown site", body(site="nope"), JSON, 404, "unknown_site"),
    ("site not a string", body(site=["demo"]), JSON, 400, "bad_request"),
    ("missing site", json.dumps({"action": "accept_all"}), JSON, 400, "bad_request"),
    ("unknown category", body(choices={"tracking": True}), JSON, 400, "bad_request"),
    ("choice not bool", body(choices={"analytics": "yes"}), JSON, 400, "bad_request"),
    ("choices not object", body(choices=["analytics"]), JSON, 400, "bad_request"),
    ("unknown tracker", body(trackers={"evil": True}), JSON, 400, "bad_request"),
    ("tracker not bool", body(trackers={"ga4": 1}), JSON, 400, "bad_request"),
    ("overrides with accept_all", body(action="accept_all", trackers={"ga4": False}), JSON, 400, "bad_request"),
    ("bad action", body(action="accept_some"), JSON, 400, "bad_request"),
    ("bad lang", body(lang="de"), JSON, 400, "bad_request"),
    ("unknown field", body(ip="1.2.3.4"), JSON, 400, "bad_request"),
    ("invalid utf-8", b'{"site": "\xff"}', JSON, 400, "bad_json"),
]


def assert_wrote_nothing(app: Flask, redis: Any) -> None:
    assert redis.dbsize() == 0
    assert len(app.extensions["consent"].tally) == 0


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]


@pytest.mark.parametrize(
    ("name", "data", "mimetype", "status", "code"), CONSENT_CASES, ids=[c[0] for c in CONSENT_CASES]
)
def test_bad_consent_bodies(
    client: FlaskClient, app: Flask, redis: Any, name: str, data: Any, mimetype: str, status: int, code: str
) -> None:
    assert_error(client.post("/api/v1/consent", data=data, content_type=mimetype), status, code)
    assert_wrote_nothing(app, redis)


def test_disallowed_origin_is_refused_and_writes_nothing(client: FlaskClient, app: Flask, redis: Any) -> None:
    headers = {"Origin": "https://evil.example"}
    assert_error(
        client.post("/api/v1/consent", data=body(), content_type=JSON, headers=headers), 403, "origin_not_allowed"
    )
    assert_error(client.get("/api/v1/decision?site=demo", headers=headers), 403, "origin_not_allowed")
    assert_error(client.delete("/api/v1/consent?site=demo", headers=headers), 403, "origin_not_allowed")
    event = client.post("/api/v1/events", data='{"site":"demo","type":"shown"}', content_type=JSON, headers=headers)
    assert_error(event, 403, "origin_not_allowed")
    assert_wrote_nothing(app, redis)


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/decision", 400, "bad_request"),
        ("/api/v1/decision?site=", 400, "bad_request"),
        ("/api/v1/decision?site=nope", 404, "unknown_site"),
        ("/api/v1/decision?site=" + "x" * 5000, 404, "unknown_site"),
        ("/api/v1/consent/AbCdEfGhIjKlMnOp", 400, "bad_request"),
        ("/api/v1/consent/not-an-id?site=demo", 404, "not_found"),
        ("/api/v1/consent/AbCdEfGhIjKlMnOp?site=demo", 404, "not_found"),
        ("/api/v1/nothing-here", 404, "not_found"),
    ],
)
def test_bad_queries(client: FlaskClient, app: Flask, redis: Any, path: str, status: int, code: str) -> None:
    assert_error(client.get(path), status, code)
    assert_wrote_nothing(app, redis)


@pytest.mark.parametrize(
    ("data", "mimetype", "status", "code"),
    [
        ('{"site":"demo","type":"clicked"}', JSON, 400, "bad_request"),
        ('{"site":"nope","type":"shown"}', "text/plain", 404, "unknown_site"),
        ('{"site":"demo","type":"shown","n":5}', JSON, 400, "bad_request"),
        ("shown", "text/plain", 400, "bad_json"),
        ('{"site":"demo","type":"shown"}', "application/octet-stream", 415, "unsupported_media_type"),
    ],
)
def test_bad_events(
    client: FlaskClient, app: Flask, redis: Any, data: str, mimetype: str, status: int, code: str
) -> None:
    assert_error(client.post("/api/v1/events", data=data, content_type=mimetype), status, code)
    assert_wrote_nothing(app, redis)


@pytest.mark.parametrize(
    "token",
    [
        _forged_token(),
        "eyJjIjp7fX0.abc.def",
        "....",
        "x" * 4000,
        TokenSigner([SECRET], 3600).sign(
            ConsentClaim("AbCdEfGhIjKlMnOp", "demo", "2015-02-01", {}, issued_at=utc_now())
        )[:-5],
    ],
)
def test_forged_truncated_and_resigned_tokens_count_as_no_consent(client: FlaskClient, redis: Any, token: str) -> None:
    d = client.get("/api/v1/decision?site=demo", headers={"X-Consent-Token": token})
    assert d.status_code == 200 and d.get_json()["token_status"] == "invalid"
    receipt = client.get("/api/v1/consent/AbCdEfGhIjKlMnOp?site=demo", headers={"X-Consent-Token": token})
    assert_error(receipt, 404, "not_found")
    withdraw = client.delete("/api/v1/consent?site=demo", headers={"X-Consent-Token": token})
    assert withdraw.status_code == 200 and withdraw.get_json()["withdrawn"] is None
    assert redis.dbsize() == 0


def test_wrong_method_is_a_json_405(client: FlaskClient) -> None:
    r = client.put("/api/v1/consent", json=GOOD)
    assert_error(r, 405, "method_not_allowed")
    assert "POST" in r.headers["Allow"]


#: How a WSGI server passes a chunked request body: no length, and the stream ends where the body does.
CHUNKED = {"wsgi.input_terminated": True, "CONTENT_LENGTH": ""}


def post_chunked(client: FlaskClient, data: bytes) -> Any:
    stream = io.BytesIO(data)
    return client.post("/api/v1/consent", input_stream=stream, content_type=JSON, environ_overrides=CHUNKED)


@pytest.mark.parametrize("size", [8 * 1024 + 1, 9000, 70_000])
def test_a_chunked_body_over_the_limit_is_413_not_cut(client: FlaskClient, app: Flask, redis: Any, size: int) -> None:
    """Without Content-Length the size is only known while reading: the body is refused, never truncated."""
    assert_error(post_chunked(client, body(pad="x" * size).encode()), 413, "too_large")
    assert_wrote_nothing(app, redis)


def test_a_chunked_body_within_the_limit_is_accepted(client: FlaskClient) -> None:
    assert post_chunked(client, body().encode()).status_code == 201
