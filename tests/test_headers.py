"""Security headers: everywhere, HSTS only over https, a nonce CSP on dashboard pages."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from tests.support import edited_app


def test_every_response_has_nosniff_and_a_referrer_policy(client: FlaskClient) -> None:
    for path in ("/api/v1/decision?site=demo", "/healthz", "/dashboard/login", "/api/v1/nope"):
        r = client.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "same-origin"), path
        assert "Strict-Transport-Security" not in r.headers


def test_dashboard_pages_have_a_fresh_nonce_csp(client: FlaskClient) -> None:
    first, second = client.get("/dashboard/login"), client.get("/dashboard/login")
    csp = first.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce and nonce.group(1) not in second.headers["Content-Security-Policy"]
    assert first.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in client.get("/api/v1/decision?site=demo").headers


def test_hsts_over_https_only(client: FlaskClient) -> None:
    r = client.get("/healthz", base_url="https://consent.example.org")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_proto_is_trusted_only_behind_a_configured_proxy(
    environ: dict[str, str], config_copy: Path, client: FlaskClient
) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
    assert "Strict-Transport-Security" not in client.get("/healthz", headers=forwarded).headers
    proxied = edited_app(environ, config_copy, ("proxy_hops = 0", "proxy_hops = 1")).test_client()
    r = proxied.get("/healthz", headers=forwarded)
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    consent = proxied.post("/api/v1/consent", json={"site": "demo", "action": "reject_all"}, headers=forwarded)
    assert "Secure" in consent.headers["Set-Cookie"]
